"""evosim.Simulation against the command line and its own numbers."""

import os
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import evosim

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "kwargs, args",
    [
        (dict(entities=1500, seed=11), ["--entities", "1500", "--seed", "11"]),
        (
            dict(entities=1200, seed=3, threads=2, set={"mutation.rate": 0.3, "tribes.Wolves.count": 40}),
            ["--entities", "1200", "--seed", "3", "--threads", "2", "--set", "mutation.rate=0.3", "--set", "tribes.Wolves.count=40"],
        ),
    ],
)
def test_state_hash_equals_the_command_lines(cli_json, kwargs, args):
    sim = evosim.Simulation(backend="cpu", **kwargs)
    sim.step(40)
    sim.step(0)
    sim.step(20)
    want = cli_json("--backend", "cpu", "--ticks", "60", *args)
    assert sim.tick == 60
    assert sim.state_hash() == want["state_hash"]
    assert sim.population == want["population"]
    stats = sim.stats()
    for key in ("population", "births", "deaths", "kills", "species_total", "species_hash", "energy_total"):
        assert stats[key] == want[key], key


def test_a_scenario_as_a_path_or_a_dict_is_the_same_world():
    tomllib = pytest.importorskip("tomllib")
    path = ROOT / "scenarios" / "default.toml"
    as_dict = tomllib.loads(path.read_text())
    a = evosim.Simulation(path, entities=800, backend="cpu")
    b = evosim.Simulation(as_dict, entities=800, backend="cpu")
    c = evosim.Simulation(entities=800, backend="cpu", threads=1)
    for s in (a, b, c):
        s.step(30)
    assert a.state_hash() == b.state_hash() == c.state_hash()
    assert a.seed == 42


def test_the_gpu_backend_matches_the_command_line(cli_json):
    try:
        sim = evosim.Simulation(entities=600, seed=5, backend="gpu")
    except RuntimeError as e:
        if os.environ.get("EVOSIM_REQUIRE_GPU") == "1":
            raise
        pytest.skip(f"no GPU adapter: {e}")
    sim.step(30)
    want = cli_json("--backend", "gpu", "--entities", "600", "--seed", "5", "--ticks", "30")
    assert sim.backend == "gpu"
    assert sim.state_hash() == want["state_hash"]
    assert len(sim.positions()) == sim.population == want["population"]


def test_arrays_have_one_row_per_living_creature_and_agree_with_stats():
    sim = evosim.Simulation(entities=2000, seed=9, backend="cpu")
    sim.step(50)
    n = sim.population
    stats = sim.stats()
    arrays = {
        "positions": (sim.positions(), (n, 2), np.float32),
        "velocities": (sim.velocities(), (n, 2), np.float32),
        "energy": (sim.energy(), (n,), np.float32),
        "ages": (sim.ages(), (n,), np.float32),
        "genes": (sim.genes(), (n, len(evosim.GENES)), np.float32),
        "tribes": (sim.tribes(), (n,), np.uint16),
        "species": (sim.species(), (n,), np.uint32),
        "ids": (sim.ids(), (n,), np.uint32),
    }
    for name, (a, shape, dtype) in arrays.items():
        assert a.shape == shape and a.dtype == dtype, name
        assert a.flags.owndata or a.base is not None, name
    assert n == stats["population"] > 0
    assert len(evosim.GENES) == 9
    energy = arrays["energy"][0].astype(np.float64).sum()
    assert energy == pytest.approx(stats["energy_total"], rel=1e-9)
    assert len(np.unique(arrays["ids"][0])) == n, "ids are unique"
    tribes = arrays["tribes"][0]
    genes = arrays["genes"][0]
    assert sim.tribe_names == [t["name"] for t in stats["tribes"]]
    for k, t in enumerate(stats["tribes"]):
        mine = tribes == k
        assert mine.sum() == t["population"], t["name"]
        if mine.any():
            for g, name in enumerate(evosim.GENES):
                assert genes[mine, g].mean() == pytest.approx(t["genes"][name]["mean"], rel=1e-4, abs=1e-5), (t["name"], name)
    assert len(np.unique(arrays["species"][0])) == stats["species_alive"]
    assert (arrays["ages"][0] >= 0).all()
    # Copies: the next tick does not change them.
    before = arrays["positions"][0].copy()
    sim.step(5)
    assert np.array_equal(before, arrays["positions"][0])


