"""Which 15-minute UTC slots members' working windows cover, and the longest *good* shift.

**Good shifts.** A shift ``[a, b)`` is *good* when every role can be given to a different member
who has that role and whose working window (member-local, DST-correct) covers the *whole*
shift. This is a bipartite matching; by Hall's theorem it exists iff for every non-empty set
``S`` of roles at least ``|S|`` covering members can fill some role of ``S``. For a shift
starting at slot ``a`` that condition is monotone in its length, so it collapses to one number:
``reach[a]``, the longest good shift starting at ``a`` (the ``|S|``-th longest window run from
``a`` among the members eligible for ``S``, minimised over ``S``: :func:`longest_matchable`).
With more than :data:`EXACT_ROLE_LIMIT` roles the sound sufficient condition "every role has
``len(roles)`` covering members" replaces Hall's 2**roles subsets (it never calls a bad shift
good).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import combinations, pairwise
from zoneinfo import ZoneInfo

from rota.localtime import local_date, local_midnight_utc, window_on
from rota.model import DailyWindow
from rota.team import Team

EXACT_ROLE_LIMIT = 8


@dataclass(frozen=True, slots=True)
class WindowGroup:
    """Members sharing a zone and a working window; ``roles`` holds (role mask, head count)."""

    zone: ZoneInfo
    window: DailyWindow
    roles: tuple[tuple[int, int], ...]


def _plain_days(zone: ZoneInfo, first: date, count: int) -> list[bool]:
    """Whether each local day from ``first - 1`` to ``first + count`` lasts exactly 24 hours."""
    midnights = [local_midnight_utc(first + timedelta(days=k), zone) for k in range(-1, count + 2)]
    return [b - a == timedelta(days=1) for a, b in pairwise(midnights)]


def window_seconds(
    window: DailyWindow,
    zone: ZoneInfo,
    origin: datetime,
    end: datetime,
    plain_days: dict[str, list[bool]] | None = None,
) -> list[tuple[int, int]]:
    """The occurrences of ``window`` overlapping ``[origin, end)``, merged, in seconds from
    ``origin``.

    Same result as :func:`rota.localtime.window_intervals`, faster over long horizons: when the
    local days before, of and after ``day`` all last 24 hours, the zone's offset is the same
    through them, so the window of ``day`` is the previous day's moved by 24 hours; only around
    clock changes is each occurrence converted afresh. ``plain_days`` caches
    :func:`_plain_days` per zone name for calls with the same ``origin`` and ``end``.
    """
    first = local_date(origin, zone) - timedelta(days=1)
    last = local_date(end, zone)
    count = (last - first).days + 1
    cache = {} if plain_days is None else plain_days
    if zone.key not in cache:
        cache[zone.key] = _plain_days(zone, first, count)
    plain = cache[zone.key]  # plain[k + 1] is about day first + k
    limit = int((end - origin).total_seconds())
    merged: list[tuple[int, int]] = []
    previous: tuple[int, int] | None = None
    for k in range(count):
        if previous is not None and plain[k] and plain[k + 1] and plain[k + 2]:
            start, stop = previous[0] + 86400, previous[1] + 86400
        else:
            occurrence = window_on(first + timedelta(days=k), window, zone)
            start = int((occurrence.start - origin).total_seconds())
            stop = int((occurrence.end - origin).total_seconds())
        previous = (start, stop)
        lo, hi = max(start, 0), min(stop, limit)
        if lo >= hi:
            continue
        if merged and merged[-1][1] >= lo:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def window_groups(team: Team) -> list[WindowGroup]:
    """Members grouped by (zone, working window), in first-seen order."""
    role_bit = {role: 1 << k for k, role in enumerate(team.roles)}
    counts: dict[tuple[str, DailyWindow], dict[int, int]] = {}
    zones: dict[str, ZoneInfo] = {}
    for member in team.members:
        zone_key = (member.timezone.key, member.working_hours)
        zones[member.timezone.key] = member.timezone
        mask = sum(role_bit[r] for r in member.roles if r in role_bit)
        if mask:
            per_mask = counts.setdefault(zone_key, {})
            per_mask[mask] = per_mask.get(mask, 0) + 1
    return [
        WindowGroup(zone=zones[name], window=window, roles=tuple(sorted(per_mask.items())))
        for (name, window), per_mask in counts.items()
    ]


def role_subsets(role_count: int) -> list[tuple[int, int]]:
    """(role mask, members needed) pairs whose joint satisfaction means the roles can be filled.

    Hall's condition for up to EXACT_ROLE_LIMIT roles; otherwise the sufficient per-role test.
    """
    if role_count > EXACT_ROLE_LIMIT:
        return [(1 << r, role_count) for r in range(role_count)]
    return [
        (sum(1 << r for r in subset), size)
        for size in range(1, role_count + 1)
        for subset in combinations(range(role_count), size)
    ]


def longest_matchable(
    entries: list[tuple[int, int, int]], subsets: list[tuple[int, int]], cap: int
) -> int:
    """Longest run (<= cap) such that covering members can fill every role distinctly.

    ``entries`` are (run length, role mask, head count), longest run first.
    """
    longest = cap
    for needed_roles, needed in subsets:
        have = 0
        kth = 0
        for run, mask, count in entries:
            if mask & needed_roles:
                have += count
                if have >= needed:
                    kth = run
                    break
        longest = min(longest, kth)
        if longest == 0:
            break
    return longest
