"""Loading snapshot files into the warehouse, on DuckDB and on PostgreSQL."""

from __future__ import annotations

import zipfile

from include.engine.names import normalise_company
from include.snapshots import companies_house, gleif
from include.snapshots.load import load_snapshot, plan_files


def _state(wh):
    ents = wh.query("SELECT * FROM registry_entities ORDER BY entity_id")
    names = wh.query("SELECT * FROM registry_names ORDER BY entity_id, name, kind")
    return ents, names


def _names_of(wh, entity_id):
    return [
        (r["name"], r["kind"], r["language"])
        for r in wh.query(
            "SELECT name, kind, language FROM registry_names WHERE entity_id = ? ORDER BY position",
            [entity_id],
        )
    ]


def test_entities_names_and_dates_arrive(loaded, truth, snapshot_files):
    wh = loaded
    counts = {
        r["registry"]: r["n"]
        for r in wh.query("SELECT registry, count(*) AS n FROM registry_entities GROUP BY registry")
    }
    assert counts == snapshot_files.counts
    n_names = wh.query("SELECT count(*) AS n FROM registry_names")[0]["n"]
    assert n_names == sum(len(e.names) for e in truth)

    with_prev = next(e for e in truth if e.registry == "companies_house" and len(e.names) > 1)
    assert [(n, k) for n, k, _ in _names_of(wh, with_prev.entity_id)] == with_prev.names
    row = wh.query("SELECT * FROM registry_entities WHERE entity_id = ?", [with_prev.entity_id])[0]
    d, m, y = with_prev.row["IncorporationDate"].split("/")
    assert row["created"] == f"{y}-{m}-{d}" and row["jurisdiction"] == "GB"
    assert row["industry_codes"][0] == {
        "scheme": "uk_sic_2007",
        "code": with_prev.row["SICCode.SicText_1"][:5],
    }
    assert row["record_url"].endswith(f"/company/{with_prev.entity_id.split(':')[1]}")
    assert row["fetched_at"] == f"{snapshot_files.companies_house.name[26:36]}T00:00:00+00:00"

    chinese = next(
        e for e in truth if e.registry == "gleif" and any(k == "transliterated" for _, k in e.names)
    )
    stored = _names_of(wh, chinese.entity_id)
    assert [(n, k) for n, k, _ in stored] == chinese.names
    assert [lang for _, _, lang in stored] == ["zh", "en", "zh-Latn"]
    norms = {
        r["name"]: r["normalized"]
        for r in wh.query(
            "SELECT name, normalized FROM registry_names WHERE entity_id = ?", [chinese.entity_id]
        )
    }
    assert norms == {n: normalise_company(n) for n, _ in chinese.names}

    expired = next(e for e in truth if e.registry == "gleif" and e.row["Entity.EntityExpirationDate"])
    g = wh.query("SELECT * FROM registry_entities WHERE entity_id = ?", [expired.entity_id])[0]
    assert g["status"] == "INACTIVE" and g["dissolved"] == expired.row["Entity.EntityExpirationDate"][:10]
    assert g["created"] == expired.row["Entity.EntityCreationDate"][:10]


def test_reloading_the_same_file_changes_nothing(loaded, snapshot_files):
    before = _state(loaded)
    again = load_snapshot(loaded, snapshot_files.companies_house, batch_size=37)
    load_snapshot(loaded, snapshot_files.gleif, batch_size=50)
    assert again.entities == snapshot_files.counts["companies_house"] and again.malformed == 0
    assert _state(loaded) == before


def test_next_snapshot_replaces_names_and_keeps_api_parents(wh, tmp_path, truth):
    ent = next(e for e in truth if e.registry == "gleif" and e.traditional is None)
    path = tmp_path / "20260101-0800-gleif-goldencopy-lei2-golden-copy.csv"
    row = dict(
        ent.row,
        **{
            "Entity.OtherEntityNames.OtherEntityName.1": "Old Trading Name",
            "Entity.OtherEntityNames.OtherEntityName.1.type": "TRADING_OR_OPERATING_NAME",
        },
    )
    with path.open("w", encoding="utf-8", newline="") as fh:
        gleif.row_writer(fh)(row)
    load_snapshot(wh, path)
    assert ("Old Trading Name", "trading") in [(n, k) for n, k, _ in _names_of(wh, ent.entity_id)]
    wh.execute(
        "UPDATE registry_entities SET parent_ids = ? WHERE entity_id = ?", ['["gleif:PARENT"]', ent.entity_id]
    )
    later = tmp_path / "20260201-0800-gleif-goldencopy-lei2-golden-copy.csv"
    with later.open("w", encoding="utf-8", newline="") as fh:
        gleif.row_writer(fh)(ent.row)
    load_snapshot(wh, later)
    assert "Old Trading Name" not in [n for n, _, _ in _names_of(wh, ent.entity_id)]
    row = wh.query(
        "SELECT parent_ids, fetched_at FROM registry_entities WHERE entity_id = ?", [ent.entity_id]
    )[0]
    assert row["parent_ids"] == ["gleif:PARENT"] and row["fetched_at"].startswith("2026-02-01")


