"""Live progress display for ``rota solve``.

A CP-SAT solve runs for the whole time limit (a minute by default, often more for a big team),
and a silent terminal for that long looks like a hang. While it runs the user wants to know:

* that it is alive: the elapsed time ticks even when no new solution arrives;
* where it is: the phase (``feasibility`` finds any valid rota, ``fair`` then ``humane``
  improve it, each locked before the next);
* whether waiting longer pays: the number of solutions, the best objective, the proven bound
  and the gap between them. A gap that no longer shrinks means more time will buy little.

:class:`SolveProgress` draws that as one :class:`rich.live.Live` panel on a terminal and clears
it when the solve ends, leaving a one-line summary (the full result is printed after it). On
anything that is not a terminal (pipes, CI, ``--json``) it does nothing and prints nothing.

The solver calls :meth:`SolveProgress.update` from its own callback thread while Live repaints
from another, so ``update`` only swaps in the latest :class:`~rota.solver.search.Progress` under
a lock and :meth:`SolveProgress.render` builds the panel from that snapshot.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

from rich.console import Console, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rota.solver.search import Progress, relative_gap

SEARCHING = "searching…"
"""Shown for the objective, bound and gap before the first solution."""

FIRST_PHASE = "feasibility"
"""The phase before any report: the solver first looks for any valid rota."""


class SolveProgress:
    """A live panel of a running solve; use as ``with SolveProgress(err) as p: solve(p.update)``.

    ``enabled=False`` (or a console that is not a terminal) makes it inert: no thread, no output.
    ``clock`` is injectable so tests get a deterministic elapsed time.
    """

    def __init__(
        self,
        console: Console,
        *,
        enabled: bool = True,
        time_limit_s: float | None = None,
        title: str = "rota solve",
        refresh_per_second: float = 4.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.enabled = enabled and console.is_terminal
        self.time_limit_s = time_limit_s
        self.title = title
        self._clock = clock
        self._started = clock()
        self._latest: Progress | None = None
        self._latest_at: float | None = None
        self._lock = threading.Lock()
        self._live: Live | None = None
        self._refresh_per_second = refresh_per_second

    # ------------------------------------------------------------------ context manager

    def __enter__(self) -> Self:
        self._started = self._clock()
        if self.enabled:
            self._live = Live(
                console=self.console,
                get_renderable=self.render,
                auto_refresh=True,
                refresh_per_second=self._refresh_per_second,
                transient=True,
                # The console is stderr: stdout (results, JSON) must not be routed through it.
                redirect_stdout=False,
                redirect_stderr=True,
            )
            self._live.start(refresh=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        live, self._live = self._live, None
        if live is None:
            return
        live.stop()  # transient: the panel is erased
        if exc_type is None:  # on an error its message says what happened instead
            self.console.print(self.summary(), highlight=False)

    # --------------------------------------------------------------------------- state

    def update(self, progress: Progress) -> None:
        """Record the latest solution (thread-safe; called from the solver's thread)."""
        now = self._clock()
        with self._lock:
            self._latest = progress
            self._latest_at = now

    @property
    def latest(self) -> Progress | None:
        with self._lock:
            return self._latest

    def elapsed_s(self) -> float:
        """Seconds since the start, from our own clock (ticks between solutions)."""
        return max(0.0, self._clock() - self._started)

    # ------------------------------------------------------------------------- display

    def render(self) -> RenderableType:
        """The panel for the current state (what Live repaints a few times a second)."""
        with self._lock:
            latest, latest_at = self._latest, self._latest_at
        now = self._clock()
        elapsed = max(0.0, now - self._started)

        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(no_wrap=True)

        elapsed_text = f"{elapsed:.1f} s"
        if self.time_limit_s is not None:
            elapsed_text += f" of {self.time_limit_s:g} s"
        grid.add_row("elapsed", elapsed_text)
        grid.add_row("phase", Text(latest.stage if latest else FIRST_PHASE, style="cyan"))

        if latest is None:
            grid.add_row("solutions", "0")
            for label in ("objective", "bound", "gap"):
                grid.add_row(label, Text(SEARCHING, style="dim italic"))
        else:
            solutions = Text(f"{latest.solutions:,}")
            if latest_at is not None:
                solutions.append(f"  (latest {max(0.0, now - latest_at):.1f} s ago)", "dim")
            grid.add_row("solutions", solutions)
            grid.add_row("objective", f"{latest.objective:,.0f}")
            grid.add_row("bound", f"{latest.bound:,.0f}")
            grid.add_row("gap", f"{relative_gap(latest.objective, latest.bound):.2%}")

        return Panel(grid, title=self.title, title_align="left", expand=False)

    def summary(self) -> Text:
        """One line left behind when the panel is cleared."""
        latest = self.latest
        elapsed = self.elapsed_s()
        if latest is None:
            return Text(f"search: no solution reported in {elapsed:.1f} s", style="dim")
        return Text(
            f"search: {latest.solutions:,} solution(s) in {elapsed:.1f} s, "
            f"last phase {latest.stage}, gap {relative_gap(latest.objective, latest.bound):.2%}",
            style="dim",
        )
