"""Capacity analysis without solving (``rota check``): see :mod:`rota.capacity.check`."""

from rota.capacity.check import CapacityReport, check_capacity
from rota.capacity.findings import Finding, Level, Verdict, Where

__all__ = ["CapacityReport", "Finding", "Level", "Verdict", "Where", "check_capacity"]
