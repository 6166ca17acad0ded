"""Run the mutants of ``mutants.py``: ``python -m devtools.mutation [--jobs N] [--only TEXT]``.

The tree (the files git knows, committed or not) is copied once per job into a temporary folder;
each mutant is written into a copy, the tests of its file run there in stages (``pytest -x``,
SQLite, no browser), and the file is put back. The working tree is never touched. A mutant is
killed when the tests fail; the run prints a score and exits 1 when a mutant that is not marked
equivalent survives (2 when the tests fail without any mutant)."""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .mutants import MUTANTS, TESTS, Mutant

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600  # seconds for one mutant's tests; a hang counts as killed


def source_files() -> list[str]:
    out = subprocess.run(  # noqa: S603 - fixed arguments
        ["git", "ls-files", "-co", "--exclude-standard"],  # noqa: S607 - git from PATH, a developer tool
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return [f for f in out.stdout.splitlines() if (ROOT / f).is_file()]


def make_copy(files: list[str]) -> Path:
    target = Path(tempfile.mkdtemp(prefix="mutation-"))
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def run_stages(copy: Path, stages: list[list[str]]) -> tuple[int, float]:
    """Run the stages in order until one fails: its exit code (0 when all pass) and the time."""
    code, total = 0, 0.0
    for tests in stages:
        code, seconds = run_tests(copy, tests)
        total += seconds
        if code != 0:
            break
    return code, total


def run_tests(copy: Path, tests: list[str]) -> tuple[int, float]:
    env = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",  # a cached .pyc of a mutant must never be reused
        "DATABASE_URL": "sqlite:///mutation.sqlite3",
        "REQUIRE_BROWSER": "",
    }
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-o", "addopts=", "-p", "no:cacheprovider"]
    # tables straight from the models, and none of the fuzzing plugins the chosen tests do not use
    command += ["--nomigrations", "-p", "no:hypothesispytest", "-p", "no:schemathesis", *tests]
    started = time.monotonic()
    try:
        # our own interpreter and pytest on test paths of the list
        done = subprocess.run(command, cwd=copy, env=env, capture_output=True, timeout=TIMEOUT)  # noqa: S603
        code = done.returncode
    except subprocess.TimeoutExpired:
        code = -1
    return code, time.monotonic() - started


def apply(copy: Path, mutant: Mutant) -> str:
    """Write the mutant into the copy; the original text of the file, to put back."""
    path = copy / mutant.file
    text = path.read_text(encoding="utf-8")
    if text.count(mutant.original) != 1:
        raise SystemExit(f"{mutant.key}: the original snippet is not in {mutant.file} exactly once")
    path.write_text(text.replace(mutant.original, mutant.replacement), encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.mutation", description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--only", default="", help="run only mutants whose file or description has this text")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args(argv)

    chosen = [m for m in MUTANTS if args.only in m.key]
    if args.list:
        for m in chosen:
            print(f"{'equivalent ' if m.equivalent else ''}{m.key}")
        return 0
    to_run = [m for m in chosen if not m.equivalent]
    files = source_files()
    copies: queue.Queue[Path] = queue.Queue()
    for _ in range(max(1, args.jobs)):
        copies.put(make_copy(files))
    try:
        baseline = sorted({m.file for m in to_run})
        print(f"baseline: the tests of {len(baseline)} file(s) without any mutant …", flush=True)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for file, (code, seconds) in zip(
                baseline, pool.map(lambda f: _baseline(copies, f), baseline), strict=True
            ):
                if code != 0:
                    print(f"the tests of {file} fail without any mutant (exit {code}): fix them first")
                    return 2
                print(f"  {file}: pass in {seconds:.0f} s", flush=True)
            results = list(pool.map(lambda m: _one(copies, m), to_run))
    finally:
        while not copies.empty():
            shutil.rmtree(copies.get(), ignore_errors=True)

    survivors = [m for m, killed in zip(to_run, results, strict=True) if not killed]
    equivalents = [m for m in chosen if m.equivalent]
    print(f"\nscore: {len(to_run) - len(survivors)}/{len(to_run)} killed", end="")
    print(f"; {len(equivalents)} equivalent, not run" if equivalents else "")
    for m in equivalents:
        print(f"  equivalent: {m.key} ({m.equivalent})")
    for m in survivors:
        print(f"  SURVIVED: {m.key}")
    return 1 if survivors else 0


def _baseline(copies: queue.Queue, file: str) -> tuple[int, float]:
    copy = copies.get()
    try:
        return run_stages(copy, TESTS[file])
    finally:
        copies.put(copy)


def _one(copies: queue.Queue, mutant: Mutant) -> bool:
    copy = copies.get()
    try:
        original = apply(copy, mutant)
        try:
            code, seconds = run_stages(copy, TESTS[mutant.file])
        finally:
            (copy / mutant.file).write_text(original, encoding="utf-8")
    finally:
        copies.put(copy)
    killed = code != 0
    how = "killed" if killed else "SURVIVED"
    if code not in (0, 1):
        how += " (timeout)" if code == -1 else f" (exit {code})"
    print(f"{how:>10}  {seconds:5.0f} s  {mutant.key}", flush=True)
    return killed


if __name__ == "__main__":
    sys.exit(main())
