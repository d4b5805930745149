"""Small hand-made teams, each infeasible because of one rule family."""

from __future__ import annotations

HEAD = """team: {id: t, timezone: Europe/Berlin}
horizon: {start: 2027-01-04, weeks: WEEKS}
rotation: {kind: daily, roles: [primary]OFF}
"""

MEMBERS2 = """members:
  - {id: ann, timezone: Europe/Berlin}
  - {id: bob, timezone: Europe/Berlin}
"""
MEMBERS3 = MEMBERS2 + "  - {id: cy, timezone: Europe/Berlin}\n"


def team(weeks: int, body: str, members: str = MEMBERS3, off: str = "") -> str:
    return HEAD.replace("WEEKS", str(weeks)).replace("OFF", off) + body + members


BY_FAMILY = {
    # Nobody's working window covers the evening and night bands: only off-hours can.
    "rotation.off_hours": """team: {id: t, timezone: Europe/Berlin}
horizon: {start: 2027-01-04, weeks: 1}
rotation: {kind: follow-the-sun, roles: [primary], handoffs_utc: ["07:00", "15:00", "23:00"],
           shift_hours: {min: 8, max: 8}, off_hours: forbid}
working_hours: {start: "08:00", end: "16:00"}
weekends: {max: 2, per_weeks: 2}
"""
    + MEMBERS3,
    # Everyone's night (22:00-07:00) overlaps the 23:00-07:00 shift: only night can bend.
    "rotation.night": """team: {id: t, timezone: Europe/Berlin}
horizon: {start: 2027-01-04, weeks: 1}
rotation: {kind: follow-the-sun, roles: [primary], handoffs_utc: ["06:00", "14:00", "22:00"],
           shift_hours: {min: 8, max: 8}, night: forbid}
working_hours: {start: "00:00", end: "24:00"}
weekends: {max: 2, per_weeks: 2}
rest: {after_night: false}
"""
    + MEMBERS3,
    # 3 weekends, 2 members, at most 1 weekend in 3 each.
    "weekends.per_weeks": team(
        3,
        "weekends: {max: 1, per_weeks: 3}\nrest: {after_weekend: false}\n",
        MEMBERS2,
    ),
    # Single-day weekends: the Saturday and Sunday holders of 2027-01-09/10 get Monday off,
    # cy is away Saturday to Monday, so ann and bob hold all three days. A new member or
    # dropping the Monday off gives a rota; nothing else does.
    "rest.after_weekend": team(
        2,
        "weekends: {max: 2, per_weeks: 2, split: single-day}\nrest: {after_weekend: true}\n",
        MEMBERS3.replace(
            "{id: cy, timezone: Europe/Berlin}",
            "{id: cy, timezone: Europe/Berlin,"
            " unavailable: [{start: 2027-01-09, end: 2027-01-12}]}",
        ),
    ),
    # 3 members cannot hold 7 daily shifts a week with 48 h each at most.
    "limits.max_hours_per_week": team(1, "limits: {max_hours_per_week: 48}\n"),
    # 2 members, 24 h rest between 24-hour shifts they must alternate with no gap.
    # (Allowing two-day blocks gives a rota as well: 48 h between blocks.)
    "rest.min_hours": team(1, "rest: {min_hours: 30, after_weekend: false}\n", MEMBERS2),
}

ONE_REASON = ("weekends.per_weeks", "rest.after_weekend", "limits.max_hours_per_week")
"""The teams of :data:`BY_FAMILY` that no other family alone gives a rota (only adding a
member does)."""
