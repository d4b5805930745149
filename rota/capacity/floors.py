"""Off-hours and night hours that counting alone proves unavoidable (a lower bound).

For one shift, the members who may hold a role there at no cost (none of the shift outside
their working window, or none of it in their night) can take at most as many roles as a
matching gives them, ``m0``. Every rota then gives the other ``len(roles) - m0`` roles to
distinct members who pay for it, and pays at least the sum of the smallest such costs. Summed
over the shifts this is a floor on the total that every rota reaches: the same words as
``rota solve`` and ``rota report`` (hours outside the member's working window, hours inside
their night, :mod:`rota.metrics`), and a looser floor than the one ``rota solve`` proves,
since each shift is counted on its own. The per-shift count is
:func:`rota.coverage.least_paid`, which the solver's floors (:mod:`rota.solver.floors`) share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rota.capacity.counting import Counting
from rota.capacity.findings import Finding, Level, Where, dates_text, hours, plural
from rota.coverage import least_paid
from rota.solver.facts import MemberShiftFacts


@dataclass(frozen=True, slots=True)
class Floor:
    """The floor over the horizon and each shift's part of it, in minutes."""

    total: int
    per_slot: dict[int, tuple[int, int]]  # slot -> (roles paid for, minutes)


def cost_floor(c: Counting, cost: Callable[[MemberShiftFacts], int]) -> Floor:
    per_slot: dict[int, tuple[int, int]] = {}
    for k, candidates in enumerate(c.candidates):
        paid = {i: cost(c.timeline.facts[i][k]) for i in c.able[k]}
        roles, minutes = least_paid(candidates, paid)
        if minutes:
            per_slot[k] = (roles, minutes)
    return Floor(sum(m for _, m in per_slot.values()), per_slot)


def floor_finding(c: Counting, floor: Floor, rule: str, words: str) -> Finding:
    """One ``info`` finding: the floor, and the shifts (by UTC time of day) that carry most."""
    if not floor.total:
        return Finding(rule, Level.INFO, f"Counting forces no {words}.")
    groups: dict[str, list[int]] = defaultdict(list)
    for k in sorted(floor.per_slot):
        groups[c.utc_span(k)].append(k)
    ranked = sorted(groups.items(), key=lambda g: -sum(floor.per_slot[k][1] for k in g[1]))
    parts = []
    for _, ks in ranked[:3]:
        k = ks[0]
        usual = c.in_window(k) & c.able[k] if rule == "off-hours" else frozenset()
        paid = max(floor.per_slot[j][0] for j in ks)
        parts.append(
            f"{c.shift_words(k, c.able[k] if rule == 'night' else usual)} "
            f"{dates_text([c.team_date(j) for j in ks])}: "
            f"{plural(paid, 'role')} of {len(c.roles)} at a cost, "
            f"{hours(sum(floor.per_slot[j][1] for j in ks))}"
        )
    more = len(ranked) - 3
    message = f"At least {hours(floor.total)} of {words} in every rota: " + "; ".join(parts)
    if more > 0:
        message += f"; and {plural(more, 'more shift time')}"
    top = ranked[0][1]
    return Finding(
        rule,
        Level.INFO,
        message + ".",
        Where(
            first=c.team_date(top[0]),
            last=c.team_date(top[-1]),
            utc=ranked[0][0],
        ),
    )


def floor_findings(c: Counting) -> tuple[list[Finding], int, int]:
    """The off-hours and night findings, and the two floors in minutes."""
    off = cost_floor(c, lambda f: f.off_minutes)
    night = cost_floor(c, lambda f: f.night_minutes)
    return (
        [
            floor_finding(c, off, "off-hours", "on-call outside working hours"),
            floor_finding(c, night, "night", "on-call at night"),
        ],
        off.total,
        night.total,
    )
