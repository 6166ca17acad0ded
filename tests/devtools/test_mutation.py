"""The mutation list cannot rot silently: every mutant still finds its snippet exactly once, still
makes valid Python, and every file it mutates has tests to run that exist."""

from pathlib import Path

import pytest

from devtools.mutation.mutants import MUTANTS, TESTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.key for m in MUTANTS])
def test_each_mutant_still_applies_to_exactly_one_place_and_compiles(mutant):
    text = (ROOT / mutant.file).read_text(encoding="utf-8")
    assert text.count(mutant.original) == 1, "the rule changed: update the mutant or drop it"
    assert mutant.replacement != mutant.original
    compile(text.replace(mutant.original, mutant.replacement), mutant.file, "exec")


def test_every_mutated_file_has_tests_that_exist_and_mutants_are_told_apart():
    assert len(MUTANTS) >= 100
    assert len({m.key for m in MUTANTS}) == len(MUTANTS)
    for file in {m.file for m in MUTANTS}:
        for test in (t for stage in TESTS[file] for t in stage):
            assert (ROOT / test.split("::")[0]).exists(), test
