"""Precision and recall per finding kind: the warehouse's findings against the sandbox's planted labels."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from include.models import KINDS


def labelled_pairs(world_dir: Path) -> set[tuple[str, str]]:
    with (world_dir / "labels.csv").open(encoding="utf-8") as fh:
        return {(r["candidate_id"], r["kind"]) for r in csv.DictReader(fh)}


def predicted_pairs(wh: Any) -> set[tuple[str, str]]:
    """Findings of the latest sealed run (or all, before any run was sealed)."""
    last = wh.query("SELECT run_id FROM pipeline_runs ORDER BY seq DESC LIMIT 1", [])
    if last:
        rows = wh.query("SELECT DISTINCT candidate_id, kind FROM discrepancies WHERE last_seen_run = ?",
                        [last[0]["run_id"]])
    else:
        rows = wh.query("SELECT DISTINCT candidate_id, kind FROM discrepancies", [])
    return {(r["candidate_id"], r["kind"]) for r in rows}


def score(predicted: set[tuple[str, str]], labelled: set[tuple[str, str]]) -> dict[str, dict[str, float]]:
    out = {}
    for kind in KINDS:
        p = {c for c, k in predicted if k == kind}
        t = {c for c, k in labelled if k == kind}
        tp, fp, fn = len(p & t), len(p - t), len(t - p)
        out[kind] = {"precision": tp / (tp + fp) if tp + fp else (1.0 if not t else 0.0),
                     "recall": tp / (tp + fn) if tp + fn else 1.0, "tp": tp, "fp": fp, "fn": fn}
    return out


def print_table(scores: dict[str, dict[str, float]]) -> None:
    print(f"{'kind':34} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>5} {'fn':>5}")
    for kind, s in scores.items():
        print(f"{kind:34} {s['precision']:9.3f} {s['recall']:7.3f} {s['tp']:5d} {s['fp']:5d} {s['fn']:5d}")


def evaluate_warehouse(wh: Any, world_dir: Path, min_score: float = 0.0) -> bool:
    scores = score(predicted_pairs(wh), labelled_pairs(world_dir))
    print_table(scores)
    return all(s["precision"] >= min_score and s["recall"] >= min_score for s in scores.values())
