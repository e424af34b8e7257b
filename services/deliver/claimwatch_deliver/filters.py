"""Which alerts a subscription wants: a pure predicate over the alert and its filters."""

from __future__ import annotations

from claimwatch.models import OPT_IN_KINDS, SEVERITY_RANK, Alert, SubscriptionFilters


def matches(alert: Alert, filters: SubscriptionFilters) -> bool:
    """True when ``alert`` passes every non-empty filter (empty lists mean "any").

    Opt-in kinds (figure updates) never page a subscription that did not name them: a toll
    that rises is worth a timeline, not a pager."""
    if filters.kinds and alert.kind not in filters.kinds:
        return False
    if not filters.kinds and alert.kind in OPT_IN_KINDS:
        return False
    if filters.rules and alert.rule not in filters.rules:
        return False
    if SEVERITY_RANK[alert.severity] < SEVERITY_RANK[filters.min_severity]:
        return False
    return not (filters.entity_ids and not set(filters.entity_ids) & set(alert.entity_ids))
