"""A small warehouse with what a report day looks like: two requisitions, consenting candidates (one with
HTML in their name, one with a Chinese and a very long name), a candidate without consent, open, new,
cleared and resolved findings, a skipped source and review-site data. Shared by the report, plugin and
browser tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from include.config import Config, load_config
from include.warehouse import connect
from sandbox import DEMO_CONFIG

DAY = date(2026, 11, 21)
PREV_DAY = date(2026, 11, 20)
RUN = "cc-2026-11-21-T1"
PREV_RUN = "cc-2026-11-20-T1"
XSS_NAME = '<script>alert("x")</script>'
LONG_LAST = "Oyelaran-Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft"


def config(tmp: Path) -> Config:
    return load_config(DEMO_CONFIG).model_copy(update={"data_dir": str(tmp / "data")})


def warehouse(path: str = ":memory:") -> Any:
    wh = connect({"conn_type": "duckdb", "host": path})
    wh.migrate()
    return wh


def report_data(tmp: Path) -> Any:
    """The seeded report day's ``ReportData`` (warehouse in memory, data_dir under ``tmp``)."""
    from include.report.data import load_report_data

    wh = warehouse()
    try:
        seed(wh)
        return load_report_data(wh, DAY, RUN, config(tmp))
    finally:
        wh.close()


def _finding(
    fid: str,
    cid: str,
    app: str | None,
    kind: str,
    severity: str,
    summary: str,
    evidence: list[dict],
    first: str = RUN,
    last: str = RUN,
    status: str = "open",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "finding_id": fid,
        "candidate_id": cid,
        "application_id": app,
        "kind": kind,
        "severity": severity,
        "summary": summary,
        "question": f"Could you tell us more about this? ({kind})",
        "evidence": evidence,
        "rule_version": f"{kind}@1",
        "status": status,
        "first_seen_run": first,
        "last_seen_run": last,
        "evidence_digest": "d-" + fid,
        "cleared_reason": None,
        "cleared_by": None,
        "cleared_at": None,
        **extra,
    }


def _job(side: str, source: str, ref: str, **values: Any) -> dict[str, Any]:
    return {"side": side, "source": source, "record_ref": ref, "values": values}


def _candidate(cid: str, first: str, last: str, consent: bool) -> dict[str, Any]:
    source, sid = cid.split(":", 1)
    return {
        "candidate_id": cid,
        "source": source,
        "source_id": sid,
        "first_name": first,
        "last_name": last,
        "emails": [],
        "phones": [],
        "consent_given": consent,
        "consent": {"given": consent},
        "updated_at": "2026-11-01T00:00:00Z",
        "record_url": f"https://app.greenhouse.io/people/{sid}",
        "run_id": RUN,
    }


