"""Weekend hours: per run of at most ``weekends.per_weeks`` consecutive weekends, the hours of
every shift all its possible holders count as a shift of one of those weekends (``len(roles)``
holders each), against the most the members can give: each gives at most ``weekends.max`` of
the weekends, and of one weekend the most minutes they can work (on one day with
``single-day``) under the rest gap and block length (:func:`~rota.capacity.blocks.most_minutes`).
It leaves out ``after_night`` and the weekly hours, so it never counts too little supply:
demand above it proves no rota exists. ``rota check`` (:mod:`rota.capacity.weekends`) and
``rota solve``'s pre-check (:mod:`rota.solver.explain`) both count it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rota.capacity.blocks import most_minutes, weekend_joins
from rota.capacity.findings import hours
from rota.config.models import TeamConfig
from rota.model import WeekendSplit
from rota.solver.facts import SATURDAY, Timeline


@dataclass(frozen=True, slots=True)
class WeekendHours:
    """The weekend hours of one run of consecutive weekends, in minutes."""

    weekends: tuple[date, ...]
    demand: int
    supply: int
    largest: int  # the most one member gives
    people: frozenset[int]  # the members who give any

    @property
    def slack(self) -> int:
        return self.supply - self.demand


def weekend_hours(
    config: TeamConfig, timeline: Timeline, able: Sequence[frozenset[int]]
) -> list[WeekendHours]:
    """Each run of at most ``per_weeks`` consecutive weekends of the grid (``timeline`` without
    history; ``able[k]``: the members who may hold some role of slot ``k``), with what its
    shifts need and what the members can give (see the module docstring)."""
    rules = config.weekends
    gap = round(config.rest.min_hours * 60)
    block = config.max_block_hours()
    cap = None if block is None else round(block * 60)
    slots, facts = timeline.slots, timeline.facts
    demand: dict[date, int] = defaultdict(int)
    days: dict[tuple[int, date, int], list[int]] = defaultdict(list)
    for k, members in enumerate(able):
        named = {facts[i][k].weekend for i in members}
        weekend = named.pop() if len(named) == 1 else None
        if weekend is None:
            continue
        demand[weekend] += len(timeline.roles) * slots[k].minutes
        for i in members:
            day = facts[i][k].day if rules.split is WeekendSplit.SINGLE_DAY else SATURDAY
            days[i, weekend, day].append(k)
    joins = {i: weekend_joins(rules.split, facts[i]) for i in {i for i, _, _ in days}}
    gives: dict[tuple[int, date], int] = defaultdict(int)
    for (i, weekend, _), ks in days.items():
        lo, hi = min(slots[k].start for k in ks), max(slots[k].end for k in ks)
        most = most_minutes(slots, ks, lo, hi, gap=gap, cap=cap, joins=joins[i])
        gives[i, weekend] = max(gives[i, weekend], most)
    weekends = sorted(demand)
    windows = {  # every run of at most per_weeks weekends: each lies in a window of the rule
        tuple(d for d in weekends if first <= d <= first + timedelta(days=7 * (length - 1)))
        for first in weekends
        for length in range(1, rules.per_weeks + 1)
    }
    result = []
    for window in sorted(windows):
        parts = {
            i: sum(sorted((gives.get((i, d), 0) for d in window), reverse=True)[: rules.max])
            for i in range(len(timeline.members))
        }
        given = {i: part for i, part in parts.items() if part > 0}
        result.append(
            WeekendHours(
                weekends=window,
                demand=sum(demand[d] for d in window),
                supply=sum(given.values()),
                largest=max(given.values(), default=0),
                people=frozenset(given),
            )
        )
    return result


def weekend_hours_text(config: TeamConfig, count: WeekendHours) -> str:
    """What ``count`` needs and what the rules let the members give, in the team file's
    words (shared with ``rota solve``'s pre-check)."""
    rules = config.weekends
    block = config.max_block_hours()
    window = count.weekends
    first, last = window[0].isoformat(), window[-1].isoformat()
    what = (
        f"the weekend of {first} needs"
        if len(window) == 1
        else (f"the {len(window)} weekends {first}..{last} need")
    )
    return (
        f"{what} {hours(count.demand)} of on-call on shifts every possible holder counts as "
        f"their weekend; with weekends.max {rules.max} in {rules.per_weeks}, weekends.split "
        f"{rules.split.value}, rest.min_hours {config.rest.min_hours:g} and "
        + (f"rest.max_block_hours {block:g}" if block is not None else "one shift per block")
        + f", the members can give at most {hours(count.supply)}"
    )
