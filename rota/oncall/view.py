"""The JSON document of an :class:`~rota.oncall.resolve.OnCallAnswer` (``rota who --json``, API).

Shape (times RFC 3339 UTC; ``at`` keeps microseconds when it has any)::

    {"team", "at", "shift": {"start", "end"},
     "holders": {role: {"id", "name", "email", "timezone", "source", "override_id"}},
     "severity", "repeat",
     "levels": [{"level", "ack_timeout_minutes",
                 "members": [{"id", "name", "email", "timezone", "via", "phone"}],
                 "skipped": [{"id", "reason", "until", "via"}]}],
     "next_handoff": {"at", "changes": {role: {"from", "to"}}} | null}

``via`` is the target role, ``"member"`` for a target naming the member, or ``"contact"`` for a
target naming a contact (someone outside the rotation); ``phone`` is a contact's phone number,
null for members and for contacts without one; ``reason`` reads
``"vacation until 2027-01-03T23:00:00Z"`` and ``until`` repeats the instant on its own. ``source``
is ``"planned"`` or ``"override"``; ``from``/``to`` are member ids.
"""

from __future__ import annotations

from typing import Any

from rota.model import Contact
from rota.oncall.index import instant_text
from rota.oncall.resolve import Level, OnCallAnswer, Page, Person
from rota.views import rfc3339


def person_view(member: Person) -> dict[str, Any]:
    return {
        "id": member.id,
        "name": member.name,
        "email": member.email,
        "timezone": member.timezone.key,
    }


def page_view(page: Page) -> dict[str, Any]:
    phone = page.member.phone if isinstance(page.member, Contact) else None
    return {**person_view(page.member), "via": page.via, "phone": phone}


def level_view(level: Level) -> dict[str, Any]:
    return {
        "level": level.number,
        "ack_timeout_minutes": level.ack_timeout_minutes,
        "members": [page_view(page) for page in level.members],
        "skipped": [
            {
                "id": skip.member.id,
                "reason": skip.text,
                "until": rfc3339(skip.until),
                "via": skip.via,
            }
            for skip in level.skipped
        ],
    }


def oncall_view(answer: OnCallAnswer) -> dict[str, Any]:
    """The JSON-ready document of ``answer`` (see the module docstring)."""
    handoff = answer.next_handoff
    return {
        "team": answer.team_id,
        "at": instant_text(answer.at),
        "shift": {"start": rfc3339(answer.shift.start), "end": rfc3339(answer.shift.end)},
        "holders": {
            holder.role: {
                **person_view(holder.member),
                "source": holder.source.value,
                "override_id": holder.override_id,
            }
            for holder in answer.holders
        },
        "severity": answer.severity,
        "repeat": answer.repeat,
        "levels": [level_view(level) for level in answer.levels],
        "next_handoff": None
        if handoff is None
        else {
            "at": rfc3339(handoff.at),
            "changes": {
                change.role: {"from": change.before.id, "to": change.after.id}
                for change in handoff.changes
            },
        },
    }
