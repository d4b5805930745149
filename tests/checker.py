"""An independent checker of every hard rule of docs/rules.md.

It reads only the team file (parsed with :func:`rota.config.load_config`) and a ``show --json``
document, and reimplements all time logic with :mod:`zoneinfo` directly. It imports
nothing from ``rota.solver``, ``rota.metrics``, ``rota.horizon``, ``rota.localtime`` or
``rota.team``: it is a second implementation of the rules, so a bug shared with the solver is
unlikely. Feed it the *planned* schedule (``show --json --planned``): overrides may cut shifts
anywhere and are not bound by rule 1.

How docs/rules.md is read where it leaves room (each reading is repeated next to its code):

- Wall-clock times that do not exist or exist twice resolve as ``zoneinfo`` does (``fold=0``):
  02:30 on a spring-forward night is 03:30 local, a repeated time is its first occurrence.
- rule 1, horizon: its start is the first handoff at or after local 00:00 of ``horizon.start`` in
  the team zone, its end the first handoff at or after 00:00 of ``start + 7 * weeks`` days.
  Follow-the-sun without ``handoffs_utc`` derives its cuts from the members; then only
  "the horizon starts and ends within 24 h after that local midnight" is checked.
- rule 1, follow-the-sun with ``handoffs_utc``: every shift starts and ends at a listed UTC time
  and no listed time falls strictly inside a shift.
- ``night: forbid``: a held shift may not overlap any occurrence of the holder's night window by
  a positive amount (the same occurrences as ``after_night``).
- rule 5, weekend of a shift: the member-local Saturday or Sunday it starts on names the weekend
  (by its Saturday). A weekly shift belongs to the weekend it "contains": the weekend (member-local
  Saturday 00:00 to Monday 00:00) it overlaps longest, the earlier one on a tie.
- rule 5, sliding window: weekends are counted per member; every run of ``per_weeks`` consecutive
  weekends (Saturdays 7 days apart) may hold at most ``max`` worked ones.
- rule 5, ``whole``: the partner of a Saturday-start shift ``S`` is the shift starting exactly
  ``S.start + 24 h``; if none does (DST moved the grid), the shift overlapping
  ``[S.start + 24 h, S.end + 24 h)`` longest, the earliest on a tie. A partner outside the
  schedule (past the horizon end) is not checked. For weekly rotations the partner is the
  Saturday shift itself or starts on a Saturday, so the rule never binds.
- rule 5, ``single-day``: a member's weekend shifts of one weekend all start on the same local day.
- rule 6, blocks: ``rest.max_block_hours`` unset on a daily/weekly team means a block is one shift.
  The whole-weekend exception: a block is cut at each point where a Saturday-start shift touches
  its ``whole`` partner held by the same member in the same role; each piece must then respect the
  cap (hours, or "one shift"). So Saturday + Sunday of a daily rota is fine, Friday + Saturday +
  Sunday is not.
- rule 6, ``after_night``: a block overlaps the night when it overlaps any occurrence of the
  member's night window by a positive amount. "The local date on which that block ends" is the
  member-local date of the block's end instant (a block ending at 00:00 ends on the new day).
  Exempt are the ``whole`` partners (same role) of the member's Saturday-start shifts.
- rule 6, ``after_weekend``: no shift of the member starts on the member-local Monday two days
  after the Saturday naming a weekend they work.
- rule 7: blocks of exactly 168 h counted from the horizon start (UTC instants; a DST change does
  not move them), the last one possibly partial. A shift spanning two blocks counts with the hours
  that fall in each block.
- History (``history_json``, only used when ``fairness.history`` is on): shifts of the previous
  schedule ending at or before this horizon's start join the timeline for rules 5 and 6; a
  violation is reported only when it involves at least one shift of the checked schedule.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rota.config import WEEKDAYS, TeamConfig, Window, load_config
from rota.model import NightPolicy, OffHoursPolicy, RotationKind, WeekendSplit

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken hard rule: ``rule`` names the rule of docs/rules.md, ``message`` says who,
    when, what."""

    rule: str
    message: str
    member: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


# --------------------------------------------------------------------------------------------
# Time, reimplemented on zoneinfo


