"""The team file's ``notify:`` section: defaults, and errors that name the path and value."""

from __future__ import annotations

import pytest

from rota.config import config_from_document
from rota.errors import ConfigError
from rota.yamlfile import parse_yaml
from tests.notify.helpers import TEAM_TEXT
from tests.ops_team import TEAM_FILE


def load(notify: str) -> object:
    text = TEAM_FILE.read_text() + notify
    return config_from_document(parse_yaml(text, "ops.yaml")).notify


def test_lead_time_defaults_to_an_hour_and_a_webhook_may_set_its_own() -> None:
    section = config_from_document(parse_yaml(TEAM_TEXT, "ops.yaml")).notify
    assert section is not None
    json_hook, slack_hook = section.webhooks
    assert (json_hook.url_env, json_hook.format, section.lead_minutes(json_hook)) == (
        "OPS_JSON_URL",
        "json",
        60,
    )
    assert (slack_hook.format, section.lead_minutes(slack_hook)) == ("slack", 30)


def test_the_section_is_optional() -> None:
    assert load("") is None
    assert load("notify:\n") is None


@pytest.mark.parametrize(
    ("notify", "message"),
    [
        (
            "notify: {webhooks: [{url_env: 'https://hooks.slack.com/x'}]}",
            r"notify\.webhooks\[0\]\.url_env: expected the NAME of an environment variable",
        ),
        (
            "notify: {webhooks: [{url_env: A, format: teams}]}",
            r"notify\.webhooks\[0\]\.format: must be one of slack, json",
        ),
        ("notify: {webhooks: []}", r"notify\.webhooks: must list at least one webhook"),
        (
            "notify: {webhooks: [{url_env: A}, {url_env: A}]}",
            r"notify\.webhooks: url_env 'A' is listed twice",
        ),
        (
            "notify: {before_minutes: -5, webhooks: [{url_env: A}]}",
            r"notify\.before_minutes: must be between 0 and 10080 minutes",
        ),
        (
            "notify: {webhooks: [{url: A}]}",
            r"notify\.webhooks\[0\]\.url: unknown key \(did you mean 'url_env'\?\)",
        ),
    ],
)
def test_mistakes_name_the_path(notify: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load(notify)
