"""Who gets which plant, and one candidate built end to end and labelled from the ground truth."""

from __future__ import annotations

import random

from include.engine.kinds import KINDS
from sandbox.gen import profiles, truth
from sandbox.gen import titles as TT
from sandbox.gen import words as W
from sandbox.gen.ids import rand_uuid
from sandbox.gen.model import Person
from sandbox.gen.people import Ctx, assign_employers, educations, timeline
from sandbox.gen.render import Ids

# Share of consenting candidates that get each kind as their first plant (common kinds more often); the
# kinds the sandbox can plant, each declared by a rule module (include.engine.kinds; a test checks it).
KIND_SHARE = {
    "career_gap": 0.075, "date_mismatch": 0.075, "title_mismatch": 0.07, "overlapping_employment": 0.055,
    "employer_not_in_registry": 0.055, "employer_not_on_profile": 0.035, "profile_employer_not_on_resume": 0.055,
    "employer_inactive_during_tenure": 0.055, "non_compete_risk": 0.065,
}
DOUBLE_SHARE = 0.08  # share of consenting candidates with a second, different kind
MIN_PER_KIND = 4
_JOB_PLANTS = {"employer_not_on_profile", "employer_not_in_registry", "employer_inactive_during_tenure",
               "non_compete_risk"}


def plans(rng: random.Random, n: int) -> list[set[str]]:
    """Planted kinds per candidate: each kind on its own candidates first, then some doubles."""
    out: list[set[str]] = [set() for _ in range(n)]
    if n == 0:
        return out
    order = list(range(n))
    rng.shuffle(order)
    i = 0
    for kind, share in KIND_SHARE.items():
        for _ in range(max(MIN_PER_KIND, round(share * n))):
            out[order[i % n]].add(kind)
            i += 1
    planted = order[: min(i, n)]
    for idx in rng.sample(planted, k=min(len(planted), round(DOUBLE_SHARE * n))):
        out[idx].add(rng.choice([k for k in KINDS if k in KIND_SHARE and k not in out[idx]]))
    return out


def new_person(ctx: Ctx, ids: Ids, index: int, ats: str, consent: bool, jobs: list[dict]) -> Person:
    r = ctx.rng
    region = r.choices([g for g, _ in W.REGION_WEIGHTS], weights=[w for _, w in W.REGION_WEIGHTS])[0]
    given, family = W.PEOPLE[region]
    track = r.choices([t for t, _ in TT.TRACK_WEIGHTS], weights=[w for _, w in TT.TRACK_WEIGHTS])[0]
    if ats == "greenhouse":
        cid, app = ids.number(10**7, 10**8 - 1), ids.number(10**8, 2 * 10**8)
    else:
        cid, app = rand_uuid(r), rand_uuid(r)
    job = r.choice([j for j in jobs if j["ats"] == ats])
    return Person(index=index, ats=ats, id=cid, application_id=app, job_id=job["id"], region=region,
                  first=r.choice(given), last=r.choice(family), consent=consent, track=track,
                  day_precision=r.random() < 0.08)


def build(ctx: Ctx, p: Person, kinds: set[str]) -> dict[str, str]:
    """Fill ``p`` so that exactly ``kinds`` (plus their documented side effects) hold; return the labels."""
    r = ctx.rng
    base = r.choices([2, 3, 4, 5], weights=[25, 35, 25, 15])[0]
    omit = len(kinds & {"employer_not_on_profile", "employer_not_in_registry"})
    transitions = len(kinds & {"career_gap", "overlapping_employment"})
    k = max(base, len(kinds & _JOB_PLANTS), transitions + 1, omit + 1)
    dates = timeline(ctx, p, k, kinds)
    assign_employers(ctx, p, dates, kinds)
    educations(ctx, p, dates, dates[0][0])
    profiles.build(ctx, p, kinds)
    dated = None
    if "date_mismatch" in kinds:
        dated = profiles.plant_date(ctx, p, None)
    if "title_mismatch" in kinds:
        profiles.plant_title(ctx, p, dated)
    if "profile_employer_not_on_resume" in kinds:
        profiles.plant_extra_employer(ctx, p)
    found = truth.check(p, ctx.today)
    p.plan = {k: found.get(k, "") for k in kinds}
    extra = set(found) - kinds
    allowed = {"employer_not_on_profile"} if "employer_not_in_registry" in kinds else set()
    if not kinds <= set(found) or not extra <= allowed:
        raise RuntimeError(f"candidate #{p.index}: planted {sorted(kinds)} but the rules give {sorted(found)}")
    return found
