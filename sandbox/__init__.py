"""The sandbox: a generated hiring world served locally as every source's API (workshop, not product).

``python -m sandbox generate`` writes a world, ``python -m sandbox serve`` serves one; the demo and the
tests run the product against it. Nothing under ``include/``, ``connectors/``, ``plugins/`` or ``dags/``
imports this package (an import contract in ``pyproject.toml`` checks it).
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO_CONFIG = HERE / "crosscheck.yaml"  # the demo's configuration: the sandbox's hiring company
DEMO_WORLD = HERE / "data" / "seed-42"  # the shipped world (seed 42)
