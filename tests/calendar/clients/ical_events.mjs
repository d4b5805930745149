// Read an .ics file with Mozilla ical.js (Thunderbird's parser) and print its events as JSON:
// [{"uid": ..., "summary": ..., "start": <unix seconds>, "end": <unix seconds>}, ...].
// Usage: node ical_events.mjs FILE    (used by tests/calendar/test_clients.py)
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    summary: event.summary,
    sequence: event.sequence,
    start: event.startDate.toUnixTime(),
    end: event.endDate.toUnixTime(),
    start_zone: event.startDate.zone.tzid,
    end_zone: event.endDate.zone.tzid,
    start_js: event.startDate.toJSDate().toISOString(),
  };
});
process.stdout.write(JSON.stringify(events) + "\n");
