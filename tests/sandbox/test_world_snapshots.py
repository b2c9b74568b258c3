"""A sandbox world's registers exported as bulk snapshot files load back as the same entities."""

from __future__ import annotations

import pytest

from include.engine.bulk_resolve import names_needing_lookup
from include.snapshots.load import load_snapshot
from include.snapshots.normalised import renormalise_if_stale
from include.warehouse import connect
from sandbox.generator import build_world
from sandbox.snapshots import export_snapshots


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    data, _labels = build_world(42, 80, "2026-11-21")
    out = tmp_path_factory.mktemp("world-snapshot")
    files = export_snapshots(data, out, pad_to=600)
    wh = connect({"conn_type": "duckdb", "host": str(out / "wh.duckdb")})
    wh.migrate()
    # the relationship file first: parents wait in registry_relationships until their entities arrive
    reports = [load_snapshot(wh, p) for p in (files.relationships, files.companies_house, files.gleif)]
    renormalise_if_stale(wh)
    yield data, files, reports, wh
    wh.close()


def _entities(wh):
    rows = {r["entity_id"]: r for r in wh.query("SELECT * FROM registry_entities")}
    names: dict[str, set[str]] = {}
    for r in wh.query("SELECT entity_id, name FROM registry_names"):
        names.setdefault(r["entity_id"], set()).add(r["name"])
    return rows, names


def test_files_load_without_a_malformed_row_and_fill_the_register(loaded):
    data, files, reports, _wh = loaded
    assert all(r.malformed == 0 for r in reports)
    assert reports[0].registry == "gleif_rr" and reports[0].relationships == files.counts["relationships"] > 0
    assert reports[0].parents_applied == 0 and reports[2].parents_applied > 0
    reports = reports[1:]
    assert sum(r.entities for r in reports) == 600 == sum(v for k, v in files.counts.items() if k != "relationships")
    live = [c for c in data["companies_house"] if c["company_status"] != "dissolved"]
    assert files.counts["companies_house"] == len(live) > 0 and files.counts["gleif"] == len(data["gleif"]) > 0


def test_live_companies_and_lei_records_keep_their_facts_dissolved_companies_stay_out(loaded):
    data, _files, _reports, wh = loaded
    rows, names = _entities(wh)
    for c in data["companies_house"]:
        got = rows.get(f"companies_house:{c['company_number']}")
        if c["company_status"] == "dissolved":
            assert got is None  # the free data product lists live companies only
            continue
        assert got["status"].casefold() == c["company_status"].replace("-", " ")
        assert got["created"] == c["date_of_creation"]
        assert [x["code"] for x in got["industry_codes"]] == c["sic_codes"][:4]
        assert names[got["entity_id"]] == {c["company_name"], *(p["name"] for p in c["previous_company_names"])}
    for g in data["gleif"]:
        got = rows[f"gleif:{g['lei']}"]
        assert (got["status"], got["created"], got["jurisdiction"]) == (g["status"], g["creation_date"],
                                                                        g["jurisdiction"])
        assert names[got["entity_id"]] == {g["legal_name"]["name"], *(n["name"] for n in g["other_names"]),
                                           *(n["name"] for n in g["transliterated_other_names"])}


def test_the_worlds_registered_names_resolve_locally(loaded):
    data, _files, _reports, wh = loaded
    live = [c["company_name"] for c in data["companies_house"] if c["company_status"] != "dissolved"]
    lei = [g["legal_name"]["name"] for g in data["gleif"]]
    dissolved = [c["company_name"] for c in data["companies_house"] if c["company_status"] == "dissolved"]
    missing = set(names_needing_lookup(wh, live + lei + dissolved))
    assert not missing & set(live + lei)
    assert set(dissolved) - set(live + lei) <= missing  # not in the files: still asked of the API


def test_corporate_families_come_from_the_relationship_file_as_from_the_api(loaded):
    data, files, _reports, wh = loaded
    rows, _names = _entities(wh)
    with_parents = 0
    for g in data["gleif"]:
        want = list(dict.fromkeys(f"gleif:{p}" for p in (g.get("direct_parent"), g.get("ultimate_parent"))
                                  if p and p != g["lei"]))
        assert rows[f"gleif:{g['lei']}"]["parent_ids"] == want
        with_parents += bool(want)
    assert with_parents > 0
    # a later Level 1 load keeps them (a snapshot never clears parents), a second Level 2 load is idempotent
    again = [load_snapshot(wh, files.gleif), load_snapshot(wh, files.relationships)]
    assert again[1].relationships == files.counts["relationships"]
    assert _entities(wh)[0] == rows