def seed(wh: Any) -> None:
    wh.upsert(
        "jobs",
        [
            {
                "job_id": "greenhouse:4001",
                "source": "greenhouse",
                "name": "Senior Robotics Engineer",
                "run_id": RUN,
            },
            {
                "job_id": "lever:j-2",
                "source": "lever",
                "name": "数据分析师 Data Analyst (Shanghai)",
                "run_id": RUN,
            },
        ],
        ["job_id"],
    )
    wh.upsert(
        "candidates",
        [
            _candidate("greenhouse:1001", "Ana", "Silva", True),
            _candidate("greenhouse:1002", XSS_NAME, "Doe", True),
            _candidate("lever:c-3", "小明", "王", True),
            _candidate("greenhouse:1005", "Maximiliana-Alexandrina", LONG_LAST, True),
            _candidate("greenhouse:1004", "Nora", "Noconsent", False),
        ],
        ["candidate_id"],
    )
    wh.upsert(
        "applications",
        [
            {
                "application_id": "greenhouse:7001",
                "candidate_id": "greenhouse:1001",
                "job_id": "greenhouse:4001",
                "applied_at": "2026-10-01T00:00:00Z",
            },
            {
                "application_id": "greenhouse:7002",
                "candidate_id": "greenhouse:1002",
                "job_id": "greenhouse:4001",
                "applied_at": "2026-10-02T00:00:00Z",
            },
            {
                "application_id": "lever:c-3",
                "candidate_id": "lever:c-3",
                "job_id": "lever:j-2",
                "applied_at": "2026-10-03T00:00:00Z",
            },
            {
                "application_id": "greenhouse:7005",
                "candidate_id": "greenhouse:1005",
                "job_id": "lever:j-2",
                "applied_at": "2026-10-04T00:00:00Z",
            },
            {
                "application_id": "greenhouse:7004",
                "candidate_id": "greenhouse:1004",
                "job_id": "greenhouse:4001",
                "applied_at": "2026-10-05T00:00:00Z",
            },
        ],
        ["application_id"],
    )
    wh.upsert(
        "employments",
        [
            {
                "employment_id": "e1",
                "candidate_id": "greenhouse:1001",
                "source": "greenhouse",
                "employer": "Halcyon Software Ltd",
                "title": "Senior Developer",
                "start_raw": "2019-03",
                "end_raw": None,
                "employment_type": "full_time",
                "record_ref": "https://harvest.greenhouse.io/v3/employments/e1",
            },
            {
                "employment_id": "e0",
                "candidate_id": "greenhouse:1001",
                "source": "greenhouse",
                "employer": "Old Mill Analytics",
                "title": "Developer",
                "start_raw": "2015",
                "end_raw": "2018-10",
                "employment_type": "full_time",
                "record_ref": "e0",
            },
            {
                "employment_id": "e3",
                "candidate_id": "lever:c-3",
                "source": "lever",
                "employer": "华为技术有限公司",
                "title": "高级软件工程师",
                "start_raw": "2020-01",
                "end_raw": "至今",
                "employment_type": "full_time",
                "record_ref": "lever:position:e3",
            },
        ],
        ["employment_id"],
    )
    long_employer = "Internationale Werkzeugmaschinenfabrikationsgesellschaftmitbeschränkterhaftung GmbH"
    wh.upsert(
        "discrepancies",
        [
            _finding(
                "f-ana-reg",
                "greenhouse:1001",
                "greenhouse:7001",
                "employer_not_in_registry",
                "red",
                "No company registry knows 'Halcyon Software Ltd'.",
                [
                    _job(
                        "resume",
                        "greenhouse",
                        "https://harvest.greenhouse.io/v3/employments/e1",
                        employer="Halcyon Software Ltd",
                        title="Senior Developer",
                        start="2019-03",
                        end=None,
                    ),
                    _job(
                        "computed",
                        "crosscheck",
                        "registries",
                        registries_searched=["companies_house", "gleif"],
                        employer_in_registry=False,
                    ),
                ],
            ),
            _finding(
                "f-ana-gap",
                "greenhouse:1001",
                "greenhouse:7001",
                "career_gap",
                "blue",
                "A 5-month gap between Old Mill Analytics and Halcyon Software Ltd.",
                [_job("computed", "crosscheck", "gap", gap_months=5, threshold_months=3)],
                first=PREV_RUN,
            ),
            _finding(
                "f-xss-title",
                "greenhouse:1002",
                "greenhouse:7002",
                "title_mismatch",
                "yellow",
                "Resume title <b>Lead</b> differs from the profile title.",
                [
                    _job(
                        "resume",
                        "greenhouse",
                        "javascript:alert(1)",
                        employer=long_employer,
                        title="Lead Engineer",
                    ),
                    _job(
                        "profile",
                        "orcid",
                        "https://orcid.org/0000-0002-1825-0097",
                        employer=long_employer,
                        title="Engineer",
                    ),
                ],
            ),
            _finding(
                "f-wang-date",
                "lever:c-3",
                "lever:c-3",
                "date_mismatch",
                "yellow",
                "The resume start date differs from LinkedIn by 7 months.",
                [
                    _job(
                        "resume",
                        "lever",
                        "lever:position:e3",
                        employer="华为技术有限公司",
                        title="高级软件工程师",
                        start="2020-01",
                        end="至今",
                    ),
                    _job(
                        "profile",
                        "linkedin",
                        "https://files.example.test/linkedin/Positions.csv",
                        employer="Huawei Technologies Co., Ltd.",
                        title="Senior Software Engineer",
                        start="2020-08",
                    ),
                ],
                first=PREV_RUN,
            ),
            _finding(
                "f-wang-nc",
                "lever:c-3",
                "lever:c-3",
                "non_compete_risk",
                "red",
                "Left a competitor 3 months ago.",
                [],
                status="cleared",
                cleared_reason="Non-compete waived in writing",
                cleared_by="Li Hua",
                cleared_at="2026-11-21T09:30:00+00:00",
            ),
            _finding(
                "f-long-gap",
                "greenhouse:1005",
                "greenhouse:7005",
                "career_gap",
                "yellow",
                f"A 14-month gap after {long_employer}.",
                [
                    _job(
                        "resume",
                        "greenhouse",
                        "https://harvest.greenhouse.io/v3/employments/e9",
                        employer=long_employer,
                        end="2024-01",
                    ),
                    _job("computed", "crosscheck", "gap", gap_months=14),
                ],
            ),
            _finding(
                "f-noconsent",
                "greenhouse:1004",
                "greenhouse:7004",
                "career_gap",
                "blue",
                "Should never be shown: consent was withdrawn.",
                [],
            ),
            _finding(
                "f-resolved",
                "greenhouse:1001",
                "greenhouse:7001",
                "date_mismatch",
                "yellow",
                "Resolved: no longer produced.",
                [],
                first=PREV_RUN,
                last=PREV_RUN,
            ),
        ],
        ["finding_id"],
    )
    wh.upsert("reviews", _reviews(), ["review_id"])
    for seq, (run, day) in enumerate([(PREV_RUN, PREV_DAY), (RUN, DAY)], start=1):
        manifest = {
            "sources": {
                "greenhouse": {"skipped": False},
                "lever": {"source": "lever", "skipped": False},
                "reviews": {"skipped": False},
            }
        }
        if run == RUN:
            manifest["sources"]["opencorporates"] = {"skipped": True, "reason": "connection not defined"}
        wh.upsert(
            "pipeline_runs",
            [
                {
                    "run_id": run,
                    "seq": seq,
                    "report_day": day.isoformat(),
                    "dag_ids": [],
                    "state": "success",
                    "manifest": manifest,
                    "prev_hash": "0",
                    "hash": str(seq),
                }
            ],
            ["run_id"],
        )
    from include.levels import store_levels

    store_levels(wh, RUN, ["greenhouse:1001", "greenhouse:1002", "lever:c-3", "greenhouse:1005"])


