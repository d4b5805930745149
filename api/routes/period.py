"""The team page's schedule controls: ``?view=roles|people``, ``?span=day|week|month``,
``?start=YYYY-MM-DD`` (a local date of the display zone), and the links that change one of them."""

from __future__ import annotations

from datetime import date
from typing import Any, Final
from urllib.parse import urlencode

from rota.timeline import Period, Span, View, period_of

FIRST_START: Final = date(1900, 1, 1)
LAST_START: Final = date(2999, 12, 31)
"""``?start=`` bounds: any period around them and its neighbours stay inside the calendar."""


class BadQuery(Exception):
    """A ``?view=``, ``?span=`` or ``?start=`` value the page does not know."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def schedule_choice(
    view: str | None, span: str | None, start: str | None, today: date
) -> tuple[View, Period]:
    """The view and period asked for (defaults: roles, the week from ``today``)."""
    try:
        chosen_view = View(view or View.ROLES)
    except ValueError:
        raise BadQuery("view", f"use roles or people. Got: {view!r}") from None
    try:
        chosen_span = Span(span or Span.WEEK)
    except ValueError:
        raise BadQuery("span", f"use day, week or month. Got: {span!r}") from None
    try:
        first = date.fromisoformat(start) if start else today
    except ValueError:
        raise BadQuery("start", f"use a date such as 2027-01-04. Got: {start!r}") from None
    if not FIRST_START <= first <= LAST_START:
        raise BadQuery("start", f"use a date from {FIRST_START} to {LAST_START}. Got: {start!r}")
    return chosen_view, period_of(chosen_span, first)


def schedule_links(
    team_id: str, tz: str, view: View, period: Period, today: date
) -> dict[str, Any]:
    """URLs of the view, zoom and paging controls; each keeps the other choices."""

    def url(**changes: str) -> str:
        query = {"tz": tz, "view": view.value, "span": period.span.value}
        query["start"] = period.first.isoformat()
        query.update(changes)
        kept = {k: v for k, v in query.items() if v}
        return f"/teams/{team_id}?{urlencode(kept)}#timeline"

    return {
        "previous": url(start=period.previous.isoformat()),
        "next": url(start=period.next.isoformat()),
        "today": url(start=today.isoformat()),
        "views": {v.value: url(view=v.value) for v in View},
        "spans": {s.value: url(span=s.value) for s in Span},
    }
