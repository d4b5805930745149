"""Read a YAML file strictly: YAML 1.2-style times, no duplicate keys, and a line for every path.

PyYAML follows YAML 1.1, where an unquoted ``17:00`` is the base-60 integer 1020. Team files are
full of times of day, so our loader drops the base-60 int/float resolvers: ``17:00`` stays the
string ``"17:00"``. Duplicate mapping keys, which PyYAML silently keeps the last of, are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rota.errors import ConfigError, Problem

Location = tuple[int, int]  # 1-based line, column
YamlPath = tuple[str | int, ...]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 sexagesimal numbers."""


_SEXAGESIMAL_INT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$")
_SEXAGESIMAL_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$")


def _drop_sexagesimal_resolvers() -> None:
    resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = []
        for tag, regexp in entries:
            if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
                # Rebuild the pattern without its base-60 alternative.
                pattern = regexp.pattern.replace("|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+", "")
                pattern = pattern.replace(
                    "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*", ""
                )
                regexp = re.compile(pattern, re.X)
            kept.append((tag, regexp))
        resolvers[first] = kept
    _StrictLoader.yaml_implicit_resolvers = resolvers


_drop_sexagesimal_resolvers()


@dataclass(slots=True)
class YamlDocument:
    """Parsed data plus the source position of every mapping key and sequence item."""

    file: str
    data: Any
    locations: dict[YamlPath, Location] = field(default_factory=dict)

    def location_of(self, path: YamlPath) -> Location | None:
        """The position of ``path`` or of its nearest ancestor that has one."""
        for cut in range(len(path), -1, -1):
            found = self.locations.get(tuple(path[:cut]))
            if found is not None:
                return found
        return None


def _convert(
    loader: _StrictLoader,
    node: yaml.Node,
    path: YamlPath,
    doc: YamlDocument,
    problems: list[Problem],
) -> Any:
    doc.locations[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | bool | float) and key is not None:
                key = str(key)
            if key in result:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problems.append(
                    Problem(
                        doc.file,
                        format_path((*path, str(key))),
                        "duplicate key (the earlier value would be silently lost)",
                        key,
                        True,
                        line,
                        col,
                    )
                )
                continue
            child_path = (*path, str(key))
            result[key] = _convert(loader, value_node, child_path, doc, problems)
            doc.locations[child_path] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, item, (*path, i), doc, problems) for i, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def format_path(path: YamlPath) -> str:
    """``("members", 2, "timezone")`` -> ``members[2].timezone``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document, raising :class:`ConfigError` for syntax errors and duplicates."""
    doc = YamlDocument(file=file, data=None)
    loader = _StrictLoader(text)
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        if node is not None:
            doc.data = _convert(loader, node, (), doc, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise ConfigError(
            [
                Problem(
                    file,
                    "",
                    f"YAML syntax error: {message or exc}",
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(file, "", f"YAML error: {exc}")]) from exc
    finally:
        loader.dispose()
    if problems:
        raise ConfigError(problems)
    return doc


def read_yaml(path: Path) -> YamlDocument:
    """Read and parse ``path``; a missing or unreadable file is a :class:`ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError([Problem(str(path), "", "file not found")]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(str(path), "", f"cannot read file: {exc}")]) from exc
    return parse_yaml(text, str(path))
