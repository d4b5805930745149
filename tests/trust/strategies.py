"""Hypothesis strategies for team files: valid ones, and the same files damaged.

``team_documents()`` draws a team file as the dict YAML would hold, valid by construction: members
across zones with DST (both hemispheres), half-hour and 45-minute offsets, all three rotation
kinds, weekends, rest, limits, unavailability and escalation. ``team_yaml()`` writes it as text.

``damaged_teams()`` takes a valid document and breaks it in one way that must be refused
(wrong type, missing required key, out-of-range value, unknown key, bad zone or country, swapped
range, huge number, broken unicode...), returning the YAML text together with the path the
error message must name. ``garbage_texts()`` gives text that is not a team file at all (random
bytes decoded, truncated or mutated YAML, deep nesting); those must be refused too, but the path
named may be the root.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import yaml
from hypothesis import strategies as st

# Zones with DST in both hemispheres, 30- and 45-minute offsets, a 30-minute DST (Lord Howe), and
# zones without DST.
PRINTABLE = st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
"""Characters a name in a team file may hold (rota.text: one line of printable text)."""
ZONES = (
    "Europe/Warsaw",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Auckland",
    "UTC",
)
COUNTRIES = ("PL", "GB", "US", "CA", "AU", "IN", "NP", "NZ", "DE")
ROLE_NAMES = ("primary", "secondary")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Handoff times, some inside DST gaps/repeats of European, American and Australian zones.
HANDOFFS = ("00:00", "02:30", "01:30", "03:00", "09:00", "17:45", "23:59")
# Horizon starts near DST transitions of both hemispheres (and one quiet week).
STARTS = (
    date(2027, 3, 8),  # US spring forward 14 Mar
    date(2027, 3, 22),  # EU spring forward 28 Mar
    date(2027, 3, 29),  # AU/NZ fall back 4 Apr
    date(2027, 9, 20),  # NZ spring forward 26 Sep
    date(2027, 10, 25),  # EU fall back 31 Oct
    date(2027, 11, 1),  # US fall back 7 Nov
    date(2027, 6, 14),
)

ids = st.from_regex(r"\A[a-z][a-z0-9-]{0,11}\Z", fullmatch=True)
clock = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 30]))


@st.composite
def windows(draw: st.DrawFn) -> dict[str, str]:
    start_hour = draw(st.integers(0, 16))
    length = draw(st.integers(6, 12))
    return {"start": f"{start_hour:02d}:00", "end": f"{(start_hour + length) % 24:02d}:00"}


@st.composite
def unavailable_entries(draw: st.DrawFn, start: date, days: int) -> dict[str, Any]:
    first = start + timedelta(days=draw(st.integers(0, max(days - 1, 0))))
    if draw(st.booleans()):
        length = draw(st.integers(0, 3))
        entry: dict[str, Any] = {
            "start": first.isoformat(),
            "end": (first + timedelta(days=length)).isoformat(),
        }
    else:
        hour = draw(st.integers(0, 20))
        entry = {
            "start": f"{first.isoformat()}T{hour:02d}:00",
            "end": f"{first.isoformat()}T{hour + draw(st.integers(1, 3)):02d}:00",
        }
    if draw(st.booleans()):
        entry["reason"] = draw(st.sampled_from(["vacation", "dentist", "urlop ✈", "病假"]))
    return entry


@st.composite
def team_documents(draw: st.DrawFn, *, max_members: int = 6, max_weeks: int = 3) -> dict[str, Any]:
    """A valid team file as a dict (every key the loader knows appears in some draws)."""
    kind = draw(st.sampled_from(["daily", "weekly", "follow-the-sun"]))
    roles = list(ROLE_NAMES[: draw(st.integers(1, 2))])
    start = draw(st.sampled_from(STARTS))
    weeks = draw(st.integers(1, max_weeks))
    team_zone = draw(st.sampled_from(ZONES))
    rotation: dict[str, Any] = {"kind": kind, "roles": roles}
    if kind == "follow-the-sun":
        rotation["shift_hours"] = {"min": 4, "max": 6}
        if draw(st.booleans()):
            rotation["handoffs_utc"] = draw(
                st.sampled_from(
                    [["00:00", "06:00", "12:00", "18:00"], ["02:30", "08:30", "14:30", "20:30"]]
                )
            )
        rotation["off_hours"] = draw(st.sampled_from(["avoid", "allow"]))
    else:
        rotation["handoff"] = draw(st.sampled_from(HANDOFFS))
        rotation["off_hours"] = draw(st.sampled_from(["avoid", "allow"]))
        if kind == "weekly":
            rotation["handoff_day"] = draw(st.sampled_from(WEEKDAYS))

    n_members = draw(st.integers(max(len(roles), 2), max_members))
    member_ids = draw(
        st.lists(
            ids.filter(lambda s: s not in ROLE_NAMES),
            min_size=n_members,
            max_size=n_members,
            unique=True,
        )
    )
    members: list[dict[str, Any]] = []
    for i, member_id in enumerate(member_ids):
        member: dict[str, Any] = {"id": member_id, "timezone": draw(st.sampled_from(ZONES))}
        if draw(st.booleans()):
            member["name"] = draw(st.text(PRINTABLE, min_size=1, max_size=20).filter(str.strip))
        if draw(st.booleans()):
            member["email"] = f"{member_id}@example.com"
        if draw(st.booleans()):
            member["country"] = draw(st.sampled_from(COUNTRIES))
        if draw(st.booleans()):
            member["working_hours"] = draw(windows())
        if i >= len(roles) and draw(st.booleans()):
            member["roles"] = [draw(st.sampled_from(roles))]
        if draw(st.booleans()):
            member["fte"] = draw(st.sampled_from([1.0, 0.8, 0.5]))
        if draw(st.integers(0, 3)) == 0:
            member["unavailable"] = [draw(unavailable_entries(start, 7 * weeks))]
        members.append(member)

    weekly = kind == "weekly"
    per_weeks = draw(st.integers(1, 4))
    doc: dict[str, Any] = {
        "team": {"id": draw(ids), "timezone": team_zone},
        "horizon": {"start": start.isoformat(), "weeks": weeks},
        "rotation": rotation,
        "members": members,
    }
    if draw(st.booleans()):
        doc["team"]["name"] = draw(st.text(PRINTABLE, min_size=1, max_size=30).filter(str.strip))
    if draw(st.booleans()):
        doc["working_hours"] = draw(windows())
    if draw(st.booleans()):
        doc["night"] = {"start": "22:00", "end": "07:00"}
    if draw(st.booleans()):
        doc["weekends"] = {
            "split": "whole" if weekly else draw(st.sampled_from(["whole", "single-day"])),
            "max": draw(st.integers(1, per_weeks)),
            "per_weeks": per_weeks,
        }
    if draw(st.booleans()):
        doc["rest"] = {
            "min_hours": draw(st.sampled_from([0, 8, 12])),
            "after_night": draw(st.booleans()),
            "after_weekend": draw(st.booleans()),
        }
    if draw(st.booleans()) and not weekly:
        doc["limits"] = {"max_hours_per_week": draw(st.sampled_from([48, 72, 168]))}
    if draw(st.booleans()):
        doc["fairness"] = {
            "weights": {"hours": 1, "off_hours": 2, "weekends": 4, "holidays": 4},
            "history": draw(st.booleans()),
        }
    if draw(st.booleans()):
        targets = [*roles, *member_ids]
        levels: list[dict[str, list[str] | int]] = [
            {"targets": [draw(st.sampled_from(targets))]} for _ in range(draw(st.integers(1, 3)))
        ]
        if draw(st.booleans()):
            levels[0]["ack_timeout_minutes"] = draw(st.integers(1, 60))
        doc["escalation"] = {
            "ack_timeout_minutes": draw(st.integers(1, 30)),
            "repeat": draw(st.integers(1, 3)),
            "levels": levels,
        }
        if draw(st.booleans()):
            doc["escalation"]["severities"] = {"outage": [{"targets": [roles[0]]}]}
    return doc


def team_yaml(doc: dict[str, Any]) -> str:
    """The document as a team file (block style, keys in the order written)."""
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


# ----------------------------------------------------------------------------------- damage


@dataclass(frozen=True, slots=True)
class Damaged:
    """A broken team file and the YAML path its error message must name."""

    text: str
    path: str
    how: str


def _get(doc: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _format(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


REQUIRED = (
    ("team",),
    ("team", "id"),
    ("team", "timezone"),
    ("horizon",),
    ("horizon", "start"),
    ("rotation",),
    ("rotation", "kind"),
    ("members",),
    ("members", 0, "id"),
    ("members", 0, "timezone"),
)

# (path, bad value): each value is wrong for that key whatever the rest of the file holds.
WRONG_VALUES: tuple[tuple[tuple[str | int, ...], Any], ...] = (
    (("team", "id"), "Platform SRE"),
    (("team", "id"), 42),
    (("team", "id"), "x" * 65),
    (("team", "timezone"), "Europe/Warsaw "),
    (("team", "timezone"), "Mars/Olympus_Mons"),
    (("team", "timezone"), "CET+99"),
    (("team", "timezone"), ["Europe/Warsaw"]),
    (("horizon", "start"), "2027-02-30"),
    (("horizon", "start"), "next monday"),
    (("horizon", "start"), 20270104),
    (("horizon", "weeks"), 0),
    (("horizon", "weeks"), 105),
    (("horizon", "weeks"), -1),
    (("horizon", "weeks"), 10**40),
    (("horizon", "weeks"), 1e308),
    (("horizon", "weeks"), float("nan")),
    (("horizon", "weeks"), float("inf")),
    (("horizon", "weeks"), "8"),
    (("horizon", "weeks"), 2.5),
    (("horizon", "weeks"), True),
    (("rotation", "kind"), "hourly"),
    (("rotation", "kind"), None),
    (("rotation", "kind"), {"daily": 1}),
    (("rotation", "roles"), []),
    (("rotation", "roles"), ["primary", "primary"]),
    (("rotation", "roles"), "primary secondary"),
    (("rotation", "roles"), [["primary"]]),
    (("rotation", "off_hours"), "sometimes"),
    (("rotation", "off_hours"), 0),
    (("members",), []),
    (("members",), "alice"),
    (("members",), {"id": "alice"}),
    (("members", 0), "alice"),
    (("members", 0, "timezone"), "Europe/Warszawa"),
    (("members", 0, "timezone"), ""),
    (("members", 0, "timezone"), "\x00"),
    (("members", 0, "country"), "XX"),
    (("members", 0, "country"), "Poland!"),
    (("members", 0, "country"), 48),
    (("members", 0, "fte"), 0),
    (("members", 0, "fte"), 1.5),
    (("members", 0, "fte"), "100%"),
    (("members", 0, "fte"), -(10**30)),
    (("members", 0, "email"), "not an email"),
    (("members", 0, "working_hours"), "09:00-17:00"),
    (("members", 0, "working_hours"), {"start": "25:00", "end": "17:00"}),
    (("members", 0, "working_hours"), {"start": "09:00", "end": "09:00"}),
    (("members", 0, "working_hours"), {"start": "9am", "end": "5pm"}),
    (("members", 0, "unavailable"), [{"start": "2027-01-10", "end": "2027-01-05"}]),
    (("members", 0, "unavailable"), [{"start": "2027-01-10T18:00", "end": "2027-01-10T09:00"}]),
    (("members", 0, "unavailable"), [{"start": "2027-01-10", "end": "2027-01-10T09:00"}]),
    (("members", 0, "unavailable"), [{"start": "2027-01-10", "end": "2099-01-10"}]),
    (("members", 0, "unavailable"), ["2027-01-10"]),
    (("members", 0, "roles"), ["pilot"]),
    (("weekends",), {"split": "whole", "max": 3, "per_weeks": 2}),
    (("weekends",), {"split": "half", "max": 1, "per_weeks": 2}),
    (("weekends",), {"max": 0}),
    (("rest",), {"min_hours": -1}),
    (("rest",), {"min_hours": 10**100}),
    (("rest",), {"after_night": "maybe"}),
    (("limits",), {"max_hours_per_week": 0}),
    (("fairness",), {"weights": {"hours": -1}}),
    (("fairness",), {"weights": {"hours": "a lot"}}),
    (("escalation",), {"levels": [{"targets": ["nobody-here"]}]}),
    (("escalation",), {"levels": []}),
    (("escalation",), {"levels": ["primary"]}),
    (("escalation",), {"repeat": 11}),
    (("escalation",), {"ack_timeout_minutes": 0}),
    (("escalation",), {"severities": {"Outage!": [{"targets": ["primary"]}]}}),
    (("team",), "platform"),
    (("horizon",), ["2027-01-04", 8]),
)

UNKNOWN_KEYS: tuple[tuple[tuple[str | int, ...], str], ...] = (
    ((), "rotaton"),
    ((), "memebers"),
    (("team",), "zone"),
    (("horizon",), "week"),
    (("rotation",), "handof"),
    (("members", 0), "time_zone"),
    (("members", 0), "ünïcödé"),
    (("members", 0), "🙂"),
)


@st.composite
def damaged_teams(draw: st.DrawFn) -> Damaged:
    """A valid team broken in exactly one way that the loader must refuse, naming ``path``."""
    doc = copy.deepcopy(draw(team_documents()))
    how = draw(st.sampled_from(["missing", "wrong", "unknown", "swap", "deep"]))
    if how == "missing":
        path = draw(st.sampled_from(REQUIRED))
        del _get(doc, path[:-1])[path[-1]]
        return Damaged(team_yaml(doc), _format(path), f"missing {_format(path)}")
    if how == "wrong":
        path, value = draw(st.sampled_from(WRONG_VALUES))
        _get(doc, path[:-1])[path[-1]] = value
        return Damaged(team_yaml(doc), _format(path), f"{_format(path)} = {value!r:.60}")
    if how == "unknown":
        where, key = draw(st.sampled_from(UNKNOWN_KEYS))
        _get(doc, where)[key] = draw(st.sampled_from([1, "x", None, [1, 2], {"a": 1}]))
        path = (*where, key)
        return Damaged(team_yaml(doc), _format(path), f"unknown key {_format(path)}")
    if how == "swap":
        # A range written backwards: shift_hours (follow-the-sun) or weekends.
        if doc["rotation"]["kind"] == "follow-the-sun" and draw(st.booleans()):
            doc["rotation"]["shift_hours"] = {"min": 6, "max": 4}
            return Damaged(team_yaml(doc), "rotation.shift_hours", "shift_hours swapped")
        doc["weekends"] = {"max": 3, "per_weeks": 1}
        return Damaged(team_yaml(doc), "weekends", "weekends max > per_weeks")
    # deep: a required scalar replaced by deeply nested lists/mappings.
    depth = draw(st.sampled_from([10, 30, 60]))
    doc["members"][0]["timezone"] = "@@DEEP@@"
    if draw(st.booleans()):
        deep = "[" * depth + "1" + "]" * depth
    else:
        deep = "{k: " * depth + "1" + "}" * depth
    text = team_yaml(doc).replace("'@@DEEP@@'", deep)
    return Damaged(text, "members[0].timezone", f"nested {depth} deep")


# Characters YAML does not allow in a stream (PyYAML's Reader.NON_PRINTABLE).
NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def printable(text: str) -> str:
    """``text`` with the characters YAML forbids replaced (those are tested on their own)."""
    return NON_PRINTABLE.sub("\ufffd", text)


@st.composite
def garbage_texts(draw: st.DrawFn) -> str:
    """Text that is not a valid team file: random, truncated, mutated, odd YAML."""
    return printable(draw(_garbage_texts()))


def alias_bomb(levels: int = 9) -> str:
    """A "billion laughs" team file: 9 ** levels leaves from a few hundred bytes of aliases."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append(f"team: *a{levels - 1}")
    return "\n".join(lines) + "\n"


@st.composite
def _garbage_texts(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["bytes", "text", "truncate", "mutate", "yaml"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300)).decode("utf-8", errors="replace")
    if kind == "text":
        return draw(st.text(max_size=300))
    valid = team_yaml(draw(team_documents()))
    if kind == "truncate":
        return valid[: draw(st.integers(0, max(len(valid) - 1, 0)))]
    if kind == "mutate":
        chars = list(valid)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(chars) - 1))
            chars[at] = draw(st.sampled_from([*list(":-[]{}&*!|>'\"%@`#\t\n "), "\x00", "é"]))
        return "".join(chars)
    return draw(
        st.sampled_from(
            [
                "",
                "---\n",
                "~\n",
                "[]\n",
                "42\n",
                "team: {id: x\n",
                "!!python/object:os.system ['echo pwned']\n",
                "team: !!binary aGVsbG8=\n",
                "team: &a [*a]\n",
                "? [a, b]\n: c\n",
                "a: 1\na: 2\n",
                "---\na: 1\n---\nb: 2\n",
                "team:\n\tid: x\n",
                "\ufeffteam: {}\n",
                "horizon: {weeks: 99999999999999999999999999999999999}\n",
            ]
        )
    )
