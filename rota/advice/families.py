"""The rule families ``rota advise`` may bend, one registry entry each.

A family is one setting of the team file (its ``path``), the hard rule of
:mod:`rota.solver.constraints` that reads it, and the values it may take, from the team's own
through successively looser ones to a last value that lifts the rule altogether. The values are
read off the team and its timeline (the gaps its shifts leave, the blocks they can form, the
longest shift), never fixed numbers, so every team gets the steps that mean something for it.

The relaxed model (:mod:`rota.advice.relaxed`) adds a family's rule once per value, each copy
guarded by a literal "the rule holds at this value"; bending a family is leaving its first
copies unenforced, at a cost per step (:class:`~rota.advice.costs.BendCosts`).

Adding a family is one entry in :data:`FAMILIES`: a rule in clause form that reads the setting,
its path, and its values ``[the team's, looser...]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rota.config import TeamConfig
from rota.model import NightPolicy, OffHoursPolicy
from rota.solver import constraints as rules
from rota.solver import weekend_rules
from rota.solver.facts import Timeline
from rota.solver.model import RotaModel, negate

MAX_STEPS = 2
"""At most this many values between the team's own and the last one, so that each family's
rule is copied into the relaxed model at most ``MAX_STEPS + 2`` times."""


@dataclass(frozen=True, slots=True)
class Family:
    """One setting ``rota advise`` may loosen, the rule that reads it, and how to say so."""

    name: str
    path: str
    rule: Callable[[RotaModel], None]
    values: Callable[[TeamConfig, Timeline], list[Any]]
    """The team's value first, then each looser one (YAML values); [] when nothing to bend."""
    describe: Callable[[TeamConfig, Any], str]
    """The change to ``value``, in the team's words."""


def add_off_hours_forbidden(m: RotaModel) -> None:
    """``off_hours: forbid`` as clauses (no shift outside the window) instead of missing
    variables, so the relaxed model can guard it; the same rota as
    :func:`~rota.solver.constraints.add_off_hours`."""
    if m.team.config.rotation.off_hours is not OffHoursPolicy.FORBID:
        return
    facts = m.timeline.facts
    for (i, k), works in m.w.items():
        if facts[i][k].off_minutes > 0:
            m.add_clause([negate(works)], "off_hours", i, facts[i][k].start_date)


def _thin(values: Sequence[Any]) -> list[Any]:
    """At most :data:`MAX_STEPS` values, evenly spread, the last one kept."""
    if len(values) <= MAX_STEPS:
        return list(values)
    step = len(values) / MAX_STEPS
    return [values[min(len(values) - 1, round((j + 1) * step) - 1)] for j in range(MAX_STEPS)]


