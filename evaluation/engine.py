"""Precision and recall per kind of the engine against a sandbox world's planted labels.

``python -m evaluation.engine --world DIR`` runs the rules straight on the world's records
(no HTTP, no warehouse), so tuning a rule takes seconds. Pairs are (candidate_id, kind): a
candidate with at least one finding of a kind counts once, as the labels do.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from include.config import CONFIG_ENV, Config, load_config
from include.engine.kinds import KINDS
from include.models import Finding
from include.run_context import RunContext
from sandbox import DEMO_CONFIG

Score = tuple[float, float, int, int, int]


def score(
    predicted: set[tuple[str, str]], labelled: set[tuple[str, str]], candidates: set[str]
) -> dict[str, Score]:
    """Per kind: (precision, recall, tp, fp, fn), only over the given (consenting) candidates.

    A kind with nothing predicted and nothing labelled scores 1.0 on both: there was nothing to miss.
    """
    out: dict[str, Score] = {}
    for kind in KINDS:
        p = {c for c, k in predicted if k == kind and c in candidates}
        t = {c for c, k in labelled if k == kind and c in candidates}
        tp, fp, fn = len(p & t), len(p - t), len(t - p)
        precision = tp / (tp + fp) if tp + fp else (1.0 if not t else 0.0)
        recall = tp / (tp + fn) if tp + fn else 1.0
        out[kind] = (precision, recall, tp, fp, fn)
    return out


def format_table(scores: dict[str, Score]) -> str:
    lines = [f"{'kind':34} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for kind, (p, r, tp, fp, fn) in scores.items():
        lines.append(f"{kind:34} {p:9.3f} {r:7.3f} {tp:5d} {fp:5d} {fn:5d}")
    return "\n".join(lines)


def print_table(scores: dict[str, Score]) -> None:
    print(format_table(scores))


def pairs(findings: Iterable[Finding]) -> set[tuple[str, str]]:
    return {(f.candidate_id, f.kind) for f in findings}


def evaluate_world(world_dir: str | Path, config_path: str | None = None,
                   report_day: date | None = None) -> tuple[dict[str, Score], list[Finding]]:
    from evaluation.world_adapter import bundles_from_world, load_world
    from include.engine.resolve import RegistryIndex
    from include.engine.run import check_candidate

    world = load_world(world_dir)
    config = load_config(config_path) if config_path else _world_config(world)
    day = report_day or date.fromisoformat(world["generated_for_day"])
    bundles, entities, labels = bundles_from_world(world_dir)
    index = RegistryIndex(entities)
    findings: list[Finding] = []
    for b in bundles:
        findings.extend(check_candidate(b, index, config, RunContext("evaluation", day)))
    consenting = {b.candidate.candidate_id for b in bundles if b.candidate.consent.given}
    return score(pairs(findings), labels, consenting), findings


def _world_config(world: dict[str, object]) -> Config:
    base = load_config(os.environ.get(CONFIG_ENV) or DEMO_CONFIG)  # documented default: the demo's
    return Config.model_validate({**base.model_dump(), "hiring_company": world.get("hiring_company")
                                  or base.hiring_company.model_dump()})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--world", required=True, help="a directory with world.json and labels.csv")
    ap.add_argument("--config", help="a crosscheck.yaml (default: the demo config with the world's hiring company)")
    ap.add_argument("--day", help="report day (default: the world's generated_for_day)")
    ap.add_argument("--min", type=float, default=0.0, help="exit 1 if any kind scores below this")
    args = ap.parse_args(argv)
    scores, _ = evaluate_world(args.world, args.config, date.fromisoformat(args.day) if args.day else None)
    print_table(scores)
    ok = all(p >= args.min and r >= args.min for p, r, *_ in scores.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
