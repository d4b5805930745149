"""Read a YAML file strictly, the way a person reads it, and remember where every value came from.

PyYAML follows YAML 1.1, which surprises people writing team files in three ways. ``parse_yaml``
removes all three:

- An unquoted ``17:00`` is the base-60 integer 1020 in YAML 1.1. Team files are full of times of
  day, so base-60 numbers are not recognised: ``17:00`` stays the string ``"17:00"``.
- ``yes``/``no``/``on``/``off`` are booleans in YAML 1.1, so ``country: NO`` (Norway) would become
  ``False``. Only ``true``/``false`` are booleans here, as in YAML 1.2; fields that expect a
  boolean accept ``yes``/``no``/``on``/``off`` themselves (see :mod:`rota.config`).
- Duplicate mapping keys, of which PyYAML silently keeps the last, are errors.

Besides, a scalar that looks like a date but is not one (``2027-02-30``) is kept as its text, so
the validator can name it instead of the parser crashing, every mapping key becomes a string, and
``<<`` merge keys work (an explicit key may override a merged one).

>>> parse_yaml("end: 17:00\\ncountry: NO\\n", "team.yaml").data
{'end': '17:00', 'country': 'NO'}
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

_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_COLLECTIONS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")

# YAML 1.1's implicit types minus base-60 numbers, yes/no/on/off booleans and 0-prefixed octal
# numbers (``0700`` stays text, so the validator can suggest "07:00").
_RESOLVERS: tuple[tuple[str, str, str], ...] = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN "),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
        r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)"
        r"|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    (
        "tag:yaml.org,2002:int",
        r"^(?:[-+]?0b[0-1_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$",
        "-+0123456789",
    ),
    (
        "tag:yaml.org,2002:timestamp",
        r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
        r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
        r"(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        "0123456789",
    ),
    (_MERGE_TAG, r"^(?:<<)$", "<"),
)


MAX_DEPTH = 64
"""Nesting deeper than this is refused (a team file needs about six levels)."""
MAX_VALUES = 200_000
"""Values a document may expand to; refuses alias bombs ("billion laughs")."""
MAX_FILE_BYTES = 2 * 1024 * 1024
"""Team files larger than this (2 MiB) are refused unread; a team of 100 people is ~20 KB."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with the implicit types of ``_RESOLVERS`` only, and a nesting limit."""

    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012
    _depth = 0
    values = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1


for _tag, _pattern, _first in _RESOLVERS:
    # A space stands for the empty scalar, which has no first character.
    _StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), [c.strip() for c in _first])


@dataclass(slots=True)
class YamlDocument:
    """Parsed data plus the source position of every mapping key and sequence item."""

    file: str
    data: Any
    locations: dict[YamlPath, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # duplicate keys, with keep_going

    def location_of(self, path: YamlPath) -> Location | None:
        """The position of ``path`` or of its nearest ancestor that has one."""
        for cut in range(len(path), -1, -1):
            found = self.locations.get(tuple(path[:cut]))
            if found is not None:
                return found
        return None


def _position(node: yaml.Node) -> Location:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct_scalar(loader: _StrictLoader, node: yaml.Node) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError):
        # An implicit timestamp that is not a calendar date (2027-02-30): keep the text and let
        # the validator say what is wrong with it.
        return node.value


def _convert(
    loader: _StrictLoader,
    node: yaml.Node,
    path: YamlPath,
    doc: YamlDocument,
    problems: list[Problem],
) -> Any:
    doc.locations.setdefault(path, _position(node))
    loader.values += 1
    if loader.values > MAX_VALUES:
        line, column = _position(node)
        raise ConfigError(
            [
                Problem(
                    doc.file,
                    format_path(path),
                    f"the document holds more than {MAX_VALUES:,} values, far more than a team "
                    "needs (aliases count once per use)",
                    line=line,
                    column=column,
                )
            ]
        )
    if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_COLLECTIONS:
        return loader.construct_object(node, deep=True)  # refuses unknown tags, as SafeLoader does
    if isinstance(node, yaml.MappingNode):
        explicit = [pair for pair in node.value if pair[0].tag != _MERGE_TAG]
        loader.flatten_mapping(node)  # merged pairs first, then the explicit ones
        merged = node.value[: len(node.value) - len(explicit)]
        result: dict[str, Any] = {}
        for key_node, value_node in merged:  # earlier merge sources win, as YAML specifies
            key = str(_construct_scalar(loader, key_node))
            result[key] = _convert(loader, value_node, (*path, key), doc, problems)
        written: set[str] = set()
        for key_node, value_node in explicit:
            key = str(_construct_scalar(loader, key_node))
            child_path = (*path, key)
            if key in written:
                line, column = _position(key_node)
                problems.append(
                    Problem(
                        doc.file,
                        format_path(child_path),
                        "duplicate key: write each key once "
                        "(YAML readers keep only one of the values)",
                        key,
                        True,
                        line,
                        column,
                    )
                )
                continue
            written.add(key)
            doc.locations[child_path] = _position(key_node)
            result[key] = _convert(loader, value_node, child_path, doc, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, item, (*path, i), doc, problems) for i, item in enumerate(node.value)
        ]
    return _construct_scalar(loader, node)


