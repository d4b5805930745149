"""Candidate new members: "one more member in zone Z working W", drawn from the team itself.

A *profile* is what members who could trade shifts share: time zone, working window, country
(its holidays) and roles. Each profile of the team gets a few candidate members, enough that
the profile alone could staff every role of its weekends under the team's weekend limit
(``len(roles) * per_weeks / max``) beyond the members it has; the relaxed model pays for each
one it uses (:mod:`rota.advice.relaxed`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from rota.config import TeamConfig
from rota.config.scalars import ID_PATTERN


@dataclass(frozen=True, slots=True)
class Profile:
    """Members alike in zone, working window, country and roles."""

    timezone: str
    start: str
    end: str
    country: str | None
    roles: tuple[str, ...] | None
    members: int

    def where(self) -> str:
        return f"{self.timezone} working {self.start}-{self.end}"

    def member(self, member_id: str) -> dict[str, Any]:
        """A member mapping for the team file."""
        data: dict[str, Any] = {
            "id": member_id,
            "timezone": self.timezone,
            "working_hours": {"start": self.start, "end": self.end},
        }
        if self.country is not None:
            data["country"] = self.country
        if self.roles is not None:
            data["roles"] = list(self.roles)
        return data


def profiles(cfg: TeamConfig) -> list[Profile]:
    """The team's profiles, largest first (ties in file order)."""
    counts: dict[tuple[str, str, str, str | None, tuple[str, ...] | None], int] = {}
    for member in cfg.members:
        window = member.working_hours or cfg.working_hours
        end = "24:00" if window.start == window.end else f"{window.end:%H:%M}"
        key = (
            member.timezone.key,
            f"{window.start:%H:%M}",
            end,
            member.country,
            tuple(member.roles) if member.roles is not None else None,
        )
        counts[key] = counts.get(key, 0) + 1
    found = [
        Profile(zone, start, end, country, roles, n)
        for (zone, start, end, country, roles), n in counts.items()
    ]
    return sorted(found, key=lambda p: -p.members)


def candidates_per_profile(cfg: TeamConfig, profile: Profile) -> int:
    """How many new members of ``profile`` the relaxed model may add (at least one)."""
    roles = len(profile.roles) if profile.roles is not None else len(cfg.rotation.roles)
    staff = math.ceil(roles * cfg.weekends.per_weeks / cfg.weekends.max)
    return max(1, staff - profile.members)


def new_member_id(cfg: TeamConfig, profile: Profile, taken: set[str]) -> str:
    """``new-kolkata-1``: a free id naming the profile's place."""
    place = profile.timezone.rsplit("/", 1)[-1].lower()
    place = re.sub(r"[^a-z0-9]+", "-", place).strip("-") or "member"
    n = 1
    while True:
        candidate = f"new-{place}-{n}"
        if candidate not in taken and re.fullmatch(ID_PATTERN, candidate):
            taken.add(candidate)
            return candidate
        n += 1
