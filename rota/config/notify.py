"""The team file's optional ``notify:`` section: webhooks that receive handoff notices
(docs/notifications.md). Read by ``rota serve``'s notice sender only; the solver ignores it.

Secrets never live in the file: each webhook names the environment variable that holds its
URL (``url_env``), and the signing secret comes from ``ROTA_NOTIFY_SECRET``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from rota.config.scalars import _choice, _fail, _number

BEFORE_MINUTES_DEFAULT = 60
"""How long before a member's on-call block starts the "starts soon" notice is due."""

Minutes = Annotated[int, BeforeValidator(_number(0, 10_080, whole=True, unit=" minutes"))]


def _env_name(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        _fail(
            "env_name",
            "expected the NAME of an environment variable holding the URL (e.g. "
            "ROTA_WEBHOOK_OPS), not the URL itself: secrets stay out of the team file",
        )
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Webhook(_Section):
    """One receiver: the variable holding its URL, the payload shape, its own lead time."""

    url_env: Annotated[str, BeforeValidator(_env_name)]
    format: Annotated[Literal["slack", "json"], BeforeValidator(_choice(("slack", "json")))] = (
        "json"
    )
    before_minutes: Minutes | None = None


class NotifySection(_Section):
    """``notify:``: the webhooks, and the lead time of "starts soon" notices (a webhook's own
    ``before_minutes`` wins)."""

    before_minutes: Minutes = BEFORE_MINUTES_DEFAULT
    webhooks: list[Webhook]

    @field_validator("webhooks")
    @classmethod
    def _distinct(cls, value: list[Webhook]) -> list[Webhook]:
        if not value:
            _fail("too_short", "must list at least one webhook")
        seen: set[str] = set()
        for hook in value:
            if hook.url_env in seen:
                _fail("duplicate", f"url_env {hook.url_env!r} is listed twice")
            seen.add(hook.url_env)
        return value

    def lead_minutes(self, hook: Webhook) -> int:
        """Minutes before a block starts that ``hook`` gets its "starts soon" notice."""
        return self.before_minutes if hook.before_minutes is None else hook.before_minutes
