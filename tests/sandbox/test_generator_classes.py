"""The real-world name classes the generator plants, and the held-out vocabulary they come from."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from include.engine import aliases
from include.engine.names import normalise_company
from sandbox.gen import pools_default, pools_holdout
from sandbox.gen import vocab as V
from sandbox.generator import generate

DAY = "2026-11-21"


def _strings(pools: object) -> set[str]:
    out: set[str] = set()
    for attr in ("BRANDS", "ZH_BRANDS", "ZH_NAMESAKES", "REAL"):
        for row in getattr(pools, attr):
            for x in row:
                out.update([x] if isinstance(x, str) else x if isinstance(x, list) else [])
    for core, (sub, brand) in pools.SUB_BRANDS.items():  # type: ignore[attr-defined]
        out.update((core, sub, brand))
    return {s for s in out if s and s not in {"US", "GB", "DE", "CN", "HK", "TW", "NASDAQ", "NYSE", "LSE", "XETRA",
                                                "software", "hardware", "machinery", "medical", "finance",
                                                "telecom", "energy", "retail"}}


def test_held_out_pools_share_no_name_with_the_default_ones() -> None:
    assert not _strings(pools_default) & _strings(pools_holdout)
    d, h = V.get("default"), V.get("holdout")
    assert not set(d.real_words) & set(h.real_words)
    assert not set(d.fake_words) & set(h.fake_words)
    assert not set(d.zh_words) & set(h.zh_words)
    assert not {a for v in d.title_words.values() for a in v} & {a for v in h.title_words.values() for a in v}


@pytest.mark.parametrize("pools", [pools_default, pools_holdout])
def test_fictional_brands_tickers_and_chinese_names_are_not_in_the_engine_alias_table(pools: object) -> None:
    """The engine must find them through the registries' own alias fields, pinyin and OpenCC."""
    fictional = set()
    for _core, _c, _s, brand, ticker, exch in pools.BRANDS:  # type: ignore[attr-defined]
        fictional |= {brand, ticker, f"{exch}: {ticker}"}
    for legal, short, en_brand, en_legal, _r in pools.ZH_BRANDS:  # type: ignore[attr-defined]
        fictional |= {legal, short, en_brand, en_legal, V.pinyin(short)}
    assert all(aliases.lookup(normalise_company(n)) is None for n in fictional), \
        [n for n in fictional if aliases.lookup(normalise_company(n))]


def test_real_variants_are_never_a_verbatim_alias_source_form() -> None:
    source = (Path(aliases.__file__).parent / "source.yaml").read_text(encoding="utf-8")
    for pools in (pools_default, pools_holdout):
        for *_rest, variants in pools.REAL:
            for v in variants:
                assert f"[{v}," not in source and f" {v}]" not in source and f", {v}," not in source, v


@pytest.fixture(scope="module")
def holdout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(V.HOLDOUT_SEED, tmp_path_factory.mktemp("holdout"), 400, DAY, "holdout")


def test_the_held_out_world_plants_every_class(holdout: Path) -> None:
    rows = list(csv.DictReader((holdout / "names.csv").open(encoding="utf-8")))
    classes = {r["class"] for r in rows}
    assert {"brand", "ticker", "ticker_exchange", "zh_brand", "zh_script", "pinyin", "real_variant",
            "namesake"} <= classes, classes
    held = _strings(pools_holdout)
    default = _strings(pools_default)
    written = {r["name"] for r in rows}
    assert written & held and not written & default
    # the world says which pools it was drawn from
    import json
    assert json.loads((holdout / "world.json").read_text(encoding="utf-8"))["vocabulary"] == "holdout"


