"""The HTTP API fuzzed from its own OpenAPI document with schemathesis.

Every operation of ``/openapi.json`` is called with generated (valid and invalid) data three
times over: with a read key, with a write key and with no key, against an in-process app with a
seeded store (team ``ops`` with a week of schedule, an override, a feed token). Half of the cases
get the seeded team and member ids so that they reach past the 404s. Checked on every response:
no 5xx, the status code is one the schema declares, the body matches the declared schema
(schemathesis' ``response_schema_conformance``), the content type is declared, and no seeded
key or token appears in any body; after the run, none appears in any log record either.
A last test does the same against a ``rota serve`` process and reads its access log.

``ROTA_API_EXAMPLES=N`` sets the examples per operation and key (default 40; docs/reliability.md).
"""

from __future__ import annotations

import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.settings import Settings
from rota.keys import API_KEY_PREFIX, FEED_TOKEN_PREFIX, new_secret, secret_hash
from rota.store import Store
from tests.ops_team import NOW, TEAM_FILE, ops_schedule
from tests.served import rota_serve

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

EXAMPLES = int(os.environ.get("ROTA_API_EXAMPLES", "40"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass(slots=True)
class Seeded:
    url: str
    read_key: str
    write_key: str
    feed_token: str
    override_id: int
    secrets: tuple[str, ...] = ()
    served: list[int] = field(default_factory=list)


def seed(path: Path) -> Seeded:
    url = f"sqlite:///{path}"
    with Store.open(url) as store:
        store.save_schedule(
            ops_schedule(), config_text=TEAM_FILE.read_text(), config_name="ops.yaml", meta={}
        )
        read_key, write_key = new_secret(API_KEY_PREFIX), new_secret(API_KEY_PREFIX)
        store.add_api_key("reader", key_hash=secret_hash(read_key), scope="read")
        store.add_api_key("writer", key_hash=secret_hash(write_key), scope="write")
        token = new_secret(FEED_TOKEN_PREFIX)
        store.add_feed_token(
            token_hash=secret_hash(token), kind="team", team_id="ops", member_id=None, role=None
        )
        override = store.add_override(
            "ops",
            role="primary",
            member_id="dan",
            start=NOW,
            end=NOW.replace(hour=NOW.hour + 2),
            reason="swap",
        )
    assert override.id is not None
    return Seeded(
        url, read_key, write_key, token, override.id, secrets=(read_key, write_key, token)
    )


class Records(logging.Handler):
    """Every log record of the run, formatted, to look for secrets afterwards."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return seed(tmp_path_factory.mktemp("api-fuzz") / "rota.db")


@pytest.fixture(scope="module")
def log_records() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="module")
def store(seeded: Seeded) -> Iterator[Store]:
    opened = Store.open(seeded.url)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def api_schema(seeded: Seeded, store: Store, log_records: Records) -> BaseSchema:
    app = create_app(Settings(db_url=seeded.url, now=lambda: NOW, cache_seconds=0.0), store=store)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


AUTHS = ("read", "write", "none")
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def headers_for(seeded: Seeded, auth: str) -> dict[str, str]:
    if auth == "none":
        return {}
    return {"Authorization": f"Bearer {seeded.read_key if auth == 'read' else seeded.write_key}"}


def steer(case: OpenApiCase, seeded: Seeded, salt: int) -> None:
    """Half of the cases use the seeded ids, so they reach the code behind the 404s."""
    params = case.path_parameters
    if not isinstance(params, dict):
        return
    if salt % 2:
        return
    if "team" in params:
        params["team"] = "ops"
    if "member" in params:
        params["member"] = "ann"
    if "override_id" in params and salt % 4 == 0:
        params["override_id"] = seeded.override_id
    if "token" in params and salt % 8 == 0:
        params["token"] = seeded.feed_token


def check_case(case: OpenApiCase, seeded: Seeded) -> None:
    """Send ``case`` with a read key, a write key and no key; validate every response."""
    steer(case, seeded, len(seeded.served))
    for auth in AUTHS:
        response = case.call(headers=headers_for(seeded, auth))
        seeded.served.append(response.status_code)
        case.validate_response(response, checks=CHECKS)
        body = response.content.decode("utf-8", errors="replace")
        for secret in seeded.secrets:
            assert secret not in body, f"a secret in the body of {case.method} {case.path}"
        if auth == "none" and response.status_code < 400:
            assert case.path in ("/healthz", "/readyz", "/openapi.json") or case.path.startswith(
                "/feeds/"
            ), (
                case.method,
                case.path,
                response.status_code,
            )
        if auth == "read" and case.method in ("POST", "DELETE"):
            assert response.status_code >= 400, (case.method, case.path, response.status_code)


def test_api_conforms_and_never_fails(api_schema: BaseSchema, seeded: Seeded) -> None:
    """Every operation, valid and invalid data, each case with three keys."""
    operations = []
    for result in api_schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operations.append(result.ok())
    assert len(operations) >= 9, [op.label for op in operations]
    for operation in operations:
        for mode in MODES:
            if mode is GenerationMode.NEGATIVE and not operation.query and not operation.body:
                continue  # nothing to break but the path

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
                phases=[Phase.generate, Phase.shrink],
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: OpenApiCase) -> None:
                check_case(case, seeded)

            try:
                run()
            except Exception as exc:
                raise AssertionError(f"{operation.label} ({mode.value}): {exc}") from exc
    print(
        f"api fuzz: {len(operations)} operations, {len(seeded.served)} requests, "
        f"{len([c for c in seeded.served if c >= 500])} 5xx"
    )


def test_undecodable_body_is_a_documented_status(api_schema: BaseSchema, seeded: Seeded) -> None:
    operation = api_schema["/v1/teams/{team}/overrides"]["POST"]
    case = operation.Case(
        path_parameters={"team": "ops"},
        body=b"\xff\xfe{",
        media_type="application/json",
    )
    response = case.call(headers=headers_for(seeded, "write"))
    assert response.status_code != 500
    case.validate_response(response, checks=[status_code_conformance])


def test_no_secret_in_any_log_record(seeded: Seeded, log_records: Records) -> None:
    """Runs after the fuzzing above (same module): the whole run's log is free of secrets."""
    if not seeded.served:
        pytest.skip("run together with test_api_conforms_and_never_fails")
    text = "\n".join(log_records.lines)
    for secret in seeded.secrets:
        assert secret not in text
    print(f"api fuzz: {len(seeded.served)} requests, {len(log_records.lines)} log records")


# ---------------------------------------------------------------------------- `rota serve`


def _get(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> int:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        return int(exc.code)


def test_served_api_keeps_keys_and_tokens_out_of_its_log(tmp_path: Path) -> None:
    seeded = seed(tmp_path / "serve.db")
    log = tmp_path / "serve.log"
    with rota_serve(seeded.url, log) as base:
        read = {"Authorization": f"Bearer {seeded.read_key}"}
        write = {"Authorization": f"Bearer {seeded.write_key}"}
        statuses = [
            _get(f"{base}/feeds/{seeded.feed_token}.ics"),
            _get(f"{base}/feeds/{seeded.feed_token}.ics?key={seeded.read_key}"),
            _get(f"{base}/v1/teams/ops/oncall?at=2027-01-05T10:00:00Z", read),
            _get(f"{base}/v1/teams?token={seeded.write_key}", write),
            _get(f"{base}/v1/teams/ops/overrides/{seeded.override_id}", read, "DELETE"),
            _get(f"{base}/v1/teams/{seeded.read_key}/oncall", read),
            _get(f"{base}/nowhere/{seeded.feed_token}", read),
        ]
    text = log.read_text()
    assert statuses[:4] == [200, 200, 200, 200], statuses
    assert statuses[4] == 403
    assert "Traceback" not in text
    assert "GET /feeds/<redacted>.ics" in text
    leaked = [secret for secret in seeded.secrets if secret in text]
    assert not leaked, text[-3000:]


def test_huge_override_id_is_not_a_500(seeded: Seeded, store: Store) -> None:
    from fastapi.testclient import TestClient

    app = create_app(Settings(db_url=seeded.url, now=lambda: NOW), store=store)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.delete(
            f"/v1/teams/ops/overrides/{2**70}", headers=headers_for(seeded, "write")
        )
    assert response.status_code in (404, 422), response.text
