"""Loading a team file: :func:`load_config` and :func:`config_from_document`.

Runs both checking passes (:mod:`rota.config.models`, :mod:`rota.config.checks`) and reports
every problem found at once, in line order, as one :class:`ConfigError`. A file being validated
or solved is also held to :mod:`rota.config.strict`; a stored one is not.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from rota.config.checks import _cross_checks
from rota.config.messages import _problem, _problems_from_validation
from rota.config.models import TeamConfig
from rota.config.strict import strictness_problems
from rota.errors import ConfigError, Problem
from rota.yamlfile import YamlDocument, format_path, parse_yaml, read_text

_ROOT_KEYS = tuple(TeamConfig.model_fields)


def config_from_document(doc: YamlDocument, *, strict: bool = False) -> TeamConfig:
    """Validate a parsed document, raising :class:`ConfigError` with every problem found.

    The problems the parser collected (``doc.problems``: duplicate keys) come first in line
    order with the others.

    Args:
        doc: the parsed team file.
        strict: also apply :mod:`rota.config.strict` (files being validated or solved). Leave
            it off for team files already stored, so that they keep loading.
    """
    if doc.data is None:
        raise ConfigError(
            [
                Problem(
                    doc.file,
                    "",
                    "the file is empty; a team file needs at least team, horizon, rotation "
                    "and members",
                )
            ]
        )
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise ConfigError(
            [
                _problem(
                    doc,
                    (),
                    f"a team file must be a mapping of keys ({', '.join(_ROOT_KEYS)}), not {kind}",
                    doc.data,
                    True,
                )
            ]
        )
    cfg: TeamConfig | None = None
    problems: list[Problem] = list(doc.problems)
    try:
        cfg = TeamConfig.model_validate(doc.data)
    except ValidationError as exc:
        problems += _problems_from_validation(exc, doc)
    reported = {p.path for p in problems}
    for path, message, value in _cross_checks(doc.data):
        if format_path(path) not in reported:
            problems.append(_problem(doc, path, message, value, True))
    if strict:
        reported = {p.path for p in problems}
        problems += [p for p in strictness_problems(doc) if p.path not in reported]
    if problems:
        problems.sort(key=lambda p: (p.line is None, p.line or 0, p.column or 0))
        raise ConfigError(problems)
    assert cfg is not None
    return cfg


def load_config(path: str | Path) -> TeamConfig:
    """Read, parse and validate one team file, strictly (see :mod:`rota.config.strict`).

    Args:
        path: the YAML team file.

    Returns:
        The validated team, every default filled in.

    Raises:
        ConfigError: with one :class:`Problem` per mistake, all at once.
    """
    return load_team_file(path)[0]


def load_team_file(path: str | Path) -> tuple[TeamConfig, str]:
    """:func:`load_config`, and the text exactly as read and validated (``solve`` stores it)."""
    text = read_text(Path(path))
    return config_from_document(parse_yaml(text, str(path), keep_going=True), strict=True), text
