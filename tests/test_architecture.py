"""The shape of the code that the import contracts do not check themselves: a name with a leading underscore is
private to its package — imported from a module of another package it ties the two together behind the
contracts' back (the import circle in the services was held that way) — and the services' order is declared.

lint-imports checks the contracts in pyproject.toml (CI runs it); this file checks that the services' contract
is there and orders the flows above what they use."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from tests.paths import ROOT

SRC = ROOT / "src"


def _package_of_file(path: Path, root: Path) -> str:
    """The package a source file belongs to: a package's `__init__.py` to the package, any other file to its
    folder's."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1])


def _package_of(module: str, root: Path) -> str:
    """The package a module belongs to: a package is its own; a module file belongs to its folder's."""
    if (root / Path(*module.split(".")) / "__init__.py").exists():
        return module
    return module.rpartition(".")[0]


def private_imports_across_packages(root: Path = SRC) -> list[str]:
    """Every `from fangkong.x import _name` whose module is in another package than the importing file
    (relative imports resolved), as 'file:line: package imports _name from module'."""
    found = []
    for path in sorted(root.rglob("*.py")):
        package = _package_of_file(path, root)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            if not source.startswith("fangkong"):
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and _package_of(source, root) != package:
                    where = path.relative_to(root.parent)
                    found.append(f"{where}:{node.lineno}: {package} imports {alias.name} from {source}")
    return found


def test_no_private_name_is_imported_across_packages() -> None:
    assert private_imports_across_packages() == []


def test_the_check_finds_a_private_import_across_packages(tmp_path: Path) -> None:
    """The check is not vacuous: a tracing module taking `_digest` from lab is found, one taking a private
    name from its own package is not."""
    root = tmp_path / "src"
    for folder in ("fangkong/services/lab", "fangkong/services/tracing"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "fangkong/__init__.py").write_text("")
    (root / "fangkong/services/__init__.py").write_text("")
    (root / "fangkong/services/tracing/service.py").write_text(
        "from fangkong.services.lab.imports import _digest\nfrom .models import _own\n"
        "from fangkong.services.tracing.models import _also_own\n"
    )
    found = private_imports_across_packages(root)
    assert len(found) == 1 and "imports _digest from fangkong.services.lab.imports" in found[0]


def _services_contract() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (services,) = [c for c in contracts if c.get("containers") == ["fangkong.services"]]
    return dict(services)


def test_the_services_order_is_declared_flows_above_what_they_use() -> None:
    contract = _services_contract()
    assert contract["type"] == "layers"
    layers = [str(layer) for layer in contract["layers"]]  # type: ignore[attr-defined]

    def level(name: str) -> int:
        (i,) = [i for i, layer in enumerate(layers) if name in layer.replace(":", "|").replace(" ", "").split("|")]
        return i

    follow_up = level("infection_follow_up")
    assert level("lab.imports") < level("lab.consequences") < follow_up
    assert follow_up < level("areas") < level("tracing") < level("infections") < level("orders")
    assert level("infections") < level("lab.models") < level("file_imports")
