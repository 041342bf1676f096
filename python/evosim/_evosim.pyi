"""Type stubs of evosim's native module (python/src/)."""

import os
from typing import Any, Dict, List, Mapping, Optional, Union

import numpy as np
import numpy.typing as npt

_Path = Union[str, "os.PathLike[str]"]

GENES: List[str]

def params_json() -> str: ...
def version() -> str: ...

class Simulation:
    """One simulated world (see help(evosim.Simulation))."""

    def __init__(
        self,
        scenario: Union[None, _Path, Mapping[str, Any]] = None,
        entities: Union[None, int, str] = None,
        seed: Optional[int] = None,
        backend: str = "auto",
        threads: Optional[int] = None,
        set: Optional[Mapping[str, Any]] = None,
    ) -> None: ...
    @staticmethod
    def load(path: _Path, backend: str = "auto", threads: Optional[int] = None) -> "Simulation":
        """Resumes a snapshot written by save(); OSError if it cannot be read."""
    def step(self, n: int = 1) -> None:
        """Advances n ticks with the GIL released."""
    @property
    def tick(self) -> int: ...
    @property
    def population(self) -> int: ...
    @property
    def backend(self) -> str: ...
    @property
    def threads(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def tribe_names(self) -> List[str]: ...
    def state_hash(self) -> str:
        """16 hex digits: the state_hash of `evosim run --json` for the same inputs."""
    def stats(self) -> Dict[str, Any]: ...
    def species_tree(self) -> str: ...
    def save(self, path: _Path) -> None: ...
    def positions(self) -> npt.NDArray[np.float32]:
        """N×2 float32, a copy."""
    def velocities(self) -> npt.NDArray[np.float32]:
        """N×2 float32, a copy."""
    def energy(self) -> npt.NDArray[np.float32]:
        """N float32, a copy."""
    def ages(self) -> npt.NDArray[np.float32]:
        """N float32 (seconds), a copy."""
    def genes(self) -> npt.NDArray[np.float32]:
        """N×9 float32, columns named by GENES, a copy."""
    def tribes(self) -> npt.NDArray[np.uint16]:
        """N uint16 (indices into tribe_names), a copy."""
    def species(self) -> npt.NDArray[np.uint32]:
        """N uint32, a copy."""
    def ids(self) -> npt.NDArray[np.uint32]:
        """N uint32, a copy."""

class Experiment:
    """An experiment planned (every run's scenario checked)."""

    def __init__(self, text: str, origin: str, base: Optional[str] = None) -> None: ...
    @staticmethod
    def from_file(path: _Path) -> "Experiment": ...
    @staticmethod
    def from_dict(spec: Mapping[str, Any]) -> "Experiment": ...
    @property
    def text(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def base(self) -> str: ...
    @property
    def keys(self) -> List[str]: ...
    def table(self) -> List[List[Any]]: ...
    def __len__(self) -> int: ...
    def execute(self, run: int, threads: int = 1, fault: Optional[str] = None) -> bytes: ...
    def open(self, out: _Path, resume: bool = False, fault: Optional[str] = None) -> "Sweep": ...

class Sweep:
    """An experiment's output folder."""

    def pending(self) -> List[int]: ...
    def run_local(self, jobs: int, threads: int) -> None: ...
    def record(self, part: bytes) -> int: ...
    def finish(self) -> Dict[str, Any]: ...
    @property
    def dir(self) -> str: ...
