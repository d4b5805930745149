"""What the store returns besides schedules: frozen records of teams, versions and secrets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

ApiScope = Literal["read", "write"]


@dataclass(frozen=True, slots=True)
class TeamInfo:
    """A team known to the store, with its newest schedule version."""

    id: str
    name: str
    timezone: str
    latest_version: int | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One stored schedule version of a team, without its shifts."""

    version: int
    created_at: datetime
    horizon_start: datetime
    horizon_end: datetime
    shift_count: int
    config_name: str
    meta: Mapping[str, object]


FeedTokenKind = Literal["team", "member", "role"]


@dataclass(frozen=True, slots=True)
class FeedToken:
    """A calendar feed's access token as stored (the token itself is never stored)."""

    id: int
    kind: str
    team_id: str | None
    member_id: str | None
    role: str | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None = None
    """When a feed client last fetched it, recorded at most once a minute."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key as stored: its name, scope and hash (the key itself is never stored)."""

    id: int
    name: str
    key_hash: str
    scope: str
    created_at: datetime
    revoked_at: datetime | None


JobStatus = Literal["queued", "running", "done", "failed"]


@dataclass(frozen=True, slots=True)
class JobRecord:
    """A queued solve as the job queue and the store know it.

    ``attempts`` counts its runs: more than one when it was retried after a failure that may
    pass, or after its worker stopped answering. ``error`` says why a failed job failed.
    """

    id: int
    team_id: str
    file: str
    status: JobStatus
    version: int | None
    attempts: int
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


DeliveryStatus = Literal["pending", "delivered", "failed", "skipped", "withdrawn"]


@dataclass(frozen=True, slots=True)
class DueNotice:
    """A notice due for one webhook, to be recorded (``skipped`` when it is already too late)."""

    notice_id: str
    webhook: str
    team_id: str
    kind: str
    due_at: datetime
    status: DeliveryStatus = "pending"


@dataclass(frozen=True, slots=True)
class Delivery:
    """The store's record of one notice for one webhook (docs/notifications.md)."""

    id: int
    notice_id: str
    webhook: str
    team_id: str
    kind: str
    due_at: datetime
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    finished_at: datetime | None
