"""A watermark never passes the moment a source was read.

A run during its report day reads each ATS, then a candidate's record changes later that day (a consent
withdrawn, a name corrected). The next run of the same day must read those changes: the watermark
moved only to the read moment (less the clock-skew margin), not to the end of the day. A withdrawal
erases what the run before stored about the person, as an erasure does, and leaves a tombstone.
"""

from __future__ import annotations

import gzip
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from include.audit.subject import WITHDRAWAL, is_erased
from include.config import Config
from include.pipeline import ingest
from include.pipeline.ingest import CLOCK_SKEW
from include.run_context import RunContext
from include.warehouse import connect
from sandbox.server import Sandbox
from sandbox.world import World
from tests.connectors.ats_world import candidate, greenhouse_client, lever_client, world

MAKE = {"greenhouse": greenhouse_client, "lever": lever_client}


def _today() -> date:
    """Today (UTC), waiting past midnight when the day has under two minutes left: the test edits
    records "later on the report day" and needs that later moment to be on the same day."""
    now = datetime.now(UTC)
    left = (datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC) - now).total_seconds()
    if left < 120:
        time.sleep(left + 1)
    return datetime.now(UTC).date()


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("source", ["greenhouse", "lever"])
def test_a_change_later_on_the_report_day_is_read_by_the_next_run(tmp_path, source):
    day = _today()
    early = _stamp(datetime.combine(day, datetime.min.time(), UTC) + timedelta(minutes=1))
    people = [candidate(source, i, updated_at=early) for i in range(3)]
    data = world(people)
    sw = World(data)
    cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"},
                                 "data_dir": str(tmp_path / "data")})
    wh = connect({"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")})
    wh.migrate()
    try:
        with Sandbox(sw) as sb:
            def make(_s, lander):
                return MAKE[source](sb, on_payload=lander)

            before = datetime.now(UTC)
            first = ingest.ingest_ats(source, make, wh, cfg, RunContext("cc-wm-1", day))
            after = datetime.now(UTC)
            mark = first["watermark"]["after"]
            moved = (datetime.fromtimestamp(int(mark) / 1000, UTC) if source == "lever"
                     else datetime.fromisoformat(mark))
            # the read moment less the margin: not the end of the report day
            assert before - CLOCK_SKEW - timedelta(seconds=1) <= moved <= after - CLOCK_SKEW
            ids = sorted(r["candidate_id"] for r in wh.query("SELECT candidate_id FROM candidates WHERE consent_given"))
            assert len(ids) == 3
            withdrawn, renamed = ids[0], ids[1]
            assert wh.query("SELECT 1 FROM employments WHERE candidate_id = ?", [withdrawn])

            # later on the report day, after that run: one withdraws consent, another's name is corrected
            later = _stamp(datetime.now(UTC))
            by_id = {f"{source}:{c['id']}": c for c in people}
            by_id[withdrawn].update(consent=False, updated_at=later)
            by_id[renamed].update(last_name="Corrected", updated_at=later)
            sw.invalidate()

            second = ingest.ingest_ats(source, make, wh, cfg, RunContext("cc-wm-2", day))
        assert second["records_read"].get("candidates" if source == "greenhouse" else "opportunities") == 2
        assert wh.query("SELECT last_name FROM candidates WHERE candidate_id = ?", [renamed])[0]["last_name"] \
            == "Corrected"
        # the withdrawal: nothing of the person stays, a tombstone does, and it does not bar them for good
        for table in ("candidates", "applications", "employments", "educations"):
            assert not wh.query(f"SELECT 1 FROM {table} WHERE candidate_id = ?", [withdrawn]), table
        tomb = wh.query("SELECT erased_by FROM erasures")
        assert [t["erased_by"] for t in tomb] == [WITHDRAWAL]
        assert is_erased(wh, withdrawn, any_reason=True) and not is_erased(wh, withdrawn)
        assert second["consent"]["withdrawn_erased"] == 1
        last_name = by_id[withdrawn]["last_name"]
        for path in (tmp_path / "data").rglob("*.gz"):  # the landing files of both runs
            assert last_name.encode() not in gzip.decompress(path.read_bytes()), path.name
        assert wh.query("SELECT COUNT(*) AS n FROM candidates")[0]["n"] == 2
    finally:
        wh.close()


def test_the_review_watermark_stops_at_the_day_the_feed_was_read(tmp_path):
    """A run for a report day that has not begun here yet (a scheduler ahead of UTC) must not move the
    review watermark past today: a review posted later today is read by the next run."""
    from connectors.reviews import ReviewsClient
    from sandbox import credentials

    today = _today()
    ahead = today + timedelta(days=1)

    def review(rid):
        return {"review_id": rid, "employer": "Example Robotics Ltd", "date": today.isoformat(), "rating": 4}

    data = {"reviews": [review("early")]}
    cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"},
                                 "data_dir": str(tmp_path / "data")})
    wh = connect({"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")})
    wh.migrate()
    try:
        with Sandbox(World(data)) as sb:
            def make(_s, lander):
                return ReviewsClient(sb.connections()["reviews_default"]["host"], credentials.REVIEWS_API_KEY,
                                     on_payload=lander, sleep=lambda s: None)

            first = ingest.ingest_reviews(make, wh, cfg, RunContext("cc-rv-1", ahead))
            assert first["read_day"] == today.isoformat()
            assert wh.query("SELECT read_day FROM review_reads WHERE employer = ?",
                            ["example robotics ltd"])[0]["read_day"] == today.isoformat()
            data["reviews"].append(review("later"))  # posted after that run, dated today
            ingest.ingest_reviews(make, wh, cfg, RunContext("cc-rv-2", ahead))
        ids = sorted(r["review_id"] for r in wh.query("SELECT review_id FROM reviews"))
        assert ids == ["early", "later"]
    finally:
        wh.close()
