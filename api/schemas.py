"""Response and request bodies of the HTTP API (pydantic; times are RFC 3339 UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from rota.config import ID_PATTERN
from rota.instants import SubSecondInstant, exact_second, instant_text_problem
from rota.text import REASON_MAX, text_problem


def _instant_text(value: object) -> object:
    problem = instant_text_problem(value)
    if problem is not None:
        raise PydanticCustomError("instant", problem)
    return value


def _whole_second(value: datetime) -> datetime:
    try:
        return exact_second(value)
    except SubSecondInstant as exc:
        raise PydanticCustomError("instant", str(exc)) from None


def _reason(value: str | None) -> str | None:
    problem = None if value is None else text_problem(value, REASON_MAX)
    if problem is not None:
        raise PydanticCustomError("text", problem)
    return value


Instant = Annotated[datetime, BeforeValidator(_instant_text)]
"""An instant to look up, as RFC 3339 text (routes floor it to its second: rota.instants)."""
ExactInstant = Annotated[datetime, BeforeValidator(_instant_text), AfterValidator(_whole_second)]
"""An instant to store or match exactly: RFC 3339 text, whole seconds."""
TeamId = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
"""A team id as the team file allows it (lowercase letters, digits and '-')."""
Reason = Annotated[str | None, AfterValidator(_reason)]
"""One line of printable text, at most ``REASON_MAX`` characters."""


class _Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class ErrorPublic(_Public):
    detail: str = Field(description="What is wrong, in one sentence.")


class Interval(_Public):
    start: datetime
    end: datetime


class TeamPublic(_Public):
    id: str
    name: str
    timezone: str
    latest_version: int | None
    updated_at: datetime


class TeamsPublic(_Public):
    teams: list[TeamPublic]


class PersonPublic(_Public):
    id: str
    name: str
    email: str | None
    timezone: str


class HolderPublic(PersonPublic):
    source: Literal["planned", "override"]
    override_id: int | None = None


class PagedPublic(PersonPublic):
    via: str = Field(
        description="The target role that resolved to this person, 'member' for a target naming "
        "a member, or 'contact' for a target naming a contact (someone outside the rotation)."
    )
    phone: str | None = Field(
        description="A contact's phone number; null for members and contacts without one."
    )


class SkippedPublic(_Public):
    id: str
    reason: str = Field(description="Why the member is not paged, e.g. 'vacation until ...'.")
    until: datetime | None = None
    via: str | None = Field(default=None, description="As the paged members' 'via'.")


class LevelPublic(_Public):
    level: int = Field(description="1 is paged first.")
    ack_timeout_minutes: int
    members: list[PagedPublic]
    skipped: list[SkippedPublic]


class RoleChangePublic(_Public):
    from_: str | None = Field(alias="from", serialization_alias="from")
    to: str | None

    model_config = ConfigDict(frozen=True, populate_by_name=True)


class HandoffPublic(_Public):
    at: datetime
    changes: dict[str, RoleChangePublic]


class OnCallPublic(_Public):
    team: str
    at: datetime
    shift: Interval
    holders: dict[str, HolderPublic]
    severity: str | None
    repeat: int = Field(description="How many times paging code walks the whole chain.")
    levels: list[LevelPublic]
    next_handoff: HandoffPublic | None


class ShiftPublic(_Public):
    start: datetime
    end: datetime
    assignments: dict[str, str] = Field(description="role -> member id")


class SchedulePublic(_Public):
    team: str
    version: int | None
    horizon: Interval
    shifts: list[ShiftPublic]


class MemberShiftPublic(_Public):
    team: str
    role: str
    start: datetime
    end: datetime


class MemberShiftsPublic(_Public):
    member: str
    shifts: list[MemberShiftPublic]


class OverrideCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member: str = Field(description="Member id who takes the role.")
    role: str
    start: ExactInstant = Field(description="RFC 3339 instant with offset, whole seconds.")
    end: ExactInstant = Field(description="RFC 3339 instant with offset, whole seconds.")
    reason: Reason = Field(
        default=None, description=f"One line of printable text, at most {REASON_MAX} characters."
    )


class OverridePublic(_Public):
    id: int
    team: str
    role: str
    member: str
    start: datetime
    end: datetime
    reason: str | None
    created_at: datetime | None
    created_by: str | None
    state: Literal["active", "suspended"] = Field(
        description="suspended: stored, but it does not fit the current schedule version "
        "(member gone or away, role gone, or two roles at once); the planned holder pages."
    )
    suspended_because: str | None = Field(description="Why it is suspended; null when active.")


class OverridesPublic(_Public):
    overrides: list[OverridePublic]


class AbsenceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member: str = Field(description="Member id who is away.")
    start: str = Field(
        description="A date (YYYY-MM-DD: whole member-local days) or an RFC 3339 instant with "
        "offset, whole seconds."
    )
    end: str = Field(
        description="A date (inclusive: that whole member-local day) or an RFC 3339 instant "
        "with offset (exclusive)."
    )
    reason: Reason = Field(
        default=None, description=f"One line of printable text, at most {REASON_MAX} characters."
    )


class AbsencePublic(_Public):
    id: int
    team: str
    member: str
    start: datetime
    end: datetime
    reason: str | None
    created_at: datetime | None
    created_by: str | None


class AbsencesPublic(_Public):
    absences: list[AbsencePublic]


class AbsenceReplanPublic(_Public):
    absence: AbsencePublic
    version: int = Field(description="The schedule version published around the absence.")
    changes: list[str] = Field(description="Who covers what, one sentence per change.")
    night_hours: dict[str, float] = Field(
        description="Per member, night hours gained (+) or lost (-) by the re-plan."
    )


class HealthPublic(_Public):
    status: Literal["ok"]
    teams: int
