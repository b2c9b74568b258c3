"""``candidates.report_people``: a report's people read in IN lists for a few ids, in one scan of the
table for many (a report's index of every candidate with findings); the same answer either way, on both
engines."""

from __future__ import annotations

from include.warehouse import candidates
from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401

N = 2_100  # above the 4 IN lists of 500 from which a scan is considered


def _people(wh):
    wh.upsert("candidates", [{"candidate_id": f"greenhouse:{n}", "source": "greenhouse", "source_id": str(n),
                              "first_name": f"Ana {n}", "last_name": "Silva" if n % 2 else "佐藤",
                              "record_url": f"https://ats.example/{n}", "consent_given": n % 3 != 0}
                             for n in range(N)], ["candidate_id"])


def test_many_ids_are_read_in_one_scan_and_few_in_in_lists_with_the_same_answer(warehouse, monkeypatch):  # noqa: F811
    _people(warehouse)
    ids = [f"greenhouse:{n}" for n in range(0, N, 1)][:2_050] + ["greenhouse:missing", "lever:x"]
    in_lists: list[int] = []
    real = type(warehouse).query_in
    monkeypatch.setattr(type(warehouse), "query_in",
                        lambda self, sql, values, *a, **k: in_lists.append(len(values)) or real(self, sql, values, *a, **k))
    scanned = candidates.report_people(warehouse, ids)
    assert in_lists == []  # 2,052 of 2,100 asked for: one scan
    monkeypatch.setattr(candidates, "SCAN_SHARE", 0)  # never a scan
    listed = candidates.report_people(warehouse, ids)
    assert in_lists == [len(ids)]
    assert scanned == listed and len(scanned) == 2_050
    assert scanned["greenhouse:4"] == {"candidate_id": "greenhouse:4", "first_name": "Ana 4", "last_name": "佐藤",
                                       "record_url": "https://ats.example/4", "consent_given": True}
    monkeypatch.undo()
    few = candidates.report_people(warehouse, ["greenhouse:7", "greenhouse:9"])
    assert sorted(few) == ["greenhouse:7", "greenhouse:9"]
