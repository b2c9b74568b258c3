"""A candidate's access and erasure requests, against the warehouse and the raw landing files."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from connectors.http import Payload
from include.audit.chain import verify
from include.audit.subject import erase_candidate, export_candidate, is_erased
from include.findings import clear_finding, findings_digest, upsert_findings
from include.landing import Lander
from tests.audit.audit_helpers import finding, seal

ANA, BOB = "greenhouse:4829103", "greenhouse:4829555"
ANA_EMAIL, BOB_EMAIL = "ana.silva@example.net", "bob.jones@example.org"
ANA_PHONE, ORCID, LOGIN = "+44 7700 900123", "0000-0002-1825-0097", "asilva"
LINKEDIN = "https://harvest.greenhouse.io/v3/attachments/991/Positions.csv"
GH = "https://harvest.greenhouse.io/v3"


def _gh_candidate(cid: int, first: str, last: str, email: str, phone: str) -> dict:
    return {
        "id": cid,
        "first_name": first,
        "last_name": last,
        "email_addresses": [{"value": email, "type": "personal"}],
        "phone_numbers": [{"value": phone, "type": "mobile"}],
        "custom_fields": {"background_check_consent": True},
    }


def _land(root: Path, source: str, run_id: str, lines: list[tuple[str, object]]) -> list:
    lander = Lander(root, source, "2026-11-21", run_id)
    for url, body in lines:
        text = body if isinstance(body, str) else json.dumps(body)
        lander(Payload(source=source, url=url, status=200, body=text.encode(), fetched_at=1700000000.0))
    return lander.close()


def _build(wh, root: Path) -> dict[str, list]:
    files = {
        "greenhouse": _land(
            root,
            "greenhouse",
            "run-1",
            [
                (
                    f"{GH}/candidates?per_page=2",
                    [
                        _gh_candidate(4829103, "Ana", "Silva", ANA_EMAIL, ANA_PHONE),
                        _gh_candidate(4829555, "Bob", "Jones", BOB_EMAIL, "+44 7700 900555"),
                    ],
                ),
                (
                    f"{GH}/applications?per_page=2",
                    {
                        "applications": [
                            {"id": 7729103, "candidate_id": 4829103},
                            {"id": 7729555, "candidate_id": 4829555},
                        ]
                    },
                ),
                (LINKEDIN, "Company Name,Title,Started On\nHalcyon Software,Senior Developer,Mar 2019\n"),
            ],
        ),
        "github": _land(
            root,
            "github",
            "run-1",
            [
                (
                    f"https://api.github.com/users/{LOGIN}",
                    {"login": LOGIN, "name": "Ana Silva", "email": ANA_EMAIL},
                ),
                (
                    "https://api.github.com/users/bjones",
                    {"login": "bjones", "name": "Bob Jones", "email": BOB_EMAIL},
                ),
            ],
        ),
        "orcid": _land(
            root,
            "orcid",
            "run-1",
            [
                (
                    f"https://pub.orcid.org/v3.0/{ORCID}/employments",
                    {
                        "affiliation-group": [
                            {
                                "summaries": [
                                    {
                                        "employment-summary": {
                                            "path": f"/{ORCID}/employment/1",
                                            "role-title": "Dev",
                                        }
                                    }
                                ]
                            }
                        ]
                    },
                )
            ],
        ),
        "companies_house": _land(
            root,
            "companies_house",
            "run-1",
            [
                (
                    "https://api.company-information.service.gov.uk/company/01234567",
                    {"company_name": "HALCYON LTD"},
                )
            ],
        ),
    }
    for source, landed in files.items():
        wh.upsert(
            "landed_payloads",
            [
                {
                    "run_id": "run-1",
                    "source": source,
                    "path": f.path,
                    "sha256": f.sha256,
                    "records": f.records,
                    "bytes": f.bytes,
                }
                for f in landed
            ],
            ["run_id", "path"],
        )
    consent = {
        "given": True,
        "source_field": "custom_field:background_check_consent",
        "value": "true",
        "read_at": "2026-11-21T06:00:00+00:00",
    }
    wh.upsert(
        "candidates",
        [
            {
                "candidate_id": ANA,
                "source": "greenhouse",
                "source_id": "4829103",
                "first_name": "Ana",
                "last_name": "Silva",
                "emails": [ANA_EMAIL],
                "phones": [ANA_PHONE],
                "consent_given": True,
                "consent": consent,
                "orcid": ORCID,
                "github_login": LOGIN,
                "linkedin_export_url": LINKEDIN,
                "record_url": f"{GH}/candidates/4829103",
                "run_id": "run-1",
            },
            {
                "candidate_id": BOB,
                "source": "greenhouse",
                "source_id": "4829555",
                "first_name": "Bob",
                "last_name": "Jones",
                "emails": [BOB_EMAIL],
                "phones": [],
                "consent_given": True,
                "consent": consent,
                "run_id": "run-1",
            },
        ],
        ["candidate_id"],
    )
    wh.upsert(
        "applications",
        [
            {"application_id": "greenhouse:7729103", "candidate_id": ANA, "run_id": "run-1"},
            {"application_id": "greenhouse:7729555", "candidate_id": BOB, "run_id": "run-1"},
        ],
        ["application_id"],
    )
    wh.upsert(
        "employments",
        [
            {
                "employment_id": "greenhouse:e1",
                "candidate_id": ANA,
                "source": "greenhouse",
                "employer": "Halcyon Software",
                "title": "Senior Developer",
                "start_raw": "2019-03",
                "record_ref": f"{GH}/candidates/4829103",
            },
            {
                "employment_id": "github:asilva",
                "candidate_id": ANA,
                "source": "github",
                "employer": "@halcyon",
                "record_ref": f"https://api.github.com/users/{LOGIN}",
            },
            {
                "employment_id": "greenhouse:e9",
                "candidate_id": BOB,
                "source": "greenhouse",
                "employer": "Rival Dynamics",
                "record_ref": f"{GH}/candidates/4829555",
            },
        ],
        ["employment_id"],
    )
    wh.upsert(
        "educations",
        [
            {
                "education_id": "greenhouse:d1",
                "candidate_id": ANA,
                "source": "greenhouse",
                "school": "University of Leeds",
                "record_ref": "x",
            }
        ],
        ["education_id"],
    )
    wh.upsert(
        "quarantine",
        [
            {
                "quarantine_id": "q1",
                "run_id": "run-1",
                "source": "greenhouse",
                "dataset": "employments",
                "record_key": "4829103/e7",
                "reason": "bad date",
                "raw": {"email": ANA_EMAIL, "start": "31/02/2019"},
            },
            {
                "quarantine_id": "q2",
                "run_id": "run-1",
                "source": "greenhouse",
                "dataset": "employments",
                "record_key": "4829555/e2",
                "reason": "bad date",
                "raw": {"email": BOB_EMAIL},
            },
        ],
        ["quarantine_id"],
    )
    found = [
        finding(ANA, 1, summary=f"Ana Silva ({ANA_EMAIL}) lists Halcyon."),
        finding(ANA, 2),
        finding(BOB, 1),
    ]
    manifest_sources = {
        s: {"payloads": [{"path": f.path, "sha256": f.sha256} for f in landed]} for s, landed in files.items()
    }
    upsert_findings(wh, found, "run-1", {ANA, BOB})
    seal(wh, "run-1", findings_digest(found), sources=manifest_sources, candidates_checked=2)
    clear_finding(wh, found[1].finding_id, "Ana Silva explained the gap on the phone", "hr.lead")
    upsert_findings(wh, found, "run-2", {ANA, BOB})
    seal(wh, "run-2", findings_digest(found), sources={})
    return files


def _everything_in_warehouse(wh) -> str:
    """Every column of every table as text: the test's own look, independent of the code under test."""
    tables = wh.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    parts = []
    for t in tables:
        cols = wh.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ?",
            [t["table_name"]],
        )
        for c in cols:
            for r in wh.query(f'SELECT CAST("{c["column_name"]}" AS TEXT) AS v FROM "{t["table_name"]}"'):
                parts.append(str(r["v"]))
    return "\n".join(parts).lower()


