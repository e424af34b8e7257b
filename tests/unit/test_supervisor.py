"""The supervisor's restart backoff: a child that keeps crashing is not restarted in a loop."""

from __future__ import annotations

from claimwatch_app.supervisor import MAX_RESTART_DELAY_S, restart_delay_s


def test_restart_delay_doubles_up_to_a_cap() -> None:
    assert [restart_delay_s(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert restart_delay_s(50) == MAX_RESTART_DELAY_S
