"""The team file (SPEC §2) as strict pydantic v2 models, and ``load_config``.

Every key has a default except ``team.id``, ``team.timezone``, ``horizon.start``,
``rotation.kind`` and each member's ``id`` and ``timezone``. Unknown keys are errors with a
"did you mean" hint. Field-level problems come from pydantic; checks that span several parts of
the file (member ids, roles, escalation targets) run afterwards; all problems of a file are
reported together, one line each, naming the file, the YAML path and the value.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from rota.errors import ConfigError, Problem
from rota.model import OffHoursPolicy, RotationKind, WeekendSplit
from rota.yamlfile import YamlDocument, YamlPath, format_path, read_yaml

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_time_of_day(value: Any) -> time:
    """Parse ``"HH:MM"`` (``"24:00"`` is accepted as the end of the day, read as 00:00).

    >>> parse_time_of_day("9:30")
    datetime.time(9, 30)
    """
    if isinstance(value, time):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise PydanticCustomError(
            "time_of_day", "expected a time of day as \"HH:MM\" (e.g. \"09:00\")"
        )
    match = _TIME_RE.match(value.strip())
    if not match:
        raise PydanticCustomError(
            "time_of_day", "expected a time of day as \"HH:MM\" (e.g. \"09:00\")"
        )
    hours, minutes = int(match.group(1)), int(match.group(2))
    if (hours, minutes) == (24, 0):
        return time(0, 0)
    if hours > 23 or minutes > 59:
        raise PydanticCustomError("time_of_day", "hour must be 0-23 and minute 0-59")
    return time(hours, minutes)


TimeOfDay = Annotated[time, Field(json_schema_extra={"format": "HH:MM"})]


def _zone(value: Any) -> ZoneInfo:
    if isinstance(value, ZoneInfo):
        return value
    if not isinstance(value, str) or not value:
        raise PydanticCustomError("time_zone", "expected an IANA time zone name such as Europe/Warsaw")
    try:
        if value != value.strip() or value.startswith("/") or ".." in value:
            raise ZoneInfoNotFoundError(value)
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError) as exc:
        hint = _zone_hint(value)
        raise PydanticCustomError(
            "time_zone", "unknown time zone{hint}", {"hint": hint}
        ) from exc


@cache
def _all_zones() -> tuple[str, ...]:
    from zoneinfo import available_timezones

    return tuple(sorted(available_timezones()))


def _zone_hint(value: str) -> str:
    close = difflib.get_close_matches(value.strip(), _all_zones(), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else " (expected an IANA name such as Europe/Warsaw)"


@cache
def supported_countries() -> frozenset[str]:
    import holidays

    return frozenset(holidays.list_supported_countries())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Window(_Strict):
    """A local time-of-day window; ``end <= start`` crosses midnight, ``end == start`` is all day."""

    start: TimeOfDay
    end: TimeOfDay

    _parse = field_validator("start", "end", mode="before")(
        lambda v: parse_time_of_day(v)  # noqa: PLW0108
    )


class TeamSection(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
    name: str | None = None
    timezone: ZoneInfo

    _zone = field_validator("timezone", mode="before")(_zone)


class HorizonSection(_Strict):
    start: date
    weeks: Annotated[int, Field(ge=1, le=104, strict=True)] = 4

    @field_validator("start", mode="before")
    @classmethod
    def _plain_date(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            raise PydanticCustomError("date", "expected a date (YYYY-MM-DD), not a date and time")
        return value


class ShiftHours(_Strict):
    min: Annotated[float, Field(ge=1, le=24)] = 4
    max: Annotated[float, Field(ge=1, le=24)] = 6

    @model_validator(mode="after")
    def _ordered(self) -> ShiftHours:
        if self.min > self.max:
            raise PydanticCustomError(
                "range_order", "min ({min}) must not exceed max ({max})",
                {"min": self.min, "max": self.max},
            )
        for value in (self.min, self.max):
            if (value * 4) != int(value * 4):
                raise PydanticCustomError(
                    "quarter_hours", "shift lengths must be whole quarter hours"
                )
        return self


class RotationSection(_Strict):
    kind: RotationKind
    roles: Annotated[list[Annotated[str, Field(pattern=ID_PATTERN)]], Field(min_length=1)] = [
        "primary"
    ]
    handoff: TimeOfDay = time(9, 0)
    handoff_day: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = "monday"
    shift_hours: ShiftHours = ShiftHours()
    handoffs_utc: Annotated[list[TimeOfDay], Field(min_length=1)] | None = None
    off_hours: OffHoursPolicy = OffHoursPolicy.AVOID

    @field_validator("handoff", mode="before")
    @classmethod
    def _time(cls, value: Any) -> time:
        return parse_time_of_day(value)

    @field_validator("handoff_day", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("handoffs_utc", mode="before")
    @classmethod
    def _times(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [parse_time_of_day(v) for v in value]
        return value

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, value: list[str]) -> list[str]:
        dupes = sorted({r for r in value if value.count(r) > 1})
        if dupes:
            raise PydanticCustomError("duplicate", "role listed twice: {d}", {"d": ", ".join(dupes)})
        return value


class WeekendsSection(_Strict):
    split: WeekendSplit = WeekendSplit.WHOLE
    max: Annotated[int, Field(ge=0, le=52, strict=True)] = 1
    per_weeks: Annotated[int, Field(ge=1, le=52, strict=True)] = 2

    @model_validator(mode="after")
    def _ordered(self) -> WeekendsSection:
        if self.max > self.per_weeks:
            raise PydanticCustomError(
                "range_order", "max ({max}) cannot exceed per_weeks ({per})",
                {"max": self.max, "per": self.per_weeks},
            )
        return self


class RestSection(_Strict):
    min_hours: Annotated[float, Field(ge=0, le=168)] = 12
    max_block_hours: Annotated[float, Field(gt=0, le=336)] | None = None
    after_night: bool = True
    after_weekend: bool = True


class LimitsSection(_Strict):
    max_hours_per_week: Annotated[float, Field(gt=0, le=168)] | None = None


class FairnessWeights(_Strict):
    hours: Annotated[float, Field(ge=0)] = 1
    off_hours: Annotated[float, Field(ge=0)] = 2
    weekends: Annotated[float, Field(ge=0)] = 4
    holidays: Annotated[float, Field(ge=0)] = 4


class FairnessSection(_Strict):
    weights: FairnessWeights = FairnessWeights()
    history: bool = True


class EscalationLevel(_Strict):
    targets: Annotated[list[Annotated[str, Field(pattern=ID_PATTERN)]], Field(min_length=1)]
    ack_timeout_minutes: Annotated[int, Field(ge=1, le=1440, strict=True)] | None = None


class EscalationSection(_Strict):
    ack_timeout_minutes: Annotated[int, Field(ge=1, le=1440, strict=True)] = 5
    repeat: Annotated[int, Field(ge=1, le=10, strict=True)] = 1
    levels: Annotated[list[EscalationLevel], Field(min_length=1)] | None = None
    severities: dict[
        Annotated[str, Field(pattern=ID_PATTERN)],
        Annotated[list[EscalationLevel], Field(min_length=1)],
    ] = {}


class UnavailableEntry(_Strict):
    """Member-local: dates are whole days (end inclusive); date-times are ``[start, end)``."""

    start: date | datetime
    end: date | datetime
    reason: str = "unavailable"

    @field_validator("start", "end", mode="before")
    @classmethod
    def _date_or_datetime(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                raise PydanticCustomError(
                    "local_time",
                    "write member-local time without an offset (the member's time zone applies)",
                )
            return value
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            text = value.strip()
            try:
                if "T" in text or " " in text:
                    parsed = datetime.fromisoformat(text)
                    if parsed.tzinfo is not None:
                        raise PydanticCustomError(
                            "local_time",
                            "write member-local time without an offset "
                            "(the member's time zone applies)",
                        )
                    return parsed
                return date.fromisoformat(text)
            except ValueError as exc:
                raise PydanticCustomError(
                    "date_or_datetime",
                    "expected a date (YYYY-MM-DD) or a local date-time (YYYY-MM-DDTHH:MM)",
                ) from exc
        raise PydanticCustomError(
            "date_or_datetime",
            "expected a date (YYYY-MM-DD) or a local date-time (YYYY-MM-DDTHH:MM)",
        )

    @model_validator(mode="after")
    def _ordered(self) -> UnavailableEntry:
        start_is_dt = isinstance(self.start, datetime)
        end_is_dt = isinstance(self.end, datetime)
        if start_is_dt != end_is_dt:
            raise PydanticCustomError(
                "mixed_kinds", "start and end must both be dates or both be date-times"
            )
        if start_is_dt and self.end <= self.start:  # type: ignore[operator]
            raise PydanticCustomError("range_order", "end must be after start")
        if not start_is_dt and self.end < self.start:  # type: ignore[operator]
            raise PydanticCustomError("range_order", "end must not be before start")
        return self


class MemberSection(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
    name: str | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    timezone: ZoneInfo
    country: str | None = None
    working_hours: Window | None = None
    night: Window | None = None
    roles: Annotated[list[Annotated[str, Field(pattern=ID_PATTERN)]], Field(min_length=1)] | None = (
        None
    )
    fte: Annotated[float, Field(gt=0, le=1)] = 1.0
    unavailable: list[UnavailableEntry] = []

    _zone = field_validator("timezone", mode="before")(_zone)

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise PydanticCustomError("country", "expected an ISO 3166-1 alpha-2 country code")
        code = value.strip().upper()
        if code not in supported_countries():
            raise PydanticCustomError(
                "country",
                "unknown or unsupported country code (expected ISO 3166-1 alpha-2, e.g. PL, US)",
            )
        return code


class TeamConfig(_Strict):
    team: TeamSection
    horizon: HorizonSection
    rotation: RotationSection
    working_hours: Window = Window(start=time(9, 0), end=time(17, 0))
    night: Window = Window(start=time(22, 0), end=time(7, 0))
    weekends: WeekendsSection = WeekendsSection()
    rest: RestSection = RestSection()
    limits: LimitsSection = LimitsSection()
    fairness: FairnessSection = FairnessSection()
    escalation: EscalationSection = EscalationSection()
    members: Annotated[list[MemberSection], Field(min_length=1)]

    @property
    def team_name(self) -> str:
        return self.team.name or self.team.id

    def member_roles(self, member: MemberSection) -> list[str]:
        return list(member.roles) if member.roles is not None else list(self.rotation.roles)

    def max_block_hours(self) -> float | None:
        """Configured block cap; None means "a block is one shift" (daily/weekly default)."""
        if self.rest.max_block_hours is not None:
            return self.rest.max_block_hours
        return 12.0 if self.rotation.kind is RotationKind.FOLLOW_THE_SUN else None

    def escalation_levels(self, severity: str | None = None) -> list[EscalationLevel]:
        """The chain for ``severity`` (falling back to the default chain)."""
        if severity is not None and severity in self.escalation.severities:
            return list(self.escalation.severities[severity])
        if self.escalation.levels is not None:
            return list(self.escalation.levels)
        return [EscalationLevel(targets=[role]) for role in self.rotation.roles]


# --------------------------------------------------------------------------------------------
# Cross-field checks: they need the whole file and report every problem, each with its path.


def _cross_checks(cfg: TeamConfig) -> list[tuple[YamlPath, str, object]]:
    problems: list[tuple[YamlPath, str, object]] = []
    rotation = cfg.rotation
    kind = rotation.kind

    if rotation.off_hours is OffHoursPolicy.FORBID and kind is not RotationKind.FOLLOW_THE_SUN:
        problems.append(
            (
                ("rotation", "off_hours"),
                f"'forbid' needs rotation.kind follow-the-sun; a {kind.value} shift always "
                "runs outside working hours (use 'avoid' or 'allow')",
                rotation.off_hours.value,
            )
        )
    if cfg.weekends.split is WeekendSplit.SINGLE_DAY and kind is RotationKind.WEEKLY:
        problems.append(
            (
                ("weekends", "split"),
                "'single-day' cannot work with a weekly rotation (one shift holds the whole "
                "weekend); use 'whole'",
                cfg.weekends.split.value,
            )
        )
    if rotation.handoffs_utc is not None:
        if kind is not RotationKind.FOLLOW_THE_SUN:
            problems.append(
                (("rotation", "handoffs_utc"), "only used by follow-the-sun rotations",
                 [t.strftime("%H:%M") for t in rotation.handoffs_utc])
            )
        else:
            problems.extend(_check_handoffs_utc(cfg))
    if cfg.rest.max_block_hours is not None and kind is RotationKind.FOLLOW_THE_SUN:
        if cfg.rest.max_block_hours < cfg.rotation.shift_hours.min:
            problems.append(
                (("rest", "max_block_hours"),
                 f"shorter than the shortest shift ({cfg.rotation.shift_hours.min:g} h)",
                 cfg.rest.max_block_hours)
            )

    seen: dict[str, int] = {}
    for i, member in enumerate(cfg.members):
        if member.id in seen:
            problems.append(
                (("members", i, "id"), f"duplicate member id (also members[{seen[member.id]}])",
                 member.id)
            )
        else:
            seen[member.id] = i
        if member.roles is not None:
            for j, role in enumerate(member.roles):
                if role not in rotation.roles:
                    problems.append(
                        (("members", i, "roles", j),
                         f"not a role of rotation.roles {rotation.roles}{_hint(role, rotation.roles)}",
                         role)
                    )
        for j, entry in enumerate(member.unavailable):
            if isinstance(entry.start, date) and not isinstance(entry.start, datetime):
                span = (entry.end - entry.start).days  # type: ignore[operator]
                if span > 3 * 366:
                    problems.append(
                        (("members", i, "unavailable", j, "end"),
                         "unavailability longer than three years; is the year right?",
                         entry.end.isoformat())
                    )

    for role in rotation.roles:
        if not any(role in cfg.member_roles(m) for m in cfg.members):
            problems.append((("rotation", "roles"), f"no member can fill role {role!r}", role))
    if len(cfg.members) < len(rotation.roles):
        problems.append(
            (("members",),
             f"{len(rotation.roles)} roles need at least {len(rotation.roles)} members, "
             f"got {len(cfg.members)}", len(cfg.members))
        )

    targets_ok = set(rotation.roles) | set(seen)
    chains: list[tuple[YamlPath, list[EscalationLevel]]] = []
    if cfg.escalation.levels is not None:
        chains.append((("escalation", "levels"), cfg.escalation.levels))
    for severity, levels in cfg.escalation.severities.items():
        chains.append((("escalation", "severities", severity), levels))
    for base, levels in chains:
        for li, level in enumerate(levels):
            for ti, target in enumerate(level.targets):
                if target not in targets_ok:
                    problems.append(
                        ((*base, li, "targets", ti),
                         "not a role or member id" + _hint(target, sorted(targets_ok)), target)
                    )
    return problems


def _check_handoffs_utc(cfg: TeamConfig) -> list[tuple[YamlPath, str, object]]:
    assert cfg.rotation.handoffs_utc is not None
    minutes = [t.hour * 60 + t.minute for t in cfg.rotation.handoffs_utc]
    path: YamlPath = ("rotation", "handoffs_utc")
    shown = [t.strftime("%H:%M") for t in cfg.rotation.handoffs_utc]
    if len(set(minutes)) != len(minutes):
        return [(path, "the same handoff time is listed twice", shown)]
    if minutes != sorted(minutes):
        return [(path, "handoff times must be listed in increasing order", shown)]
    lo, hi = cfg.rotation.shift_hours.min * 60, cfg.rotation.shift_hours.max * 60
    problems: list[tuple[YamlPath, str, object]] = []
    for k, start in enumerate(minutes):
        end = minutes[(k + 1) % len(minutes)]
        length = (end - start) % 1440 or 1440
        if not lo <= length <= hi:
            problems.append(
                ((*path, k),
                 f"the shift from {shown[k]} to {shown[(k + 1) % len(shown)]} UTC lasts "
                 f"{length / 60:g} h, outside rotation.shift_hours "
                 f"{cfg.rotation.shift_hours.min:g}..{cfg.rotation.shift_hours.max:g} h",
                 shown[k])
            )
    return problems


def _hint(value: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --------------------------------------------------------------------------------------------
# Turning pydantic's errors into our one-line problems.


def _model_at(path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at ``path`` (for key hints)."""
    import typing

    current: Any = TeamConfig
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        current = None
        stack = [annotation]
        while stack:
            candidate = stack.pop()
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                current = candidate
                break
            stack.extend(typing.get_args(candidate))
        if current is None:
            return None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


