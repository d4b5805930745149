"""A PagerDuty-compatible read API (REST API v2 shapes) over rota's teams: ``docs/pagerduty.md``.

* :mod:`api.pagerduty.directory` — teams as schedules, escalation policies and users (ids, lookups).
* :mod:`api.pagerduty.shapes` — the JSON shapes: references, objects, pages, errors.
* :mod:`api.pagerduty.access` — ``Token token=`` / Bearer keys and PagerDuty-shaped errors.
* :mod:`api.pagerduty.routes` — the endpoints under ``/pagerduty``.
"""
