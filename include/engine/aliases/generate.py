"""Expands the hand-written alias source (``source.yaml``) into the table the engine loads (``table.json``).

    .venv/bin/python -m include.engine.aliases.generate          # rewrite table.json
    .venv/bin/python -m include.engine.aliases.generate --check  # exit 1 if table.json is stale

Why generated: the source stays short and reviewable (one line per company, written by hand), while
the forms people actually write are many and mechanical: "NASDAQ: MSFT", "MSFT", "0700.HK", pinyin
("Baidu" for 百度), traditional characters (華為 for 华为), every form reduced to the engine's key
(``include.engine.names.normalise_company`` with spaces removed). Generating them keeps the table
and the engine's normalisation in step: a change of either is caught by the up-to-date test.

A key two unrelated companies share is ambiguous and left out (listed under ``ambiguous``), except
that a company's own name beats another's ticker or abbreviation ("Meta" the brand over a ticker).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from include.engine.names import cjk_latin_key, normalise_company

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source.yaml"
TABLE = HERE / "table.json"
FORMAT = 1

# Kinds, strongest first. A company's names (legal, brand, CJK, pinyin) outrank short forms.
KINDS = ("legal", "name", "cjk", "pinyin", "abbreviation", "ticker")
_NAME_KINDS = {"legal", "name", "cjk", "pinyin"}
FIELDS = {"legal", "names", "abbr", "tickers", "zh", "ja", "ko", "parent"}
MIN_PINYIN = 5  # "ali" (阿里) is too short to mean Alibaba on its own in Latin letters

# exchange -> (prefixes people write before the symbol, suffix after a dot, numeric symbols)
EXCHANGES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "NASDAQ": (("NASDAQ", "Nasdaq GS", "NasdaqGS"), None),
    "NYSE": (("NYSE",), None),
    "LSE": (("LSE", "LON"), "L"),
    "HKEX": (("HKEX", "SEHK", "HK", "HKG"), "HK"),
    "SSE": (("SSE", "SH"), "SS"),
    "SZSE": (("SZSE", "SZ"), "SZ"),
    "TSE": (("TSE", "TYO"), "T"),
    "KRX": (("KRX", "KOSPI"), "KS"),
    "TWSE": (("TWSE", "TPE"), "TW"),
    "XETRA": (("XETRA", "ETR", "FWB"), "DE"),
    "EPA": (("EPA", "Euronext Paris"), "PA"),
    "AMS": (("AMS", "Euronext Amsterdam"), "AS"),
    "EBR": (("EBR", "Euronext Brussels"), "BR"),
    "SIX": (("SIX", "SWX"), "SW"),
    "TSX": (("TSX",), "TO"),
    "ASX": (("ASX",), "AX"),
    "NSE": (("NSE", "BSE"), "NS"),
    "SGX": (("SGX",), "SI"),
    "BME": (("BME",), "MC"),
    "HEL": (("HEL", "Nasdaq Helsinki"), "HE"),
    "STO": (("STO", "Nasdaq Stockholm"), "ST"),
    "CPH": (("CPH", "Nasdaq Copenhagen"), "CO"),
    "TADAWUL": (("TADAWUL",), "SR"),
}


def _key(text: str) -> str:
    return normalise_company(text).replace(" ", "")


def ticker_forms(ticker: str, word_tickers: set[str]) -> list[str]:
    """Ways a listing is written: "NASDAQ: MSFT", "MSFT (NASDAQ)", "0700.HK", bare "MSFT" when safe."""
    exchange, _, symbol = ticker.partition(":")
    if exchange not in EXCHANGES or not symbol:
        raise ValueError(f"ticker {ticker!r}: write EXCHANGE:SYMBOL with a known exchange")
    prefixes, suffix = EXCHANGES[exchange]
    sym = symbol.rstrip(".")
    symbols = [sym]
    if sym.isdigit() and exchange == "HKEX":
        symbols.append(sym.lstrip("0") or sym)  # 0700.HK is also written 700.HK
    forms: list[str] = []
    for s in symbols:
        for prefix in prefixes:
            forms += [f"{prefix}: {s}", f"{prefix}:{s}", f"{s} ({prefix})"]
        if suffix:
            forms += [f"{s}.{suffix}", f"{s} {suffix}"]
        if exchange in ("SSE", "SZSE"):
            forms.append(f"{prefixes[1]}{s}")  # SH600519
    bare = sym.replace(".", "")
    if bare.isalpha() and len(bare) >= 3 and sym.upper() not in word_tickers:
        forms.append(sym)
    return forms


def _family_root(cid: str, companies: dict[str, dict[str, Any]]) -> str:
    seen = set()
    while companies[cid].get("parent"):
        if cid in seen:
            raise ValueError(f"parent cycle at {cid}")
        seen.add(cid)
        cid = companies[cid]["parent"]
    return cid


def _traditional(text: str) -> str:
    from opencc import OpenCC

    return str(OpenCC("s2t").convert(text))


def build(source: dict[str, Any], source_text: str) -> dict[str, Any]:
    companies: dict[str, dict[str, Any]] = source["companies"]
    word_tickers = {str(t).upper() for t in source.get("word_tickers", [])}
    for cid, c in companies.items():
        unknown = set(c) - FIELDS
        if unknown or not isinstance(c.get("legal"), str):
            raise ValueError(f"{cid}: unknown fields {sorted(unknown)} or no legal name (quote names with commas)")
        if c.get("parent") and c["parent"] not in companies:
            raise ValueError(f"{cid}: unknown parent {c['parent']!r}")
    out_companies: dict[str, dict[str, Any]] = {}
    claims: dict[str, list[tuple[int, str, str, str]]] = {}  # key -> [(kind rank, company, kind, form)]

    def claim(key: str, cid: str, kind: str, form: str) -> None:
        if len(key) >= 2:
            claims.setdefault(key, []).append((KINDS.index(kind), cid, kind, form))

    for cid in sorted(companies):
        c = companies[cid]
        names = [str(n) for n in c.get("names") or []]
        cjk = [str(n) for lang in ("zh", "ja", "ko") for n in c.get(lang) or []]
        traditional = sorted({t for n in c.get("zh") or [] if (t := _traditional(str(n))) != n})
        norms = list(dict.fromkeys(n for n in (normalise_company(x) for x in [c["legal"], *names, *cjk]) if n))
        out_companies[cid] = {
            "legal": c["legal"],
            "parent": c.get("parent"),
            "family": _family_root(cid, companies),
            "names": names,
            "cjk": cjk,
            "traditional": traditional,
            "norms": norms,
        }
        claim(_key(c["legal"]), cid, "legal", c["legal"])
        for n in names:
            claim(_key(n), cid, "name", n)
        for n in cjk:
            claim(_key(n), cid, "cjk", n)
        for n in traditional:
            claim(_key(n), cid, "cjk", n)
        for n in c.get("zh") or []:
            latin = cjk_latin_key(normalise_company(str(n)))
            if latin and len(latin.replace(" ", "")) >= MIN_PINYIN:
                claim(latin.replace(" ", ""), cid, "pinyin", f"{n} ({latin})")
        for a in c.get("abbr") or []:
            claim(_key(str(a)), cid, "abbreviation", str(a))
        for t in c.get("tickers") or []:
            for form in ticker_forms(str(t), word_tickers):
                claim(_key(form), cid, "ticker", form)

    keys: dict[str, list[str]] = {}
    ambiguous: dict[str, list[str]] = {}
    for key in sorted(claims):
        cands = sorted(claims[key])
        best = cands[0]
        rivals = [c for c in cands if out_companies[c[1]]["family"] != out_companies[best[1]]["family"]]
        strongest_rival = rivals[0] if rivals else None
        if strongest_rival is not None and not (best[2] in _NAME_KINDS and strongest_rival[2] not in _NAME_KINDS):
            ambiguous[key] = sorted({c[1] for c in cands})
            continue
        keys[key] = [best[1], best[2], best[3]]
    body = {"companies": out_companies, "keys": keys, "ambiguous": ambiguous}
    content = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return {
        "format": FORMAT,
        "version": int(source["version"]),
        "generated_by": "include/engine/aliases/generate.py from include/engine/aliases/source.yaml",
        "source_sha256": hashlib.sha256(source_text.encode()).hexdigest(),
        "content_sha256": hashlib.sha256(content.encode()).hexdigest(),
        "counts": {"companies": len(out_companies), "keys": len(keys), "ambiguous": len(ambiguous)},
        **body,
    }


def render(source_path: Path = SOURCE) -> str:
    text = source_path.read_text(encoding="utf-8")
    table = build(yaml.safe_load(text), text)
    return json.dumps(table, ensure_ascii=False, sort_keys=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if table.json differs from a fresh build")
    ap.add_argument("--out", default=str(TABLE), help="where to write the table (default: the committed table.json)")
    args = ap.parse_args(argv)
    fresh = render()
    target = Path(args.out)
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != fresh:
            print(f"{target} is stale: run .venv/bin/python -m include.engine.aliases.generate", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    target.write_text(fresh, encoding="utf-8")
    table = json.loads(fresh)
    print(f"wrote {target}: version {table['version']}, {table['counts']}")
    for key, ids in table["ambiguous"].items():
        print(f"  ambiguous, left out: {key!r} -> {', '.join(ids)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
