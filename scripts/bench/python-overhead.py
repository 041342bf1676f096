#!/usr/bin/env python3
"""What driving evosim from Python costs over the command line.

    python scripts/bench/python-overhead.py target/release/evosim [ROUNDS]

Run with the Python that has the package installed (a release build:
`pip install ./python`). Two measurements, both on the CPU backend:

- ticks: `Simulation.step(T)` timed in Python vs the `ms_per_tick` of
  `evosim run --ticks T --json` (its tick loop), at 10,000 and 100,000
  creatures, alternating, ROUNDS rounds (default 5); medians and the ratio.
- memory: the peak RSS of `evosim run --entities 100000 --ticks 50` vs a
  Python process that imports evosim and numpy, builds the same world, steps
  it 50 ticks and asks for every array; the Python figure is given with the
  interpreter's own RSS before the world (imports done) and the arrays' bytes.

docs/BENCHMARKS.md's "Python" table comes from it.
"""

import json
import statistics
import subprocess
import sys
import time

# The child reads its own resident set from /proc (VmRSS now, VmHWM its
# peak): getrusage's peak would carry the forking parent's over exec.
CHILD = r"""
import numpy as np
import evosim
def vm(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
before = vm("VmRSS")
sim = evosim.Simulation(entities=100_000, seed=1, backend="cpu", threads=THREADS)
sim.step(50)
arrays = [sim.positions(), sim.velocities(), sim.energy(), sim.ages(), sim.genes(),
          sim.tribes(), sim.species(), sim.ids()]
peak = vm("VmHWM")
print(before, peak, sum(a.nbytes for a in arrays), sim.state_hash())
"""


def cli_ms(exe, n, ticks, threads):
    out = subprocess.run(
        [exe, "run", "--backend", "cpu", "--entities", str(n), "--ticks", str(ticks),
         "--seed", "1", "--threads", str(threads), "--quiet", "--json"],
        capture_output=True, text=True, check=True)
    j = json.loads(out.stdout.strip().splitlines()[-1])
    return j["ms_per_tick"], j["state_hash"]


def py_ms(n, ticks, threads):
    import evosim
    sim = evosim.Simulation(entities=n, seed=1, backend="cpu", threads=threads)
    t = time.perf_counter()
    sim.step(ticks)
    return (time.perf_counter() - t) * 1e3 / ticks, sim.state_hash()


def main():
    exe = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    threads = 2
    print(f"CPU backend, {threads} threads, {rounds} rounds alternating")
    for n, ticks in [(10_000, 300), (100_000, 100)]:
        cli, py = [], []
        for r in range(rounds):
            order = [("cli", cli), ("py", py)] if r % 2 == 0 else [("py", py), ("cli", cli)]
            hashes = set()
            for name, acc in order:
                ms, h = cli_ms(exe, n, ticks, threads) if name == "cli" else py_ms(n, ticks, threads)
                acc.append(ms)
                hashes.add(h)
            assert len(hashes) == 1, f"different worlds: {hashes}"
        c, p = statistics.median(cli), statistics.median(py)
        print(f"{n:>7} creatures, {ticks} ticks: CLI {c:.3f} ms/tick, Python {p:.3f} ms/tick, "
              f"ratio {p / c:.3f} ({(p / c - 1) * 100:+.1f}%)  [cli {['%.2f' % x for x in cli]}, py {['%.2f' % x for x in py]}]")

    t = subprocess.run(["/usr/bin/time", "-f", "%M", exe, "run", "--backend", "cpu", "--entities", "100000",
                        "--ticks", "50", "--seed", "1", "--threads", str(threads), "--quiet", "--json"],
                       capture_output=True, text=True, check=True)
    cli_kb = int(t.stderr.strip().splitlines()[-1])
    cli_hash = json.loads(t.stdout.strip().splitlines()[-1])["state_hash"]
    out = subprocess.run([sys.executable, "-c", CHILD.replace("THREADS", str(threads))],
                         capture_output=True, text=True, check=True)
    before, peak, nbytes, h = out.stdout.split()
    before, peak, nbytes = int(before), int(peak), int(nbytes)
    assert h == cli_hash, (h, cli_hash)
    print(f"memory, 100,000 creatures, 50 ticks: CLI peak RSS {cli_kb / 1024:.1f} MiB; Python peak "
          f"{peak / 1024:.1f} MiB, of which the interpreter with numpy and evosim imported "
          f"{before / 1024:.1f} MiB and the 8 arrays {nbytes / 2**20:.1f} MiB: "
          f"the world {(peak - before) / 1024:.1f} MiB in Python, "
          f"{(peak - before) / 1024 - nbytes / 2**20:.1f} MiB without the arrays")


if __name__ == "__main__":
    main()
