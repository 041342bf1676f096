"""evosim — an evolution simulation of up to millions of creatures, from Python.

Creatures carry nine genes, flock, graze a regrowing food grid, hunt and flee,
fight, reproduce with mutation and die, on a toroidal world with terrain. The
simulation is the evosim crate (Rust; the GPU engine through wgpu, or the CPU
engine): same seed, same result, here as on the command line.

- ``Simulation``: one world, stepped from Python, its living creatures as
  numpy arrays (``positions()``, ``genes()``, ...).
- ``params()``: every simulation parameter with its default value.
- ``GENES``: the gene names, the columns of ``Simulation.genes()``.
- ``evosim.experiment``: many worlds from one experiment file (every value of
  the varied parameters, several seeds) into pandas tables, here or on Ray.

Example::

    import evosim
    sim = evosim.Simulation(entities=5000, seed=7)
    sim.step(500)
    print(sim.population, sim.state_hash())
    speed = sim.genes()[:, evosim.GENES.index("speed")]
"""

from __future__ import annotations

import json
from typing import Any, Dict

from . import _evosim
from ._evosim import Simulation

#: The gene names, in the column order of ``Simulation.genes()``.
GENES: tuple = tuple(_evosim.GENES)

__version__: str = _evosim.version()

__all__ = ["GENES", "Simulation", "params", "experiment", "__version__"]


def params() -> Dict[str, Any]:
    """Every simulation parameter with its default value, by table.

    The same values ``evosim params`` prints as TOML: ``params()["mutation"]["rate"]``.
    A scenario (a file or a dict) sets any of them by the same names.
    """
    return json.loads(_evosim.params_json())


def __getattr__(name: str) -> Any:
    # `evosim.experiment` imports pandas: loaded on first use.
    if name == "experiment":
        from . import experiment

        return experiment
    raise AttributeError(f"module 'evosim' has no attribute {name!r}")
