"""Turning pydantic's validation errors into our one-line problems.

Each error becomes a :class:`Problem` naming the file, the YAML path (pydantic's markers
dropped), a plain-words message (unknown keys get a "did you mean" or "belongs under" hint) and
the value as the user wrote it.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime, time
from functools import cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from rota.config.models import TeamConfig
from rota.config.scalars import _hint
from rota.errors import Problem
from rota.yamlfile import YamlDocument, YamlPath, format_path


def _candidates(annotation: Any) -> list[Any]:
    """The alternatives of an annotation, with ``Annotated`` and ``X | None`` unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _candidates(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [c for arg in typing.get_args(annotation) for c in _candidates(arg)]
    return [annotation]


def _step(annotation: Any, part: str | int) -> Any:
    for candidate in _candidates(annotation):
        origin = typing.get_origin(candidate)
        if isinstance(part, int) and origin is list:
            return typing.get_args(candidate)[0]
        if isinstance(part, str):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                field = candidate.model_fields.get(part)
                return field.annotation if field is not None else None
            if origin is dict:
                return typing.get_args(candidate)[1]
    return None


def _model_at(path: YamlPath) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at ``path`` (for key hints)."""
    annotation: Any = TeamConfig
    for part in path:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    for candidate in _candidates(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


@cache
def _key_homes() -> dict[str, tuple[str, ...]]:
    """Every key name -> the places it may be written, e.g. ``handoff`` -> ``rotation``."""
    homes: dict[str, list[str]] = {}

    def walk(model: type[BaseModel], where: str) -> None:
        for name, field in model.model_fields.items():
            homes.setdefault(name, []).append(where or "the top level")
            sub = field.annotation
            suffix = ""
            for _ in range(3):  # unwrap list[...] / dict[..., list[...]]
                candidates = _candidates(sub)
                nested = [c for c in candidates if typing.get_origin(c) in (list, dict)]
                if not nested:
                    break
                sub = typing.get_args(nested[0])[-1]
                suffix += "[i]" if typing.get_origin(nested[0]) is list else ".<name>"
            for candidate in _candidates(sub):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    walk(candidate, f"{where}.{name}{suffix}" if where else f"{name}{suffix}")

    walk(TeamConfig, "")
    return {name: tuple(places) for name, places in homes.items()}


def _unknown_key(loc: YamlPath) -> str:
    parent = _model_at(loc[:-1])
    choices = list(parent.model_fields) if parent else []
    key = str(loc[-1])
    hint = _hint(key, choices)
    if hint:
        return f"unknown key{hint}"
    homes = _key_homes().get(key)
    if homes:
        places = " or ".join(homes[:3]) + (" ..." if len(homes) > 3 else "")
        return f"unknown key here; {key!r} belongs under {places}"
    return f"unknown key; allowed keys: {', '.join(choices)}" if choices else "unknown key"


_MESSAGES = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list (one '- item' per line, or [a, b])",
    "dict_type": "expected a mapping of keys (key: value lines, or {key: value})",
    "model_type": "expected a mapping of keys (key: value lines, or {key: value})",
    "model_attributes_type": "expected a mapping of keys (key: value lines, or {key: value})",
    "missing": "required key is missing",
}


def _describe(error: Any, loc: YamlPath) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind in _MESSAGES:
        message = _MESSAGES[kind]
        if error.get("input") is None and kind != "missing":
            return f"is empty; {message}"
        return message
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _clean_loc(loc: tuple[Any, ...]) -> YamlPath:
    """Drop pydantic's markers (``[key]`` for dict keys, ``function-...`` for validators)."""
    return tuple(
        part
        for part in loc
        if not (isinstance(part, str) and (part == "[key]" or part.startswith("function-")))
    )


_TEXT_SHOWN = 80


def _plain(value: Any) -> Any:
    """Show a value as the user wrote it: dates as text, long mappings by their keys, long
    text by its start."""
    if isinstance(value, str) and len(value) > _TEXT_SHOWN:
        return f"{value[:_TEXT_SHOWN]}… ({len(value)} characters)"
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes") if not value.second else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, ZoneInfo):
        return value.key
    if isinstance(value, dict):
        shown = {key: _plain(item) for key, item in value.items()}
        return shown if len(repr(shown)) <= 80 else "{" + ", ".join(map(str, value)) + "}"
    if isinstance(value, list):
        items = [_plain(item) for item in value]
        return items if len(repr(items)) <= 80 else f"[... {len(items)} items]"
    return value


def _problem(
    doc: YamlDocument, path: YamlPath, message: str, value: Any, has_value: bool
) -> Problem:
    line_col = doc.location_of(path)
    return Problem(
        doc.file,
        format_path(path),
        message,
        _plain(value),
        has_value,
        line_col[0] if line_col else None,
        line_col[1] if line_col else None,
    )


def _problems_from_validation(exc: ValidationError, doc: YamlDocument) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors(include_url=False):
        loc = _clean_loc(tuple(error["loc"]))
        message = _describe(error, loc)
        if (format_path(loc), message) in seen:
            continue
        seen.add((format_path(loc), message))
        value = loc[-1] if error["type"] == "extra_forbidden" and loc else error.get("input")
        problems.append(_problem(doc, loc, message, value, error["type"] != "missing"))
    return problems
