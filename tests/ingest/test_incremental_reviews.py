"""The review feed is read for what is due, per employer (docs/INCREMENTAL.md#reviews), against the sandbox.

A quiet next day asks only the hiring company; a new candidate's employer is read with the full look-back;
a review posted on the read day after the read is read when the employer is next asked; a warehouse of the
code before (one global watermark) does not read every employer's 730 days again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from connectors.reviews import ReviewsClient
from include.config import Config
from include.ingest.review_plan import LOOKBACK_DAYS
from include.pipeline import ingest, store
from include.run_context import RunContext
from include.warehouse import connect
from sandbox import credentials
from sandbox.server import Sandbox
from sandbox.world import World
from tests.warehouse.wh_fixtures import pg_session, warehouse_spec  # noqa: F401

HIRING = "Example Robotics Ltd"
TODAY = datetime.now(UTC).date()
D1 = TODAY - timedelta(days=20)  # every report day is in the past: the read day is the report day


class Recording(ReviewsClient):
    """The real client, noting what it was asked (employer, since)."""

    def __init__(self, *a: Any, **kw: Any):
        super().__init__(*a, **kw)
        self.asked: list[tuple[str, str]] = []

    def reviews(self, employer: str, since: str):  # type: ignore[override]
        self.asked.append((employer, since))
        return super().reviews(employer, since)


def _review(rid: str, employer: str, day: date) -> dict[str, Any]:
    return {"review_id": rid, "employer": employer, "date": day.isoformat(), "rating": 4, "title": "ok"}


def _person(wh, cid: str, jobs: list[tuple[str, str, str | None]], run_id: str) -> None:
    """A consenting candidate and their resume jobs (employer, start, end), stored by ``run_id``."""
    wh.upsert("candidates", [{"candidate_id": cid, "source": "greenhouse", "source_id": cid, "consent_given": True,
                              "run_id": run_id}], ["candidate_id"])
    wh.upsert("employments", [{"employment_id": f"{cid}-{i}", "candidate_id": cid, "source": "greenhouse",
                               "employer": e, "start_raw": s, "end_raw": end, "run_id": run_id}
                              for i, (e, s, end) in enumerate(jobs)], ["employment_id"])


class Feed:
    def __init__(self, sb: Sandbox):
        self.sb = sb
        self.clients: list[Recording] = []

    def make(self, _source, lander):
        c = Recording(self.sb.connections()["reviews_default"]["host"], credentials.REVIEWS_API_KEY,
                      on_payload=lander, sleep=lambda s: None)
        self.clients.append(c)
        return c

    def run(self, wh, cfg, run_id: str, day: date) -> tuple[dict[str, Any], dict[str, str], int]:
        """The manifest part, what was asked (employer -> since) and the requests the sandbox answered."""
        self.sb.stats(reset=True)
        part = ingest.ingest_reviews(self.make, wh, cfg, RunContext(run_id, day))
        served = self.sb.stats()["requests"]["reviews"]
        return part, dict(self.clients[-1].asked), served


def _ids(wh) -> set[str]:
    return {r["review_id"] for r in wh.query("SELECT review_id FROM reviews")}


def test_a_quiet_day_asks_only_the_hiring_company_and_new_or_stale_employers_their_own_window(tmp_path):
    reviews = [_review("hc-1", HIRING, D1 - timedelta(days=3)),
               _review("acme-old", "Acme Widgets", D1 - timedelta(days=400)),
               _review("acme-1", "Acme Widgets", D1 - timedelta(days=2)),
               _review("beta-1", "Beta Labs", D1 - timedelta(days=5)),
               _review("oldcorp-1", "Old Corp", D1 - timedelta(days=5)),
               _review("gamma-old", "Gamma Works", D1 - timedelta(days=600)),
               _review("gamma-ancient", "Gamma Works", D1 - timedelta(days=LOOKBACK_DAYS + 40))]
    data = {"reviews": reviews}
    cfg = Config.model_validate({"hiring_company": {"name": HIRING}, "data_dir": str(tmp_path / "data")})
    assert (cfg.reviews.max_age_days, cfg.reviews.requests_per_run) == (7, 2000)
    wh = connect({"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")})
    wh.migrate()
    try:
        _person(wh, "c1", [("Acme Widgets", "2020-01", None)], "r0")
        _person(wh, "c2", [("Old Corp", "2015-01", "2019-12"), ("Beta Labs", "2020-01", None)], "r0")
        world = World(data)
        with Sandbox(world) as sb:
            feed = Feed(sb)
            # day 1: nothing read yet: every employer with the full look-back; a former employer is not asked
            first, asked, served = feed.run(wh, cfg, "cc-1", D1)
            full = (D1 - timedelta(days=LOOKBACK_DAYS)).isoformat()
            assert asked == {HIRING: full, "Acme Widgets": full, "Beta Labs": full}
            assert served == 3 and first["requests"]["requests"] == 3
            assert first["due"] == {"hiring": 1, "new": 2, "stale": 0} and first["pending"] == 0
            assert _ids(wh) == {"hc-1", "acme-old", "acme-1", "beta-1"}

            # posted on day 1 after that read, dated day 1
            reviews += [_review("hc-late", HIRING, D1), _review("acme-late", "Acme Widgets", D1),
                        _review("beta-late", "Beta Labs", D1)]
            world.invalidate()

            # day 2, nothing new: only the hiring company is asked, from its own last read day (inclusive)
            second, asked, served = feed.run(wh, cfg, "cc-2", D1 + timedelta(days=1))
            assert asked == {HIRING: D1.isoformat()} and served == 1
            assert second["asked"] == 1 and second["fresh"] == 2 and second["pending"] == 0
            assert second["due"] == {"hiring": 1, "new": 0, "stale": 0}
            assert "hc-late" in _ids(wh) and "acme-late" not in _ids(wh)

            # a new candidate's employer, later that day: its full history, and no one else's but the hiring company's
            _person(wh, "c3", [("Gamma Works", "2021-03", None)], "cc-3")
            third, asked, served = feed.run(wh, cfg, "cc-3", D1 + timedelta(days=1))
            assert asked == {HIRING: (D1 + timedelta(days=1)).isoformat(),
                             "Gamma Works": (D1 + timedelta(days=1 - LOOKBACK_DAYS)).isoformat()}
            assert served == 2 and third["asked_by_reason"] == {"hiring": 1, "new": 1, "stale": 0}
            assert "gamma-old" in _ids(wh) and "gamma-ancient" not in _ids(wh)

            # day 8: Acme and Beta were read 7 days ago: asked again from day 1, so day 1's late reviews come in
            fourth, asked, served = feed.run(wh, cfg, "cc-4", D1 + timedelta(days=7))
            assert asked == {HIRING: (D1 + timedelta(days=1)).isoformat(), "Acme Widgets": D1.isoformat(),
                             "Beta Labs": D1.isoformat()}
            assert served == 3 and fourth["due"] == {"hiring": 1, "new": 0, "stale": 2} and fourth["fresh"] == 1
        assert {"acme-late", "beta-late"} <= _ids(wh)
        days = {r["employer"]: r["read_day"] for r in wh.query("SELECT employer, read_day FROM review_reads")}
        assert days == {"example robotics ltd": (D1 + timedelta(days=7)).isoformat(),
                        "acme widgets": (D1 + timedelta(days=7)).isoformat(),
                        "beta labs": (D1 + timedelta(days=7)).isoformat(),
                        "gamma works": (D1 + timedelta(days=1)).isoformat()}
    finally:
        wh.close()


def test_the_budget_leaves_employers_pending_oldest_first_and_the_hiring_company_is_always_asked(tmp_path):
    cfg = Config.model_validate({"hiring_company": {"name": HIRING}, "data_dir": str(tmp_path / "data"),
                                 "reviews": {"requests_per_run": 2, "max_age_days": 0}})
    wh = connect({"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")})
    wh.migrate()
    try:
        for i, name in enumerate(["Alpha", "Bravo", "Charlie"]):
            _person(wh, f"c{i}", [(name, "2020-01", None)], "r0")
        with Sandbox(World({"reviews": []})) as sb:
            feed = Feed(sb)
            part, asked, served = feed.run(wh, cfg, "cc-1", D1)
            assert list(asked) == [HIRING, "Alpha"] and served == 2
            assert (part["budget"], part["asked"], part["pending"]) == (2, 2, 2)
            part, asked, _ = feed.run(wh, cfg, "cc-2", D1 + timedelta(days=1))
            assert list(asked) == [HIRING, "Bravo"] and part["pending"] == 2  # Charlie, and Alpha again (age 0)
            part, asked, _ = feed.run(wh, cfg, "cc-3", D1 + timedelta(days=2))
            assert list(asked) == [HIRING, "Charlie"]
            part, asked, _ = feed.run(wh, cfg, "cc-4", D1 + timedelta(days=3))
            assert list(asked) == [HIRING, "Alpha"]  # now the oldest read
            assert asked["Alpha"] == D1.isoformat()
    finally:
        wh.close()


def test_a_warehouse_of_the_single_watermark_seeds_only_the_employers_that_were_asked(tmp_path, warehouse_spec):  # noqa: F811
    """The code before migration 017 asked every latest employer from one watermark. Those it surely asked
    (stored by the run that set it, or by a run sealed before) keep that day; an employer stored since (a
    new candidate, a run that failed before its reviews) gets its full history."""
    wh = connect(warehouse_spec)  # DuckDB and PostgreSQL
    wh.migrate()
    try:
        watermark = D1
        _person(wh, "c1", [("Acme Widgets", "2020-01", None)], "old-run")
        _person(wh, "c2", [("Beta Labs", "2020-01", None)], "sealed-before")
        wh.upsert("pipeline_runs", [{"run_id": "sealed-before", "seq": 1, "report_day": "2000-01-01",
                                     "ended_at": "2000-01-01T00:00:00+00:00", "prev_hash": "0", "hash": "h1"}],
                  ["run_id"])
        store.set_watermark(wh, RunContext("old-run", watermark), "reviews", "reviews", watermark.isoformat())
        _person(wh, "c3", [("Delta Ltd", "2020-01", None)], "failed-run")  # stored after, never sealed
        _person(wh, "c4", [("Gamma Works", "2021-03", None)], "cc-new")  # this run's ATS step
        reviews = [_review("acme-old", "Acme Widgets", D1 - timedelta(days=300)),
                   _review("gamma-old", "Gamma Works", D1 - timedelta(days=300)),
                   _review("delta-old", "Delta Ltd", D1 - timedelta(days=300))]
        cfg = Config.model_validate({"hiring_company": {"name": HIRING}, "data_dir": str(tmp_path / "data")})
        day = D1 + timedelta(days=1)
        with Sandbox(World({"reviews": reviews})) as sb:
            feed = Feed(sb)
            part, asked, served = feed.run(wh, cfg, "cc-new", day)
            full = (day - timedelta(days=LOOKBACK_DAYS)).isoformat()
            assert asked == {HIRING: watermark.isoformat(), "Delta Ltd": full, "Gamma Works": full}
            assert served == 3 and part["fresh"] == 2 and part["seeded_from_watermark"] == 3
            assert {r["review_id"] for r in wh.query("SELECT review_id FROM reviews")} == {"gamma-old", "delta-old"}
            # the old watermark is gone: its days are review_reads rows now, and the next run asks no one anew
            assert store.get_watermark(wh, "reviews", "reviews") is None
            rows = {r["employer"]: (r["read_day"], r["run_id"]) for r in wh.query("SELECT * FROM review_reads")}
            assert rows == {"acme widgets": (watermark.isoformat(), "old-run"),
                            "beta labs": (watermark.isoformat(), "old-run"),
                            "example robotics ltd": (day.isoformat(), "cc-new"),
                            "delta ltd": (day.isoformat(), "cc-new"), "gamma works": (day.isoformat(), "cc-new")}
            again, asked, served = feed.run(wh, cfg, "cc-next", day + timedelta(days=1))
            assert asked == {HIRING: day.isoformat()} and served == 1 and again["seeded_from_watermark"] == 0
    finally:
        wh.close()
