"""The JSON and Slack bodies of one notice, and their signatures checked by hand."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

from rota.config import config_from_document
from rota.notify import Notice, NoticeKind, sign, signed_request, verify
from rota.notify.notices import notice_id
from rota.team import team_from_config
from rota.yamlfile import parse_yaml
from tests.notify.helpers import SECRET, TEAM_TEXT

TEAM = team_from_config(config_from_document(parse_yaml(TEAM_TEXT, "ops.yaml")))
START = datetime(2027, 1, 5, tzinfo=UTC)
END = datetime(2027, 1, 6, tzinfo=UTC)
HANDOFF = Notice(
    notice_id("ops", NoticeKind.HANDOFF, "bob", "primary", START, "ann"),
    "ops",
    NoticeKind.HANDOFF,
    "bob",
    "primary",
    START,
    END,
    previous_id="ann",
)


def test_json_payload_has_the_notice_in_utc_and_in_the_members_zone() -> None:
    request = signed_request(HANDOFF, TEAM, "json", SECRET)
    assert json.loads(request.body) == {
        "id": HANDOFF.id,
        "kind": "handoff",
        "team": {"id": "ops", "name": "Ops"},
        "role": "primary",
        "member": {"id": "bob", "name": "bob", "email": None},
        "previous": {"id": "ann", "name": "Ann Lee", "email": "ann@example.com"},
        "start": "2027-01-05T00:00:00Z",
        "end": "2027-01-06T00:00:00Z",
        "timezone": "Europe/Warsaw",
        "start_local": "2027-01-05T01:00:00+01:00",
        "end_local": "2027-01-06T01:00:00+01:00",
        "text": "Ops primary: Ann Lee hands over to bob, on call until "
        "Wed 6 Jan 01:00 (Europe/Warsaw)",
    }
    assert request.headers["X-Rota-Notice-Id"] == HANDOFF.id
    assert request.headers["Content-Type"] == "application/json"


def test_slack_payload_is_text_plus_blocks() -> None:
    message = json.loads(signed_request(HANDOFF, TEAM, "slack", SECRET).body)
    assert message["text"].startswith("Ops primary: Ann Lee hands over to bob")
    assert [block["type"] for block in message["blocks"]] == ["section", "section", "context"]
    fields = [f["text"] for f in message["blocks"][1]["fields"]]
    assert fields == [
        "*Who*\nbob",
        "*Role*\nprimary",
        "*From*\nTue 5 Jan 01:00 (Europe/Warsaw)",
        "*Until*\nWed 6 Jan 01:00 (Europe/Warsaw)",
        "*Hands over*\nAnn Lee",
    ]
    assert HANDOFF.id in message["blocks"][2]["elements"][0]["text"]


def test_starts_soon_text_names_member_team_role_and_local_times() -> None:
    start = datetime(2027, 1, 4, tzinfo=UTC)
    notice = Notice(
        "x" * 32, "ops", NoticeKind.STARTS_SOON, "cat", "secondary", start, END, previous_id=None
    )
    document = json.loads(signed_request(notice, TEAM, "json", SECRET).body)
    assert document["text"] == (
        "cat is on call for Ops (secondary) from Sun 3 Jan 19:00 (America/New_York) "
        "until Tue 5 Jan 19:00 (America/New_York)"
    )
    assert document["previous"] is None


def test_signature_is_hmac_sha256_of_the_exact_body() -> None:
    request = signed_request(HANDOFF, TEAM, "slack", SECRET)
    by_hand = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Rota-Signature"] == f"sha256={by_hand}"
    assert verify(request.body, request.headers["X-Rota-Signature"], SECRET)
    assert not verify(request.body + b" ", request.headers["X-Rota-Signature"], SECRET)
    assert not verify(request.body, request.headers["X-Rota-Signature"], "another secret")
    assert not verify(request.body, None, SECRET)
    assert sign(b"", "k") == "sha256=" + hmac.new(b"k", b"", hashlib.sha256).hexdigest()
