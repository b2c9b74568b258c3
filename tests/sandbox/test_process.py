"""The sandbox's recruiting processes: deterministic per seed, inside each application's window, and the
mix a dispute desk meets (rejections after the final round, offers withdrawn or declined, verbal intent)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sandbox.gen import process
from sandbox.generator import build_world


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts)


def test_processes_are_deterministic_in_window_and_varied():
    data, _ = build_world(42, 120, "2026-11-21")
    seen: Counter[str] = Counter()
    for c in data["candidates"]:
        p = process.process_of(42, c)
        assert p is not None and p == process.process_of(42, c)
        seen[p.scenario] += 1
        lo, hi = _parse(c["created_at"]), _parse(c["updated_at"])
        steps = [at for _, at in p.stages] + [o.sent_at for o in p.offers] + \
            ([p.closed_at] if p.closed_at else [])
        assert all(lo.replace(microsecond=0) <= t <= hi for t in steps), c["application_id"]
        names = [s for s, _ in p.stages]
        if p.offers:  # a formal offer always follows the verbal offer intent stage
            assert names.index("Offer intent (verbal)") < names.index("Offer")
        if p.scenario == "intent_not_confirmed":
            assert not p.offers and names[-1] == "Offer intent (verbal)" and p.outcome == "rejected"
        if p.scenario == "rejected_final":
            assert names[-1] == "Final Round" and len(p.interviews) == 3
        if p.scenario == "offer_withdrawn":
            assert p.offers[-1].status == "deprecated" and process.REASONS[p.reason_id][1] == "we"
        if p.scenario == "offer_declined":
            assert p.offers[-1].status == "rejected" and process.REASONS[p.reason_id][1] == "they"
    assert set(seen) == {name for _, name in process.SCENARIOS}
    # another seed gives other processes to the same applications
    other = [process.process_of(7, c).scenario for c in data["candidates"]]
    assert other != [process.process_of(42, c).scenario for c in data["candidates"]]


def test_an_unreadable_time_gives_no_process():
    assert process.process_of(42, {"application_id": "1", "created_at": "not a time",
                                   "updated_at": "2026-01-01T00:00:00Z"}) is None