def format_path(path: YamlPath) -> str:
    """Write a YAML path the way a reader finds it in the file.

    >>> format_path(("members", 2, "timezone"))
    'members[2].timezone'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = str(exc.problem or "")
    if "'\\t'" in problem or "tab" in problem:
        return "YAML syntax error: a tab character; indent with spaces only"
    if "expected a single document" in str(exc.context or ""):
        return (
            "the file holds more than one YAML document (a second '---'); write one team per file"
        )
    if isinstance(exc, yaml.constructor.ConstructorError):
        return f"YAML error: {problem or exc}"
    message = ": ".join(str(part) for part in (exc.context, exc.problem) if part)
    opened = exc.context_mark
    if opened is not None and exc.problem_mark is not None and opened.line != exc.problem_mark.line:
        message += f" (it opened at line {opened.line + 1}, column {opened.column + 1})"
    return f"YAML syntax error: {message or exc}"


def parse_yaml(text: str, file: str, *, keep_going: bool = False) -> YamlDocument:
    """Parse one YAML document.

    Args:
        text: the YAML source.
        file: the name to show in messages.
        keep_going: collect duplicate keys in ``problems`` instead of raising, so that a
            validator can report them together with its own findings (the first value wins).

    Returns:
        The data (``None`` for an empty document) and the line and column of every path.

    Raises:
        ConfigError: for a syntax error (with its line and column) and for duplicate keys.
    """
    doc = YamlDocument(file=file, data=None)
    loader: _StrictLoader | None = None
    problems: list[Problem] = []
    try:
        loader = _StrictLoader(text)  # its reader already refuses control characters
        node = loader.get_single_node()
        if node is not None:
            doc.data = _convert(loader, node, (), doc, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(
            [
                Problem(
                    file,
                    "",
                    _syntax_message(exc),
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            ]
        ) from exc
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise ConfigError(
            [
                Problem(
                    file,
                    "",
                    f"a control character (U+{code:04X}) YAML does not allow; remove it",
                    line=line,
                    column=column,
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())  # one line per problem
        raise ConfigError([Problem(file, "", f"YAML error: {message}")]) from exc
    except RecursionError as exc:
        raise ConfigError([Problem(file, "", "YAML nested too deeply to read")]) from exc
    finally:
        if loader is not None:
            loader.dispose()
    if problems and not keep_going:
        raise ConfigError(problems)
    doc.problems = problems
    return doc


def read_text(path: Path) -> str:
    """The text of a team file (UTF-8, a byte-order mark is allowed), read in full only when
    it is at most :data:`MAX_FILE_BYTES` long: at most one byte more is ever read, so
    ``/dev/zero`` or a runaway pipe is refused at once.

    Raises:
        ConfigError: when the file is missing, unreadable, too large or not UTF-8.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ConfigError(
                [
                    Problem(
                        str(path),
                        "",
                        f"team file is larger than {MAX_FILE_BYTES // 2**20} MiB; "
                        "is it the right file? (a team of 100 people takes about 20 KB)",
                    )
                ]
            )
        return data.decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError([Problem(str(path), "", "file not found")]) from exc
    except IsADirectoryError as exc:
        raise ConfigError([Problem(str(path), "", "is a directory, not a team file")]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [Problem(str(path), "", f"not UTF-8 text (byte {exc.start}); save it as UTF-8")]
        ) from exc
    except OSError as exc:
        raise ConfigError([Problem(str(path), "", f"cannot read file: {exc.strerror}")]) from exc


def read_yaml(path: Path, *, keep_going: bool = False) -> YamlDocument:
    """Read (:func:`read_text`) and parse ``path``; see :func:`parse_yaml`.

    Raises:
        ConfigError: when the file is missing, unreadable, too large, not UTF-8 or not YAML.
    """
    return parse_yaml(read_text(path), str(path), keep_going=keep_going)
