"""Precision and recall of employer-name matching on real company names, beside a WRatio baseline.

``python -m evaluation.names`` derives labelled pairs from listed-company data that pinned
packages ship (``evaluation.names_data``, rules in ``name_eval_pairs``), builds a register
the way a registry would (one entity per company, its name as the legal name, never a variant),
and scores every pair twice in one run: with the engine's ``same_employer`` and with rapidfuzz
``WRatio`` at 90. The sandbox cannot do this: it only plants names the engine was built around.
Where the engine has a hand-written alias table, figures are split by whether a pair's names are
in it, since the table may hold the same famous companies the data does.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz, utils

from evaluation.names_data import Company, load_sources
from evaluation.names_pairs import KINDS, SEED, Pair, derive_pairs
from include.engine.names import normalise_company
from include.engine.resolve import RegistryIndex, same_employer
from include.models import RegistryEntity, RegistryName

WRATIO_THRESHOLD = 90.0


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, same: bool, predicted: bool) -> None:
        if predicted:
            self.tp += same
            self.fp += not same
        else:
            self.fn += same
            self.tn += not same

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p is not None and r is not None and p + r else None

    @property
    def false_positive_rate(self) -> float | None:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else None


def tally(pairs: Iterable[Pair], predicted: Iterable[bool]) -> Counts:
    counts = Counts()
    for pair, said in zip(pairs, predicted, strict=True):
        counts.add(pair.same, said)
    return counts


def register_of(companies: Iterable[Company]) -> RegistryIndex:
    """The evaluation register: each company once, its own name (and merged rows' names) only."""
    entities = []
    for n, c in enumerate(companies):
        names = [RegistryName(name=c.name, kind="legal")]
        names += [RegistryName(name=o, kind="other") for o in c.other_names]
        entities.append(
            RegistryEntity(
                entity_id=f"gleif:EVAL{n:06d}", registry="gleif", names=names, record_url=f"eval://{c.key}"
            )
        )
    return RegistryIndex(entities)


def wratio(pair: Pair) -> float:
    return float(fuzz.WRatio(pair.variant, pair.company, processor=utils.default_process))


def best_threshold(pairs: Sequence[Pair], scores: Sequence[float]) -> tuple[float, Counts]:
    """The WRatio cut-off with the best F1 on these very pairs (an upper bound, tuned on the test)."""
    best: tuple[float, Counts] = (100.0, Counts())
    for t in range(101):
        counts = tally(pairs, (s >= t for s in scores))
        if (counts.f1 or 0.0) > (best[1].f1 or 0.0):
            best = (float(t), counts)
    return best


def alias_table_names() -> tuple[str, frozenset[str]] | None:
    """Normalised names in the engine's alias table, if ``include.engine.aliases`` exists.

    The evaluation does not know the table's shape: it reads every string the module's loader (or,
    failing one, its module-level collections, or else its JSON/YAML data files) holds.
    """
    try:
        module = importlib.import_module("include.engine.aliases")
    except ImportError:
        return None
    data: object = None
    for name in ("table", "load_aliases", "load_alias_table", "alias_table", "load"):
        fn = getattr(module, name, None)
        if callable(fn):
            try:
                data = fn()
                break
            except TypeError:
                continue
    if data is None:
        data = [
            v
            for k, v in vars(module).items()
            if not k.startswith("_") and isinstance(v, dict | list | tuple | set | frozenset)
        ]
    where = module.__name__
    found = {normalise_company(s) for s in _strings(data)}
    if not found - {""}:
        files = sorted(
            f
            for d in getattr(module, "__path__", [])
            for f in Path(d).iterdir()
            if f.suffix in (".json", ".yaml", ".yml")
        )
        for f in files:
            text = f.read_text(encoding="utf-8")
            found |= {
                normalise_company(s)
                for s in _strings(json.loads(text) if f.suffix == ".json" else yaml.safe_load(text))
            }
        where += f" (data files: {', '.join(f.name for f in files)})"
    found.discard("")
    return (where, frozenset(found)) if found else None


def _strings(obj: object, depth: int = 0) -> Iterable[str]:
    if depth > 6:
        return
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k, depth + 1)
            yield from _strings(v, depth + 1)
    elif isinstance(obj, list | tuple | set | frozenset):
        for v in obj:
            yield from _strings(v, depth + 1)
    elif hasattr(obj, "__dict__") and not callable(obj):
        yield from _strings(vars(obj), depth + 1)


