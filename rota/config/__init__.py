"""The team file (docs/team-file.md) as strict pydantic v2 models, and ``load_config``.

Every key has a default except ``team.id``, ``team.timezone``, ``horizon.start``,
``rotation.kind`` and each member's ``id`` and ``timezone`` (docs/team-file.md lists them all).
Unknown keys are errors with a "did you mean" hint.

Checking happens in two passes whose problems are reported together, one line each, naming the
file, the YAML path and the value as written:

1. pydantic validates every key on its own (types, ranges, names) and each section's internal
   order (``min <= max``, ``start < end``);
2. :func:`rota.config.checks._cross_checks` reads the raw data and checks what spans sections
   (member ids, roles, escalation targets, impossible combinations). It skips any value that
   pass 1 rejects, so it also runs when pass 1 failed, and a mistake is never reported twice.

The package, one concept per module:

- :mod:`rota.config.scalars`: parsers of single values (times, dates, zones, countries, ids,
  numbers) with friendly errors and "did you mean" hints;
- :mod:`rota.config.models`: the pydantic sections and :class:`TeamConfig` (pass 1);
- :mod:`rota.config.checks`: the cross-field checks on the raw data (pass 2);
- :mod:`rota.config.messages`: pydantic's errors turned into one-line :class:`Problem` values;
- :mod:`rota.config.strict`: rules for files being validated or solved, not for stored ones;
- :mod:`rota.config.load`: :func:`load_config` and :func:`config_from_document`.
"""

from rota.config.checks import CrossProblem
from rota.config.load import config_from_document, load_config, load_team_file
from rota.config.models import (
    AckTimeout,
    ContactSection,
    EscalationLevel,
    EscalationSection,
    FairnessSection,
    FairnessWeights,
    Flag,
    HorizonSection,
    Id,
    LevelList,
    LimitsSection,
    MemberSection,
    RestSection,
    RoleNames,
    RotationSection,
    ShiftHours,
    TargetNames,
    TeamConfig,
    TeamSection,
    Text,
    TimeOfDay,
    UnavailableEntry,
    WeekendsSection,
    Weight,
    Window,
    Zone,
)
from rota.config.scalars import (
    ID_PATTERN,
    STANDARD_SEVERITIES,
    WEEKDAYS,
    is_id,
    parse_time_of_day,
    supported_countries,
)
from rota.config.strict import named_zone, strictness_problems

__all__ = [
    "ID_PATTERN",
    "STANDARD_SEVERITIES",
    "WEEKDAYS",
    "AckTimeout",
    "ContactSection",
    "CrossProblem",
    "EscalationLevel",
    "EscalationSection",
    "FairnessSection",
    "FairnessWeights",
    "Flag",
    "HorizonSection",
    "Id",
    "LevelList",
    "LimitsSection",
    "MemberSection",
    "RestSection",
    "RoleNames",
    "RotationSection",
    "ShiftHours",
    "TargetNames",
    "TeamConfig",
    "TeamSection",
    "Text",
    "TimeOfDay",
    "UnavailableEntry",
    "WeekendsSection",
    "Weight",
    "Window",
    "Zone",
    "config_from_document",
    "is_id",
    "load_config",
    "load_team_file",
    "named_zone",
    "parse_time_of_day",
    "strictness_problems",
    "supported_countries",
]
