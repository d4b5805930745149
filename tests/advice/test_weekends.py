"""Where a looser weekend limit is needed: weekends beyond the old limit, by zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from rota.advice.weekends import beyond_limit, extra_weekends, where_needed
from rota.model import Schedule, ScheduledShift
from rota.service import config_from_text
from rota.team import team_from_config

SATURDAY = date(2027, 1, 2)


def _keeps(saturdays: tuple[date, ...], most: int, per_weeks: int) -> bool:
    window = timedelta(days=7 * (per_weeks - 1))
    return all(sum(1 for t in saturdays if s <= t <= s + window) <= most for s in saturdays)


def test_weekends_beyond_one_in_three_by_hand() -> None:
    weeks = [SATURDAY + timedelta(days=7 * n) for n in range(6)]
    assert beyond_limit(weeks, 1, 3) == 4  # every weekend: keep the 1st and the 4th
    assert beyond_limit(weeks[::3], 1, 3) == 0
    assert beyond_limit(weeks[::2], 1, 3) == 1  # 1st, 3rd, 5th: the 3rd is two weeks later
    assert beyond_limit(weeks, 2, 2) == 0


@given(
    st.sets(st.integers(0, 11), max_size=9),
    st.integers(1, 3),
    st.integers(1, 4),
)
def test_beyond_limit_is_the_fewest_to_drop(weeks: set[int], most: int, per_weeks: int) -> None:
    saturdays = sorted(SATURDAY + timedelta(days=7 * n) for n in weeks)
    fewest = next(
        len(saturdays) - size
        for size in range(len(saturdays), -1, -1)
        if any(_keeps(kept, most, per_weeks) for kept in combinations(saturdays, size))
    )
    assert beyond_limit(saturdays, most, per_weeks) == fewest


TEAM = """team: {id: t, timezone: Europe/Berlin}
horizon: {start: 2027-01-04, weeks: 3}
rotation: {kind: daily, roles: [primary]}
weekends: {max: 1, per_weeks: 3}
members:
  - {id: ann, timezone: Asia/Kolkata}
  - {id: bob, timezone: Asia/Kolkata}
  - {id: cy, timezone: Europe/Berlin}
"""


def test_extra_weekends_are_counted_in_the_members_zones() -> None:
    team = team_from_config(config_from_text(TEAM, "t.yaml"))
    start = datetime.fromisoformat("2027-01-04T03:30:00+00:00")  # 09:00 in Kolkata
    holders = ["cy"] * 5 + ["ann", "ann"] + ["cy"] * 5 + ["ann", "bob"] + ["cy"] * 5 + ["ann"] * 2
    shifts = tuple(
        ScheduledShift(
            start + timedelta(days=d), start + timedelta(days=d + 1), {"primary": holder}
        )
        for d, holder in enumerate(holders)
    )
    schedule = Schedule("t", start, start + timedelta(days=len(holders)), shifts)
    extra = extra_weekends(team, schedule, most=1, per_weeks=3)
    # ann works all three weekends (two beyond 1 in 3), bob one, cy none
    assert extra == {"Asia/Kolkata": 2}
    assert where_needed(extra) == "needed in Asia/Kolkata (2 extra member-weekends)"
    assert where_needed(extra_weekends(team, schedule, most=3, per_weeks=3)) == ""