def _everything_in_landing(root: Path) -> str:
    parts = []
    for p in sorted(root.rglob("*")):
        if p.is_file():
            assert p.name.endswith(".jsonl.gz"), f"stray file left in the landing zone: {p.name}"
            with gzip.open(p, "rt", encoding="utf-8") as fh:
                for line in fh:
                    parts.append(line)
                    parts.append(json.dumps(json.loads(line), ensure_ascii=False))  # body unescaped too
                    parts.append(str(json.loads(line)["body"]))
    return "\n".join(parts).lower()


@pytest.fixture
def landing(tmp_path) -> Path:
    return tmp_path / "landing"


def test_export_holds_the_candidates_data_and_nobody_elses(warehouse, landing):
    tmp_path = landing
    _build(warehouse, tmp_path)
    out = export_candidate(warehouse, ANA, tmp_path)
    assert out["candidate"]["emails"] == [ANA_EMAIL]
    assert [a["application_id"] for a in out["applications"]] == ["greenhouse:7729103"]
    assert len(out["employments"]) == 2 and len(out["educations"]) == 1
    assert sorted(f["finding_id"] for f in out["findings"]) == [f"f-{ANA}-1", f"f-{ANA}-2"]
    assert out["finding_clearances"][0]["cleared_by"] == "hr.lead"
    assert [q["quarantine_id"] for q in out["quarantine"]] == ["q1"]
    assert out["audit"]["runs_that_wrote_findings"] == ["run-1", "run-2"]
    assert out["audit"]["erased"] is False
    sources = {Path(f["path"]).relative_to(tmp_path).parts[0] for f in out["landing_files"]}
    assert sources == {"greenhouse", "github", "orcid"}
    text = json.dumps(out, default=str)
    assert ANA_EMAIL in text and "4829103" in text
    assert (
        BOB_EMAIL not in text and "Bob" not in text
    )  # pages also hold others: only Ana's records are exported
    with pytest.raises(KeyError):
        export_candidate(warehouse, "greenhouse:1111111", tmp_path)


