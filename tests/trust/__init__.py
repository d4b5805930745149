"""Trust tests: fuzzed team files, API fuzzing, injected faults and time edge cases (issue 7)."""
