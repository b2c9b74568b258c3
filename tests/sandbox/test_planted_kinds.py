"""The sandbox plants and labels only kinds that a rule module declares (include.engine.kinds)."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from include.engine.kinds import KINDS, THRESHOLDS
from sandbox import DEMO_CONFIG
from sandbox.gen import candidates, truth

ROOT = Path(__file__).resolve().parents[2]
SANDBOX = ROOT / "sandbox"


def _kind_names_in(path: Path) -> dict[str, int]:
    """Kind names the module plants or labels, with a line: ``found.setdefault("kind", ...)`` (a label),
    ``"kind" in kinds`` and ``kinds & {"kind", ...}`` (plan tests), and the plan tables (``KIND_SHARE``,
    ``_JOB_PLANTS``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: dict[str, int] = {}

    def add(node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.setdefault(node.value, node.lineno)

    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "found" and node.args):
            add(node.args[0])
        elif isinstance(node, ast.Compare) and any(isinstance(c, ast.Name) and c.id in ("kinds", "plan")
                                                   for c in node.comparators):
            add(node.left)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("KIND_SHARE", "_JOB_PLANTS")
                                                  for t in node.targets):
            value = node.value
            for item in (value.keys if isinstance(value, ast.Dict) else getattr(value, "elts", [])):
                if item is not None:
                    add(item)
        elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd) and isinstance(node.left, ast.Name)
              and node.left.id == "kinds" and isinstance(node.right, ast.Set)):
            for item in node.right.elts:
                add(item)
    return out


def test_the_sandbox_plants_no_kind_the_registry_does_not_know() -> None:
    modules = [SANDBOX / "generator.py", *sorted((SANDBOX / "gen").glob("*.py"))]
    planted: dict[str, str] = {}
    for path in modules:
        for name, line in _kind_names_in(path).items():
            planted.setdefault(name, f"{path.relative_to(ROOT)}:{line}")
    unknown = {name: where for name, where in planted.items() if name not in KINDS}
    assert not unknown, f"planted or labelled but declared by no rule module: {unknown}"
    # the scan sees what it is meant to see: every kind the sandbox plans (a new kind may be unplanted yet)
    assert set(planted) == set(candidates.KIND_SHARE)


def test_the_truth_uses_the_demo_thresholds() -> None:
    """The labels apply the demo configuration's thresholds; they must be the ones the kinds declare."""
    configured = yaml.safe_load(Path(DEMO_CONFIG).read_text(encoding="utf-8"))["thresholds"]
    assert (truth.T, truth.G, truth.W) == (configured["date_tolerance_months"], configured["career_gap_months"],
                                          configured["non_compete_window_months"])
    assert set(configured) == set(THRESHOLDS)
