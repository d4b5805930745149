"""The handoff notice sender as a background task of the API app (``docs/notifications.md``).

:func:`notice_loop` runs :meth:`rota.notify.NoticeSender.run_once` in a thread of its own every
``Settings.notify_interval_seconds`` until told to stop. Stopping waits for the pass in flight
to finish, so a graceful shutdown records every post it made and repeats none after a restart.
"""

from __future__ import annotations

import logging

import anyio
from anyio import to_thread

from rota.errors import RotaError
from rota.notify import NoticeSender

_log = logging.getLogger("rota.notify")


async def notice_loop(sender: NoticeSender, stop: anyio.Event, interval_s: float) -> None:
    """Run a pass, wait ``interval_s`` (or until ``stop``), repeat until ``stop`` is set."""
    lane = anyio.CapacityLimiter(1)  # never takes a thread from the routes
    try:
        while not stop.is_set():
            try:
                report = await to_thread.run_sync(sender.run_once, limiter=lane)
            except RotaError as exc:  # store down: try again next pass
                _log.error("handoff notices: %s", exc)
            except Exception:  # a bug must not take the API down with it; the next pass retries
                _log.exception("handoff notices: the pass failed")
            else:
                if report.counts:
                    _log.info("handoff notices: %s", report.counts)
            with anyio.move_on_after(interval_s):
                await stop.wait()
    finally:
        sender.close()