def wall(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """UTC instant of wall-clock ``clock`` on local ``day`` (``fold=0`` for gaps and repeats)."""
    return datetime(day.year, day.month, day.day, clock.hour, clock.minute, tzinfo=zone).astimezone(
        UTC
    )


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return wall(day, time(0, 0), zone)


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def parse_utc(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"instant without offset: {text!r}")
    return value.astimezone(UTC)


def fmt(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def window_occurrences(
    window: Window, zone: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Occurrences of a daily local window near ``[start, end)``, touching ones merged."""
    spans: list[tuple[datetime, datetime]] = []
    day = local_day(start, zone) - DAY
    last = local_day(end, zone) + DAY
    crosses = window.end <= window.start
    while day <= last:
        lo = wall(day, window.start, zone)
        hi = wall(day + DAY if crosses else day, window.end, zone)
        if lo < hi:
            if spans and spans[-1][1] >= lo:
                spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
            else:
                spans.append((lo, hi))
        day += DAY
    return spans


# --------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class _Member:
    id: str
    zone: ZoneInfo
    working: Window
    night: Window
    roles: frozenset[str]
    unavailable: tuple[tuple[datetime, datetime, str], ...]


@dataclass(slots=True)
class _Shift:
    start: datetime
    end: datetime
    assignments: dict[str, str]
    current: bool
    holders: dict[str, set[str]] = field(default_factory=dict)  # member -> roles held

    def label(self) -> str:
        return f"{fmt(self.start)}-{fmt(self.end)} UTC"


def _members(cfg: TeamConfig) -> dict[str, _Member]:
    result: dict[str, _Member] = {}
    for section in cfg.members:
        zone = section.timezone
        blocks: list[tuple[datetime, datetime, str]] = []
        for entry in section.unavailable:
            if isinstance(entry.start, datetime) and isinstance(entry.end, datetime):
                lo = wall(entry.start.date(), entry.start.time(), zone)
                hi = wall(entry.end.date(), entry.end.time(), zone)
            else:  # whole member-local days, end inclusive
                lo = midnight(entry.start, zone)
                hi = midnight(entry.end + DAY, zone)
            blocks.append((lo, hi, entry.reason))
        result[section.id] = _Member(
            id=section.id,
            zone=zone,
            working=section.working_hours or cfg.working_hours,
            night=section.night or cfg.night,
            roles=frozenset(cfg.member_roles(section)),
            unavailable=tuple(blocks),
        )
    return result


def _shifts(document: dict[str, Any], current: bool) -> list[_Shift]:
    shifts: list[_Shift] = []
    for raw in document.get("shifts", []):
        assignments = {str(k): str(v) for k, v in dict(raw.get("assignments", {})).items()}
        shift = _Shift(parse_utc(raw["start"]), parse_utc(raw["end"]), assignments, current)
        for role, member in assignments.items():
            shift.holders.setdefault(member, set()).add(role)
        shifts.append(shift)
    return shifts


# --------------------------------------------------------------------------------------------
# The checker


class _Checker:
    def __init__(
        self, cfg: TeamConfig, show: dict[str, Any], history: dict[str, Any] | None
    ) -> None:
        self.cfg = cfg
        self.zone = cfg.team.timezone
        self.kind = cfg.rotation.kind
        self.roles = list(cfg.rotation.roles)
        self.members = _members(cfg)
        self.show = show
        self.current = _shifts(show, current=True)
        self.horizon_start = parse_utc(show["horizon"]["start"])
        self.horizon_end = parse_utc(show["horizon"]["end"])
        past: list[_Shift] = []
        if history is not None and cfg.fairness.history:
            past = [s for s in _shifts(history, current=False) if s.end <= self.horizon_start]
        self.timeline = sorted(past + self.current, key=lambda s: s.start)
        self.by_start = {s.start: s for s in self.timeline}
        self.found: list[Violation] = []

    def add(self, rule: str, message: str, member: str | None = None) -> None:
        self.found.append(Violation(rule, message, member))

    def run(self) -> list[Violation]:
        self.tiling()
        self.roles_filled()
        self.unavailability()
        self.off_hours()
        self.night()
        self.weekends()
        self.rest()
        self.weekly_hours()
        return self.found

    # ---- shared definitions ------------------------------------------------------------

    def member_shifts(self) -> dict[str, list[_Shift]]:
        """Member id -> the member's shifts of the whole timeline, in order."""
        mine: dict[str, list[_Shift]] = defaultdict(list)
        for shift in self.timeline:
            for member in shift.holders:
                if member in self.members:
                    mine[member].append(shift)
        return mine

    def weekend_of(self, member: _Member, shift: _Shift) -> date | None:
        """The Saturday naming the weekend ``shift`` is a weekend shift of, for ``member``."""
        if self.kind is not RotationKind.WEEKLY:
            day = local_day(shift.start, member.zone)
            if day.weekday() == 5:
                return day
            if day.weekday() == 6:
                return day - DAY
            return None
        best: date | None = None
        best_overlap = timedelta(0)
        day = local_day(shift.start, member.zone) - 7 * DAY
        while day <= local_day(shift.end, member.zone):
            if day.weekday() == 5:
                lo = max(shift.start, midnight(day, member.zone))
                hi = min(shift.end, midnight(day + 2 * DAY, member.zone))
                if hi - lo > best_overlap:
                    best, best_overlap = day, hi - lo
            day += DAY
        return best

    def partner(self, shift: _Shift) -> _Shift | None:
        """The shift 24 h after ``shift`` (or overlapping ``shift + 24 h`` longest)."""
        target = shift.start + 24 * HOUR
        if target in self.by_start:
            return self.by_start[target]
        best: _Shift | None = None
        best_overlap = timedelta(0)
        for other in self.timeline:
            lo = max(other.start, target)
            hi = min(other.end, shift.end + 24 * HOUR)
            if hi - lo > best_overlap:
                best, best_overlap = other, hi - lo
        return best

    def whole_partners(self, member: _Member, shifts: list[_Shift]) -> set[tuple[int, int]]:
        """Pairs ``(id(saturday shift), id(sunday shift))`` that ``whole`` requires of ``member``
        and that the member does hold, in the same role."""
        pairs: set[tuple[int, int]] = set()
        if self.cfg.weekends.split is not WeekendSplit.WHOLE:
            return pairs
        for shift in shifts:
            if local_day(shift.start, member.zone).weekday() != 5:
                continue
            other = self.partner(shift)
            if other is None or local_day(other.start, member.zone).weekday() != 6:
                continue
            if shift.holders.get(member.id, set()) & other.holders.get(member.id, set()):
                pairs.add((id(shift), id(other)))
        return pairs

    # ---- 3.1 -----------------------------------------------------------------------------

    def expected_handoff(self, day: date) -> datetime | None:
        """The first handoff at or after local 00:00 of ``day`` (None: derived follow-the-sun)."""
        rotation = self.cfg.rotation
        if self.kind is RotationKind.DAILY:
            return wall(day, rotation.handoff, self.zone)
        if self.kind is RotationKind.WEEKLY:
            target = WEEKDAYS.index(rotation.handoff_day)
            return wall(day + (target - day.weekday()) % 7 * DAY, rotation.handoff, self.zone)
        if rotation.handoffs_utc is None:
            return None
        begin = midnight(day, self.zone)
        utc_day = begin.date() - DAY
        while True:
            for clock in sorted(rotation.handoffs_utc):
                instant = datetime.combine(utc_day, clock, tzinfo=UTC)
                if instant >= begin:
                    return instant
            utc_day += DAY

    def tiling(self) -> None:
        rule = "3.1 tiling"
        shifts = self.current
        if not shifts:
            self.add(rule, "the schedule has no shifts")
            return
        first_day = self.cfg.horizon.start
        end_day = first_day + 7 * self.cfg.horizon.weeks * DAY
        for name, day, actual in (
            ("start", first_day, self.horizon_start),
            ("end", end_day, self.horizon_end),
        ):
            expected = self.expected_handoff(day)
            if expected is not None and actual != expected:
                self.add(rule, f"horizon {name} is {fmt(actual)} UTC, expected {fmt(expected)} UTC")
            if (
                expected is None
                and not midnight(day, self.zone) <= actual < midnight(day, self.zone) + 24 * HOUR
            ):
                self.add(rule, f"horizon {name} {fmt(actual)} UTC is not within a day of {day}")
        if shifts[0].start != self.horizon_start:
            self.add(
                rule,
                f"first shift starts {fmt(shifts[0].start)} UTC, "
                f"horizon starts {fmt(self.horizon_start)} UTC",
            )
        if shifts[-1].end != self.horizon_end:
            self.add(
                rule,
                f"last shift ends {fmt(shifts[-1].end)} UTC, "
                f"horizon ends {fmt(self.horizon_end)} UTC",
            )
        for prev, nxt in pairwise(shifts):
            if prev.end < nxt.start:
                self.add(rule, f"gap from {fmt(prev.end)} to {fmt(nxt.start)} UTC")
            elif prev.end > nxt.start:
                self.add(rule, f"shifts {prev.label()} and {nxt.label()} overlap or are unordered")
        for shift in shifts:
            if shift.end <= shift.start:
                self.add(rule, f"shift {shift.label()} is empty or reversed")
                continue
            problem = self.shift_shape(shift)
            if problem:
                self.add(rule, f"shift {shift.label()}: {problem}")

    def shift_shape(self, shift: _Shift) -> str:
        """What is wrong with the bounds of one shift for the rotation kind ("" when right)."""
        rotation = self.cfg.rotation
        if self.kind in (RotationKind.DAILY, RotationKind.WEEKLY):
            day = local_day(shift.start, self.zone)
            step = DAY if self.kind is RotationKind.DAILY else 7 * DAY
            if self.kind is RotationKind.WEEKLY and WEEKDAYS[day.weekday()] != rotation.handoff_day:
                return (
                    f"starts on a {WEEKDAYS[day.weekday()]}, handoff_day is {rotation.handoff_day}"
                )
            start = wall(day, rotation.handoff, self.zone)
            end = wall(day + step, rotation.handoff, self.zone)
            if shift.start != start or shift.end != end:
                return (
                    f"expected {fmt(start)}-{fmt(end)} UTC "
                    f"(handoff {rotation.handoff:%H:%M} {self.zone.key})"
                )
            return ""
        length = shift.end - shift.start
        lo, hi = rotation.shift_hours.min * HOUR, rotation.shift_hours.max * HOUR
        if not lo <= length <= hi:
            return (
                f"lasts {length / HOUR:g} h, outside shift_hours "
                f"{rotation.shift_hours.min:g}..{rotation.shift_hours.max:g}"
            )
        if rotation.handoffs_utc is not None:
            clocks = set(rotation.handoffs_utc)
            for name, instant in (("starts", shift.start), ("ends", shift.end)):
                if instant.time() not in clocks:
                    return f"{name} at {instant:%H:%M} UTC, not a handoffs_utc time"
            day = shift.start.date()
            while day <= shift.end.date():
                for clock in clocks:
                    cut = datetime.combine(day, clock, tzinfo=UTC)
                    if shift.start < cut < shift.end:
                        return f"runs across the {clock:%H:%M} UTC handoff"
                day += DAY
        return ""

    # ---- 3.2 - 3.4 -----------------------------------------------------------------------

    def roles_filled(self) -> None:
        rule = "3.2 roles"
        for shift in self.current:
            for role in self.roles:
                if role not in shift.assignments:
                    self.add(rule, f"shift {shift.label()}: role {role} is not filled")
            for role, member_id in shift.assignments.items():
                if role not in self.roles:
                    self.add(rule, f"shift {shift.label()}: {role} is not a role of the team")
                    continue
                member = self.members.get(member_id)
                if member is None:
                    self.add(rule, f"shift {shift.label()}: {member_id} is not a member", member_id)
                elif role not in member.roles:
                    self.add(
                        rule,
                        f"shift {shift.label()}: {member_id} holds {role} without having that role",
                        member_id,
                    )
            for member_id, count in Counter(shift.assignments.values()).items():
                if count > 1:
                    held = sorted(shift.holders[member_id])
                    self.add(
                        rule,
                        f"shift {shift.label()}: {member_id} fills {count} roles "
                        f"({', '.join(held)})",
                        member_id,
                    )

    def unavailability(self) -> None:
        for shift in self.current:
            for member_id in shift.holders:
                member = self.members.get(member_id)
                if member is None:
                    continue
                for lo, hi, reason in member.unavailable:
                    if lo < shift.end and shift.start < hi:
                        self.add(
                            "3.3 unavailability",
                            f"{member_id} holds shift {shift.label()} but is unavailable "
                            f"{fmt(lo)}-{fmt(hi)} UTC ({reason})",
                            member_id,
                        )

    def off_hours(self) -> None:
        if self.cfg.rotation.off_hours is not OffHoursPolicy.FORBID:
            return
        for shift in self.current:
            for member_id in shift.holders:
                member = self.members.get(member_id)
                if member is None:
                    continue
                spans = window_occurrences(member.working, member.zone, shift.start, shift.end)
                if not any(lo <= shift.start and shift.end <= hi for lo, hi in spans):
                    self.add(
                        "3.4 off-hours",
                        f"{member_id} holds shift {shift.label()} outside their working window "
                        f"{member.working.start:%H:%M}-{member.working.end:%H:%M} "
                        f"{member.zone.key} (off_hours: forbid)",
                        member_id,
                    )

    def night(self) -> None:
        """``night: forbid``: a shift held overlaps the holder's night by any positive amount."""
        if self.cfg.rotation.night is not NightPolicy.FORBID:
            return
        for shift in self.current:
            for member_id in shift.holders:
                member = self.members.get(member_id)
                if member is None:
                    continue
                spans = window_occurrences(member.night, member.zone, shift.start, shift.end)
                if any(lo < shift.end and shift.start < hi for lo, hi in spans):
                    self.add(
                        "night",
                        f"{member_id} holds shift {shift.label()} in their night "
                        f"{member.night.start:%H:%M}-{member.night.end:%H:%M} "
                        f"{member.zone.key} (night: forbid)",
                        member_id,
                    )

    # ---- 3.5 -----------------------------------------------------------------------------

    def weekends(self) -> None:
        rule = "3.5 weekends"
        settings = self.cfg.weekends
        for member_id, shifts in self.member_shifts().items():
            member = self.members[member_id]
            worked: dict[date, list[_Shift]] = defaultdict(list)
            for shift in shifts:
                weekend = self.weekend_of(member, shift)
                if weekend is not None:
                    worked[weekend].append(shift)
            starts = sorted({w - k * 7 * DAY for w in worked for k in range(settings.per_weeks)})
            for first in starts:
                window = [first + k * 7 * DAY for k in range(settings.per_weeks)]
                inside = [w for w in window if w in worked]
                if len(inside) <= settings.max:
                    continue
                if not any(s.current for w in inside for s in worked[w]):
                    continue
                shown = ", ".join(f"{w} ({worked[w][0].label()})" for w in inside)
                self.add(
                    rule,
                    f"{member_id} works {len(inside)} weekends within the {settings.per_weeks} "
                    f"consecutive weekends from {first}: {shown}; at most {settings.max} allowed",
                    member_id,
                )
            if settings.split is WeekendSplit.SINGLE_DAY:
                for weekend, held in worked.items():
                    days = {local_day(s.start, member.zone) for s in held}
                    if len(days) > 1 and any(s.current for s in held):
                        self.add(
                            rule,
                            f"{member_id} holds shifts on both days of the weekend of {weekend} "
                            f"({', '.join(s.label() for s in held)}); split is single-day",
                            member_id,
                        )
        if settings.split is WeekendSplit.WHOLE:
            self.whole_weekends(rule)

    def whole_weekends(self, rule: str) -> None:
        for shift in self.timeline:
            for role, member_id in shift.assignments.items():
                member = self.members.get(member_id)
                if member is None or local_day(shift.start, member.zone).weekday() != 5:
                    continue
                other = self.partner(shift)
                if other is None or not (shift.current or other.current):
                    continue
                if local_day(other.start, member.zone).weekday() != 6:
                    continue
                if other.assignments.get(role) != member_id:
                    self.add(
                        rule,
                        f"{member_id} holds {role} in the Saturday shift {shift.label()} but "
                        f"{other.assignments.get(role, 'nobody')} holds it in the Sunday shift "
                        f"{other.label()}; split is whole",
                        member_id,
                    )

    # ---- 3.6 -----------------------------------------------------------------------------

    def rest(self) -> None:
        rule = "3.6 rest"
        rest = self.cfg.rest
        cap = self.cfg.max_block_hours()
        for member_id, shifts in self.member_shifts().items():
            member = self.members[member_id]
            joins = self.whole_partners(member, shifts)
            sundays = {sunday for _, sunday in joins}
            blocks: list[list[_Shift]] = []
            for shift in shifts:
                if blocks and blocks[-1][-1].end == shift.start:
                    blocks[-1].append(shift)
                else:
                    blocks.append([shift])
            for prev, nxt in pairwise(blocks):
                gap = nxt[0].start - prev[-1].end
                if gap < rest.min_hours * HOUR and (prev[-1].current or nxt[0].current):
                    self.add(
                        rule,
                        f"{member_id} rests only {gap / HOUR:g} h between {prev[-1].label()} and "
                        f"{nxt[0].label()} (min_hours {rest.min_hours:g})",
                        member_id,
                    )
            for block in blocks:
                if not any(s.current for s in block):
                    continue
                self.block_length(member_id, block, joins, cap)
                if rest.after_night:
                    self.after_night(member, block, shifts, sundays)
            if rest.after_weekend:
                self.after_weekend(member, shifts)

    def block_length(
        self, member_id: str, block: list[_Shift], joins: set[tuple[int, int]], cap: float | None
    ) -> None:
        pieces: list[list[_Shift]] = [[block[0]]]
        for prev, nxt in pairwise(block):
            if (id(prev), id(nxt)) in joins:
                pieces.append([nxt])
            else:
                pieces[-1].append(nxt)
        for piece in pieces:
            length = piece[-1].end - piece[0].start
            too_long = len(piece) > 1 if cap is None else length > cap * HOUR
            if too_long:
                limit = "one shift" if cap is None else f"max_block_hours {cap:g}"
                self.add(
                    "3.6 rest",
                    f"{member_id} works a block of {len(piece)} shifts, {length / HOUR:g} h, "
                    f"{fmt(piece[0].start)}-{fmt(piece[-1].end)} UTC (limit: {limit})",
                    member_id,
                )

    def after_night(
        self, member: _Member, block: list[_Shift], shifts: list[_Shift], exempt: set[int]
    ) -> None:
        lo, hi = block[0].start, block[-1].end
        nights = window_occurrences(member.night, member.zone, lo, hi)
        if not any(max(lo, a) < min(hi, b) for a, b in nights):
            return
        day = local_day(hi, member.zone)
        for shift in shifts:
            if shift.start >= hi and local_day(shift.start, member.zone) == day:
                if id(shift) in exempt:
                    continue
                self.add(
                    "3.6 rest",
                    f"{member.id} worked the night in {fmt(lo)}-{fmt(hi)} UTC and starts "
                    f"{shift.label()} later on the same local day {day} (after_night)",
                    member.id,
                )

    def after_weekend(self, member: _Member, shifts: list[_Shift]) -> None:
        worked: dict[date, _Shift] = {}
        for shift in shifts:
            weekend = self.weekend_of(member, shift)
            if weekend is not None:
                worked.setdefault(weekend, shift)
        for shift in shifts:
            day = local_day(shift.start, member.zone)
            weekend = day - 2 * DAY
            if day.weekday() == 0 and weekend in worked and shift.current:
                self.add(
                    "3.6 rest",
                    f"{member.id} works the weekend of {weekend} ({worked[weekend].label()}) and "
                    f"starts {shift.label()} on the following Monday (after_weekend)",
                    member.id,
                )

    # ---- 3.7 -----------------------------------------------------------------------------

    def weekly_hours(self) -> None:
        limit = self.cfg.limits.max_hours_per_week
        if limit is None:
            return
        week = 7 * DAY
        totals: dict[tuple[str, int], timedelta] = defaultdict(timedelta)
        for shift in self.current:
            for member_id in shift.holders:
                k = (shift.start - self.horizon_start) // week
                while True:
                    lo = max(shift.start, self.horizon_start + k * week)
                    hi = min(shift.end, self.horizon_start + (k + 1) * week)
                    if lo >= hi:
                        break
                    totals[member_id, k] += hi - lo
                    k += 1
        for (member_id, k), worked in sorted(totals.items()):
            if worked > limit * HOUR:
                block_start = self.horizon_start + k * week
                self.add(
                    "3.7 hours per week",
                    f"{member_id} works {worked / HOUR:g} h in the 7-day block "
                    f"{fmt(block_start)}-{fmt(block_start + week)} UTC "
                    f"(max_hours_per_week {limit:g})",
                    member_id,
                )


def check_schedule(
    team_file: Path, show_json: dict[str, Any], history_json: dict[str, Any] | None = None
) -> list[Violation]:
    """Every violation of docs/rules.md in ``show_json`` (a ``show --json`` document) for the
    team file.

    Args:
        team_file: the team's YAML file.
        show_json: the schedule, in that shape.
        history_json: the previously published schedule (same shape), looked back into for rules
            5 and 6 when the team has ``fairness.history`` on.

    Returns:
        The violations found, empty when the schedule keeps every hard rule.
    """
    cfg = load_config(team_file)
    return _Checker(cfg, show_json, history_json).run()


__all__ = ["Violation", "check_schedule"]
