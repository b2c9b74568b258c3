"""The house's import rules hold: the contracts in pyproject.toml, checked by import-linter on the real code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_import_contracts_are_kept():
    proc = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_the_contracts_name_every_product_and_workshop_package():
    """A new top-level package must be placed in the layers, or nothing checks it."""
    import tomllib

    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"}
    assert packages == set(cfg["root_packages"])
    include_layers = next(c for c in cfg["contracts"] if c.get("containers") == ["include"])["layers"]
    named = {name.strip() for layer in include_layers for name in layer.split("|")}
    children = {p.stem for p in (ROOT / "include").iterdir()
                if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}
    assert children == named, f"include/ children not in the layers: {children - named}; stale: {named - children}"


def test_dag_files_import_only_the_product():
    """DAG files are not a package, so import-linter does not see them: they may import plugins and include only."""
    import ast

    for path in sorted((ROOT / "dags").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                top = node.module.split(".")[0]
                assert top not in {"sandbox", "evaluation", "stack", "tests", "connectors"}, (path.name, node.module)
