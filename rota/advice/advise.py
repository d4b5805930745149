"""``rota advise``: the smallest verified changes that give a team a rota (or a better one).

1. The relaxed model (:mod:`rota.advice.relaxed`, searched by :mod:`rota.advice.proposals`)
   finds ways to bend that leave nothing unneeded, different in kind; when nothing needs
   bending the team has a rota as it is, and the model then looks for the single changes
   that cut off-hours and night time most.
2. Each proposal is applied to the team file (:mod:`rota.advice.changes`) and solved for real
   (:mod:`rota.advice.verify`) in the time left; a proposal proven impossible is dropped, one
   not decided in time is kept as unverified, after the verified ones.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rota.advice.changes import AddMember, Change
from rota.advice.costs import BendCosts
from rota.advice.figures import Figures
from rota.advice.proposals import find_proposals
from rota.advice.relaxed import Proposal, build_relaxed
from rota.advice.verify import Outcome, solve_changed
from rota.advice.weekends import extra_weekends, where_needed
from rota.config.load import config_from_document
from rota.horizon import build_grid
from rota.solver import SolveOptions
from rota.team import team_from_config
from rota.yamlfile import YamlDocument


@dataclass(frozen=True, slots=True)
class AdviceOptions:
    """The time ``advise`` may take in all, and how it shares it."""

    time_limit_s: float = 120.0
    workers: int = 2
    seed: int = 0
    costs: BendCosts = field(default_factory=BendCosts)
    current_share: float = 0.2
    """Share of the time left that solving a team with a rota as it is may use (the figures
    its suggestions must improve on)."""
    search_share: float = 0.5
    """Share of the time for finding proposals; verifying them (real solves) gets the rest."""
    first_share: float = 0.6
    """Share of the search time the first (cheapest) proposal may use; alternatives share the
    rest. It needs the most: later searches start from a model that forbids the earlier
    answers and stop at the time left."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    summary: str
    changes: tuple[Change, ...]
    verified: bool
    figures: Figures | None
    cost: int
    bent: int = 1
    """Parts bent: rule families loosened, plus one per member added."""

    def as_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "changes": [c.as_json() for c in self.changes],
            "verified": self.verified,
            "metrics": self.figures.as_json() if self.figures is not None else None,
        }


@dataclass(frozen=True, slots=True)
class Advice:
    team: str
    feasible: bool
    suggestions: tuple[Suggestion, ...]
    current: Figures | None = None
    """A feasible team's figures as it is (what the suggestions improve on)."""

    @property
    def exit_code(self) -> int:
        """0 when the team has a rota or a verified suggestion gives it one, else 1."""
        return 0 if self.feasible or any(s.verified for s in self.suggestions) else 1

    def as_json(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "feasible": self.feasible,
            "suggestions": [s.as_json() for s in self.suggestions],
        }


def advise(doc: YamlDocument, options: AdviceOptions = AdviceOptions()) -> Advice:
    """Suggestions for the team file ``doc`` (see the module docstring).

    Raises:
        ConfigError: the team file is not valid.
    """
    started = time.monotonic()
    budget = options.time_limit_s

    def left() -> float:
        return budget - (time.monotonic() - started)

    cfg = config_from_document(doc, strict=True)
    team = team_from_config(cfg)
    grid = build_grid(team)
    relaxed = build_relaxed(doc, team, grid, options.costs)
    search_s = budget * options.search_share
    proposals, feasible = find_proposals(
        relaxed,
        feasible=False,
        time_limit_s=search_s,
        first_share=options.first_share,
        workers=options.workers,
        seed=options.seed,
    )
    current = None
    if feasible:
        now = solve_changed(doc, [], _solve_options(options, left() * options.current_share))
        current = now.figures
        proposals, _ = find_proposals(
            relaxed,
            feasible=True,
            time_limit_s=min(search_s, left() * options.search_share),
            first_share=options.first_share,
            workers=options.workers,
            seed=options.seed,
        )
    suggestions = _verified(doc, cfg, proposals, options, left)
    if not feasible and not any(s.verified for s in suggestions) and left() > 1:
        # What one part alone seemed to fix did not hold in the real model: bend several.
        proposals, _ = find_proposals(
            relaxed,
            feasible=False,
            time_limit_s=left() * options.search_share,
            first_share=options.first_share,
            alone_first=False,
            workers=options.workers,
            seed=options.seed,
        )
        suggestions += _verified(doc, cfg, proposals, options, left)
    if feasible:
        suggestions = _cutting(suggestions, current)
    return Advice(team.id, feasible, tuple(suggestions[: options.costs.max_suggestions]), current)


