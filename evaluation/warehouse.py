"""Precision and recall per finding kind: the warehouse's findings against the sandbox's planted labels.

A score is only worth printing for a successful run over the world the labels describe: a failed run's
findings are partial, and another world's candidates make every number meaningless. ``NotComparable``
says which.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from include.engine.kinds import KINDS


def labelled_pairs(world_dir: Path) -> set[tuple[str, str]]:
    with (world_dir / "labels.csv").open(encoding="utf-8") as fh:
        return {(r["candidate_id"], r["kind"]) for r in csv.DictReader(fh)}


class MalformedWorld(ValueError):
    """A world folder whose files do not parse as ``python -m sandbox generate`` writes them."""


def check_world_files(world_dir: Path) -> None:
    """Read every file the evaluation reads and say which one is malformed, and how, in one line."""
    try:
        world_candidates(world_dir)
    except UnicodeDecodeError:
        raise MalformedWorld(f"{world_dir / 'world.json'}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise MalformedWorld(f"{world_dir / 'world.json'}: not valid JSON (line {exc.lineno}, column "
                             f"{exc.colno}: {exc.msg})") from None
    except (AttributeError, KeyError, TypeError) as exc:
        raise MalformedWorld(f"{world_dir / 'world.json'}: not a world (an object whose candidates each have "
                             f"ats and id; {type(exc).__name__}: {str(exc)[:80]})") from None
    for name, columns in (("labels.csv", ("candidate_id", "kind")), ("names.csv", ("name", "class"))):
        path = world_dir / name
        if name == "names.csv" and not path.exists():
            continue
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = [c for c in columns if c not in (reader.fieldnames or [])]
                if missing:
                    raise MalformedWorld(f"{path}: no {missing[0]} column (expected {', '.join(columns)})")
                for _ in reader:
                    pass
        except UnicodeDecodeError:
            raise MalformedWorld(f"{path}: not UTF-8 text") from None
        except csv.Error as exc:
            raise MalformedWorld(f"{path}: not valid CSV ({exc})") from None


class NotComparable(RuntimeError):
    """The warehouse's latest run cannot be scored against this world; the message says why."""


def world_candidates(world_dir: Path) -> set[str]:
    data = json.loads((world_dir / "world.json").read_text(encoding="utf-8"))
    return {f"{c['ats']}:{c['id']}" for c in data.get("candidates") or []}


def comparable_run(wh: Any, world_dir: Path) -> str:
    """The latest sealed run's id, if it succeeded and the warehouse holds exactly the world's candidates
    (those erased since excepted)."""
    from include.audit.chain import erasure_salt, salted_hash

    last = wh.query("SELECT run_id, report_day, state FROM pipeline_runs ORDER BY seq DESC LIMIT 1", [])
    if not last:
        raise NotComparable("the warehouse has no runs: `crosscheck run` first")
    run = last[0]
    if run["state"] != "success":
        raise NotComparable(f"the latest run {run['run_id']} (report day {run['report_day']}) {run['state']}: "
                            "its findings are partial; evaluate after a successful run")
    world = world_candidates(world_dir)
    held = {r["candidate_id"] for r in wh.query("SELECT candidate_id FROM candidates", [])}
    missing = world - held
    salt = erasure_salt(wh) if missing else None  # erased since (on request or by retention): not missing
    if salt:
        erased = {r["candidate_hash"] for r in wh.query("SELECT candidate_hash FROM erasures", [])}
        missing = {c for c in missing if salted_hash(salt, c) not in erased}
    foreign = held - world
    if foreign or missing or not world:
        raise NotComparable(
            f"the world in {world_dir} does not match the warehouse: {len(foreign)} of the warehouse's "
            f"{len(held)} candidates are not in it and {len(missing)} of its {len(world)} are not in the "
            "warehouse; evaluate against the world the warehouse was built from (or a fresh warehouse)")
    return str(run["run_id"])


