"""Data Docs: a real GX static site per run, holding counts and rules but never a record's values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from include.quality.datadocs import build_data_docs, sanitize, saved_results
from include.quality.validate import BatchRejected, validate_batch
from tests.quality.conftest import REPORT_DAY

pytestmark = pytest.mark.usefixtures("gx_context")

SECRET_EMAIL = "ana.private.mailbox@example.net"
SECRET_NAME = "Zebulon-Quixotic-Surname"


def site_text(root: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*")
                     if p.is_file() and p.suffix in {".html", ".json", ".js"})


def test_run_docs_collect_every_validation_without_values(tmp_path: Path, make: Any) -> None:
    docs = tmp_path / "run" / "data_docs"
    bad_review = make("reviews", 1, rating=11, employer=SECRET_NAME, cons=SECRET_EMAIL)
    reviews = [bad_review, make("reviews", 2)]
    jobs = [make("employments", 1, employer=SECRET_NAME * 30), make("employments", 2, start_raw=SECRET_EMAIL)]
    common = {"report_day": REPORT_DAY, "run_id": "cc-2026-11-21-docs", "docs_dir": docs}
    first = validate_batch("reviews", reviews, source="reviews", max_failure_rate=1.0, **common)
    with pytest.raises(BatchRejected) as caught:  # a rejected batch still reaches the docs
        validate_batch("employments", jobs, source="greenhouse", max_failure_rate=0.1, **common)
    index = Path(first.stats["data_docs"])
    assert index == docs / "site" / "index.html" and index.is_file()
    assert caught.value.outcome is not None and caught.value.outcome.stats["data_docs"] == str(index)
    html = index.read_text(encoding="utf-8")
    assert "reviews" in html and "employments" in html
    validations = docs / "site" / "validations"
    assert {p.relative_to(validations).parts[0] for p in validations.rglob("*.html")} == {"employments", "reviews"}
    everything = site_text(docs)
    assert SECRET_EMAIL not in everything and SECRET_NAME not in everything
    assert "unexpected" in everything  # the counts are there

    validate_batch("reviews", reviews, source="reviews", max_failure_rate=1.0, **common)  # re-run: same page
    assert len(saved_results(docs)) == 2


def test_build_data_docs_from_gx_results(tmp_path: Path, make: Any) -> None:
    out = validate_batch("candidates", [make("candidates", 1, first_name=SECRET_NAME * 20, last_name=SECRET_EMAIL,
                                             source="monster")],
                         report_day=REPORT_DAY, source="greenhouse", run_id="cc-x", max_failure_rate=1.0)
    assert SECRET_NAME in str(out.result.to_json_dict())  # GX itself keeps the values...
    clean = sanitize(out.result)
    assert SECRET_EMAIL not in str(clean) and SECRET_NAME not in str(clean)  # ...sanitize drops them
    assert clean["results"] and all(set(r["result"]) <= {"element_count", "unexpected_count", "unexpected_percent",
                                                         "missing_count", "missing_percent",
                                                         "unexpected_percent_total",
                                                         "unexpected_percent_nonmissing"}
                                    for r in clean["results"])
    index = build_data_docs([out.result], tmp_path / "site")
    assert index.is_file() and (tmp_path / "site" / "expectations" / "candidates.html").is_file()
    text = site_text(tmp_path / "site")
    assert SECRET_EMAIL not in text and SECRET_NAME not in text and "monster" not in text
