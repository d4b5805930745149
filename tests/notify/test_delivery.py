"""Delivery through the store to a local receiver, on SQLite and PostgreSQL: retries with
backoff, exactly one sender per notice, restarts that lose and repeat nothing, late notices
skipped and changed ones withdrawn. The clock is the test's: nothing sleeps."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from rota.model import Override
from rota.notify import NoticeSender, SenderPolicy
from rota.store import Store
from tests.notify.helpers import EXPECTED_NOTICES, SECRET, Clock, Receiver, running, save_ops

STEP = timedelta(minutes=30)
WEEK_END = datetime(2027, 1, 11, 1, tzinfo=UTC)


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    opened = Store.open(url)
    save_ops(opened)
    yield opened
    opened.close()


def sender(store: Store, clock: Clock, receiver: Receiver, owner: str) -> NoticeSender:
    return NoticeSender(store, SECRET, now=clock, environ=receiver.environ(), owner=owner)


def run_until(senders: list[NoticeSender], clock: Clock, end: datetime) -> None:
    """Every sender makes one pass at each step, all at once (threads) when several."""
    while clock.at < end:
        if len(senders) == 1:
            senders[0].run_once()
        else:
            threads = [threading.Thread(target=s.run_once) for s in senders]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        clock.advance(STEP)


def assert_each_delivered_once(receiver: Receiver, store: Store) -> None:
    delivered = receiver.delivered()
    assert all(r.signed for r in receiver.requests)
    counts = Counter((r.path, r.notice_id) for r in delivered)
    assert len(counts) == 2 * EXPECTED_NOTICES  # every notice to both webhooks
    assert set(counts.values()) == {1}
    assert {r.notice_id for r in delivered if r.path == "/json"} == {
        r.document()["id"] for r in delivered if r.path == "/json"
    }
    rows = store.list_deliveries("ops")
    assert len(rows) == 2 * EXPECTED_NOTICES
    assert {row.status for row in rows} == {"delivered"}


def test_a_receiver_that_fails_twice_gets_every_notice_once(store: Store) -> None:
    clock = Clock()
    with running(Receiver(fail_first=2)) as receiver:
        run_until([sender(store, clock, receiver, "a")], clock, WEEK_END)
    assert_each_delivered_once(receiver, store)
    failed = [r for r in receiver.requests if r.answered != 200]
    assert len(failed) == 2
    retried = [row for row in store.list_deliveries() if row.attempts > 1]
    assert sum(row.attempts - 1 for row in retried) == 2
    assert all(row.last_error is None for row in retried)  # cleared once delivered
    first = min(store.list_deliveries(), key=lambda row: row.due_at)
    assert first.due_at == datetime(2027, 1, 3, 23, tzinfo=UTC)


def test_two_senders_on_one_store_send_each_notice_once(url: str, store: Store) -> None:
    clock = Clock()
    other = Store.open(url)
    with running(Receiver(fail_first=3)) as receiver:
        senders = [sender(store, clock, receiver, "a"), sender(other, clock, receiver, "b")]
        run_until(senders, clock, WEEK_END)
    other.close()
    assert_each_delivered_once(receiver, store)


def test_a_restart_loses_none_and_repeats_none(url: str, store: Store) -> None:
    clock = Clock()
    with running(Receiver()) as receiver:
        before = sender(store, clock, receiver, "before")
        run_until([before], clock, datetime(2027, 1, 7, 12, tzinfo=UTC))
        before.close()
        assert 0 < len(receiver.delivered()) < 2 * EXPECTED_NOTICES
        reopened = Store.open(url)  # a new process: its own connection, nothing in memory
        after = sender(reopened, clock, receiver, "after")
        run_until([after], clock, WEEK_END)
        reopened.close()
    assert_each_delivered_once(receiver, store)


class Died(BaseException):
    """The process ends in the middle of a post (kill -9, power cut)."""


def test_a_sender_that_dies_mid_post_leaves_nothing_lost(store: Store) -> None:
    clock = Clock(datetime(2027, 1, 4, 23, 0, tzinfo=UTC))  # bob's Tue block: JSON is due

    def die(request: httpx.Request) -> httpx.Response:
        raise Died

    with running(Receiver()) as receiver:
        dying = NoticeSender(
            store,
            SECRET,
            now=clock,
            environ=receiver.environ(),
            client=httpx.Client(transport=httpx.MockTransport(die)),
            owner="dying",
        )
        with pytest.raises(Died):
            dying.run_once()
        [claimed] = [row for row in store.list_deliveries() if row.status == "pending"]
        assert (claimed.kind, claimed.webhook, claimed.attempts) == (
            "starts_soon",
            "OPS_JSON_URL",
            0,
        )
        successor = sender(store, clock, receiver, "successor")
        successor.run_once()
        assert receiver.delivered() == []  # the dead sender's lease still holds
        clock.advance(SenderPolicy().lease)
        successor.run_once()
    assert [r.notice_id for r in receiver.delivered()] == [claimed.notice_id]
    assert [row.status for row in store.list_deliveries() if row.id == claimed.id] == ["delivered"]


def test_notices_more_than_an_hour_late_are_skipped(store: Store) -> None:
    clock = Clock(datetime(2027, 1, 6, 12, tzinfo=UTC))
    with running(Receiver()) as receiver:
        sender(store, clock, receiver, "late").run_once()
    assert receiver.requests == []
    rows = store.list_deliveries()
    # due in the last day: bob's handoff at Tue 00:00 was 36 hours ago (outside), ann's Wed
    # block (JSON 23:00, Slack 23:30) and the handoff to her at 00:00 (both webhooks) inside
    assert [(row.kind, row.webhook, row.status) for row in rows] == [
        ("starts_soon", "OPS_JSON_URL", "skipped"),
        ("starts_soon", "OPS_SLACK_URL", "skipped"),
        ("handoff", "OPS_JSON_URL", "skipped"),
        ("handoff", "OPS_SLACK_URL", "skipped"),
    ]


def test_a_notice_changed_before_delivery_is_withdrawn_not_sent(store: Store) -> None:
    clock = Clock(datetime(2027, 1, 5, 23, tzinfo=UTC))  # ann's Wed block, JSON due now
    policy = SenderPolicy(first_retry=timedelta(minutes=5))
    with running(Receiver(fail_first=1)) as receiver:
        env = receiver.environ()
        first = NoticeSender(store, SECRET, now=clock, environ=env, policy=policy, owner="a")
        first.run_once()
        assert [r.answered for r in receiver.requests] == [500]
        store.add_overrides(
            "ops",
            [Override("ops", "primary", "dan", datetime(2027, 1, 6, tzinfo=UTC), WEEK_END)],
            created_by="test",
        )
        clock.advance(timedelta(minutes=10))
        first.run_once()
    by_status = {(row.status, row.kind) for row in store.list_deliveries()}
    assert ("withdrawn", "starts_soon") in by_status
    delivered = receiver.delivered()
    assert [r.document()["member"]["id"] for r in delivered] == ["dan"]  # type: ignore[index]


def test_a_missing_url_variable_is_retried_and_recorded(store: Store) -> None:
    clock = Clock(datetime(2027, 1, 3, 23, tzinfo=UTC))
    silent = NoticeSender(store, SECRET, now=clock, environ={}, owner="a")
    silent.run_once()
    rows = store.list_deliveries()
    assert len(rows) == 2  # ann's and cat's Monday blocks
    for row in rows:
        assert (row.webhook, row.status, row.attempts) == ("OPS_JSON_URL", "pending", 1)
        assert row.last_error == "environment variable OPS_JSON_URL (the webhook URL) is not set"
        assert row.next_attempt_at == clock.at + timedelta(seconds=10)


def test_a_pass_that_runs_past_half_its_lease_releases_the_rest(store: Store) -> None:
    clock = Clock(datetime(2027, 1, 3, 23, tzinfo=UTC))  # ann's and cat's Monday blocks
    with running(Receiver()) as receiver:
        env = receiver.environ()
        hasty = NoticeSender(
            store, SECRET, now=clock, environ=env, policy=SenderPolicy(lease=timedelta(0))
        )
        assert hasty.run_once().counts == {"released": 2}
        assert receiver.requests == []
        assert {(row.status, row.attempts) for row in store.list_deliveries()} == {("pending", 0)}
        assert sender(store, clock, receiver, "b").run_once().counts == {"delivered": 2}
    assert len(receiver.delivered()) == 2
