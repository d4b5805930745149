"""Changes to a team file, and the one function that applies them.

A change either sets one value at a path written the way error messages write it
(``weekends.per_weeks``, ``rest.after_weekend``, ``members[7].working_hours``) or adds a member
(a mapping as in the team file's ``members`` list). ``rota advise`` prints them, ``rota whatif``
reads them from ``--set`` and ``--add-member``, and both (and the tests) apply them with
:func:`apply_changes`, which validates the changed file exactly as ``rota solve`` does.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from rota.config import TeamConfig
from rota.config.load import config_from_document
from rota.errors import UsageError
from rota.yamlfile import YamlDocument, YamlPath, format_path

_PART = re.compile(r"([a-z_][a-z0-9_]*)((?:\[\d+\])*)")


@dataclass(frozen=True, slots=True)
class SetValue:
    """Set ``path`` to ``value`` (None: remove the key, so its default applies)."""

    path: str
    value: Any

    def as_json(self) -> dict[str, Any]:
        return {"set": self.path, "value": self.value}


@dataclass(frozen=True, slots=True)
class AddMember:
    """Append ``member`` (a mapping of the team file's ``members`` list)."""

    member: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"add_member": self.member}


Change = SetValue | AddMember


def parse_path(text: str) -> YamlPath:
    """``members[7].working_hours`` -> ``("members", 7, "working_hours")``.

    Raises:
        UsageError: the text is not a path of keys and indexes.
    """
    parts: list[str | int] = []
    for piece in text.strip().split("."):
        match = _PART.fullmatch(piece)
        if match is None:
            raise UsageError(
                f"--set: expected a path like weekends.per_weeks or members[2].fte. "
                f"Got value: {text!r}"
            )
        parts.append(match.group(1))
        parts += [int(i) for i in re.findall(r"\d+", match.group(2))]
    return tuple(parts)


def parse_yaml_value(text: str, option: str) -> Any:
    """A YAML scalar or mapping from the command line (``2``, ``false``, ``{id: x, ...}``)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise UsageError(f"{option}: not valid YAML ({reason}). Got value: {text!r}") from exc


def parse_set(text: str) -> SetValue:
    """``PATH=VALUE`` (VALUE is YAML) from ``--set``."""
    path, sep, value = text.partition("=")
    if not sep:
        raise UsageError(f"--set: expected PATH=VALUE (VALUE is YAML). Got value: {text!r}")
    return SetValue(format_path(parse_path(path)), parse_yaml_value(value, "--set"))


def parse_member(text: str) -> AddMember:
    """A member mapping from ``--add-member`` (YAML)."""
    value = parse_yaml_value(text, "--add-member")
    if not isinstance(value, dict):
        raise UsageError(
            "--add-member: expected a mapping like '{id: new1, timezone: Asia/Kolkata}'. "
            f"Got value: {text!r}"
        )
    return AddMember(value)


def change_from_json(data: Any) -> Change:
    """One change as ``rota advise --json`` prints it."""
    if isinstance(data, dict) and set(data) == {"set", "value"}:
        return SetValue(format_path(parse_path(str(data["set"]))), data["value"])
    if (
        isinstance(data, dict)
        and set(data) == {"add_member"}
        and isinstance(data["add_member"], dict)
    ):
        return AddMember(data["add_member"])
    raise UsageError(
        f"expected {{'set': PATH, 'value': V}} or {{'add_member': {{...}}}}. Got: {data!r}"
    )


def apply_changes(doc: YamlDocument, changes: Sequence[Change]) -> TeamConfig:
    """The team of ``doc`` with ``changes`` applied, validated as ``rota solve`` validates it.

    Raises:
        UsageError: a path runs through something that is not a mapping or list, or past the
            end of a list (the message names the path).
        ConfigError: the changed file is not a valid team (the messages name the paths).
    """
    changed = YamlDocument(doc.file, copy.deepcopy(doc.data), doc.locations, doc.problems)
    for change in changes:
        if isinstance(change, AddMember):
            members = changed.data.setdefault("members", [])
            if not isinstance(members, list):
                raise UsageError(f"--add-member: members is not a list in {doc.file}")
            members.append(copy.deepcopy(change.member))
        else:
            _set(changed.data, parse_path(change.path), change.value, change.path)
    return config_from_document(changed, strict=True)


def _set(data: Any, path: YamlPath, value: Any, text: str) -> None:
    node = data
    for depth, part in enumerate(path[:-1]):
        nxt = path[depth + 1]
        node = _child(node, part, {} if isinstance(nxt, str) else None, text)
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or not 0 <= last < len(node):
            raise UsageError(f"--set: {text}: no such item in the team file. Got value: {text!r}")
        node[last] = copy.deepcopy(value)
    elif not isinstance(node, dict):
        raise UsageError(f"--set: {text}: the part before {last!r} is not a mapping")
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = copy.deepcopy(value)


def _child(node: Any, part: str | int, default: Any, text: str) -> Any:
    if isinstance(part, int):
        if not isinstance(node, list) or not 0 <= part < len(node):
            raise UsageError(f"--set: {text}: no item [{part}] in the team file")
        return node[part]
    if not isinstance(node, dict):
        raise UsageError(f"--set: {text}: the part before {part!r} is not a mapping")
    if node.get(part) is None:
        if default is None:
            raise UsageError(f"--set: {text}: the team file has no list {part!r}")
        node[part] = default
    return node[part]
