"""iCalendar feeds of on-call schedules: events (:mod:`.events`) and feeds (:mod:`.feed`)."""

from rota.calendar.events import (
    FeedEvent,
    PublishedHistory,
    build_events,
    event_uid,
    events_across_versions,
)
from rota.calendar.feed import FeedKind, FeedScope, build_calendar, feed_bytes

__all__ = [
    "FeedEvent",
    "FeedKind",
    "FeedScope",
    "PublishedHistory",
    "build_calendar",
    "build_events",
    "event_uid",
    "events_across_versions",
    "feed_bytes",
]
