"""The team file's optional ``pay:`` section: on-call pay rates per category, stipends and
per-member changes (docs/report.md). Read by ``rota report --pay`` only; the solver ignores it."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from rota.config.scalars import _choice, _fail, _id, _number

Money = Annotated[float, BeforeValidator(_number(0, 1_000_000))]


def _currency(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else None
    if text is None or not re.fullmatch(r"[A-Za-z]{3}", text):
        _fail("currency", "expected a three-letter ISO 4217 currency code (e.g. EUR, USD)")
    return text.upper()


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PayRates(_Section):
    """Amounts per on-call hour, by pay category; a category left out pays what the team's
    ``pay.rates`` say (0 there)."""

    working: Money | None = None
    off_hours: Money | None = None
    night: Money | None = None
    weekend: Money | None = None
    holiday: Money | None = None

    def over(self, base: PayRates) -> PayRates:
        """These rates, each category left out taken from ``base``."""
        own = self.model_dump(exclude_none=True)
        return base.model_copy(update=own)

    def rate(self, category: str) -> float:
        value = getattr(self, category)
        return 0.0 if value is None else float(value)


class Stipend(_Section):
    """A fixed amount for every week (7-day blocks from the horizon start) in which the member
    is on call at all, or for every on-call block."""

    per: Annotated[Literal["week", "block"], BeforeValidator(_choice(("week", "block")))]
    amount: Money


class MemberPay(_Section):
    rates: PayRates = PayRates()
    stipend: Stipend | None = None


class PaySection(_Section):
    currency: Annotated[str, BeforeValidator(_currency)]
    rates: PayRates = PayRates()
    stipend: Stipend | None = None
    members: dict[Annotated[str, BeforeValidator(_id)], MemberPay] = {}

    @field_validator("members", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    def rates_of(self, member_id: str) -> PayRates:
        """The member's rates: their own changes over the team's."""
        own = self.members.get(member_id)
        return self.rates if own is None else own.rates.over(self.rates)

    def stipend_of(self, member_id: str) -> Stipend | None:
        own = self.members.get(member_id)
        return own.stipend if own is not None and own.stipend is not None else self.stipend


__all__ = ["MemberPay", "PayRates", "PaySection", "Stipend"]
