"""Big sandbox worlds (for the end-to-end benchmarks): they finish, stay consistent, and fail loudly.

A 3,000-candidate world is past every curated company word and past the size where employers are
drawn by sampling instead of by scanning the registry (``people.SAMPLE_ABOVE``); before those two
paths existed such a world never finished generating.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest

from sandbox.gen import companies as C
from sandbox.gen import people as P
from sandbox.gen import vocab as V
from sandbox.gen import words as W
from sandbox.gen.build_registry import build_registry
from sandbox.gen.candidates import KIND_SHARE
from sandbox.generator import build_world

DAY = "2026-11-21"


@pytest.fixture(scope="module")
def big() -> tuple[dict, list[dict[str, str]]]:
    return build_world(42, 3000, DAY)


def test_a_big_world_uses_the_coined_words_and_keeps_every_registry_name_unique(big) -> None:
    world, _ = big
    names = [e["company_name"] for e in world["companies_house"]]
    assert len(names) > P.SAMPLE_ABOVE
    assert len(set(names)) == len(names)
    tier2 = {(h + m + t).upper() for h in W.OVERFLOW_HEADS2 for m in W.OVERFLOW_MIDDLES for t in W.OVERFLOW_TAILS2}
    assert any(w.upper() in tier2 for name in names for w in name.split()), "3,000 candidates should reach the second word tier"


def test_a_big_world_is_labelled_with_every_kind(big) -> None:
    world, labels = big
    assert len(world["candidates"]) == 3000
    counts = Counter(row["kind"] for row in labels)
    assert set(counts) == set(KIND_SHARE)
    # labels are only for consenting candidates, and each one names a real candidate
    consenting = {f"{c['ats']}:{c['id']}" for c in world["candidates"] if c["consent"]}
    assert {row["candidate_id"] for row in labels} <= consenting


def test_sampled_employers_fit_the_tenure_and_follow_the_scans_distribution() -> None:
    """``_pick_sampled`` draws what the exact scan would: a fitting company, uniformly from the preferred group."""
    day = date.fromisoformat(DAY)
    rng = random.Random(3)
    reg = build_registry(rng, day, n_uk=700)
    ctx = P.Ctx(rng, reg, day)
    assert reg.n_companies() > P.SAMPLE_ABOVE
    person = SimpleNamespace(region="GB", track="software")  # a UK software engineer: GB, tech sectors, 85 %
    start, end = ctx.today - 60, ctx.today - 20
    used = {reg.employers()[0].family}
    fitting = [c for c in reg.employers() if c.alive(start, end) and c.family not in used]
    preferred = {c.key for c in fitting if c.country == "GB" and c.sector in P.TECH_SECTORS}
    draws = Counter()
    for _ in range(4000):
        c = P._pick_sampled(ctx, person, start, end, used)  # type: ignore[arg-type]
        assert c is not None and c.alive(start, end) and c.family not in used
        draws["preferred" if c.key in preferred else "other"] += 1
    assert 0.80 <= draws["preferred"] / 4000 <= 0.90  # the scan picks from GB companies 85 % of the time
    assert len({k for k in preferred}) > 100


def test_running_out_of_company_words_is_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(C, "_TIER1_SIZE", 0)
    monkeypatch.setattr(W, "OVERFLOW_HEADS2", ["Ash", "Bel"])
    monkeypatch.setattr(W, "OVERFLOW_MIDDLES", ["en"])
    monkeypatch.setattr(W, "OVERFLOW_TAILS2", ["bury"])
    vocab = dataclasses.replace(V.get("default"), real_words=tuple(W.REAL_WORDS[:3]))
    reg = C.Registry(random.Random(1), date.fromisoformat(DAY), vocab)
    words = [reg._word() for _ in range(5)]
    assert len(set(words)) == 5
    with pytest.raises(RuntimeError, match="ran out of company words"):
        reg._word()
