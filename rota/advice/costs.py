"""What bending costs: the policy ``rota advise`` minimises, in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BendCosts:
    """Costs of the relaxed model's objective (whole numbers; only their order matters much).

    A rule loosened at all is a decision the whole team lives with, so the first step of a
    family costs more than each further step of it. Hiring is the largest change a team can
    make: one more member costs three rule changes, so a rota that keeps the rules with new
    people is suggested when no two or three rule changes would do, and listed after them
    otherwise (each with its figures, so the team chooses).
    """

    rule_change: int = 4
    """First step of a family (its first value looser than the team's)."""
    rule_step: int = 2
    """Each further step of the same family."""
    member: int = 12
    """Each member added."""
    max_suggestions: int = 5
    """Suggestions shown at most (verified first)."""
