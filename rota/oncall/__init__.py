"""On call: the effective schedule (overrides on top of the plan) and who to page at an instant.

* :mod:`rota.oncall.effective` — overrides applied to a planned schedule; override validation.
* :mod:`rota.oncall.index` — :class:`OnCallIndex`, O(log n) lookup of the shift at an instant.
* :mod:`rota.oncall.resolve` — :func:`resolve_oncall`: holders, escalation chain, next handoff.
* :mod:`rota.oncall.view` — :func:`oncall_view`, the JSON document for the CLI and the API.
* :mod:`rota.oncall.blocks` — the same answers as continuous blocks over the stored schedule.
"""

from rota.oncall.effective import (
    EffectivePiece,
    effective_pieces,
    effective_shifts,
    validate_override,
)
from rota.oncall.index import OnCallIndex
from rota.oncall.resolve import (
    Handoff,
    Holder,
    HolderSource,
    Level,
    OnCallAnswer,
    Page,
    RoleChange,
    Skipped,
    escalation_chain,
    resolve_oncall,
)
from rota.oncall.view import oncall_view

__all__ = [
    "EffectivePiece",
    "Handoff",
    "Holder",
    "HolderSource",
    "Level",
    "OnCallAnswer",
    "OnCallIndex",
    "Page",
    "RoleChange",
    "Skipped",
    "effective_pieces",
    "effective_shifts",
    "escalation_chain",
    "oncall_view",
    "resolve_oncall",
    "validate_override",
]