def test_a_namesake_on_a_profile_is_labelled_and_a_script_difference_is_not(holdout: Path) -> None:
    """Ground truth: a namesake (a different company) the resume leaves out is a finding; a ticker, brand
    or script form of a resume employer is not."""
    import json

    data = json.loads((holdout / "world.json").read_text(encoding="utf-8"))
    names = {r["name"]: r for r in csv.DictReader((holdout / "names.csv").open(encoding="utf-8"))}
    labels = {(r["candidate_id"], r["kind"]) for r in csv.DictReader((holdout / "labels.csv").open(encoding="utf-8"))}
    namesake_extra = same_company_rows = 0
    for c in data["candidates"]:
        if not c["consent"] or not c["linkedin_positions_csv"]:
            continue
        cid = f"{c['ats']}:{c['id']}"
        resume = {names[e["company_name"]]["company"] if e["company_name"] in names else None
                  for e in c["employments"]}
        for row in csv.DictReader(c["linkedin_positions_csv"].splitlines()):
            n = names.get(row["Company Name"])
            if n is None:
                continue
            if n["class"] == "namesake" and n["company"] not in resume:
                namesake_extra += 1
                assert (cid, "profile_employer_not_on_resume") in labels
            elif n["class"] != "namesake" and n["company"] in resume:
                same_company_rows += 1
    assert namesake_extra >= 1 and same_company_rows >= 5


def test_red_findings_from_a_same_company_name_are_counted(tmp_path: Path) -> None:
    """``crosscheck evaluate``'s check, on a real DuckDB warehouse: an unlabelled red finding whose
    evidence names a ticker is counted; a labelled one, a yellow one and a namesake's are not."""
    import json

    from evaluation.warehouse import red_from_name_classes
    from include.warehouse import connect

    world = tmp_path / "world"
    world.mkdir()
    (world / "labels.csv").write_text("candidate_id,kind,note\nlever:2,employer_not_in_registry,planted\n",
                                      encoding="utf-8")
    (world / "names.csv").write_text("name,class,company,registered_as\nHRGD,ticker,x,X Inc.\n"
                                     "Harrowgate Dental Supplies,namesake,y,Harrowgate Dental Supplies Ltd\n"
                                     "AcmeRoboticsLtd,glued,z,Acme Robotics Ltd\n",
                                     encoding="utf-8")
    wh = connect({"conn_type": "duckdb", "host": str(tmp_path / "w.duckdb")})
    wh.migrate()

    def row(fid: str, cid: str, kind: str, severity: str, employer: str, *titles: str) -> dict[str, object]:
        evidence = [{"side": "resume", "source": "lever", "record_ref": "r", "values": {"employer": employer}}]
        evidence += [{"side": "profile", "source": "linkedin", "record_ref": "p", "values": {"title": t}}
                     for t in titles]
        return {"finding_id": fid, "candidate_id": cid, "application_id": None, "kind": kind, "severity": severity,
                "summary": "s", "question": "q", "evidence": json.dumps(evidence), "rule_version": "v",
                "status": "open", "first_seen_run": "run1", "last_seen_run": "run1", "evidence_digest": "d"}

    wh.upsert("discrepancies", [
        row("f1", "lever:1", "employer_not_in_registry", "red", "HRGD"),  # counted
        row("f2", "lever:2", "employer_not_in_registry", "red", "HRGD"),  # labelled: right for another reason
        row("f3", "lever:3", "employer_not_in_registry", "yellow", "HRGD"),  # yellow: a question, not a claim
        row("f4", "lever:4", "employer_not_on_profile", "red", "Harrowgate Dental Supplies"),  # a namesake
        row("f5", "lever:5", "profile_employer_not_on_resume", "red", "AcmeRoboticsLtd"),  # counted: spacing
        row("f6", "lever:6", "title_mismatch", "red", "Acme", "Group Sales Manager", "Sales Manager"),  # level word
        row("f7", "lever:7", "title_mismatch", "red", "Acme", "Sales Director", "Sales Manager"),  # another rung
    ], ["finding_id"])
    try:
        assert sorted(red_from_name_classes(wh, "run1", world)) == [
            ("lever:1", "employer_not_in_registry", "HRGD", "ticker"),
            ("lever:5", "profile_employer_not_on_resume", "AcmeRoboticsLtd", "glued"),
            ("lever:6", "title_mismatch", "", "level-word")]
        assert red_from_name_classes(wh, "run2", world) == []
    finally:
        wh.close()
