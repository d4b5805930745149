"""What operators see: ``/metrics`` (Prometheus text format) and one log record per request.

Labels hold only the method, the route *template* (``/v1/teams/{team}/oncall``; ``unmatched``
for paths no route has) and the status: no team, member, key or token ever appears. The cache
and feed counters are read from the app's caches when scraped. Each server process counts its
own requests (``docs/operations.md``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import redact
from api.stale import STALE_HEADER

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds; paging lookups answer in about a millisecond, feed builds take up to seconds."""

_STALE = STALE_HEADER.lower().encode("ascii")
_requests_log = logging.getLogger("rota.request")


class Telemetry:
    """The metrics of one app, in a registry of their own (so several apps never share one)."""

    def __init__(self, app: FastAPI) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "rota_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "rota_http_request_duration_seconds",
            "Seconds from request to the end of the response, by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.stale = Counter(
            "rota_stale_answers",
            "Answers given from the last good state while the store was unavailable.",
            ["route"],
            registry=self.registry,
        )
        self.registry.register(_CacheCollector(app))
        self.registry.register(QueueCollector(app))

    def observe(self, method: str, route: str, status: int, seconds: float, stale: bool) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)
        if stale:
            self.stale.labels(route).inc()


class _CacheCollector(Collector):
    """Cache hits and feed builds, read from the app's caches at scrape time."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app

    def describe(self) -> Iterable[Metric]:
        return self._families(None)

    def collect(self) -> Iterable[Metric]:
        return self._families(self._app.state)

    @staticmethod
    def _families(state: Any) -> list[Metric]:
        lookups = CounterMetricFamily(
            "rota_cache_lookups",
            "Lookups of cached team states and feed bytes: answered from memory (hit) or "
            "rebuilt from the store (miss).",
            labels=["cache", "result"],
        )
        builds = CounterMetricFamily("rota_feed_builds", "Feeds whose bytes were built.")
        states = getattr(state, "states", None)
        feeds = getattr(state, "feeds", None)
        if states is not None and feeds is not None:
            lookups.add_metric(["team_state", "hit"], states.hits)
            lookups.add_metric(["team_state", "miss"], states.misses)
            lookups.add_metric(["feed", "hit"], feeds.hits)
            lookups.add_metric(["feed", "miss"], feeds.builds)
            builds.add_metric([], feeds.builds)
        return [lookups, builds]


QUEUE_WINDOW = 1000
"""Queued solves the queue metrics look at: the newest this many jobs."""


class QueueCollector(Collector):
    """Queued solves (``rota submit``, run by ``rota worker`` anywhere), read from the store at
    scrape time: jobs by status (``queued`` is the queue's depth) and the durations of finished
    ones by outcome. Only on PostgreSQL (SQLite has no queue); nothing while the store is
    down."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app

    def describe(self) -> Iterable[Metric]:
        return self._families([])

    def collect(self) -> Iterable[Metric]:
        from rota.errors import StoreError
        from rota.solve_queue import list_jobs

        store = getattr(self._app.state, "store", None)
        if store is None or not store.url.startswith("postgresql"):
            return []
        try:
            jobs = list_jobs(store, QUEUE_WINDOW)
        except StoreError:
            return []
        return self._families(jobs)

    @staticmethod
    def _families(jobs: list[Any]) -> list[Metric]:
        by_status = GaugeMetricFamily(
            "rota_solve_jobs",
            f"Queued solves among the newest {QUEUE_WINDOW}, by status (queued: waiting).",
            labels=["status"],
        )
        durations = SummaryMetricFamily(
            "rota_solve_job_seconds",
            f"From start to finish of the finished solves among the newest {QUEUE_WINDOW}, by "
            "outcome (done: a version stored; failed: no rota or an error).",
            labels=["outcome"],
        )
        for status in ("queued", "running", "done", "failed"):
            by_status.add_metric([status], sum(1 for j in jobs if j.status == status))
        for outcome in ("done", "failed"):
            spans = [
                (j.finished_at - j.started_at).total_seconds()
                for j in jobs
                if j.status == outcome and j.started_at and j.finished_at
            ]
            durations.add_metric([outcome], count_value=len(spans), sum_value=sum(spans))
        return [by_status, durations]


def add_metrics_route(app: FastAPI, telemetry: Telemetry) -> None:
    """``GET /metrics``: open like ``/healthz``, not in the OpenAPI document."""

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(telemetry.registry), media_type=CONTENT_TYPE_LATEST)


class RequestObserver:
    """ASGI middleware: counts and times each request, and logs it when asked (JSON logs)."""

    def __init__(self, app: ASGIApp, telemetry: Telemetry | None, log_requests: bool) -> None:
        self.app = app
        self.telemetry = telemetry
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, Any] = {"status": 500, "stale": False}

        async def observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                seen["stale"] = any(name.lower() == _STALE for name, _ in message["headers"])
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            if self.telemetry is not None:
                self.telemetry.observe(
                    scope["method"], route, seen["status"], seconds, seen["stale"]
                )
            if self.log_requests:
                _log_request(scope, route, seen["status"], seconds, seen["stale"])


def _log_request(scope: Scope, route: str, status: int, seconds: float, stale: bool) -> None:
    client = scope.get("client")
    _requests_log.info(
        "%s %s %d",
        scope["method"],
        route,
        status,
        extra={
            "request": {
                "method": scope["method"],
                "route": route,
                "path": redact(scope.get("path", "")),
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "stale": stale,
                "client": client[0] if client else None,
            }
        },
    )
