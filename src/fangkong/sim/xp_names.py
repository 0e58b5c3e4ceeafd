"""Which names of the array namespace the simulator uses, so that its portability to an accelerator is checked, not
hoped for (issue 22: "the same module can run on an accelerator through the array API").

`Recording(np)` is an array namespace that hands out numpy's own objects and notes each name asked of it (and the
`.at` of a ufunc). `CUPY_NAMES` is the set of names the simulator may use: each was checked to exist in CuPy 14.2
(`bench/sim_xp_names.py`, which imports CuPy where it is installed and says which are missing). A test runs the
simulator on a recording namespace and fails on a name outside the set (tests/sim/test_xp_names.py). A name is
not its arguments: CuPy's `repeat`, for one, takes its counts from the host only, so the simulator does without it
off numpy; what only a device can show is left to a run there.
"""

from __future__ import annotations

from typing import Any

CUPY_NAMES = frozenset(
    {
        "add",
        "add.at",
        "arange",
        "argsort",
        "asarray",
        "bincount",
        "clip",
        "concatenate",
        "cos",
        "cumsum",
        "empty",
        "exp",
        "expm1",
        "float32",
        "float64",
        "floor",
        "full",
        "int16",
        "int32",
        "int64",
        "int8",
        "isin",
        "lexsort",
        "log1p",
        "log2",
        "maximum",
        "minimum",
        "nonzero",
        "ones",
        "packbits",  # venue records: one bit a person a day (cupy.packbits, 1-D; docs.cupy.dev)
        "rint",
        "searchsorted",
        "sort",
        "sqrt",
        "stack",
        "uint64",
        "union1d",
        "unique",
        "where",
        "zeros",
        "zeros_like",
    }
)
"""The array-namespace names the simulator may use (each present in CuPy 14.2)."""


class _Ufunc:
    def __init__(self, ufunc: Any, name: str, seen: set[str]) -> None:
        self._ufunc, self._name, self._seen = ufunc, name, seen

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._ufunc(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        self._seen.add(f"{self._name}.{attr}")
        return getattr(self._ufunc, attr)


class Recording:
    """An array namespace over `base` (numpy) that records the names asked of it."""

    def __init__(self, base: Any) -> None:
        self._base = base
        self.seen: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        self.seen.add(name)
        value = getattr(self._base, name)
        if type(value).__name__ == "ufunc":
            return _Ufunc(value, name, self.seen)
        return value
