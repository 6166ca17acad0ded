import pytest


@pytest.fixture(autouse=True)
def fewer_timed_runs(monkeypatch):
    """The tests check what the benchmark measures and prints, not how steady its medians are:
    three runs of each timing instead of the benchmark's own count."""
    monkeypatch.setattr("devtools.bench.endpoints.ENDPOINT_RUNS", 3)
    monkeypatch.setattr("devtools.bench.loads.RUNS", 3)
    monkeypatch.setattr("devtools.bench.writes.WRITE_RUNS", 3)
    monkeypatch.setattr("devtools.bench.writes.ROUNDS", 1)