def _fmt(x: float | None) -> str:
    return f"{x:.3f}" if x is not None else "  -  "


def _row(label: str, split: str, c_engine: Counts, c_base: Counts) -> str:
    def block(c: Counts) -> str:
        return f"{_fmt(c.precision):>6} {_fmt(c.recall):>6} {_fmt(c.f1):>6} {c.tp:>5} {c.fp:>4} {c.fn:>5}"

    same, diff = c_engine.tp + c_engine.fn, c_engine.fp + c_engine.tn
    return f"{label:<18}{split:<13}{same:>6}{diff:>6}   {block(c_engine)}   {block(c_base)}"


@dataclass
class Result:
    pairs: list[Pair]
    engine: list[bool]
    baseline: list[float]
    in_table: list[bool] | None
    lines: list[str]

    def counts(self, kind: str | None = None) -> Counts:
        sel = [i for i, p in enumerate(self.pairs) if kind is None or p.kind == kind]
        return tally([self.pairs[i] for i in sel], [self.engine[i] for i in sel])


def evaluate(seed: int = SEED) -> Result:
    start = time.monotonic()
    sources = load_sources()
    pairs = derive_pairs(sources.companies, sources.chinese, seed)
    register = sorted(
        {c.key: c for c in [*sources.companies, *sources.chinese]}.values(), key=lambda c: c.key
    )
    index = register_of(register)
    engine = [same_employer(p.variant, p.company, index)[0] for p in pairs]
    baseline = [wratio(p) for p in pairs]
    table = alias_table_names()
    in_table = None
    if table is not None:
        in_table = [
            normalise_company(p.company) in table[1] or normalise_company(p.variant) in table[1]
            for p in pairs
        ]
    lines = [f"Name matching on real company names (seed {seed})"]
    lines += [f"  data: {d}" for d in sources.description]
    lines.append(f"  register: {len(register):,} entities, one per company, its name as the legal name")
    lines.append(
        f"  engine alias table: {table[0]} ({len(table[1]):,} names)"
        if table
        else "  engine alias table: none importable (include.engine.aliases), so no in/out split"
    )
    n_same = sum(p.same for p in pairs)
    lines.append(f"  pairs: {len(pairs):,} ({n_same:,} same company, {len(pairs) - n_same:,} different)")
    lines.append("")
    head = "  P      R      F1     tp   fp    fn"
    lines.append(f"{'':<31}{'pairs':>12}   {'engine same_employer':<38}   WRatio >= {WRATIO_THRESHOLD:g}")
    lines.append(f"{'kind':<18}{'split':<13}{'same':>6}{'diff':>6}   {head}   {head}")
    base = [s >= WRATIO_THRESHOLD for s in baseline]
    for kind in (*KINDS, None):
        sel = [i for i, p in enumerate(pairs) if kind is None or p.kind == kind]
        if not sel:
            continue
        splits: list[tuple[str, list[int]]] = [("all", sel)]
        if in_table is not None:
            splits += [
                ("in table", [i for i in sel if in_table[i]]),
                ("not in table", [i for i in sel if not in_table[i]]),
            ]
        for n, (split, idx) in enumerate(splits):
            ps = [pairs[i] for i in idx]
            lines.append(
                _row(
                    kind or "overall" if n == 0 else "",
                    split,
                    tally(ps, [engine[i] for i in idx]),
                    tally(ps, [base[i] for i in idx]),
                )
            )
    threshold, tuned = best_threshold(pairs, baseline)
    lines.append(
        f"WRatio at its best threshold on this same set (tuned on the test, an upper bound): >= {threshold:g}: "
        f"P {_fmt(tuned.precision)} R {_fmt(tuned.recall)} F1 {_fmt(tuned.f1)} "
        f"(tp {tuned.tp}, fp {tuned.fp}, fn {tuned.fn})"
    )
    lines.append("")
    lines += _by_rule(pairs, engine, base)
    lines.append(f"({time.monotonic() - start:.1f} s)")
    return Result(pairs, engine, baseline, in_table, lines)


