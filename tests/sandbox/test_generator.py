"""The sandbox world generator: deterministic, shaped as WORLD.md says, and honestly labelled.

The timeline checks below re-read world.json from scratch (no generator internals), so a label
that the data does not support, or a benign candidate with a real gap, fails here.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import subprocess
import sys
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from sandbox.gen import words as W
from sandbox.gen.candidates import KIND_SHARE
from sandbox.gen.ids import lei_is_valid, orcid_check_digit, orcid_is_valid
from sandbox.generator import generate, main
from sandbox.world import World

ROOT = Path(__file__).resolve().parents[2]
DAY = "2026-11-21"
SHIPPED = ROOT / "sandbox" / "data" / "seed-42"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[int, World]:
    out = {}
    for seed in (42, 7):
        d = generate(seed, tmp_path_factory.mktemp(f"seed{seed}"), 400, DAY)
        out[seed] = World.load(d)
    return out


def _pairs(world: World) -> dict[str, set[str]]:
    by: dict[str, set[str]] = {}
    for row in world.labels:
        by.setdefault(row["candidate_id"], set()).add(row["kind"])
    return by


def _m(value: str) -> int:
    """A resume date at month precision (the generator never writes year-only resume jobs)."""
    y, m = value.split("-")[:2]
    return int(y) * 12 + int(m) - 1


def _edu_months(c: dict) -> set[int]:
    months: set[int] = set()
    for e in c["educations"]:
        lo = int(e["start"][:4]) * 12 if len(e["start"]) == 4 else _m(e["start"])
        hi = int(e["end"][:4]) * 12 + 11 if len(e["end"]) == 4 else _m(e["end"])
        months.update(range(lo, hi + 1))
    return months


def _max_gap(c: dict, today: int) -> int:
    jobs = sorted(((_m(e["start"]), _m(e["end"]) if e["end"] else None) for e in c["employments"]),
                  key=lambda j: j[0])
    covered, worst, reach = _edu_months(c), 0, -10**6
    for (_s, e), (s2, _) in itertools.pairwise(jobs):
        reach = max(reach, today + 10**6 if e is None else e)
        worst = max(worst, len([m for m in range(reach + 1, s2) if m not in covered]))
    return worst


def _max_overlap(c: dict, today: int) -> int:
    full = [(_m(e["start"]), _m(e["end"]) if e["end"] else today) for e in c["employments"]
            if e["employment_type"] == "full_time"]
    return max([min(a[1], b[1]) - max(a[0], b[0]) + 1 for i, a in enumerate(full) for b in full[i + 1:]] or [0])


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    a, b, c = (generate(s, tmp_path / n, 120, DAY) for s, n in ((5, "a"), (5, "b"), (6, "c")))
    for name in ("world.json", "labels.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
        assert (a / name).read_bytes() != (c / name).read_bytes()


def test_determinism_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-m", "sandbox.generator", "--seed", "3", "--out", str(out),
                        "--candidates", "80"], cwd=ROOT, env=env, check=True, capture_output=True)
        outs.append((out / "world.json").read_bytes() + (out / "labels.csv").read_bytes())
    assert outs[0] == outs[1]


@pytest.mark.parametrize("seed", [42, 7])
def test_counts_ids_and_contacts(worlds: dict[int, World], seed: int) -> None:
    data = worlds[seed].data
    cands = data["candidates"]
    assert len(cands) == 400 and data["seed"] == seed and data["generated_for_day"] == DAY and data["vocabulary"] == "default"
    by_ats = Counter(c["ats"] for c in cands)
    assert by_ats["greenhouse"] == by_ats["lever"] == 200
    assert 0.07 <= sum(not c["consent"] for c in cands) / len(cands) <= 0.13
    assert all(c["employments"] for c in cands), "candidates without consent have employments too"
    for c in cands:
        if c["ats"] == "greenhouse":
            assert c["id"].isdigit() and c["application_id"].isdigit()
        else:
            assert str(uuid.UUID(c["id"])) == c["id"] and str(uuid.UUID(c["application_id"])) == c["application_id"]
        assert all(re.fullmatch(r"[a-z0-9.\-]+@example\.(net|com)", e) for e in c["emails"])
        assert all(re.fullmatch(r"\+44 (7700 900|113 496 0|20 7946 0)\d{3}", p) for p in c["phones"])
        assert c["job_id"] in {j["id"] for j in data["jobs"] if j["ats"] == c["ats"]}
    assert len({(c["ats"], c["id"]) for c in cands}) == len(cands)
    assert len({e for c in cands for e in c["emails"]}) == len(cands)
    assert Counter(j["ats"] for j in data["jobs"]) == {"greenhouse": 8, "lever": 8}


@pytest.mark.parametrize("seed", [42, 7])
def test_every_kind_is_labelled_often_and_only_for_consenting_candidates(worlds: dict[int, World], seed: int) -> None:
    world = worlds[seed]
    counts = Counter(row["kind"] for row in world.labels)
    assert set(counts) == set(KIND_SHARE)
    assert min(counts.values()) >= 10, counts
    consenting = {f"{c['ats']}:{c['id']}" for c in world.data["candidates"] if c["consent"]}
    assert {row["candidate_id"] for row in world.labels} <= consenting
    assert len({(r["candidate_id"], r["kind"]) for r in world.labels}) == len(world.labels)
    by = _pairs(world)
    assert sum(len(k) >= 2 for k in by.values()) >= 10, "some candidates carry two kinds"
    assert len(consenting - set(by)) >= 0.3 * len(consenting), "plenty of clean candidates"


@pytest.mark.parametrize("seed", [42, 7])
def test_timelines_agree_with_the_labels(worlds: dict[int, World], seed: int) -> None:
    """Read from world.json alone: gaps > 3 months iff labelled career_gap; overlaps likewise."""
    world = worlds[seed]
    today = _m(DAY)
    by = _pairs(world)
    for c in world.data["candidates"]:
        if not c["consent"]:
            continue
        kinds = by.get(f"{c['ats']}:{c['id']}", set())
        gap, overlap = _max_gap(c, today), _max_overlap(c, today)
        assert (gap > 3) == ("career_gap" in kinds), (c["id"], gap, kinds)
        assert (overlap > 2) == ("overlapping_employment" in kinds), (c["id"], overlap, kinds)
        if not kinds:
            assert gap <= 1 and overlap <= 1


@pytest.mark.parametrize("seed", [42, 7])
def test_fabricated_employers_are_exactly_the_unregistered_ones(worlds: dict[int, World], seed: int) -> None:
    world = worlds[seed]
    by = _pairs(world)
    fake = {w.lower() for w in W.FAKE_WORDS}
    for c in world.data["candidates"]:
        if c["consent"]:
            fabricated = any(set(e["company_name"].lower().split()) & fake for e in c["employments"])
            assert fabricated == ("employer_not_in_registry" in by.get(f"{c['ats']}:{c['id']}", set()))
    registry_words = {w.strip("(),.&").lower() for rec in world.data["companies_house"] for w in rec["company_name"].split()}
    registry_words |= {w.strip("(),.&").lower() for rec in world.data["gleif"]
                       for w in rec["legal_name"]["name"].split()}
    registry_words -= {"corporation", "incorporated", "aktiengesellschaft"}  # legal forms name no company
    for f in fake:
        assert all(fuzz.ratio(f, r) < 65 for r in registry_words if r), f


def test_fabricated_words_are_far_from_every_real_word() -> None:
    real = W.REAL_WORDS + [h + t for h in W.OVERFLOW_HEADS for t in W.OVERFLOW_TAILS] + [py for _, py in W.ZH_WORDS]
    real += ["Corvane", "Teslin", "Kestrel", "Brightwell", "Ballyford", "Acme", "Rival", "Example", "Tormund",
             "Pellworth", "Kitewing", "Tessellate", "Automation", "Dynamics", "Robotics"]
    close = [(f, r) for f in W.FAKE_WORDS for r in real if fuzz.ratio(f.lower(), r.lower()) >= 65]
    generated = {h + t for h in W.OVERFLOW_HEADS for t in W.OVERFLOW_TAILS}
    assert not [pair for pair in close if pair[1] not in generated], close


@pytest.mark.parametrize("seed", [42, 7])
def test_orcid_ids_have_valid_checksums(worlds: dict[int, World], seed: int) -> None:
    data = worlds[seed].data
    assert orcid_check_digit("000000021694233") == "X" and orcid_is_valid("0000-0002-1825-0097")
    linked = [c["links"]["orcid"] for c in data["candidates"] if c["links"]["orcid"]]
    assert len(linked) >= 40 and set(linked) == set(data["orcid"])
    assert all(re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", o) and orcid_is_valid(o) for o in linked)
    assert any(not rec["employments"] for rec in data["orcid"].values()), "some ORCID records list no jobs"


@pytest.mark.parametrize("seed", [42, 7])
def test_linkedin_positions_csv_parses(worlds: dict[int, World], seed: int) -> None:
    exports = [c["linkedin_positions_csv"] for c in worlds[seed].data["candidates"] if c["linkedin_positions_csv"]]
    assert len(exports) >= 150
    when = re.compile(rf"^((?:{'|'.join(MONTHS)}) )?(19|20)\d\d$")
    multiline = entities = year_only = current = 0
    for text in exports:
        assert text.splitlines()[0] == "Company Name,Title,Description,Location,Started On,Finished On"
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows
        for row in rows:
            assert row["Company Name"] and row["Title"] and when.match(row["Started On"])
            assert row["Finished On"] == "" or when.match(row["Finished On"])
            multiline += "\n" in row["Description"]
            entities += "&amp;" in row["Description"] or "&amp;" in row["Company Name"]
            year_only += len(row["Started On"]) == 4
            current += row["Finished On"] == ""
    assert multiline >= 20 and entities >= 20 and year_only >= 10 and current >= 50


@pytest.mark.parametrize("seed", [42, 7])
def test_registry_world(worlds: dict[int, World], seed: int) -> None:
    data = worlds[seed].data
    ch = {c["company_number"]: c for c in data["companies_house"]}
    hq = ch["01234567"]
    assert hq["company_name"].startswith("EXAMPLE ROBOTICS") and hq["sic_codes"] == ["26110", "28990"]
    assert len(ch) >= 150 and all(re.fullmatch(r"(\d{8}|SC\d{6})", n) for n in ch)
    assert all(re.fullmatch(r"\d{5}", s) for c in ch.values() for s in c["sic_codes"])
    assert any(c["company_name"].startswith("RIVAL DYNAMICS") for c in ch.values())
    sharing = [c for n, c in ch.items() if n != "01234567" and {"26110", "28990"} & set(c["sic_codes"])]
    assert len(sharing) >= 2
    gleif = {g["lei"]: g for g in data["gleif"]}
    assert all(lei_is_valid(lei) for lei in gleif)
    acme = next(g for g in gleif.values() if g["legal_name"]["name"] == "Acme Automation Inc.")
    family = [g for g in gleif.values() if acme["lei"] in (g["direct_parent"], g["ultimate_parent"])]
    assert any("Acme" not in g["legal_name"]["name"] for g in family), "a subsidiary with another name"
    zh = [g for g in gleif.values() if g["legal_name"]["language"] == "zh"]
    assert len(zh) >= 5 and all(g["transliterated_other_names"] for g in zh)
    assert all(any(o["type"] == "ALTERNATIVE_LANGUAGE_LEGAL_NAME" for o in g["other_names"]) for g in zh)
    assert any(g["legal_name"]["name"].endswith("GmbH") for g in gleif.values())
    assert any(g["legal_name"]["name"].endswith("S.A.") for g in gleif.values())
    assert any("株式会社" in g["legal_name"]["name"] for g in gleif.values())
    assert any(o["type"] == "PREVIOUS_LEGAL_NAME" for g in gleif.values() for o in g["other_names"])
    assert sum(c["date_of_cessation"] is not None for c in ch.values()) >= 10
    assert sum(bool(c["previous_company_names"]) for c in ch.values()) >= 5
    oc = data["opencorporates"]
    assert any(o["previous_names"] for o in oc)
    gb_oc = [o for o in oc if o["jurisdiction_code"] == "gb"]
    assert gb_oc and all(re.fullmatch(r"\d\d\.\d\d", code["code"]) for o in gb_oc for code in o["industry_codes"])
    for o in gb_oc:  # the same company, the same facts, in both registries
        c = ch[o["company_number"]]
        assert o["incorporation_date"] == c["date_of_creation"] and o["dissolution_date"] == c["date_of_cessation"]
        assert [x["code"].replace(".", "") + "0" for x in o["industry_codes"]] == [s[:4] + "0" for s in c["sic_codes"]]
    names = " ".join(c["company_name"] for c in ch.values())
    assert all(w.upper() in names for w in ("SOLUTIONS", "GLOBAL", "SYSTEMS", "TECHNOLOGIES"))


@pytest.mark.parametrize("seed", [42, 7])
def test_reviews(worlds: dict[int, World], seed: int) -> None:
    reviews = worlds[seed].data["reviews"]
    assert 150 <= len(reviews) <= 260 and len({r["review_id"] for r in reviews}) == len(reviews)
    assert all(1 <= r["rating"] <= 5 and r["employment_status"] in ("current", "former") for r in reviews)
    day = date.fromisoformat(DAY)
    assert all(0 <= (day - date.fromisoformat(r["date"])).days <= 731 for r in reviews)
    hq = [r for r in reviews if r["employer"] == "Example Robotics Ltd"]
    recent_bad = [r for r in hq if (day - date.fromisoformat(r["date"])).days <= 7 and r["rating"] <= 2]
    assert len(hq) >= 40 and len(recent_bad) >= 3
    text = " ".join(f"{r['title']} {r['cons']}" for r in reviews)
    for word in ("overtime", "layoffs", "加班", "拖欠工资", "裁员", "management", "Pay"):
        assert word in text
    assert len({r["employer"] for r in reviews}) >= 15


@pytest.mark.parametrize("seed", [42, 7])
def test_nothing_is_dated_after_the_report_day_and_updates_spread(worlds: dict[int, World], seed: int) -> None:
    text = json.dumps(worlds[seed].data)
    stamps = re.findall(r'"(\d{4}-\d\d-\d\d)(?:T[\d:]+Z)?"', text)
    assert stamps and max(stamps) <= DAY
    updated = sorted(c["updated_at"] for c in worlds[seed].data["candidates"])
    assert updated[0] < "2025-03-01" and updated[-1] > "2026-09-01"


def test_main_writes_a_world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--seed", "9", "--out", str(tmp_path), "--candidates", "60", "--report-day", "2026-06-30"]) == 0
    world = World.load(tmp_path)
    assert len(world.data["candidates"]) == 60 and world.data["generated_for_day"] == "2026-06-30"
    assert "career_gap" in capsys.readouterr().out


def test_the_shipped_demo_world_is_seed_42_as_generated(worlds: dict[int, World]) -> None:
    shipped = World.load(SHIPPED)
    assert shipped.data == worlds[42].data and shipped.labels == worlds[42].labels
    assert (SHIPPED / "world.json").stat().st_size < 5_000_000


_SUFFIXES = (" private limited", " pvt ltd", " co., ltd.", ", inc.", " inc.", " inc", " ltd.", " ltd", " limited",
             " plc", " gmbh", " s.a.", " b.v.")


def _norm(name: str) -> str:
    name = name.lower().strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)].strip(" ,")
    return name


def _registry_index(data: dict) -> tuple[dict[str, set[tuple[str, str | None, str]]], dict[str, set[str]]]:
    """Every registry name -> {(created, dissolved, entity)}; entity -> industry codes (5-digit)."""
    index: dict[str, set[tuple[str, str | None, str]]] = {}
    codes: dict[str, set[str]] = {}

    def add(name: str, created: str, dissolved: str | None, entity: str) -> None:
        for key in {name.lower(), _norm(name)}:
            index.setdefault(key, set()).add((created, dissolved, entity))

    for c in data["companies_house"]:
        entity = "gb:" + c["company_number"]
        for name in [c["company_name"]] + [p["name"] for p in c["previous_company_names"]]:
            add(name, c["date_of_creation"], c["date_of_cessation"], entity)
        codes.setdefault(entity, set()).update(c["sic_codes"])
    for o in data["opencorporates"]:
        entity = ("gb:" if o["jurisdiction_code"] == "gb" else o["jurisdiction_code"] + ":") + o["company_number"]
        for name in [o["name"]] + [p["company_name"] for p in o["previous_names"]]:
            add(name, o["incorporation_date"], o["dissolution_date"], entity)
        codes.setdefault(entity, set()).update(x["code"].replace(".", "") + "0" for x in o["industry_codes"]
                                               if x["code_scheme_id"] != "us_naics_2017")
    for g in data["gleif"]:
        for name in [g["legal_name"]["name"]] + [o["name"] for o in g["other_names"]]:
            add(name, g["creation_date"], None, "lei:" + g["lei"])
    return index, codes


@pytest.mark.parametrize("seed", [42, 7])
def test_registry_facts_agree_with_the_labels(worlds: dict[int, World], seed: int) -> None:
    """A plain exact-name resolver over the registries reproduces the registry and non-compete labels."""
    data = worlds[seed].data
    index, codes = _registry_index(data)
    today = _m(DAY)
    acme = next(g["lei"] for g in data["gleif"] if g["legal_name"]["name"] == "Acme Automation Inc.")
    family = {g["legal_name"]["name"].lower() for g in data["gleif"]
              if acme in (g["lei"], g["direct_parent"], g["ultimate_parent"])}
    family |= {_norm(n) for n in family}
    sharing = {e for e, cs in codes.items() if cs & {"26110", "28990"} and e != "gb:01234567"}
    by = _pairs(worlds[seed])
    known = {row["name"]: row["registered_as"] for row in worlds[seed].names}
    for c in data["candidates"]:
        if not c["consent"]:
            continue
        kinds = by.get(f"{c['ats']}:{c['id']}", set())
        inactive = competitor = unknown = False
        for e in c["employments"]:
            # a ticker, brand spelling or other script the generator declares (names.csv): its registered name
            name = known.get(e["company_name"], e["company_name"])
            hits = index.get(name.lower()) or index.get(_norm(name))
            if not hits:
                unknown = True
                continue
            dates = {(created, dissolved) for created, dissolved, _ in hits if created}
            assert len(dates) == 1, (e["company_name"], hits)
            created, dissolved = dates.pop()
            end = _m(e["end"]) if e["end"] else today
            inactive |= _m(created) - _m(e["start"]) > 2 or (dissolved is not None and end - _m(dissolved) > 2)
            entities = {entity for _, _, entity in hits}
            is_competitor = (bool(entities & sharing) or _norm(e["company_name"]) in family
                             or e["company_name"].lower() in family
                             or _norm(e["company_name"]).startswith(("rival dynamics", "acme automation")))
            competitor |= is_competitor and today - end <= 24
        assert unknown == ("employer_not_in_registry" in kinds), c["id"]
        assert inactive == ("employer_inactive_during_tenure" in kinds), c["id"]
        assert competitor == ("non_compete_risk" in kinds), c["id"]


def test_profiles_are_internally_consistent(worlds: dict[int, World]) -> None:
    data = worlds[42].data
    for login, g in data["github"].items():
        assert g["login"] == login and g["created_at"] <= g["updated_at"]
        assert g["company"] is None or g["company"].strip()
    handles = [g["company"] for g in data["github"].values() if g["company"]]
    assert any(h.startswith("@") for h in handles) and any(not h.startswith("@") for h in handles)
    for o in data["orcid"].values():
        for e in o["employments"]:
            assert e["organization"]["name"] and e["start_date"]["year"]
            assert e["end_date"] is None or e["end_date"]["year"] >= e["start_date"]["year"]
    for c in data["candidates"]:
        for e in c["employments"]:
            assert e["end"] is None or e["start"] <= e["end"]
            assert e["employment_type"] in ("full_time", "part_time", "contract", "internship")
