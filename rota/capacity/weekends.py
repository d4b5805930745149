"""Weekend demand against the supply ``weekends.max`` in ``per_weeks`` allows.

Two counts, both proofs when demand exceeds supply (``cannot-fit``) and ``tight`` when supply
exceeds demand by less than one member's part:

* per weekend shift position (UTC weekday and time; the pre-check's,
  :mod:`rota.solver.explain`): a weekend shift at one position that every member who may hold
  it counts as a shift of the same weekend needs ``len(roles)`` members on each weekend; in any
  ``per_weeks`` consecutive weekends a member gives at most ``max`` of them, and only weekends
  they may hold it;
* weekend hours, per run of at most ``per_weeks`` consecutive weekends (:func:`weekend_hours`):
  the hours of every shift that all its possible holders count as a shift of one of those
  weekends, ``len(roles)`` holders each, against what each member can give: the most minutes
  of one weekend they can work (on one day with ``single-day``) under the rest gap and block
  length, on at most ``max`` of the weekends (:mod:`rota.capacity.weekend_hours`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from rota.capacity.counting import Counting
from rota.capacity.findings import WEEKDAYS, Finding, Level, Where, names, plural
from rota.capacity.weekend_hours import weekend_hours, weekend_hours_text


@dataclass(frozen=True, slots=True)
class WeekendCount:
    """One weekend shift position over one window of consecutive weekends."""

    slot: int  # an example shift at the position (the window's first)
    weekends: tuple[date, ...]
    demand: int  # member-weekends
    supply: int
    largest: int  # the most one member gives
    people: frozenset[int]

    @property
    def slack(self) -> int:
        return self.supply - self.demand


def weekend_counts(c: Counting) -> list[WeekendCount]:
    """For each weekend shift position, its window of weekends with the least slack."""
    cfg = c.team.config.weekends
    roles = len(c.roles)
    positions: dict[tuple[int, int], dict[date, tuple[int, frozenset[int]]]] = defaultdict(dict)
    for k, able in enumerate(c.able):
        named = {c.timeline.facts[i][k].weekend for i in able}
        weekend = named.pop() if len(named) == 1 else None
        if weekend is None:
            continue
        start = c.slots[k].start_at
        positions[start.weekday(), start.hour * 60 + start.minute][weekend] = (k, able)
    span = timedelta(days=7 * (cfg.per_weeks - 1))
    result = []
    for _, by_weekend in sorted(positions.items()):
        weekends = sorted(by_weekend)
        worst: WeekendCount | None = None
        for first in weekends:
            window = [d for d in weekends if first <= d <= first + span]
            if len(window) < len(weekends) and first + span > weekends[-1]:
                break  # a shorter tail window is implied by an earlier, full one
            parts: dict[int, int] = defaultdict(int)
            for d in window:
                for i in by_weekend[d][1]:
                    parts[i] += 1
            gives = {i: min(cfg.max, n) for i, n in parts.items()}
            count = WeekendCount(
                slot=by_weekend[window[0]][0],
                weekends=tuple(window),
                demand=roles * len(window),
                supply=sum(gives.values()),
                largest=max(gives.values(), default=0),
                people=frozenset(parts),
            )
            if worst is None or count.slack < worst.slack:
                worst = count
        if worst is not None:
            result.append(worst)
    return result


def weekend_findings(c: Counting) -> list[Finding]:
    """Per region (the members who may hold the position), the weekend shift with the least
    slack: ``cannot-fit`` below demand, ``tight`` within one member's part of it."""
    cfg = c.team.config.weekends
    by_group: dict[frozenset[int], list[WeekendCount]] = defaultdict(list)
    for count in weekend_counts(c):
        if count.slack < 0 or count.slack < count.largest:
            by_group[count.people].append(count)
    found = []
    for people, counts in by_group.items():
        worst = min(counts, key=lambda w: (w.slack, w.weekends[0]))
        level = Level.CANNOT_FIT if worst.slack < 0 else Level.TIGHT
        k = worst.slot
        zones = sorted({c.region_of[i] for i in people})
        prefix = ", ".join(c.regions[r].name for r in zones) + ": " if zones else ""
        day = WEEKDAYS[c.slots[k].start_at.weekday()]
        window = worst.weekends
        others = len(counts) - 1
        message = (
            f"{prefix}{c.shift_words(k, people).replace('the ', f'the {day} ', 1)} needs "
            f"{plural(len(c.roles), 'member')} every weekend, "
            f"{worst.demand} member-weekends in the {plural(len(window), 'weekend')} "
            f"{window[0].isoformat()}..{window[-1].isoformat()}; only "
            f"{names(c.ids(people))} may hold it, and weekends.max {cfg.max} in "
            f"{cfg.per_weeks} lets them give {worst.supply}"
        )
        if level is Level.TIGHT:
            message += ": one member away for one of those weekends and it cannot be covered"
        if others:
            message += f" (and {plural(others, 'more weekend shift')} of theirs alike)"
        found.append(
            Finding(
                "weekend-limit",
                level,
                message + ".",
                Where(
                    zones=c.zones_of(people),
                    members=tuple(c.ids(people)),
                    first=window[0],
                    last=window[-1] + timedelta(days=1),
                    utc=c.utc_span(k),
                ),
            )
        )
    return sorted(found, key=lambda f: (f.level != Level.CANNOT_FIT, f.where.first))


def weekend_hours_findings(c: Counting) -> list[Finding]:
    """The run of weekends with the least spare weekend hours: ``cannot-fit`` below its
    demand, ``tight`` within one member's part of it."""
    counts = weekend_hours(c.team.config, c.timeline, c.able)
    if not counts:
        return []
    worst = min(counts, key=lambda w: (w.slack, w.weekends[0]))
    if worst.slack >= worst.largest:
        return []
    level = Level.CANNOT_FIT if worst.slack < 0 else Level.TIGHT
    message = weekend_hours_text(c.team.config, worst)
    if level is Level.TIGHT:
        message += ": one member away for one of those weekends and they cannot be covered"
    window = worst.weekends
    return [
        Finding(
            "weekend-hours",
            level,
            message + ".",
            Where(
                zones=c.zones_of(worst.people),
                members=tuple(c.ids(worst.people)),
                first=window[0],
                last=window[-1] + timedelta(days=1),
            ),
        )
    ]