def _hours(minutes: float) -> float:
    """Minutes as hours, down to a quarter hour (the rules read whole minutes)."""
    return int(minutes // 15) / 4


def _off_hours(cfg: TeamConfig, _: Timeline) -> list[Any]:
    return ["forbid", "avoid"] if cfg.rotation.off_hours is OffHoursPolicy.FORBID else []


def _night(cfg: TeamConfig, _: Timeline) -> list[Any]:
    return ["forbid", "avoid"] if cfg.rotation.night is NightPolicy.FORBID else []


def _per_weeks(cfg: TeamConfig, _: Timeline) -> list[Any]:
    w = cfg.weekends
    return list(range(w.per_weeks, w.max - 1, -1)) if w.per_weeks > w.max else []


def _flag(section: str, key: str) -> Callable[[TeamConfig, Timeline], list[Any]]:
    def values(cfg: TeamConfig, _: Timeline) -> list[Any]:
        return [True, False] if getattr(getattr(cfg, section), key) else []

    return values


def _min_hours(cfg: TeamConfig, tl: Timeline) -> list[Any]:
    """The gaps shorter than ``rest.min_hours`` that two of the team's shifts can leave."""
    limit = round(cfg.rest.min_hours * 60)
    slots = tl.slots
    gaps: set[float] = set()
    for a, first in enumerate(slots):
        b = a + 1
        while b < len(slots) and slots[b].start < first.end + limit:
            if slots[b].start > first.end:
                gaps.add(_hours(slots[b].start - first.end))
            b += 1
    looser = sorted((g for g in gaps if g < cfg.rest.min_hours and g > 0), reverse=True)
    return [cfg.rest.min_hours, *_thin(looser[:-1]), 0] if gaps else []


def _block_hours(cfg: TeamConfig, tl: Timeline) -> list[Any]:
    """The lengths of the runs of touching shifts longer than the team's block cap."""
    cap = cfg.max_block_hours()
    slots, touches = tl.slots, tl.touches_next
    lengths: set[float] = set()
    longest = 0.0
    for a in range(len(slots)):
        e = a
        while True:
            hours = (slots[e].end - slots[a].start) / 60
            longest = max(longest, hours)
            if (cap is None and e > a) or (cap is not None and hours > cap):
                lengths.add(hours)
            if e + 1 >= len(slots) or not touches[e] or e - a >= MAX_STEPS + 1:
                break
            e += 1
    looser = sorted(h for h in lengths if h <= 336)
    if not looser:
        return []
    last = min(336.0, max(longest, looser[-1]))
    return [cfg.rest.max_block_hours, *_thin([h for h in looser if h < last]), last]


def _weekly_hours(cfg: TeamConfig, tl: Timeline) -> list[Any]:
    """One more of the team's longest shifts a week per step, then no cap."""
    cap = cfg.limits.max_hours_per_week
    if cap is None:
        return []
    longest = max((s.end - s.start for s in tl.slots), default=60) / 60
    looser = [cap + step * longest for step in range(1, MAX_STEPS + 1)]
    return [cap, *[h for h in looser if h < 168], None]


def _say_off_hours(cfg: TeamConfig, value: Any) -> str:
    return "allow shifts outside working hours (rotation.off_hours: avoid)"


def _say_night(cfg: TeamConfig, value: Any) -> str:
    return (
        "allow on-call time in members' nights, as little as the rest allows "
        "(rotation.night: avoid)"
    )


def _say_weekends(cfg: TeamConfig, value: Any) -> str:
    w = cfg.weekends
    if value == w.max:
        return f"lift the weekend limit (weekends.per_weeks: {value}, was {w.max} in {w.per_weeks})"
    return f"allow weekends {w.max} in {value} (was {w.max} in {w.per_weeks})"


def _say_after_weekend(cfg: TeamConfig, value: Any) -> str:
    return "drop the Monday off after a worked weekend (rest.after_weekend: false)"


def _say_after_night(cfg: TeamConfig, value: Any) -> str:
    return "drop the rest of the day after a night block (rest.after_night: false)"


def _say_min_hours(cfg: TeamConfig, value: Any) -> str:
    was = f"was {cfg.rest.min_hours:g} h"
    if value == 0:
        return f"drop the rest between shifts (rest.min_hours: 0, {was})"
    return f"allow {value:g} h of rest between shifts ({was})"


def _say_block(cfg: TeamConfig, value: Any) -> str:
    cap = cfg.max_block_hours()
    was = "was one shift" if cap is None else f"was {cap:g} h"
    return f"allow blocks of up to {value:g} h ({was})"


def _say_weekly(cfg: TeamConfig, value: Any) -> str:
    was = f"was {cfg.limits.max_hours_per_week:g}"
    if value is None:
        return f"lift the weekly hours cap ({was})"
    return f"allow {value:g} hours a week ({was})"


FAMILIES: tuple[Family, ...] = (
    Family("off_hours", "rotation.off_hours", add_off_hours_forbidden, _off_hours, _say_off_hours),
    Family("night", "rotation.night", rules.add_night, _night, _say_night),
    Family(
        "weekend_limit",
        "weekends.per_weeks",
        weekend_rules.add_weekend_limit,
        _per_weeks,
        _say_weekends,
    ),
    Family(
        "after_weekend",
        "rest.after_weekend",
        weekend_rules.add_after_weekend,
        _flag("rest", "after_weekend"),
        _say_after_weekend,
    ),
    Family(
        "after_night",
        "rest.after_night",
        rules.add_after_night,
        _flag("rest", "after_night"),
        _say_after_night,
    ),
    Family("rest_gap", "rest.min_hours", rules.add_rest_gap, _min_hours, _say_min_hours),
    Family(
        "block_length", "rest.max_block_hours", rules.add_block_length, _block_hours, _say_block
    ),
    Family(
        "max_hours",
        "limits.max_hours_per_week",
        rules.add_max_hours_per_week,
        _weekly_hours,
        _say_weekly,
    ),
)
"""Every family, in the order suggestions name them."""

BENT_RULES = frozenset({rules.add_off_hours, *(f.rule for f in FAMILIES)})
"""The rules of :data:`~rota.solver.constraints.ALL_RULES` the relaxed model adds through a
family (``add_off_hours`` only asserts what :func:`add_off_hours_forbidden` now encodes)."""
