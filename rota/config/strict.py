"""Rules for team files being validated or solved, not for team files already stored.

Every string of a team file is one line of printable text (:mod:`rota.text`: no control or
invisible format characters, also in mapping keys) and no longer than its limit: team and member
names :data:`~rota.text.NAME_MAX`, emails :data:`~rota.text.EMAIL_MAX`, absence reasons
:data:`~rota.text.REASON_MAX`, anything else :data:`OTHER_MAX` (ids, zones, times and codes
have tighter rules of their own). The limits fit the store's columns on every database.

:func:`rota.config.load_config` (``rota validate``, ``rota solve``, ``rota grid``) reports these
problems as errors. The text kept with each stored schedule version was accepted by an older
rota, so :func:`rota.config.config_from_document` does not apply them: a stored team keeps
loading (``who``, the API and the feeds never fail after an upgrade); callers that want to say
so call :func:`strictness_problems` and show its problems as warnings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rota.config.messages import _problem
from rota.errors import Problem
from rota.text import EMAIL_MAX, NAME_MAX, REASON_MAX, text_problem
from rota.yamlfile import YamlDocument, YamlPath

OTHER_MAX = 200
"""Any string the limits below do not name."""

_LIMITS = {"name": NAME_MAX, "email": EMAIL_MAX, "reason": REASON_MAX}
"""By the key a string is written under (``team.name``, ``members[i].name``, ...)."""


def _strings(value: Any, path: YamlPath) -> Iterator[tuple[YamlPath, str, bool]]:
    """Every string in ``value`` with its path, and whether it is a mapping key."""
    if isinstance(value, str):
        yield path, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), key, True
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def strictness_problems(doc: YamlDocument) -> list[Problem]:
    """What a team file being validated or solved may not contain, in the usual message format.

    >>> from rota.yamlfile import parse_yaml
    >>> doc = parse_yaml('team: {id: ops, name: "Ops\\\\nTeam"}', "team.yaml")
    >>> [str(p) for p in strictness_problems(doc)]  # doctest: +NORMALIZE_WHITESPACE
    ["team.yaml: team.name: must be one line of printable text: it contains U+000A
      (a control character). Got value: 'Ops\\\\nTeam' (line 1, column 17)"]
    """
    problems: list[Problem] = []
    for path, text, is_key in _strings(doc.data, ()):
        last = path[-1] if path else ""
        limit = OTHER_MAX if is_key else _LIMITS.get(str(last), OTHER_MAX)
        message = text_problem(text, limit)
        if message is not None:
            problems.append(_problem(doc, path, message, text, True))
    return problems