def predicted_pairs(wh: Any, run_id: str | None = None) -> set[tuple[str, str]]:
    """Findings (candidate, kind) of a run: the latest sealed one by default."""
    if run_id is None:
        last = wh.query("SELECT run_id FROM pipeline_runs ORDER BY seq DESC LIMIT 1", [])
        if not last:
            return set()
        run_id = last[0]["run_id"]
    rows = wh.query("SELECT DISTINCT candidate_id, kind FROM discrepancies WHERE last_seen_run = ?", [run_id])
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


# names.csv classes that are one company written another way: never a reason for a red finding.
# ("namesake" is the other one: a different company, and a finding about it may well be right.)
SAME_COMPANY_CLASSES = frozenset({"ticker", "ticker_exchange", "brand", "en_brand", "zh_brand", "zh_script",
                                  "zh_legal", "en_legal", "pinyin", "real_variant", "handle", "glued"})
# Level words in front of a title's rung word (include.engine.titles.STEP_WORDS): an unplanted red
# title finding on a pair of titles carrying one is counted as caused by it.
LEVEL_WORDS = ("associate", "assistant", "deputy", "group", "principal", "executive", "managing", "staff", "副")


def class_names(world_dir: Path) -> dict[str, str]:
    """Employer names the generator wrote in a same-company class (names.csv), with their class."""
    path = world_dir / "names.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {r["name"]: r["class"] for r in csv.DictReader(fh) if r["class"] in SAME_COMPANY_CLASSES}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def red_from_name_classes(wh: Any, run_id: str, world_dir: Path) -> list[tuple[str, str, str, str]]:
    """Red findings of the run the labels do not expect whose evidence names an employer written as a
    ticker, brand, other script, pinyin or variant spelling: (candidate, kind, name, class). Must be empty."""
    names = class_names(world_dir)
    if not names:
        return []
    labelled = labelled_pairs(world_dir)
    rows = wh.query("SELECT candidate_id, kind, evidence FROM discrepancies WHERE last_seen_run = ? AND severity = 'red'",
                    [run_id])
    out = []
    for r in rows:
        if (r["candidate_id"], r["kind"]) in labelled:
            continue
        evidence = json.loads(r["evidence"]) if isinstance(r["evidence"], str) else r["evidence"]
        for text in dict.fromkeys(_strings(evidence)):
            if text in names:
                out.append((r["candidate_id"], r["kind"], text, names[text]))
                break
        else:
            if r["kind"] == "title_mismatch":
                titles = [str(e.get("values", {}).get("title") or "") for e in evidence if isinstance(e, dict)]
                if any(w in t.casefold() for t in titles for w in LEVEL_WORDS):
                    out.append((r["candidate_id"], r["kind"], "", "level-word"))
    return out


def print_table(scores: dict[str, dict[str, float]]) -> None:
    print(f"{'kind':34} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>5} {'fn':>5}")
    for kind, s in scores.items():
        print(f"{kind:34} {s['precision']:9.3f} {s['recall']:7.3f} {s['tp']:5d} {s['fp']:5d} {s['fn']:5d}")


def evaluate_warehouse(wh: Any, world_dir: Path, min_score: float = 0.0) -> bool:
    """Print the table; True when every kind scores at least ``min_score``. Raises ``NotComparable``."""
    run_id = comparable_run(wh, world_dir)
    scores = score(predicted_pairs(wh, run_id), labelled_pairs(world_dir))
    print_table(scores)
    red = red_from_name_classes(wh, run_id, world_dir)
    if class_names(world_dir):
        print(f"red findings caused by a ticker, brand, script, spacing or level-word difference: {len(red)}")
        for _cid, kind, _name, cls in red:  # no candidate ids or names: the counts say enough
            print(f"  {kind} from a {cls} name")
    return not red and all(s["precision"] >= min_score and s["recall"] >= min_score for s in scores.values())
