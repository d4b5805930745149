"""The CP-SAT solver: a valid, fair rota for a team's grid, or the reason none exists."""

from rota.solver.solve import Progress, SolveOptions, SolveResult, solve

__all__ = ["Progress", "SolveOptions", "SolveResult", "solve"]
