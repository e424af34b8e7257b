"""Claims keep what extract says about their fact (issue 15's ``Claim.fact``): its plain-words
description, whether it is the story's current figure, and whether it is the whole figure.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fact_description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("fact_time", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("fact_scope", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("fact_scope")
        batch_op.drop_column("fact_time")
        batch_op.drop_column("fact_description")
