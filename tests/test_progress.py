"""The live solve panel: what it shows, thread safety, and silence off a terminal."""

from __future__ import annotations

import io
import threading

import pytest
from rich.console import Console

from rota.progress import SEARCHING, SolveProgress
from rota.solver.search import Progress, relative_gap


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=100, record=True)


def rendered(progress: SolveProgress) -> str:
    console = Console(file=io.StringIO(), force_terminal=True, width=100, record=True)
    console.print(progress.render())
    return console.export_text()


def test_gap_by_hand() -> None:
    # |200 - 150| / 200
    assert relative_gap(200, 150) == pytest.approx(0.25)
    assert relative_gap(0, 0) == 0.0


def test_before_the_first_solution_it_is_searching() -> None:
    clock = FakeClock()
    progress = SolveProgress(terminal(), clock=clock, time_limit_s=60)
    clock.now += 2.5
    text = rendered(progress)
    assert "rota solve" in text
    assert "2.5 s of 60 s" in text
    assert "feasibility" in text
    assert text.count(SEARCHING) == 3  # objective, bound, gap


def test_phases_objective_bound_and_gap() -> None:
    clock = FakeClock()
    progress = SolveProgress(terminal(), clock=clock)
    clock.now += 1.0
    progress.update(Progress(0.9, 1_000, 0, 1, "feasibility"))
    assert "feasibility" in rendered(progress)

    clock.now += 1.0
    progress.update(Progress(1.9, 400, 100, 5, "fair"))
    text = rendered(progress)
    assert "fair" in text
    assert "75.00%" in text  # |400 - 100| / 400

    clock.now += 1.0
    progress.update(Progress(2.9, 200, 150, 9, "humane"))
    clock.now += 4.0  # no new solution: the elapsed time still ticks
    text = rendered(progress)
    assert "humane" in text
    assert "fair" not in text
    assert "7.0 s" in text  # elapsed from our own clock, not Progress.elapsed_s
    assert "latest 4.0 s ago" in text
    assert "200" in text
    assert "150" in text
    assert "25.00%" in text  # |200 - 150| / 200
    assert SEARCHING not in text


def test_live_display_clears_and_leaves_a_summary() -> None:
    console = terminal()
    with SolveProgress(console, refresh_per_second=50) as progress:
        assert progress.enabled
        progress.update(Progress(0.1, 400, 100, 1, "fair"))
        progress.update(Progress(0.2, 200, 150, 2, "humane"))
    raw = console.file.getvalue()  # type: ignore[attr-defined]
    assert "humane" in raw  # the last frame was drawn before it was erased
    assert "25.00%" in raw
    last_line = console.export_text().strip().splitlines()[-1]
    assert last_line.startswith("search: 2 solution(s) in ")
    assert "last phase humane, gap 25.00%" in last_line


def test_live_display_stops_without_summary_when_the_solve_raises() -> None:
    console = terminal()
    progress = SolveProgress(console)

    def solve() -> None:
        with progress:
            progress.update(Progress(0.1, 400, 100, 1, "fair"))
            raise RuntimeError("no valid rota")

    with pytest.raises(RuntimeError, match="no valid rota"):
        solve()
    assert progress._live is None
    assert "search:" not in console.export_text()


@pytest.mark.parametrize("enabled", [True, False])
def test_not_a_terminal_writes_nothing(enabled: bool) -> None:
    console = Console(file=io.StringIO(), force_terminal=False, width=100)
    with SolveProgress(console, enabled=enabled) as progress:
        assert not progress.enabled
        for i, stage in enumerate(("feasibility", "fair", "humane"), start=1):
            progress.update(Progress(float(i), 300 - 50 * i, 100, i, stage))
    assert console.file.getvalue() == ""  # type: ignore[attr-defined]


def test_disabled_on_a_terminal_writes_nothing() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with SolveProgress(console, enabled=False) as progress:  # --json
        progress.update(Progress(1.0, 200, 150, 1, "fair"))
    assert out.getvalue() == ""


def test_updates_from_another_thread() -> None:
    clock = FakeClock()
    progress = SolveProgress(terminal(), clock=clock)
    stages = ("feasibility", "fair", "humane")

    def solver() -> None:
        for n in range(1, 301):
            progress.update(Progress(n / 100, 1_000 - n, 150, n, stages[min(n // 100, 2)]))

    worker = threading.Thread(target=solver)
    worker.start()
    while worker.is_alive():  # render concurrently, as Live's refresh thread does
        rendered(progress)
    worker.join()
    latest = progress.latest
    assert latest is not None
    assert latest.solutions == 300
    text = rendered(progress)
    assert "humane" in text
    assert "700" in text
    assert f"{relative_gap(700, 150):.2%}" in text  # 78.57%


def test_live_refresh_thread_and_solver_thread_together() -> None:
    console = terminal()
    with SolveProgress(console, refresh_per_second=100) as progress:
        done = threading.Event()

        def solver() -> None:
            for n in range(1, 201):
                progress.update(Progress(n / 100, 500 - n, 150, n, "fair"))
            done.set()

        worker = threading.Thread(target=solver)
        worker.start()
        worker.join()
        assert done.is_set()
    assert "search: 200 solution(s)" in console.export_text()
