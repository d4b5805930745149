"""Handoff notices (docs/notifications.md): what to tell whom and when, signed payloads, and
at-least-once delivery recorded in the store.

* :mod:`rota.notify.notices` — :func:`team_notices`, pure: "starts soon" and handoff notices of
  a team's effective schedule, each with a stable id;
* :mod:`rota.notify.payloads` — the Slack and JSON bodies and their ``X-Rota-Signature``;
* :mod:`rota.notify.sender` — :class:`NoticeSender`: records due notices in the store, claims
  them with a lease (one sender per notice across servers), posts them, retries with backoff.
"""

from rota.notify.notices import Notice, NoticeKind, team_notices
from rota.notify.payloads import SignedRequest, sign, signed_request, verify
from rota.notify.sender import NoticeSender, SenderPolicy

__all__ = [
    "Notice",
    "NoticeKind",
    "NoticeSender",
    "SenderPolicy",
    "SignedRequest",
    "sign",
    "signed_request",
    "team_notices",
    "verify",
]