def _solve_options(options: AdviceOptions, time_limit_s: float) -> SolveOptions:
    return SolveOptions(
        time_limit_s=max(0.5, time_limit_s), workers=options.workers, seed=options.seed
    )


def _verified(
    doc: YamlDocument,
    cfg: Any,
    proposals: list[Proposal],
    options: AdviceOptions,
    left: Any,
) -> list[Suggestion]:
    """Each proposal solved for real in a share of the time left, verified ones first."""
    verified: list[Suggestion] = []
    unverified: list[Suggestion] = []
    for n, proposal in enumerate(proposals):
        changes = tuple(proposal.changes())
        bent = proposal.parts
        share = left() / (len(proposals) - n)
        if share < 0.5:
            words = summary(cfg, proposal)
            unverified.append(Suggestion(words, changes, False, None, proposal.cost, bent))
            continue
        outcome = solve_changed(doc, changes, _solve_options(options, share))
        words = summary(cfg, proposal, _where_needed(cfg, outcome))
        if outcome.figures is not None:
            words += f" (then: {outcome.figures.headline()})"
            verified.append(Suggestion(words, changes, True, outcome.figures, proposal.cost, bent))
        elif outcome.timed_out:
            unverified.append(Suggestion(words, changes, False, None, proposal.cost, bent))
    return sorted(verified, key=rank) + sorted(unverified, key=rank)


def rank(suggestion: Suggestion) -> tuple[float, ...]:
    """The order verified suggestions are shown in (docs/capacity.md): fewest parts bent
    (families loosened plus members added: hiring nine people is not one change), then fewest
    members added (a rule the team
    can change today before a hire), then the least night plus off-hours time of the
    verified rota, then its spreads (hours, then weekends), then the least bending."""
    f = suggestion.figures
    hires = sum(isinstance(c, AddMember) for c in suggestion.changes)
    if f is None:  # not verified: no figures to weigh
        return (suggestion.bent, hires, float("inf"), 0, 0, suggestion.cost)
    return (
        suggestion.bent,
        hires,
        f.night_hours + f.off_hours,
        f.hours_spread,
        f.weekends_spread,
        suggestion.cost,
    )


def _cutting(suggestions: list[Suggestion], current: Figures | None) -> list[Suggestion]:
    """A feasible team's suggestions that cut off-hours plus night time, most first."""
    if current is None:
        return suggestions
    base = current.off_hours + current.night_hours

    def total(s: Suggestion) -> float:
        return s.figures.off_hours + s.figures.night_hours if s.figures else base

    kept = [s for s in suggestions if s.figures is not None and total(s) < base]
    return sorted(kept, key=total)


def _where_needed(cfg: Any, outcome: Outcome) -> dict[str, str]:
    """Per family name, where the verified rota uses the room a bend gives (the weekend
    limit: the zones working beyond the team's own limit)."""
    if outcome.schedule is None:
        return {}
    weekends = cfg.weekends
    extra = extra_weekends(outcome.team, outcome.schedule, weekends.max, weekends.per_weeks)
    where = where_needed(extra)
    return {"weekend_limit": where} if where else {}


def summary(cfg: Any, proposal: Proposal, where: Mapping[str, str] | None = None) -> str:
    """The proposal in the team's words; ``where`` adds, per family name, where it is needed."""
    where = where or {}
    parts = []
    for bend in proposal.bends:
        words = bend.family.describe(cfg, bend.value)
        if bend.family.name in where:
            words += f", {where[bend.family.name]}"
        parts.append(words)
    for profile, members in proposal.added:
        count = "one member" if len(members) == 1 else f"{len(members)} members"
        parts.append(f"add {count} in {profile.where()}")
    return " and ".join(parts)
