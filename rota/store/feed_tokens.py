"""Calendar feed tokens, stored as hashes only, each for a team, a member or a role."""

from __future__ import annotations

from sqlalchemy import insert, select, update

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
        return FeedToken(*row)

    def find_feed_token(self, token_hash: str) -> FeedToken | None:
        """The active (not revoked) feed token with this hash, or None."""
        with self._transaction() as connection:
            row = connection.execute(
                select(*_FEED_TOKEN_COLUMNS).where(
                    FeedTokenRow.token_hash == token_hash, FeedTokenRow.revoked_at.is_(None)
                )
            ).first()
        return None if row is None else FeedToken(*row)

    def list_feed_tokens(self) -> list[FeedToken]:
        """Every feed token (hashes only), revoked ones included, oldest first."""
        with self._transaction() as connection:
            rows = connection.execute(select(*_FEED_TOKEN_COLUMNS).order_by(FeedTokenRow.id))
            return [FeedToken(*row) for row in rows]

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
)
