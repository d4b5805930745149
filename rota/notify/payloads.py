"""The bodies posted to webhooks and their signature.

Two shapes (docs/notifications.md has examples): ``json``, the notice as plain JSON, and
``slack``, a Slack-compatible incoming-webhook message (``text`` plus ``blocks``). Every request
carries ``X-Rota-Signature: sha256=<hex>``, the HMAC-SHA256 of the exact body bytes keyed with
``ROTA_NOTIFY_SECRET``, and ``X-Rota-Notice-Id``; a receiver checks the first with :func:`verify`
and drops repeats by the second (delivery is at least once).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from rota.notify.notices import Notice, NoticeKind
from rota.oncall.index import instant_text
from rota.team import Team

SIGNATURE_HEADER = "X-Rota-Signature"
NOTICE_ID_HEADER = "X-Rota-Notice-Id"

PayloadFormat = Literal["slack", "json"]


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """The exact bytes to post and the headers that go with them."""

    body: bytes
    headers: dict[str, str]


def sign(body: bytes, secret: str) -> str:
    """``sha256=<hex>``: the HMAC-SHA256 of ``body`` keyed with ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str | None, secret: str) -> bool:
    """Whether ``header`` is the signature of ``body`` (constant-time comparison)."""
    return header is not None and hmac.compare_digest(header, sign(body, secret))


def signed_request(notice: Notice, team: Team, shape: PayloadFormat, secret: str) -> SignedRequest:
    """The body of ``notice`` in ``shape`` and its headers, signed with ``secret``."""
    document = notice_document(notice, team)
    payload = slack_message(document) if shape == "slack" else document
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, secret),
        NOTICE_ID_HEADER: notice.id,
    }
    return SignedRequest(body, headers)


def notice_document(notice: Notice, team: Team) -> dict[str, Any]:
    """The ``json`` payload: the notice with instants in UTC and in the member's zone."""
    zone = _zone(team, notice.member_id)
    previous = None if notice.previous_id is None else _person(team, notice.previous_id)
    return {
        "id": notice.id,
        "kind": notice.kind.value,
        "team": {"id": team.id, "name": team.config.team_name},
        "role": notice.role,
        "member": _person(team, notice.member_id),
        "previous": previous,
        "start": instant_text(notice.start),
        "end": instant_text(notice.end),
        "timezone": zone.key,
        "start_local": notice.start.astimezone(zone).isoformat(),
        "end_local": notice.end.astimezone(zone).isoformat(),
        "text": _sentence(notice, team, zone),
    }


def slack_message(document: dict[str, Any]) -> dict[str, Any]:
    """A Slack incoming-webhook message for a :func:`notice_document`."""
    fields = [
        ("Who", document["member"]["name"]),
        ("Role", document["role"]),
        ("From", _local(document["start_local"], document["timezone"])),
        ("Until", _local(document["end_local"], document["timezone"])),
    ]
    if document["previous"] is not None:
        fields.append(("Hands over", document["previous"]["name"]))
    return {
        "text": document["text"],
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": _escape(document["text"])}},
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{name}*\n{_escape(value)}"}
                    for name, value in fields
                ],
            },
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"rota notice `{document['id']}`"}],
            },
        ],
    }


def _person(team: Team, member_id: str) -> dict[str, str | None]:
    for member in team.members:
        if member.id == member_id:
            return {"id": member.id, "name": member.name, "email": member.email}
    return {"id": member_id, "name": member_id, "email": None}


def _zone(team: Team, member_id: str) -> ZoneInfo:
    for member in team.members:
        if member.id == member_id:
            return member.timezone
    return team.zone


def _sentence(notice: Notice, team: Team, zone: ZoneInfo) -> str:
    name = _person(team, notice.member_id)["name"]
    start = _local(notice.start.astimezone(zone).isoformat(), zone.key)
    end = _local(notice.end.astimezone(zone).isoformat(), zone.key)
    if notice.kind is NoticeKind.STARTS_SOON:
        return (
            f"{name} is on call for {team.config.team_name} ({notice.role}) "
            f"from {start} until {end}"
        )
    before = _person(team, notice.previous_id or "")["name"]
    return (
        f"{team.config.team_name} {notice.role}: {before} hands over to {name}, on call until {end}"
    )


def _local(iso: str, zone: str) -> str:
    """``Tue 5 Jan 09:00 (Europe/Warsaw)`` from an ISO local time with offset."""
    moment = datetime.fromisoformat(iso)
    return f"{moment:%a} {moment.day} {moment:%b %H:%M} ({zone})"


def _escape(text: str) -> str:
    """Slack mrkdwn needs ``&``, ``<`` and ``>`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