def test_erasure_removes_personal_data_everywhere_and_keeps_the_chain(warehouse, landing):
    tmp_path = landing
    files = _build(warehouse, tmp_path)
    assert verify(warehouse).ok
    before_landing = _everything_in_landing(tmp_path)
    assert ANA_EMAIL in before_landing and ANA_EMAIL in _everything_in_warehouse(warehouse)
    run_findings_before = warehouse.query("SELECT * FROM run_findings ORDER BY run_id, finding_id")
    manifest_before = warehouse.query("SELECT manifest FROM pipeline_runs WHERE run_id = 'run-1'")[0][
        "manifest"
    ]
    untouched = files["companies_house"][0]

    report = erase_candidate(warehouse, ANA, tmp_path, by="dpo@example.com")

    res = verify(warehouse)
    assert res.ok, res
    assert res.rows == 2
    in_wh, in_landing = _everything_in_warehouse(warehouse), _everything_in_landing(tmp_path)
    for needle in (ANA_EMAIL, ANA_PHONE.lower(), ORCID, LOGIN, "ana silva", LINKEDIN.lower()):
        assert needle not in in_wh, needle
        assert needle not in in_landing, needle
    assert BOB_EMAIL in in_wh and BOB_EMAIL in in_landing  # nobody else's data went with it
    assert '"bjones"' in in_landing and "halcyon ltd" in in_landing
    assert report["residual"] == {}
    assert report["tables"]["candidates"] == 1 and report["tables"]["discrepancies"] == 2
    assert report["tables"]["quarantine"] == 1 and report["tables"]["finding_clearances"] == 1
    assert sorted(report["findings"]) == [f"f-{ANA}-1", f"f-{ANA}-2"]

    # the tombstone: salted hash, who, what; the rewritten files with old and new hashes
    tomb = warehouse.query("SELECT * FROM erasures")
    assert len(tomb) == 1 and tomb[0]["erased_by"] == "dpo@example.com"
    assert (
        "4829103" not in json.dumps(tomb[0])
        and tomb[0]["candidate_hash"] != hashlib.sha256(ANA.encode()).hexdigest()
    )
    rewritten = {Path(f["path"]).relative_to(tmp_path).parts[0] for f in tomb[0]["files"]}
    assert rewritten == {"greenhouse", "github", "orcid"}
    for f in tomb[0]["files"]:
        assert hashlib.sha256(Path(f["path"]).read_bytes()).hexdigest() == f["new_sha256"] != f["old_sha256"]
    # landed_payloads follows the files; the manifest keeps what was read; run_findings untouched
    for r in warehouse.query("SELECT path, sha256 FROM landed_payloads"):
        assert hashlib.sha256(Path(r["path"]).read_bytes()).hexdigest() == r["sha256"]
    assert hashlib.sha256(Path(untouched.path).read_bytes()).hexdigest() == untouched.sha256
    assert (
        warehouse.query("SELECT manifest FROM pipeline_runs WHERE run_id = 'run-1'")[0]["manifest"]
        == manifest_before
    )
    assert warehouse.query("SELECT * FROM run_findings ORDER BY run_id, finding_id") == run_findings_before
    assert warehouse.query("SELECT candidate_id FROM candidates") == [{"candidate_id": BOB}]

    assert is_erased(warehouse, ANA) and not is_erased(warehouse, BOB)
    again = erase_candidate(warehouse, ANA, tmp_path, by="dpo@example.com")
    assert again["already_erased"] is True and again["files"] == []
    after = export_candidate(warehouse, ANA, tmp_path)
    assert after["audit"]["erased"] is True and after["candidate"] is None and not after["landing_files"]
    assert verify(warehouse).ok


def test_erasure_needs_a_requester_and_a_known_candidate(warehouse, landing):
    tmp_path = landing
    _build(warehouse, tmp_path)
    with pytest.raises(ValueError):
        erase_candidate(warehouse, ANA, tmp_path, by=" ")
    with pytest.raises(KeyError):
        erase_candidate(warehouse, "greenhouse:1111111", tmp_path, by="dpo")
    assert warehouse.query("SELECT COUNT(*) AS n FROM candidates")[0]["n"] == 2
