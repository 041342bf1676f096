"""evosim.experiment: the same tables as `evosim sweep`, here and on Ray."""

import os
from pathlib import Path

import pandas as pd
import pytest

import evosim
import evosim.experiment as ex

SPEC = """
seed = 3
repetitions = 2
ticks = 60
every = 20
record = ["population", "births", "deaths", "kills", "tribe_population",
          "gene_mean.speed", "species_alive", "food"]
keep = ["phylogeny", "species_csv"]

[set]
entities = 1200

[vary]
"mutation.rate" = [0.1, 0.5]
"""

AS_DICT = {
    "seed": 3,
    "repetitions": 2,
    "ticks": 60,
    "every": 20,
    "record": ["population", "births", "deaths", "kills", "tribe_population",
               "gene_mean.speed", "species_alive", "food"],
    "keep": ["phylogeny", "species_csv"],
    "set": {"entities": 1200},
    "vary": {"mutation.rate": [0.1, 0.5]},
}


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("spec") / "small.toml"
    p.write_text(SPEC)
    return p


def same(a: pd.DataFrame, b: pd.DataFrame):
    """Equal tables, the wall time aside."""
    a = a.drop(columns=["wall_s"], errors="ignore")
    b = b.drop(columns=["wall_s"], errors="ignore")
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def kept(out: Path):
    return {p.name: p.read_bytes() for p in sorted((out / "runs").iterdir())}


@pytest.fixture(scope="module")
def reference(spec_file, tmp_path_factory, cli):
    """The command line's sweep of SPEC."""
    out = tmp_path_factory.mktemp("cli") / "out"
    cli("sweep", str(spec_file), "--out", str(out), "--jobs", "2", "--quiet")
    return out, ex.load(out)


def test_runs_lists_each_run_with_its_values_and_seed(spec_file):
    table = ex.runs(spec_file)
    assert list(table.columns) == ["run", "mutation.rate", "seed"]
    assert list(table["run"]) == [0, 1, 2, 3]
    assert sorted(set(table["mutation.rate"])) == [0.1, 0.5]
    assert table["seed"].nunique() == 4
    pd.testing.assert_frame_equal(table, ex.runs(AS_DICT))


def test_the_local_executor_gives_the_command_lines_tables(spec_file, reference, tmp_path):
    ref_dir, (ref_runs, ref_steps) = reference
    runs, steps = ex.run(spec_file, tmp_path / "a", jobs=2)
    assert len(runs) == 4 and len(steps) == 4 * 4
    assert list(runs["status"]) == ["ok"] * 4
    same(runs, ref_runs)
    same(steps, ref_steps)
    assert kept(tmp_path / "a") == kept(ref_dir)
    # A dict spec, one job, two threads per run: the same tables.
    runs2, steps2 = ex.run(AS_DICT, tmp_path / "b", jobs=1, threads_per_run=2)
    same(runs2, ref_runs)
    same(steps2, ref_steps)
    # Resumed when finished: nothing to run, the same tables.
    runs3, _ = ex.run(spec_file, tmp_path / "a", resume=True)
    same(runs3, ref_runs)


def test_bad_specs_and_folders_raise(spec_file, tmp_path):
    with pytest.raises(ValueError, match="nonsense"):
        ex.runs({"ticks": 10, "vary": {"mutation.nonsense": [1, 2]}})
    with pytest.raises(ValueError, match="ticks"):
        ex.runs({"vary": {"mutation.rate": [0.1]}})
    with pytest.raises(OSError):
        ex.runs(tmp_path / "missing.toml")
    with pytest.raises(ValueError, match="executor"):
        ex.run(spec_file, tmp_path / "x", executor="dask")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("mine")
    with pytest.raises(ValueError):
        ex.run(spec_file, tmp_path / "full")
    assert (tmp_path / "full" / "something").read_text() == "mine"
    with pytest.raises(FileNotFoundError):
        ex.load(tmp_path / "nothing")


def test_a_failing_run_is_recorded_and_warned_about(spec_file, tmp_path, monkeypatch):
    monkeypatch.setenv("EVOSIM_FAULT", "run_panic@2")
    with pytest.warns(RuntimeWarning, match="1 of 4 runs failed"):
        runs, steps = ex.run(spec_file, tmp_path / "f", jobs=2)
    assert list(runs["status"]) == ["ok", "ok", "failed", "ok"]
    assert "run_panic@2" in runs["error"][2]
    assert sorted(set(steps["run"])) == [0, 1, 3]


@pytest.fixture(scope="module")
def ray_local():
    if os.environ.get("EVOSIM_REQUIRE_RAY") == "1":
        import ray
    else:
        ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_ray_gives_the_same_tables(ray_local, spec_file, reference, tmp_path):
    ref_dir, (ref_runs, ref_steps) = reference
    runs, steps = ex.run(spec_file, tmp_path / "r", executor="ray")
    same(runs, ref_runs)
    same(steps, ref_steps)
    assert kept(tmp_path / "r") == kept(ref_dir), "kept files travel through the object store"


def test_a_ray_worker_killed_mid_run_is_retried_with_nothing_lost_or_doubled(ray_local, spec_file, reference, tmp_path, monkeypatch):
    ref_dir, (ref_runs, ref_steps) = reference
    marker = tmp_path / "kill-once"
    marker.write_text("armed")
    monkeypatch.setenv("EVOSIM_FAULT", f"exit_once@1:{marker}")
    runs, steps = ex.run(spec_file, tmp_path / "k", executor="ray", jobs=2)
    assert not marker.exists(), "the fault struck: a worker process died halfway through run 1"
    same(runs, ref_runs)
    same(steps, ref_steps)
    parts = sorted(p.name for p in (tmp_path / "k" / "parts").iterdir())
    assert parts == [f"run-{k:06d}.json" for k in range(4)]
    assert kept(tmp_path / "k") == kept(ref_dir)