def test_step_releases_the_gil():
    sim = evosim.Simulation(entities=3000, seed=1, backend="cpu", threads=1)
    # Enough ticks for the call to last about 0.3 s on this machine.
    began = time.perf_counter()
    sim.step(5)
    per_tick = (time.perf_counter() - began) / 5
    n = max(10, min(20_000, int(0.3 / max(per_tick, 1e-6))))
    count = 0
    stop = threading.Event()

    def count_up():
        nonlocal count
        while not stop.is_set():
            count += 1

    sys.setswitchinterval(0.001)
    t = threading.Thread(target=count_up)
    t.start()
    alone = time.perf_counter()
    time.sleep(0.05)
    start = count
    rate = start / (time.perf_counter() - alone)  # counts a second, the main thread asleep
    began = time.perf_counter()
    sim.step(n)
    took = time.perf_counter() - began
    during = count - start
    stop.set()
    t.join()
    # With the GIL held for the whole call the counter could move only at
    # its edges (a switch interval or two, about 0.002 s of counting);
    # released, it counts all along, at about its rate alone.
    assert took > 0.05, f"{n} ticks took {took:.3f} s: too short to see"
    assert during > 0.2 * rate * took, (
        f"the other thread counted {during} in {took:.2f} s, alone {rate:.0f} a second")


def test_save_and_load_continue_the_same_world(tmp_path):
    a = evosim.Simulation(entities=1000, seed=4, backend="cpu")
    a.step(20)
    path = tmp_path / "w.evosnap"
    a.save(path)
    b = evosim.Simulation.load(path, backend="cpu")
    assert b.tick == 20
    a.step(20)
    b.step(20)
    assert a.state_hash() == b.state_hash()
    assert a.species_tree() == b.species_tree()
    assert a.species_tree().endswith(";")


def test_bad_inputs_raise_with_the_command_lines_message(tmp_path):
    cases = [
        (dict(set={"mutation.nonsense": 1}), ValueError, "mutation.nonsense"),
        (dict(scenario={"tribes": [], "bogus": 1}), ValueError, "bogus"),
        (dict(entities=-5), ValueError, "entities"),
        (dict(entities=float("nan")), ValueError, "entities"),
        (dict(set={"mutation.rate": float("nan")}), ValueError, "mutation.rate"),
        (dict(scenario={"mutation": {"rate": float("nan")}, "tribes": [{"name": "A", "count": 10}]}), ValueError, "rate"),
        (dict(seed=-1), ValueError, "seed"),
        (dict(backend="tpu"), ValueError, "tpu"),
        (dict(threads=0), ValueError, "threads"),
        (dict(scenario=tmp_path / "missing.toml"), OSError, "missing.toml"),
        (dict(scenario=3.5), ValueError, "scenario"),
    ]
    for kwargs, kind, word in cases:
        with pytest.raises(kind) as e:
            evosim.Simulation(**kwargs)
        assert word in str(e.value), (kwargs, str(e.value))
    sim = evosim.Simulation(entities=500, backend="cpu")
    with pytest.raises(ValueError, match="n must be"):
        sim.step(-1)
    with pytest.raises(OSError):
        sim.save(tmp_path / "no" / "such" / "dir" / "x.evosnap")
    with pytest.raises(OSError):
        evosim.Simulation.load(tmp_path / "absent.evosnap")
    good = tmp_path / "good.evosnap"
    sim.save(good)
    data = good.read_bytes()
    for name, bad in [("truncated", data[: len(data) // 2]), ("empty", b""), ("flipped", data[:100] + bytes([data[100] ^ 1]) + data[101:])]:
        p = tmp_path / f"{name}.evosnap"
        p.write_bytes(bad)
        with pytest.raises(OSError):
            evosim.Simulation.load(p, backend="cpu")
    assert sim.tick == 0, "a failed call leaves the simulation as it was"


def test_params_and_help_explain():
    p = evosim.params()
    assert 0 <= p["mutation"]["rate"] <= 1
    assert "world" in p and "food" in p
    doc = evosim.Simulation.__doc__
    for word in ("scenario", "entities", "seed", "backend", "state_hash", "GIL", "copies"):
        assert word in doc, word
    assert "numpy" in evosim.Simulation.positions.__doc__ or "N×2" in evosim.Simulation.positions.__doc__
