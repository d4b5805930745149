"""Counting on single shifts: can every role get its own member, and what one absence breaks.

* ``coverage``: the roles of a shift matched to distinct members who may hold them (a
  bipartite matching, :func:`rota.coverage.matching_size`). No full matching is a proof that
  no rota exists (``cannot-fit``). A full matching that loses a *critical* member (one whose
  absence leaves a role without a holder) is ``tight``: one more absence and it cannot fit.
* ``shift-length``: a shift longer than ``rest.max_block_hours`` is a block nobody may work.
* ``after-weekend``: members critical to a weekend shift must work that weekend; with
  ``rest.after_weekend`` they start no shift on the Monday after, and a Monday shift whose
  roles cannot be matched without them proves the rota impossible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import date, timedelta

from rota.capacity.counting import Counting, critical_members
from rota.capacity.findings import Finding, Level, Where, dates_text, names, plural
from rota.coverage import matching_size
from rota.model import NightPolicy, OffHoursPolicy

MAX_GROUPS = 8
"""Findings of one rule and level shown one by one; the rest are summed up in one more."""


def grouped(
    c: Counting,
    slots: dict[Hashable, list[int]],
    make: Callable[[list[int]], Finding],
    rule: str,
    level: Level,
) -> list[Finding]:
    """One finding per group of shifts, the groups with the most shifts first."""
    ordered = sorted(slots.values(), key=lambda ks: (-len(ks), ks[0]))
    found = [make(ks) for ks in ordered[:MAX_GROUPS]]
    rest = ordered[MAX_GROUPS:]
    if rest:
        count = sum(len(ks) for ks in rest)
        found.append(
            Finding(
                rule,
                level,
                f"... and {plural(count, 'more shift')} of the same kind "
                f"({plural(len(rest), 'other group')})",
                Where(first=c.team_date(min(min(ks) for ks in rest))),
            )
        )
    return found


def _dates(c: Counting, ks: list[int]) -> list[date]:
    return [c.team_date(k) for k in ks]


def _where(c: Counting, ks: list[int], members: set[int] | frozenset[int]) -> Where:
    days = _dates(c, ks)
    return Where(
        zones=c.zones_of(members),
        members=tuple(c.ids(members)),
        first=min(days),
        last=max(days),
        utc=c.utc_span(ks[0]),
    )


def _prefix(c: Counting, members: set[int] | frozenset[int]) -> str:
    zones = sorted({c.region_of[i] for i in members})
    return ", ".join(c.regions[r].name for r in zones) + ": " if zones else ""


def coverage_findings(c: Counting) -> list[Finding]:
    """``cannot-fit`` for shifts whose roles cannot all be held, ``tight`` for shifts that
    depend on one member."""
    roles = len(c.roles)
    failing: dict[Hashable, list[int]] = defaultdict(list)
    tight: dict[Hashable, list[int]] = defaultdict(list)
    critical_of: dict[int, list[int]] = {}
    for k, candidates in enumerate(c.candidates):
        if matching_size(candidates) < roles:
            usual = c.could_hold(k)
            away = frozenset(i for i in usual if c.timeline.facts[i][k].unavailable is not None)
            failing[c.utc_span(k), c.able[k], away].append(k)
            continue
        critical = critical_members(candidates, roles)
        if critical:
            critical_of[k] = critical
            tight[c.utc_span(k), c.able[k], tuple(critical)].append(k)

    def cannot(ks: list[int]) -> Finding:
        k = ks[0]
        able = c.able[k]
        usual = c.could_hold(k)
        away = sorted(i for i in usual if c.timeline.facts[i][k].unavailable is not None)
        who = f"only {names(c.ids(able))} may hold it" if able else "nobody may hold it"
        if able and len(able) >= roles:
            per_role = [f"{role}: {names(c.ids(c.candidates[k][role]))}" for role in c.roles]
            who += " (" + "; ".join(per_role) + ")"
        reasons = [f"{c.member_id(i)} is away ({c.timeline.facts[i][k].unavailable})" for i in away]
        rotation = c.team.config.rotation
        if rotation.off_hours is OffHoursPolicy.FORBID:
            if not c.in_window(k):
                reasons.append("nobody's working window covers it and off_hours is forbid")
            else:
                reasons.append("off_hours: forbid keeps everyone else off it")
        if rotation.night is NightPolicy.FORBID:
            if all(c.timeline.facts[i][k].night_minutes > 0 for i in c.role_holders()):
                reasons.append("it runs into the night of everyone with a role and night is forbid")
            else:
                reasons.append("night: forbid keeps everyone else off it")
        message = (
            f"{_prefix(c, usual | able)}{c.shift_words(k, usual | able)} "
            f"{dates_text(_dates(c, ks))} needs {plural(roles, 'member')} for "
            f"{names(list(c.roles))}; {who}"
        )
        if reasons:
            message += "; " + "; ".join(reasons)
        return Finding("coverage", Level.CANNOT_FIT, message + ".", _where(c, ks, usual | able))

    def spare(ks: list[int]) -> Finding:
        k = ks[0]
        able = c.able[k]
        critical = critical_of[k]
        either = names(c.ids(critical)).replace(" and ", " or ")
        message = (
            f"{_prefix(c, able)}{c.shift_words(k, able)} {dates_text(_dates(c, ks))} needs "
            f"{plural(roles, 'member')} for {names(list(c.roles))} and only "
            f"{names(c.ids(able))} may hold it: if {either} is away too, it cannot be covered."
        )
        return Finding("coverage", Level.TIGHT, message, _where(c, ks, able))

    return [
        *grouped(c, failing, cannot, "coverage", Level.CANNOT_FIT),
        *grouped(c, tight, spare, "coverage", Level.TIGHT),
    ]


def shift_length_findings(c: Counting) -> list[Finding]:
    """Shifts longer than ``rest.max_block_hours``: each alone is a block over the cap."""
    cap = c.team.config.max_block_hours()
    if cap is None:
        return []
    long: dict[Hashable, list[int]] = defaultdict(list)
    for k, slot in enumerate(c.slots):
        if slot.minutes > round(cap * 60):
            long[c.utc_span(k), slot.minutes].append(k)

    def make(ks: list[int]) -> Finding:
        slot = c.slots[ks[0]]
        return Finding(
            "shift-length",
            Level.CANNOT_FIT,
            f"{c.shift_words(ks[0], [])} {dates_text(_dates(c, ks))} lasts "
            f"{slot.minutes / 60:g} h, longer than rest.max_block_hours {cap:g}: nobody may "
            "work it.",
            _where(c, ks, frozenset()),
        )

    return grouped(c, long, make, "shift-length", Level.CANNOT_FIT)


def forced_weekends(c: Counting) -> dict[tuple[int, date], int]:
    """(member, Saturday) -> a weekend shift the member must hold that weekend (critical)."""
    roles = len(c.roles)
    forced: dict[tuple[int, date], int] = {}
    for k, candidates in enumerate(c.candidates):
        if not any(c.timeline.facts[i][k].weekend for i in c.able[k]):
            continue
        if matching_size(candidates) < roles:
            continue  # the coverage finding already proves it
        for i in critical_members(candidates, roles):
            saturday = c.timeline.facts[i][k].weekend
            if saturday is not None:
                forced.setdefault((i, saturday), k)
    return forced


def after_weekend_findings(c: Counting) -> list[Finding]:
    """Monday shifts that cannot be covered once the weekend's critical members are off."""
    if not c.team.config.rest.after_weekend:
        return []
    roles = len(c.roles)
    forced = forced_weekends(c)
    if not forced:
        return []
    failing: dict[Hashable, list[int]] = defaultdict(list)
    off_of: dict[int, frozenset[int]] = {}
    for k, candidates in enumerate(c.candidates):
        off = frozenset(
            i
            for i in c.able[k]
            if c.timeline.facts[i][k].day == 0
            and (i, c.timeline.facts[i][k].start_date - timedelta(days=2)) in forced
        )
        if not off or matching_size(candidates) < roles:
            continue
        left = {r: tuple(i for i in who if i not in off) for r, who in candidates.items()}
        if matching_size(left) < roles:
            off_of[k] = off
            failing[c.utc_span(k), off, c.able[k] - off].append(k)

    def make(ks: list[int]) -> Finding:
        k = ks[0]
        off = off_of[k]
        left = c.able[k] - off
        i = min(off)
        saturday = c.timeline.facts[i][k].start_date - timedelta(days=2)
        example = forced[i, saturday]
        holders = c.able[example]
        message = (
            f"{_prefix(c, c.able[k])}{names(c.ids(off))} must work the weekend before "
            f"(only {names(c.ids(holders))} may hold {c.shift_words(example, holders)} "
            f"on {c.team_date(example).isoformat()}), so rest.after_weekend keeps them off "
            f"{c.shift_words(k, c.able[k])} on the Monday after, {dates_text(_dates(c, ks))}; "
            f"it needs {plural(roles, 'member')} and leaves "
            f"{names(c.ids(left)) if left else 'nobody'}."
        )
        return Finding("after-weekend", Level.CANNOT_FIT, message, _where(c, ks, c.able[k]))

    return grouped(c, failing, make, "after-weekend", Level.CANNOT_FIT)