def _reviews() -> list[dict[str, Any]]:
    out = []
    for i, (month, rating) in enumerate(
        [
            ("2025-12", 4),
            ("2026-02", 4),
            ("2026-03", 3),
            ("2026-05", 3),
            ("2026-07", 3),
            ("2026-09", 2),
            ("2026-10", 3),
        ]
    ):
        out.append(
            {
                "review_id": f"er-{i}",
                "employer": "Example Robotics Ltd",
                "date": f"{month}-15",
                "rating": rating,
                "title": "Fine place",
                "pros": "Great management, nice culture",
                "cons": "None",
            }
        )
    out += [
        {
            "review_id": "er-new-1",
            "employer": "EXAMPLE ROBOTICS LIMITED",
            "date": "2026-11-21",
            "rating": 1,
            "title": "Layoffs announced by email",
            "pros": "Good canteen",
            "cons": "Unpaid overtime every sprint; management ignores burnout.",
            "job_title": "Technician",
            "employment_status": "former",
        },
        {
            "review_id": "er-new-2",
            "employer": "Example Robotics Ltd",
            "date": "2026-11-21",
            "rating": 2,
            "title": "经常加班",
            "pros": "同事友好",
            "cons": "拖欠工资，领导不管。",
            "employment_status": "current",
        },
        {
            "review_id": "er-new-3",
            "employer": "Example Robotics Ltd",
            "date": "2026-11-21",
            "rating": 5,
            "title": "Love it",
            "pros": "Everything",
            "cons": "Parking",
        },
        {
            "review_id": "er-old-neg",
            "employer": "Example Robotics Ltd",
            "date": "2026-11-20",
            "rating": 1,
            "title": "Seen in yesterday's report",
            "pros": "",
            "cons": "Toxic culture",
        },
        {
            "review_id": "h-1",
            "employer": "Halcyon Software",
            "date": "2026-10-01",
            "rating": 2,
            "title": "Half the team was laid off",
            "pros": "",
            "cons": "Layoffs",
        },
        {
            "review_id": "h-2",
            "employer": "Halcyon Software Limited",
            "date": "2026-03-01",
            "rating": 4,
            "title": "Good",
            "pros": "",
            "cons": "Redundancy rumours",
        },
    ]
    return out
