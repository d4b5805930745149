"""Feed tokens as people see them: which feeds exist, for whom, and when they were last used.

The store keeps only each token's hash; these helpers pick the tokens that concern a team and
describe them the same way for ``rota feed list``, ``GET /v1/feeds`` and the team page.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime

from rota.store import FeedToken


def tokens_of_team(
    tokens: Iterable[FeedToken], team_id: str, member_ids: Collection[str]
) -> list[FeedToken]:
    """The active team and role feeds of ``team_id`` and the member feeds of its members."""
    return [
        token
        for token in tokens
        if token.revoked_at is None
        and (token.team_id == team_id if token.kind != "member" else token.member_id in member_ids)
    ]


def minute_text(instant: datetime | None) -> str | None:
    """An instant to the minute, RFC 3339 in UTC (None stays None).

    >>> minute_text(datetime(2027, 1, 4, 9, 30, 59, tzinfo=UTC))
    '2027-01-04T09:30:00Z'
    """
    if instant is None:
        return None
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:00Z")


def token_view(token: FeedToken) -> dict[str, object]:
    """One feed for listings: id, kind, team, role, member, created and last used (minutes)."""
    return {
        "id": token.id,
        "kind": token.kind,
        "team": token.team_id,
        "role": token.role,
        "member": token.member_id,
        "created": minute_text(token.created_at),
        "last_used": minute_text(token.last_used_at),
    }


__all__ = ["minute_text", "token_view", "tokens_of_team"]
