"""``rota advise`` and ``rota whatif``, and the suggestion ``rota solve`` prints when it fails.

Registered on the main app by ``rota/cli.py``. Exit codes: ``advise`` 0 when the team has a
rota or a verified suggestion gives it one, 1 when none, 2 for a bad file; ``whatif`` as
``rota solve`` (1 when the changed team has no rota).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rota.cli_io import JsonOption, out, print_json

if TYPE_CHECKING:
    from rota.advice.advise import Advice, Suggestion
    from rota.advice.changes import Change
    from rota.advice.verify import Outcome

TimeLimit = Annotated[
    float, typer.Option("--time-limit", min=1.0, help="Seconds in all (solves included).")
]


def advise(
    file: Annotated[Path, typer.Argument(help="Team file.")],
    time_limit: TimeLimit = 120.0,
    as_json: JsonOption = False,
) -> None:
    """Suggest the smallest changes that give the team a rota, each verified by a solve."""
    from rota.advice.advise import AdviceOptions
    from rota.advice.advise import advise as run_advise
    from rota.yamlfile import read_yaml

    advice = run_advise(read_yaml(file, keep_going=True), AdviceOptions(time_limit_s=time_limit))
    if as_json:
        print_json(advice.as_json())
    else:
        out.print(advice_text(advice, file), markup=False, highlight=False)
    if advice.exit_code:
        raise typer.Exit(advice.exit_code)


def advice_text(advice: Advice, file: Path) -> str:
    if advice.feasible:
        head = f"{advice.team}: a rota exists as the file is"
        if advice.current is not None:
            head += f" ({advice.current.headline()})"
        head += "; changes that cut off-hours and night time most:" if advice.suggestions else "."
    elif advice.suggestions:
        head = f"{advice.team}: no rota keeps every rule; changes that give one, best first:"
    else:
        head = f"{advice.team}: no rota keeps every rule, and no change was verified in the time."
    lines = [head]
    for n, suggestion in enumerate(advice.suggestions, start=1):
        mark = "" if suggestion.verified else " [not verified in the time]"
        lines.append(f"{n}. {suggestion.summary}{mark}")
        lines.append(f"   rota whatif {file} {whatif_args(suggestion)}")
    return "\n".join(lines)


def whatif_args(suggestion: Suggestion) -> str:
    """The suggestion's changes as ``rota whatif`` options."""
    return " ".join(change_arg(c) for c in suggestion.changes)


def change_arg(change: Change) -> str:
    import json

    from rota.advice.changes import SetValue

    if isinstance(change, SetValue):
        value = "null" if change.value is None else json.dumps(change.value)
        return f"--set {change.path}={value}"
    return f"--add-member '{json.dumps(change.member)}'"


def whatif(
    file: Annotated[Path, typer.Argument(help="Team file.")],
    set_values: Annotated[
        list[str] | None,
        typer.Option("--set", help="PATH=VALUE (VALUE is YAML), e.g. weekends.per_weeks=2."),
    ] = None,
    add_members: Annotated[
        list[str] | None,
        typer.Option("--add-member", help="A member mapping (YAML), e.g. '{id: new1, ...}'."),
    ] = None,
    time_limit: TimeLimit = 60.0,
    as_json: JsonOption = False,
) -> None:
    """Solve the team as it is and as changed, and print their figures side by side."""
    from rota.advice.changes import apply_changes, parse_member, parse_set
    from rota.advice.verify import solve_changed
    from rota.solver import SolveOptions
    from rota.yamlfile import read_yaml

    doc = read_yaml(file, keep_going=True)
    changes: list[Change] = [parse_set(s) for s in set_values or []]
    changes += [parse_member(m) for m in add_members or []]
    apply_changes(doc, changes)  # a bad path or value: exit 2 before any solving
    options = SolveOptions(time_limit_s=time_limit / 2)
    before = solve_changed(doc, [], options)
    after = solve_changed(doc, changes, options)
    if as_json:
        print_json({"team": before.team.id, "before": _json(before), "after": _json(after)})
    else:
        out.print(compare_text(before, after), markup=False, highlight=False)
    if after.figures is None:
        raise typer.Exit(1)


def _json(outcome: Outcome) -> dict[str, object]:
    if outcome.figures is None:
        return {"feasible": False, "reason": outcome.reason}
    return {
        "feasible": True,
        **outcome.figures.as_json(),
        "members": outcome.figures.members,
    }


def compare_text(before: Outcome, after: Outcome) -> str:
    """The figures of both solves side by side (hours)."""
    rows: list[tuple[str, str, str]] = []

    def cell(outcome: Outcome, value: object) -> str:
        return "no rota" if outcome.figures is None else f"{value:g}"

    names = [
        ("off-hours (h)", "off_hours"),
        ("night (h)", "night_hours"),
        ("weekend (h)", "weekend_hours"),
        ("holiday (h)", "holiday_hours"),
        ("hours spread (h)", "hours_spread"),
        ("weekends spread", "weekends_spread"),
        ("off-hours spread (h)", "off_hours_spread"),
        ("night spread (h)", "night_spread"),
    ]
    for label, attr in names:
        rows.append(
            (
                label,
                cell(before, getattr(before.figures, attr, 0)),
                cell(after, getattr(after.figures, attr, 0)),
            )
        )
    members = list(before.figures.members if before.figures else {})
    for member_id in after.figures.members if after.figures else {}:
        if member_id not in members:
            members.append(member_id)
    for member_id in members:
        b = before.figures.members.get(member_id) if before.figures else None
        a = after.figures.members.get(member_id) if after.figures else None
        rows.append(
            (
                f"{member_id} (h)",
                "-" if b is None else cell(before, b),
                "-" if a is None else cell(after, a),
            )
        )
    width = max(len(r[0]) for r in rows)
    lines = [f"{'':<{width}}  {'as is':>10}  {'changed':>10}"]
    lines += [f"{label:<{width}}  {b:>10}  {a:>10}" for label, b, a in rows]
    for name, outcome in (("as is", before), ("changed", after)):
        if outcome.figures is None:
            lines.append(f"{name}: {outcome.reason}")
    return "\n".join(lines)


def suggest_after_infeasible(file: Path, time_limit_s: float) -> str:
    """What ``rota solve`` prints after its explanation: the best verified suggestion found in
    ``time_limit_s``, or how to ask ``rota advise`` for them."""
    from rota.advice.advise import AdviceOptions
    from rota.advice.advise import advise as run_advise
    from rota.yamlfile import read_yaml

    advice = run_advise(read_yaml(file, keep_going=True), AdviceOptions(time_limit_s=time_limit_s))
    best = next((s for s in advice.suggestions if s.verified), None)
    if best is None:
        return f"For changes that would give a rota, run: rota advise {file}"
    return (
        f"Suggestion (verified by a solve): {best.summary}\n"
        f"  rota whatif {file} {whatif_args(best)}\n"
        f"More suggestions: rota advise {file}"
    )