_ROOT_KEYS = tuple(TeamConfig.model_fields)


def _describe(error: Any, loc: tuple[str | int, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        choices = list(parent.model_fields) if parent else []
        key = str(loc[-1])
        hint = _hint(key, choices)
        allowed = f"; allowed keys: {', '.join(choices)}" if choices and not hint else ""
        return f"unknown key{hint}{allowed}"
    if kind == "missing":
        return "required key is missing"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's union-branch and validator markers from a location."""
    cleaned: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            part.startswith("function-") or part in ("date", "datetime", "float", "int", "str")
            or part.startswith("list[") or part.startswith("dict[") or part.endswith("]")
        ):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _problems_from_validation(exc: ValidationError, doc: YamlDocument) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for error in exc.errors(include_url=False):
        loc = _clean_loc(tuple(error["loc"]))
        message = _describe(error, loc)
        if (loc, message) in seen:
            continue
        seen.add((loc, message))
        line_col = doc.location_of(tuple(str(p) if not isinstance(p, int) else p for p in loc))
        has_value = error["type"] != "missing"
        value = error.get("input")
        if error["type"] == "extra_forbidden":
            value = loc[-1] if loc else value
        problems.append(
            Problem(
                doc.file,
                format_path(loc),
                message,
                _plain(value),
                has_value,
                line_col[0] if line_col else None,
                line_col[1] if line_col else None,
            )
        )
    return problems


def _plain(value: Any) -> Any:
    """Show dates as the user wrote them and keep big mappings short."""
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, dict) and len(repr(value)) > 80:
        return "{" + ", ".join(map(str, value)) + "}"
    return value


def config_from_document(doc: YamlDocument) -> TeamConfig:
    """Validate a parsed document, raising :class:`ConfigError` with every problem found."""
    if not isinstance(doc.data, dict):
        raise ConfigError(
            [Problem(doc.file, "", "a team file must be a YAML mapping with keys "
                     + ", ".join(_ROOT_KEYS), _plain(doc.data), True)]
        )
    try:
        cfg = TeamConfig.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(_problems_from_validation(exc, doc)) from exc
    cross = _cross_checks(cfg)
    if cross:
        problems = []
        for path, message, value in cross:
            line_col = doc.location_of(path)
            problems.append(
                Problem(doc.file, format_path(path), message, _plain(value), True,
                        line_col[0] if line_col else None, line_col[1] if line_col else None)
            )
        raise ConfigError(problems)
    return cfg


def load_config(path: str | Path) -> TeamConfig:
    """Read, parse and validate one team file.

    Raises:
        ConfigError: with one :class:`Problem` per mistake, all at once.
    """
    return config_from_document(read_yaml(Path(path)))