def _by_rule(pairs: list[Pair], engine: list[bool], base: list[bool]) -> list[str]:
    """Recall on same pairs and false-positive rate on different pairs, per derivation rule."""
    out = [f"{'by rule':<58}{'same':>6}{'diff':>6}   engine R   FPR   WRatio R   FPR"]
    for kind, rule in sorted({(p.kind, p.rule) for p in pairs}, key=lambda kr: (KINDS.index(kr[0]), kr[1])):
        idx = [i for i, p in enumerate(pairs) if p.kind == kind and p.rule == rule]
        ps = [pairs[i] for i in idx]
        e, b = tally(ps, [engine[i] for i in idx]), tally(ps, [base[i] for i in idx])
        out.append(
            f"{kind + ': ' + rule:<58}{e.tp + e.fn:>6}{e.fp + e.tn:>6}   {_fmt(e.recall):>8} {_fmt(e.false_positive_rate):>6}"
            f"   {_fmt(b.recall):>8} {_fmt(b.false_positive_rate):>6}"
        )
    return out


def errors(result: Result, limit: int) -> list[str]:
    """The engine's misclassified pairs, taken in turn from each (kind, error type), so all kinds show."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, (p, said) in enumerate(zip(result.pairs, result.engine, strict=True)):
        if said != p.same:
            groups.setdefault((p.kind, "false match" if said else "missed"), []).append(i)
    order: list[int] = []
    queues = [groups[k] for k in sorted(groups)]
    while len(order) < limit and any(queues):
        for q in queues:
            if q and len(order) < limit:
                order.append(q.pop(0))
    out = []
    for i in order:
        p = result.pairs[i]
        what = "false match" if result.engine[i] else "missed"
        table = "" if result.in_table is None else (" [in alias table]" if result.in_table[i] else "")
        out.append(
            f"  {what:<11} {p.kind:<17} {p.variant!r} vs {p.company!r} ({p.rule}; WRatio "
            f"{result.baseline[i]:.0f}){table}"
        )
    return out


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument(
        "--min-precision",
        type=float,
        default=None,
        help="exit 1 if the engine's precision, overall or of any kind with same-company pairs, is lower",
    )
    ap.add_argument("--min-recall", type=float, default=None, help="likewise for recall")
    ap.add_argument("--show-errors", type=int, default=0, metavar="N", help="print N misclassified pairs")
    args = ap.parse_args(argv)
    result = evaluate(args.seed)
    for line in result.lines:
        out(line)
    if args.show_errors:
        out(f"Engine errors (up to {args.show_errors}):")
        for line in errors(result, args.show_errors):
            out(line)
    failed = []
    for kind in (*KINDS, None):
        c = result.counts(kind)
        if c.tp + c.fn == 0:
            continue
        label = kind or "overall"
        if args.min_precision is not None and (c.precision or 0.0) < args.min_precision:
            failed.append(f"{label} precision {_fmt(c.precision)} < {args.min_precision}")
        if args.min_recall is not None and (c.recall or 0.0) < args.min_recall:
            failed.append(f"{label} recall {_fmt(c.recall)} < {args.min_recall}")
    for f in failed:
        out(f"BELOW THRESHOLD: {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
