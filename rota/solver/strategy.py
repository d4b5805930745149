"""Every parameter of the search in one place: how the time limit is shared among the phases,
and the model sizes at which a phase is used (why each phase exists: ``docs/solver.md``).

A :class:`Strategy` travels in :class:`~rota.solver.search.SolveOptions`; tests and tools
inject their own (``Strategy(window_min_assignments=1)``) instead of patching modules. A
:class:`Route` is the choice made from it once per model: which phases the model goes through.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Strategy:
    """The search's parameters. Shares are of the time left when the phase starts; every phase
    stops earlier once its answer is proven."""

    # -- model sizes (assignment variables) that choose the phases
    lp_proof_max_assignments: int = 10_000
    """Up to this size CP-SAT's LP proves the stages' bounds one stage at a time; above it
    the stages are searched together as one weighted sum (unless ``fair`` is proven alone
    within :attr:`settle_share`), and a stage before the last uses LNS workers only."""
    window_min_assignments: int = 60_000
    """From this size a fresh solve starts from rolling windows (and the kinds split)."""
    window_assignments: int = 12_000
    """About this many assignment variables per rolling window."""
    span_windows: int = 2
    """Windows per span of ``fair``'s search after rolling windows (:mod:`rota.solver.spans`):
    two, so that every span holds a join of two windows."""
    split_passes: int = 2
    """Each kind of the kinds split is solved at most this often: a second time when a group
    spanning kinds needs a band placed where the first pass left its members (holiday time),
    or when the plan's weekends did not fit a kind's members (they are then placed where the
    first pass left them)."""
    part_max_members: int = 40
    """The kinds split joins kinds that one holiday group spans while they have at most this
    many members together (their group's range is then exact)."""

    # -- shares of the time
    feasibility_share: float = 0.5
    """Of the limit, at most, for the first valid rota."""
    unpresolved_share: float = 0.5
    """Of the first rota's time, first searched without presolve (solves going on to rolling
    windows, which need the rota only as a fallback)."""
    floor_share: float = 0.02
    """Of the limit, for each proven floor (off-hours, night; :mod:`rota.solver.floors`)."""
    floor_max_s: float = 3.0
    """At most this many seconds for each proven floor."""
    stage_floor_share: float = 0.05
    """Of the limit, for one stage floor (:mod:`rota.solver.bounds`); a larger model's
    relaxation needs more of it, and a longer limit buys a tighter floor."""
    stage_floor_left_share: float = 0.5
    """Of the time left, at most, for one stage floor."""
    floor_flat_share: float = 0.1
    """Of a stage floor's time, at least, that its bound stays flat before the floor stops
    early (:class:`~rota.solver.bounds.BoundWatch`)."""
    member_plan_share: float = 0.45
    """For the member plan (:mod:`rota.solver.member_plan`)."""
    member_search_share: float = 0.6
    """After the member plan, for the search with its counts held."""
    excess_share: float = 0.3
    """Of the member plan's time, for each try of its first step (least hours excess)."""
    plan_share: float = 0.2
    """Of a rolling window's first-rota time, for its off-hours plan (:mod:`rota.solver.plan`)."""
    split_share: float = 0.6
    """For the kinds split (:mod:`rota.solver.split`) before rolling windows take over."""
    split_plan_share: float = 0.4
    """Of the split's time, for its plan."""
    even_share: float = 0.75
    """Of the split plan's time, for its first step (least hours excess and weekend range)."""
    first_pass_share: float = 0.6
    """Of the split's time, for its first pass over the kinds."""
    windows_share: float = 0.75
    """For the rolling windows (:mod:`rota.solver.windows`)."""
    settle_share: float = 0.1
    """For each round of the first stage alone before stages searched together (see
    :attr:`Route.together`); rounds go on while each lowers it, and it is searched with the
    rest when a round ends without lowering it (0: never alone first)."""
    fair_share: float = 0.7
    """For the ``fair`` stage when more stages follow."""
    fair_share_after_windows: float = 0.95
    """The same after rolling windows (they have already weighed off-hours shift by shift):
    for ``fair``'s spans (:mod:`rota.solver.spans`), which end at its floor or when they
    stall, and again of the time then left for the stage's search."""
    humane_groups_share: float = 0.75
    """After rolling windows, of the time left once ``fair``'s spans and repair end, for
    ``humane`` lowered by groups of members (:func:`~rota.solver.repair.lower_in_members`),
    which lower it faster than the whole model's search; the rest goes to that search, which
    brings the bound."""
    after_share: float = 0.05
    """Of the limit, kept for the steps after the stages: ``humane``'s floor at the value
    ``fair`` was locked at (stages searched together), and moving load off part-timers
    (:mod:`rota.solver.part_timers`)."""
    relative_gap_limit: float = 0.001
    """A stage searched alone stops at this proven gap."""

    # -- the team's shape
    min_members_per_kind: float = 4.0
    """The kinds' phases (member plan, kinds split) run when the team has at least this many
    members per kind (:func:`~rota.solver.plan.member_kinds`: same roles, off-hours, night and
    weekends in every shift). Why: ``docs/solver.md``, "How the search works", step 3."""

    # -- switches
    kinds_split: bool = True
    """Try the kinds split before rolling windows (on teams that kinds group)."""

    def floor_s(self, limit_s: float, left_s: float) -> float:
        """Seconds for one proven floor (:mod:`rota.solver.floors`) of a solve limited to
        ``limit_s`` with ``left_s`` left: at most a quarter of what is left."""
        return min(self.floor_max_s, limit_s * self.floor_share, left_s / 4)

    def stage_floor_s(self, limit_s: float, left_s: float) -> float:
        """Seconds for one stage floor of a solve limited to ``limit_s`` with ``left_s``
        left."""
        return min(limit_s * self.stage_floor_share, left_s * self.stage_floor_left_share)

    def grouped(self, members: int, kinds: int) -> bool:
        """Whether ``kinds`` kinds group ``members`` members closely enough for the kinds'
        phases (:attr:`min_members_per_kind`)."""
        return kinds > 1 and members >= self.min_members_per_kind * kinds

    def route(
        self,
        assignments: int,
        *,
        windowed: bool,
        whole: bool,
        grouped: bool,
        stalled: bool = False,
    ) -> Route:
        """The phases of a model with ``assignments`` assignment variables. ``windowed``: the
        horizon is solved in rolling windows first; ``whole``: a fresh solve of the whole
        horizon (not itself a window); ``grouped``: kinds group the team (:meth:`grouped`);
        ``stalled``: after rolling windows, the spans left ``fair`` above its floor
        (:mod:`rota.solver.spans`), so the stages are searched together, with no trial of
        ``fair`` alone (the spans were that)."""
        large = assignments > self.lp_proof_max_assignments
        together = large and whole and (not windowed or stalled)
        return Route(
            large=large,
            together=together,
            member_plan=together and grouped and not windowed,
            windowed=windowed,
        )


@dataclass(frozen=True, slots=True)
class Route:
    """Which phases one model goes through (:meth:`Strategy.route`)."""

    large: bool
    """Above :attr:`Strategy.lp_proof_max_assignments`: LNS workers before the last stage,
    and ``humane``'s bound worker by where the stages start
    (:func:`~rota.solver.search.bound_worker`)."""
    together: bool
    """The stages searched at once as one weighted sum."""
    member_plan: bool
    """The stages start from a plan's rota: the member plan's
    (:mod:`rota.solver.member_plan`), or the kinds split's where it ran."""
    windowed: bool
    """The stages start from rolling windows' rota, whose spans have searched ``fair``
    alone (so stages searched together skip the rounds of :attr:`Strategy.settle_share`)."""


DEFAULT = Strategy()
