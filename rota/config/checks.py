"""Cross-field checks of the team file: the second checking pass, on the raw data.

Each value is read with the parser its field uses; a value that parser rejects (pydantic
reports it) or that is absent reads as None, and checks that need it are skipped. So the checks
also run when the first pass failed, and a mistake is never reported twice.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

from pydantic_core import PydanticCustomError

from rota.config.models import FOLLOW_THE_SUN_BLOCK_HOURS
from rota.config.scalars import (
    STANDARD_SEVERITIES,
    _choice,
    _hint,
    _id,
    _name_list,
    _number,
    _one_or_many,
    _values,
    parse_time_of_day,
)
from rota.model import NightPolicy, OffHoursPolicy, RotationKind, WeekendSplit
from rota.yamlfile import YamlPath

CrossProblem = tuple[YamlPath, str, object]
_ABSENT = object()


def _raw(data: Any, *path: str | int) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return _ABSENT
            data = data[part]
        else:
            if not isinstance(data, dict) or part not in data:
                return _ABSENT
            data = data[part]
    return data


_T = typing.TypeVar("_T")


def _read(parser: Callable[[Any], _T], value: Any, default: _T | None = None) -> _T | None:
    """``parser(value)``, ``default`` when absent, None when the parser rejects it."""
    if value is _ABSENT or value is None:
        return default
    try:
        return parser(value)
    except (PydanticCustomError, ValueError, TypeError):
        return None


def _role_names(value: Any) -> list[str]:
    return _name_list(value, "role")


def _target_names(value: Any) -> list[str]:
    return _name_list(value, "target")


def _item_path(base: YamlPath, raw: Any, index: int) -> YamlPath:
    """Path of item ``index`` of a name list written as a list or as a single name."""
    return (*base, index) if isinstance(raw, list) else base


def _cross_checks(data: dict[str, Any]) -> list[CrossProblem]:
    problems: list[CrossProblem] = []
    kind_raw = _read(_choice(_values(RotationKind)), _raw(data, "rotation", "kind"))
    kind = RotationKind(kind_raw) if kind_raw else None
    roles = _read(_role_names, _raw(data, "rotation", "roles"), ["primary"])
    problems += _combination_checks(data, kind)

    members = _raw(data, "members")
    members = members if isinstance(members, list) else []
    ids: dict[str, int] = {}
    member_roles: list[list[str] | None] = []  # None: unknown (invalid roles)
    for i, member in enumerate(members):
        member_id = _read(_id, _raw(member, "id"))
        if member_id is not None:
            if member_id in ids:
                problems.append(
                    (
                        ("members", i, "id"),
                        f"duplicate member id (also members[{ids[member_id]}])",
                        member_id,
                    )
                )
            else:
                ids[member_id] = i
            if roles and member_id in roles:
                problems.append(
                    (
                        ("members", i, "id"),
                        "a member id must differ from every role name (escalation targets name "
                        "either)",
                        member_id,
                    )
                )
        raw_roles = _raw(member, "roles")
        own = _read(_role_names, raw_roles, roles)
        member_roles.append(own)
        if roles is not None and own is not None and raw_roles not in (_ABSENT, None):
            for j, role in enumerate(own):
                if role not in roles:
                    problems.append(
                        (
                            _item_path(("members", i, "roles"), raw_roles, j),
                            f"not one of rotation.roles ({', '.join(roles)}){_hint(role, roles)}",
                            role,
                        )
                    )

    if roles is not None and members and all(r is not None for r in member_roles):
        for role in roles:
            if not any(role in (r or []) for r in member_roles):
                problems.append(
                    (("rotation", "roles"), f"no member can fill the role {role!r}", roles)
                )
        if len(members) < len(roles):
            problems.append(
                (
                    ("members",),
                    f"{len(roles)} roles need at least {len(roles)} members, since one member "
                    f"fills at most one role of a shift; got {len(members)}",
                    len(members),
                )
            )

    contact_ids, contact_problems = _contact_checks(data, ids, roles)
    problems += contact_problems
    if roles is not None:
        known_ids = set(ids) | {
            m["id"] for m in members if isinstance(m, dict) and isinstance(m.get("id"), str)
        }
        problems += _escalation_checks(data, set(roles) | known_ids | contact_ids)
    problems += _pay_checks(data, ids)
    return problems


def _pay_checks(data: dict[str, Any], member_ids: dict[str, int]) -> list[CrossProblem]:
    """``pay.members`` names members of the team."""
    members = _raw(data, "pay", "members")
    if not isinstance(members, dict) or not member_ids:
        return []
    return [
        (
            ("pay", "members", key),
            f"not a member id{_hint(key, member_ids)}",
            key,
        )
        for key in members
        if isinstance(key, str) and _read(_id, key) is not None and key not in member_ids
    ]


def _contact_checks(
    data: dict[str, Any], member_ids: dict[str, int], roles: list[str] | None
) -> tuple[set[str], list[CrossProblem]]:
    """Contact ids: unique among contacts, and none equal to a member id or a role name."""
    problems: list[CrossProblem] = []
    contacts = _raw(data, "contacts")
    seen: dict[str, int] = {}
    for i, contact in enumerate(contacts if isinstance(contacts, list) else []):
        contact_id = _read(_id, _raw(contact, "id"))
        if contact_id is None:
            continue
        path: YamlPath = ("contacts", i, "id")
        if contact_id in seen:
            problems.append(
                (path, f"duplicate contact id (also contacts[{seen[contact_id]}].id)", contact_id)
            )
            continue
        seen[contact_id] = i
        if contact_id in member_ids:
            problems.append(
                (
                    path,
                    f"the same id as members[{member_ids[contact_id]}].id; ids are unique across "
                    "members and contacts (escalation targets name either)",
                    contact_id,
                )
            )
        if roles and contact_id in roles:
            raw_roles = _raw(data, "rotation", "roles")
            index = f"[{roles.index(contact_id)}]" if isinstance(raw_roles, list) else ""
            role_path = f"rotation.roles{index}"
            problems.append(
                (
                    path,
                    f"the same name as the role {role_path}; a contact id must differ from every "
                    "role name (escalation targets name either)",
                    contact_id,
                )
            )
    return set(seen), problems


def _combination_checks(data: dict[str, Any], kind: RotationKind | None) -> list[CrossProblem]:
    """Settings that cannot work together (docs/team-file.md) or with the rotation kind."""
    problems: list[CrossProblem] = []
    if kind is None:
        return problems
    off_hours = _read(_choice(_values(OffHoursPolicy)), _raw(data, "rotation", "off_hours"))
    if off_hours == OffHoursPolicy.FORBID and kind is not RotationKind.FOLLOW_THE_SUN:
        problems.append(
            (
                ("rotation", "off_hours"),
                f"'forbid' needs rotation.kind follow-the-sun; a {kind.value} shift always runs "
                "outside working hours (use 'avoid' or 'allow')",
                off_hours,
            )
        )
    night = _read(_choice(_values(NightPolicy)), _raw(data, "rotation", "night"))
    if night == NightPolicy.FORBID and kind is not RotationKind.FOLLOW_THE_SUN:
        problems.append(
            (
                ("rotation", "night"),
                f"'forbid' needs rotation.kind follow-the-sun; a {kind.value} shift always runs "
                "through someone's night (use 'avoid' or 'allow')",
                night,
            )
        )
    split = _read(_choice(_values(WeekendSplit)), _raw(data, "weekends", "split"))
    if split == WeekendSplit.SINGLE_DAY and kind is RotationKind.WEEKLY:
        problems.append(
            (
                ("weekends", "split"),
                "'single-day' cannot work with a weekly rotation (one shift holds the whole "
                "weekend); use 'whole'",
                split,
            )
        )

    shift_min = _read(_number(1, 24), _raw(data, "rotation", "shift_hours", "min"), 4)
    shift_max = _read(_number(1, 24), _raw(data, "rotation", "shift_hours", "max"), 6)
    lengths = (
        (shift_min, shift_max)
        if shift_min is not None and shift_max is not None and shift_min <= shift_max
        else None
    )
    block_raw = _raw(data, "rest", "max_block_hours")
    block = _read(_number(0, 336, lo_open=True), block_raw)
    raw_cuts = _raw(data, "rotation", "handoffs_utc")
    if raw_cuts not in (_ABSENT, None):
        if kind is not RotationKind.FOLLOW_THE_SUN:
            problems.append(
                (
                    ("rotation", "handoffs_utc"),
                    f"only used by follow-the-sun rotations; a {kind.value} rotation hands off "
                    "at rotation.handoff",
                    raw_cuts,
                )
            )
        elif lengths is not None:
            unset = block_raw in (_ABSENT, None)
            block_cap = FOLLOW_THE_SUN_BLOCK_HOURS if unset else block
            problems += _check_handoffs_utc(raw_cuts, *lengths, block_cap=block_cap)
    elif kind is RotationKind.FOLLOW_THE_SUN and lengths is not None:
        lo, hi = lengths
        if not any(n * lo <= 24 <= n * hi for n in range(1, 25)):
            problems.append(
                (
                    ("rotation", "shift_hours"),
                    f"no number of shifts of {lo:g} to {hi:g} hours fills a 24-hour day, so no "
                    "daily pattern exists",
                    _raw(data, "rotation", "shift_hours"),
                )
            )

    # The shortest shift the rotation can have, for caps that must let one shift through.
    shortest: tuple[float, str] | None = None
    if kind is RotationKind.DAILY:
        shortest = (24, "a daily shift lasts 24 hours (23 or 25 across a DST change)")
    elif kind is RotationKind.WEEKLY:
        shortest = (168, "a weekly shift lasts 168 hours")
    elif lengths is not None:
        shortest = (lengths[0], f"the shortest shift lasts {lengths[0]:g} hours (shift_hours.min)")
    if block is not None and shortest is not None and block < shortest[0]:
        problems.append(
            (("rest", "max_block_hours"), f"shorter than one shift: {shortest[1]}", block)
        )
    cap = _read(_number(0, 168, lo_open=True), _raw(data, "limits", "max_hours_per_week"))
    # A weekly shift may straddle two of the 7-day blocks the cap counts, so only the solver
    # can tell whether a weekly cap below 168 hours works.
    weekly = kind is RotationKind.WEEKLY
    if cap is not None and shortest is not None and not weekly and cap < shortest[0]:
        problems.append(
            (
                ("limits", "max_hours_per_week"),
                f"nobody could take a single shift: {shortest[1]}",
                cap,
            )
        )
    return problems


def _check_handoffs_utc(
    raw: Any, shift_min: float, shift_max: float, *, block_cap: float | None
) -> list[CrossProblem]:
    """Listed handoffs: distinct, in order, every shift within ``shift_hours`` and no longer
    than ``block_cap`` (``rest.max_block_hours``: a longer shift is a block nobody may work)."""
    path: YamlPath = ("rotation", "handoffs_utc")
    items = _one_or_many(raw)
    if not isinstance(items, list) or not items:
        return []
    parsed = [_read(parse_time_of_day, item) for item in items]
    if any(t is None for t in parsed):
        return []
    minutes = [t.hour * 60 + t.minute for t in parsed if t is not None]
    shown = [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]
    if len(set(minutes)) != len(minutes):
        return [(path, "the same handoff time is listed twice", shown)]
    if minutes != sorted(minutes):
        return [(path, "list the handoff times in increasing order", shown)]
    problems: list[CrossProblem] = []
    for k, start in enumerate(minutes):
        end = minutes[(k + 1) % len(minutes)]
        length = (end - start) % 1440 or 1440
        if not shift_min * 60 <= length <= shift_max * 60:
            problems.append(
                (
                    _item_path(path, raw, k),
                    f"the shift from {shown[k]} to {shown[(k + 1) % len(shown)]} UTC lasts "
                    f"{length / 60:g} hours, outside rotation.shift_hours "
                    f"{shift_min:g}..{shift_max:g}",
                    shown[k],
                )
            )
        elif block_cap is not None and length > block_cap * 60:
            problems.append(
                (
                    _item_path(path, raw, k),
                    f"the shift from {shown[k]} to {shown[(k + 1) % len(shown)]} UTC lasts "
                    f"{length / 60:g} hours, longer than rest.max_block_hours {block_cap:g}, "
                    "so nobody could hold it",
                    shown[k],
                )
            )
    return problems


def _escalation_checks(data: dict[str, Any], known: set[str]) -> list[CrossProblem]:
    problems: list[CrossProblem] = []
    chains: list[tuple[YamlPath, Any]] = [
        (("escalation", "levels"), _raw(data, "escalation", "levels"))
    ]
    severities = _raw(data, "escalation", "severities")
    if isinstance(severities, dict):
        for name, levels in severities.items():
            chains.append((("escalation", "severities", name), levels))
            if name not in STANDARD_SEVERITIES:
                hint = _hint(name, STANDARD_SEVERITIES, cutoff=0.7)
                if hint:
                    problems.append(
                        (
                            ("escalation", "severities", name),
                            f"not a standard severity{hint}; asking for that one would silently "
                            "fall back to escalation.levels",
                            name,
                        )
                    )
    for base, levels in chains:
        if not isinstance(levels, list):
            continue
        for li, level in enumerate(levels):
            raw_targets = _raw(level, "targets")
            targets = _read(_target_names, raw_targets)
            for ti, target in enumerate(targets or []):
                if target not in known:
                    problems.append(
                        (
                            _item_path((*base, li, "targets"), raw_targets, ti),
                            "not a role, member or contact id" + _hint(target, sorted(known)),
                            target,
                        )
                    )
    return problems
