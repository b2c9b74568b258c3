"""Generates the listed-company alias data (``include/engine/aliases/listed.json``) from a listing package.

    .venv/bin/python -m evaluation.listed_aliases          # rewrite listed.json
    .venv/bin/python -m evaluation.listed_aliases --check  # exit 1 if listed.json is not what this writes

Workshop, not product: it reads ``pytickersymbols`` (a pinned dev dependency: ~1,800 index constituents
with names, tickers, listings, Wikipedia titles and websites) and writes plain JSON that the product
loads (``include.engine.aliases.listed_lookup``) without the package. The file says where it came from:
the package and its version, this generator, and the day it was generated.

What it records per company (rows of one company merged as the evaluation merges them,
``evaluation.names_data.merge_rows``): its names (the package's name, merged rows' names, the
Wikipedia article title when it is about that company), its tickers, its listings ("NYSE: F") and
the brand its web domain uses ("imhds", "hitachicm"). Keys are ``normalise_company`` with spaces
removed, the engine's own key. A key two companies claim is left out (``ambiguous``), except that a
company's name beats another's ticker or brand; a brand that is a word of another company's name
("mitsui") is left out too. Tickers of one or two letters are kept as ``short-ticker``: the engine
accepts them only as the whole employer string written in capitals, never inside a name.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from evaluation.names_data import Company, merge_rows
from evaluation.names_text import domain_stem, identity_words
from include.engine.names import normalise_company

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "include" / "engine" / "aliases" / "listed.json"
PACKAGE = "pytickersymbols"
FORMAT = 1
KINDS = ("name", "listing", "ticker", "short-ticker", "brand")  # strongest first
MIN_BRAND = 3


def _key(text: str) -> str:
    return normalise_company(text).replace(" ", "")


def _ticker_kind(symbol: str) -> str | None:
    if not re.fullmatch(r"[A-Z][A-Z0-9]{0,5}", symbol):
        return None  # numeric codes ("7203") name nothing without their exchange
    return "short-ticker" if len(symbol) <= 2 else "ticker"


def build(companies: list[Company], version: str, rows: int, today: str) -> dict[str, Any]:
    out: dict[str, dict[str, Any]] = {}
    claims: dict[str, list[tuple[int, str, str, str]]] = {}
    name_words: dict[str, set[str]] = {}  # word -> companies whose names hold it

    def claim(key: str, cid: str, kind: str, form: str) -> None:
        if key:
            claims.setdefault(key, []).append((KINDS.index(kind), cid, kind, form))

    for c in companies:
        names = list(dict.fromkeys(n for n in (c.name, *c.other_names, c.wiki_title or "") if n))
        for n in names:
            for w in identity_words(n):
                name_words.setdefault(w, set()).add(c.key)
    for c in companies:
        names = list(dict.fromkeys(n for n in (c.name, *c.other_names, c.wiki_title or "") if n))
        tickers = [t for t in c.tickers if _ticker_kind(t)]
        brands = [s for d in c.domains if (s := domain_stem(d)) and len(s.replace("-", "")) >= MIN_BRAND]
        brands = [b for b in dict.fromkeys(brands) if not (name_words.get(b, set()) - {c.key})]
        out[c.key] = {
            "name": c.name,
            "names": names[1:],
            "norms": list(dict.fromkeys(x for x in (normalise_company(n) for n in names) if x)),
            "tickers": tickers,
            "listings": list(c.listed_as),
            "brands": brands,
        }
        for n in names:
            claim(_key(n), c.key, "name", n)
        for listing in c.listed_as:
            claim(_key(listing), c.key, "listing", listing)
        for t in tickers:
            claim(_key(t), c.key, _ticker_kind(t) or "ticker", t)
        for b in brands:
            claim(_key(b.replace("-", " ")), c.key, "brand", b)
    keys: dict[str, list[str]] = {}
    ambiguous: dict[str, list[str]] = {}
    for key in sorted(claims):
        cands = sorted(set(claims[key]))
        best = cands[0]
        rivals = [x for x in cands if x[1] != best[1]]
        if rivals and not (best[2] == "name" and rivals[0][2] != "name"):
            ambiguous[key] = sorted({x[1] for x in cands})
            continue
        keys[key] = [best[1], best[2], best[3]]
    body = {"companies": dict(sorted(out.items())), "keys": keys, "ambiguous": ambiguous}
    content = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return {
        "format": FORMAT,
        "source": {"package": PACKAGE, "version": version, "rows": rows,
                   "what": "index constituents (S&P 500, NASDAQ 100, DAX, FTSE 100, CAC 40, NIKKEI 225, ...): "
                           "names, tickers, listings, Wikipedia titles, websites"},
        "generated_by": "evaluation/listed_aliases.py",
        "generated_on": today,
        "content_sha256": hashlib.sha256(content.encode()).hexdigest(),
        "counts": {"companies": len(out), "keys": len(keys), "ambiguous": len(ambiguous),
                   **{k: sum(1 for v in keys.values() if v[1] == k) for k in KINDS}},
        **body,
    }


def render(today: str | None = None) -> str:
    from pytickersymbols import PyTickerSymbols

    rows = list(PyTickerSymbols().get_all_stocks())
    day = today or datetime.now(UTC).date().isoformat()
    data = build(merge_rows(rows), metadata.version(PACKAGE), len(rows), day)
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def stale(target: Path = TARGET) -> str | None:
    """Why ``target`` is not what the generator writes now (its generation day aside), or None."""
    if not target.exists():
        return f"{target} does not exist"
    current = json.loads(target.read_text(encoding="utf-8"))
    fresh = json.loads(render(str(current.get("generated_on"))))
    if current != fresh:
        diff = sorted(k for k in fresh if current.get(k) != fresh.get(k))
        return f"{target} differs from a fresh build in {', '.join(diff)}"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the file is stale")
    ap.add_argument("--out", default=str(TARGET), help="where to write (default: the product's listed.json)")
    args = ap.parse_args(argv)
    target = Path(args.out)
    if args.check:
        why = stale(target)
        if why:
            print(f"{why}: run .venv/bin/python -m evaluation.listed_aliases", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    text = render()
    target.write_text(text, encoding="utf-8")
    data = json.loads(text)
    print(f"wrote {target}: {data['source']['package']} {data['source']['version']}, {data['counts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
