"""The CP-SAT solver: a valid, fair rota for a team's grid, or the reason none exists."""

from rota.solver.search import Progress, SolveOptions
from rota.solver.solve import SolveResult, solve

__all__ = ["Progress", "SolveOptions", "SolveResult", "solve"]
