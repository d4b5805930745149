""":class:`NoticeSender`: one pass records due notices, claims some, posts them, records how
it went. ``rota serve`` runs a pass every few seconds (``api/notices.py``); tests call
:meth:`NoticeSender.run_once` with their own clock.

Guarantees (docs/notifications.md):

* at least once: a notice is recorded in the store before it is posted and marked delivered only
  after the receiver answered 2xx; a sender that stops between the two leaves the row claimed,
  and after the lease another sender posts it again;
* once per notice across servers: a row is posted only by the sender holding its lease;
* a graceful stop repeats nothing: a pass is never cut short, so every post is recorded;
* never late: a notice due more than ``SenderPolicy.late_after`` ago is recorded as skipped,
  and one still failing then is given up (failed);
* nothing stale: a pending notice that the current schedule no longer has (a re-solve or an
  override changed it) is withdrawn, not sent.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from rota.config.notify import NotifySection, Webhook
from rota.errors import ScheduleNotFound, TeamNotFound
from rota.notify.notices import Notice, team_notices
from rota.notify.payloads import signed_request
from rota.service import TeamState, TeamStateCache
from rota.store import Delivery, DueNotice, Store
from rota.store.core import _utc_now
from rota.store.records import DeliveryStatus

_log = logging.getLogger("rota.notify")


@dataclass(frozen=True, slots=True)
class SenderPolicy:
    """How a sender paces itself.

    Attributes:
        late_after: a notice due longer ago than this is not sent (skipped, or failed after
            attempts); a "starts soon" notice an hour late says little the member cannot see.
        look_back: how far back due notices are recorded at all (so that notices missed
            while no server ran show up as skipped rather than not at all).
        lease: how long a claim keeps other senders off a row; longer than a pass's posts.
        timeout_s: connect/read timeout of one post.
        first_retry, max_retry: backoff after a failed post doubles from the first to the max.
        batch: rows claimed per pass.
    """

    late_after: timedelta = timedelta(hours=1)
    look_back: timedelta = timedelta(days=1)
    lease: timedelta = timedelta(minutes=2)
    timeout_s: float = 5.0
    first_retry: timedelta = timedelta(seconds=10)
    max_retry: timedelta = timedelta(minutes=5)
    batch: int = 20

    def retry_delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed post."""
        return min(self.first_retry * (1 << max(attempts - 1, 0)), self.max_retry)


@dataclass(frozen=True, slots=True)
class _Target:
    notice: Notice
    state: TeamState
    hook: Webhook


@dataclass(slots=True)
class PassReport:
    """What one pass did, by outcome."""

    recorded: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1


class NoticeSender:
    """Posts the due notices of every team in ``store`` that has a ``notify:`` section.

    Args:
        store: the store (rows are recorded and claimed there).
        secret: ``ROTA_NOTIFY_SECRET``, the HMAC key of every body.
        now: the clock.
        environ: where webhook URLs are looked up by ``url_env`` (default: the process's).
        states: a team state cache to share (the API's), else one of its own.
        client: the HTTP client (default: one with ``policy.timeout_s``).
        owner: this sender's name in claims (default: random).
    """

    def __init__(
        self,
        store: Store,
        secret: str,
        *,
        now: Callable[[], datetime] = _utc_now,
        environ: Mapping[str, str] = os.environ,
        policy: SenderPolicy = SenderPolicy(),
        states: TeamStateCache | None = None,
        client: httpx.Client | None = None,
        owner: str | None = None,
    ) -> None:
        self._store = store
        self._secret = secret
        self._now = now
        self._environ = environ
        self.policy = policy
        self._states = states or TeamStateCache(store)
        self._client = client or httpx.Client(timeout=policy.timeout_s, follow_redirects=False)
        self.owner = owner or uuid.uuid4().hex[:16]

    def close(self) -> None:
        self._client.close()

    def run_once(self) -> PassReport:
        """Record what is due, then claim, post and record up to ``policy.batch`` notices."""
        now = self._now()
        report = PassReport()
        targets, due = self._due(now)
        report.recorded = self._store.record_due(due)
        claimed = self._store.claim_deliveries(
            self.owner, now, lease=self.policy.lease, limit=self.policy.batch
        )
        # Post only while the claim is safely ours: a slow receiver must not let the lease
        # run out under a post, or another server could claim and post the same notice.
        stop_at = time.monotonic() + self.policy.lease.total_seconds() / 2
        for delivery in claimed:
            if time.monotonic() > stop_at:
                self._store.finish_delivery(
                    delivery.id,
                    self.owner,
                    status="pending",
                    at=now,
                    attempted=False,
                    retry_at=delivery.next_attempt_at,
                )
                report.add("released")
                continue
            report.add(self._deliver(delivery, targets.get((delivery.notice_id, delivery.webhook))))
        return report

    def _due(self, now: datetime) -> tuple[dict[tuple[str, str], _Target], list[DueNotice]]:
        """Every current notice due in the look-back window, per webhook."""
        targets: dict[tuple[str, str], _Target] = {}
        due: list[DueNotice] = []
        for info in self._store.list_teams():
            try:
                state = self._states.get(info.id)
            except (TeamNotFound, ScheduleNotFound):
                continue
            section = state.team.config.notify
            if section is None:
                continue
            for notice, hook, at in _due_notices(state, section):
                if not now - self.policy.look_back <= at <= now:
                    continue
                targets[(notice.id, hook.url_env)] = _Target(notice, state, hook)
                late = now - at > self.policy.late_after
                due.append(
                    DueNotice(
                        notice.id,
                        hook.url_env,
                        info.id,
                        notice.kind.value,
                        at,
                        "skipped" if late else "pending",
                    )
                )
        return targets, due

    def _deliver(self, delivery: Delivery, target: _Target | None) -> str:
        """Post one claimed notice and record the outcome; returns the status recorded."""
        now = self._now()
        finish = self._store.finish_delivery
        late = now - delivery.due_at > self.policy.late_after
        if target is None or late:
            status: DeliveryStatus = "withdrawn" if target is None else "skipped"
            if late and delivery.attempts:
                status = "failed"
            finish(delivery.id, self.owner, status=status, at=now, attempted=False)
            return status
        error = self._post(target)
        if error is None:
            finish(delivery.id, self.owner, status="delivered", at=self._now(), attempted=True)
            return "delivered"
        retry_at = now + self.policy.retry_delay(delivery.attempts + 1)
        _log.warning(
            "notice %s to %s failed (attempt %d): %s",
            delivery.notice_id,
            delivery.webhook,
            delivery.attempts + 1,
            error,
        )
        finish(
            delivery.id,
            self.owner,
            status="pending",
            at=now,
            attempted=True,
            error=error,
            retry_at=retry_at,
        )
        return "retry"

    def _post(self, target: _Target) -> str | None:
        """Post the signed notice; None when the receiver took it, else why not."""
        url = self._environ.get(target.hook.url_env)
        if not url:
            return f"environment variable {target.hook.url_env} (the webhook URL) is not set"
        request = signed_request(target.notice, target.state.team, target.hook.format, self._secret)
        try:
            response = self._client.post(url, content=request.body, headers=request.headers)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        if response.is_success:
            return None
        return f"HTTP {response.status_code}"


def _due_notices(
    state: TeamState, section: NotifySection
) -> list[tuple[Notice, Webhook, datetime]]:
    notices = team_notices(state.team.id, state.team.roles, state.index)
    return [
        (notice, hook, notice.due(timedelta(minutes=section.lead_minutes(hook))))
        for hook in section.webhooks
        for notice in notices
    ]
