"""The team as the core sees it: config sections turned into frozen domain objects (UTC inside)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rota.config import ContactSection, MemberSection, TeamConfig, UnavailableEntry, Window
from rota.localtime import local_midnight_utc, local_to_utc
from rota.model import Contact, DailyWindow, Member, RotationKind, Unavailability


@dataclass(frozen=True, slots=True)
class Team:
    """A validated team: its config (rules), its members and its contacts as domain objects.

    ``contacts`` are escalation targets outside the rotation: nothing but escalation reads them.
    """

    config: TeamConfig
    members: tuple[Member, ...]
    contacts: tuple[Contact, ...] = ()

    @property
    def id(self) -> str:
        return self.config.team.id

    @property
    def zone(self) -> ZoneInfo:
        return self.config.team.timezone

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.config.rotation.roles)

    @property
    def kind(self) -> RotationKind:
        return self.config.rotation.kind

    def member(self, member_id: str) -> Member:
        for member in self.members:
            if member.id == member_id:
                return member
        raise KeyError(member_id)


def to_window(window: Window) -> DailyWindow:
    return DailyWindow(start=window.start, end=window.end)


def unavailability_to_utc(entry: UnavailableEntry, zone: ZoneInfo) -> Unavailability:
    """Member-local dates (whole days, end inclusive) or date-times -> a UTC interval."""
    if isinstance(entry.start, datetime) and isinstance(entry.end, datetime):
        start = local_to_utc(entry.start.date(), entry.start.time(), zone)
        end = local_to_utc(entry.end.date(), entry.end.time(), zone)
        # A range inside a DST gap (02:30-03:00 on a spring-forward night) would come out
        # reversed after fold=0 resolution; it covers no real time, so it becomes empty.
        end = max(end, start)
    else:
        assert isinstance(entry.start, date)
        assert isinstance(entry.end, date)
        start = local_midnight_utc(entry.start, zone)
        end = local_midnight_utc(entry.end + timedelta(days=1), zone)
    return Unavailability(start=start, end=end, reason=entry.reason)


def _unavailable_utc(entries: list[UnavailableEntry], zone: ZoneInfo) -> tuple[Unavailability, ...]:
    return tuple(sorted((unavailability_to_utc(e, zone) for e in entries), key=lambda u: u.start))


def member_from_config(section: MemberSection, cfg: TeamConfig) -> Member:
    zone = section.timezone
    return Member(
        id=section.id,
        name=section.name or section.id,
        email=section.email,
        timezone=zone,
        country=section.country,
        working_hours=to_window(section.working_hours or cfg.working_hours),
        night=to_window(section.night or cfg.night),
        roles=tuple(cfg.member_roles(section)),
        fte=section.fte,
        unavailable=_unavailable_utc(section.unavailable, zone),
    )


def contact_from_config(section: ContactSection) -> Contact:
    return Contact(
        id=section.id,
        name=section.name,
        email=section.email,
        timezone=section.timezone,
        phone=section.phone,
        unavailable=_unavailable_utc(section.unavailable, section.timezone),
    )


def team_from_config(cfg: TeamConfig) -> Team:
    return Team(
        config=cfg,
        members=tuple(member_from_config(m, cfg) for m in cfg.members),
        contacts=tuple(contact_from_config(c) for c in cfg.contacts),
    )


__all__ = ["Team", "team_from_config"]
