"""API keys, stored as hashes only (the key itself is never stored), with a read or write scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from rota.errors import StoreError, UsageError
from rota.store.core import StoreCore
from rota.store.records import ApiKey, ApiScope
from rota.store.schema import ApiKeyRow


class ApiKeyStore(StoreCore):
    """API keys (part of :class:`rota.store.Store`)."""

    def add_api_key(self, name: str, *, key_hash: str, scope: ApiScope) -> ApiKey:
        """Store a new API key's hash (hash the key before calling; never pass the key).

        Raises:
            UsageError: an active key already has this name.
        """
        try:
            with self._transaction(write=True) as connection:
                row = connection.execute(
                    insert(ApiKeyRow)
                    .values(name=name, key_hash=key_hash, scope=scope, created_at=self._now())
                    .returning(*_API_KEY_COLUMNS)
                ).one()
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise UsageError(
                    f"an API key named {name!r} already exists; revoke it first"
                ) from exc.__cause__
            raise
        return _api_key(row)

    def find_api_key(self, key_hash: str) -> ApiKey | None:
        """The active (not revoked) key with this hash, or None."""
        with self._transaction() as connection:
            row = connection.execute(
                select(*_API_KEY_COLUMNS).where(
                    ApiKeyRow.key_hash == key_hash, ApiKeyRow.revoked_at.is_(None)
                )
            ).first()
        return None if row is None else _api_key(row)

    def list_api_keys(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with self._transaction() as connection:
            rows = connection.execute(select(*_API_KEY_COLUMNS).order_by(ApiKeyRow.id))
            return [_api_key(row) for row in rows]

    def revoke_api_key(self, name: str) -> bool:
        """Revoke the active key called ``name``; False when there is none."""
        with self._transaction(write=True) as connection:
            result = connection.execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.name == name, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=self._now())
            )
            return result.rowcount > 0


_API_KEY_COLUMNS = (
    ApiKeyRow.id,
    ApiKeyRow.name,
    ApiKeyRow.key_hash,
    ApiKeyRow.scope,
    ApiKeyRow.created_at,
    ApiKeyRow.revoked_at,
)


def _api_key(row: Row[*tuple[Any, ...]]) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        key_hash=row.key_hash,
        scope=row.scope,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )
