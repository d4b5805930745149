"""Calendar feed tokens, stored as hashes only, each for a team, a member or a role."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, or_, select, update

from rota.store.core import StoreCore
from rota.store.records import FeedToken, FeedTokenKind
from rota.store.schema import FeedTokenRow


class FeedTokenStore(StoreCore):
    """Calendar feed tokens (part of :class:`rota.store.Store`)."""

    def add_feed_token(
        self,
        *,
        token_hash: str,
        kind: FeedTokenKind,
        team_id: str | None = None,
        member_id: str | None = None,
        role: str | None = None,
    ) -> FeedToken:
        """Store a new feed token's hash (hash the token before calling; never pass it)."""
        with self._transaction(write=True) as connection:
            row = connection.execute(
                insert(FeedTokenRow)
                .values(
                    token_hash=token_hash,
                    kind=kind,
                    team_id=team_id,
                    member_id=member_id,
                    role=role,
                    created_at=self._now(),
                )
                .returning(*_FEED_TOKEN_COLUMNS)
            ).one()
        return _feed_token(row)

    def find_feed_token(self, token_hash: str) -> FeedToken | None:
        """The active (not revoked) feed token with this hash, or None."""
        with self._transaction() as connection:
            row = connection.execute(
                select(*_FEED_TOKEN_COLUMNS).where(
                    FeedTokenRow.token_hash == token_hash, FeedTokenRow.revoked_at.is_(None)
                )
            ).first()
        return None if row is None else _feed_token(row)

    def list_feed_tokens(self) -> list[FeedToken]:
        """Every feed token (hashes only), revoked ones included, oldest first."""
        with self._transaction() as connection:
            rows = connection.execute(select(*_FEED_TOKEN_COLUMNS).order_by(FeedTokenRow.id))
            return [_feed_token(row) for row in rows]

    def record_feed_use(
        self, token_id: int, at: datetime, *, every: timedelta = timedelta(minutes=1)
    ) -> bool:
        """Set the token's ``last_used_at`` to ``at`` unless it was set less than ``every`` before.

        A busy feed writes at most once per ``every``; the condition is in the UPDATE, so
        several servers do not race. Returns whether a row was written.
        """
        with self._transaction(write=True) as connection:
            result = connection.execute(
                update(FeedTokenRow)
                .where(
                    FeedTokenRow.id == token_id,
                    or_(
                        FeedTokenRow.last_used_at.is_(None),
                        FeedTokenRow.last_used_at <= at - every,
                    ),
                )
                .values(last_used_at=at)
            )
            return result.rowcount > 0

    def revoke_feed_token(self, token_id: int) -> bool:
        """Revoke feed token ``token_id``; False when there is no such active token."""
        with self._transaction(write=True) as connection:
            result = connection.execute(
                update(FeedTokenRow)
                .where(FeedTokenRow.id == token_id, FeedTokenRow.revoked_at.is_(None))
                .values(revoked_at=self._now())
            )
            return result.rowcount > 0


_FEED_TOKEN_COLUMNS = (
    FeedTokenRow.id,
    FeedTokenRow.kind,
    FeedTokenRow.team_id,
    FeedTokenRow.member_id,
    FeedTokenRow.role,
    FeedTokenRow.created_at,
    FeedTokenRow.revoked_at,
    FeedTokenRow.last_used_at,
)


def _feed_token(row: Sequence[Any]) -> FeedToken:
    """A row of :data:`_FEED_TOKEN_COLUMNS` as a record."""
    return FeedToken(*row)