def test_malformed_rows_are_counted_and_skipped(wh, tmp_path, truth):
    good = [e for e in truth if e.registry == "companies_house"][:3]
    path = tmp_path / "BasicCompanyData-2026-02-01-part1_7.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        write = companies_house.row_writer(fh)
        write(good[0].row)
        write(dict(good[1].row, IncorporationDate="2011-06-29"))  # ISO, not dd/mm/yyyy
        write(dict(good[2].row, CompanyNumber=""))
        fh.write('"SHORT ROW LTD","09999999"\r\n')
        write(good[2].row)
    report = load_snapshot(wh, path)
    assert (report.rows_read, report.entities, report.malformed) == (5, 2, 3)
    assert report.reasons == {
        "IncorporationDate is not a dd/mm/yyyy date": 1,
        "CompanyNumber is not 8 letters or digits": 1,
        "2 fields, expected 55": 1,
    }
    assert {r["entity_id"] for r in wh.query("SELECT entity_id FROM registry_entities")} == {
        good[0].entity_id,
        good[2].entity_id,
    }
    q = wh.query("SELECT record_key, reason, source FROM quarantine ORDER BY record_key")
    assert [r["record_key"] for r in q] == [f"{path.name}:{n}" for n in (3, 4, 5)]
    assert {r["source"] for r in q} == {"companies_house"}


def test_a_zipped_snapshot_is_streamed(wh, tmp_path, snapshot_files):
    archive = tmp_path / "BasicCompanyDataAsOneFile-2026-02-01.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(snapshot_files.companies_house, snapshot_files.companies_house.name)
    report = load_snapshot(wh, archive)
    assert (
        report.registry == "companies_house" and report.entities == snapshot_files.counts["companies_house"]
    )


def test_plan_files_from_conf_and_default_folder(tmp_path):
    (tmp_path / "BasicCompanyData-2026-02-01-part1_2.csv").write_text("x")
    (tmp_path / "20260201-0800-gleif-goldencopy-lei2-golden-copy.csv.zip").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    planned = plan_files({}, root=tmp_path)
    assert [p["path"].rsplit("/", 1)[1] for p in planned] == [
        "BasicCompanyData-2026-02-01-part1_2.csv",
        "20260201-0800-gleif-goldencopy-lei2-golden-copy.csv.zip",
    ]
    assert plan_files({"files": [{"path": "/data/x.csv", "registry": "gleif"}]}) == [
        {"path": "/data/x.csv", "registry": "gleif"}
    ]
    assert plan_files({}, root=tmp_path / "missing") == []


def test_gleif_relationship_file_gives_parents_in_either_load_order(wh, tmp_path, truth):
    from include.snapshots import gleif_rr

    leis = [e for e in truth if e.registry == "gleif"][:4]
    child, parent, top, other = (e.row["LEI"] for e in leis)
    rr = tmp_path / "20260201-0800-gleif-goldencopy-rr-golden-copy.csv"

    def rel(start, end, kind, status="ACTIVE"):
        return {gleif_rr.START: start, gleif_rr.END: end, gleif_rr.TYPE: kind, gleif_rr.STATUS: status,
                "Relationship.StartNode.NodeIDType": "LEI", "Relationship.EndNode.NodeIDType": "LEI"}

    with rr.open("w", encoding="utf-8", newline="") as fh:
        write = gleif_rr.row_writer(fh)
        write(rel(child, top, "IS_ULTIMATELY_CONSOLIDATED_BY"))
        write(rel(child, parent, "IS_DIRECTLY_CONSOLIDATED_BY"))
        write(rel(parent, top, "IS_DIRECTLY_CONSOLIDATED_BY"))
        write(rel(other, top, "IS_DIRECTLY_CONSOLIDATED_BY", status="INACTIVE"))  # ended: no parent
        write(rel(other, parent, "IS_INTERNATIONAL_BRANCH_OF"))  # a branch is not a subsidiary
        write(rel("NOT-AN-LEI", top, "IS_DIRECTLY_CONSOLIDATED_BY"))
    first = load_snapshot(wh, rr)  # before any Level 1 row: kept until the entities arrive
    assert (first.registry, first.rows_read, first.relationships, first.malformed) == ("gleif_rr", 6, 3, 1)
    assert first.parents_applied == 0 and first.reasons == {"a node is not an LEI": 1}
    level1 = tmp_path / "20260201-0800-gleif-goldencopy-lei2-golden-copy.csv"
    with level1.open("w", encoding="utf-8", newline="") as fh:
        write = gleif.row_writer(fh)
        for e in leis:
            write(e.row)
    assert load_snapshot(wh, level1).parents_applied == 2
    parents = {r["entity_id"]: r["parent_ids"] for r in wh.query("SELECT entity_id, parent_ids FROM registry_entities")}
    assert parents == {f"gleif:{child}": [f"gleif:{parent}", f"gleif:{top}"], f"gleif:{parent}": [f"gleif:{top}"],
                       f"gleif:{top}": [], f"gleif:{other}": []}
    assert load_snapshot(wh, rr).parents_applied == 2  # loaded again (after Level 1): same state
    assert {r["entity_id"]: r["parent_ids"] for r in wh.query("SELECT entity_id, parent_ids FROM registry_entities")} \
        == parents
