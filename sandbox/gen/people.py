"""One candidate's resume: a clean timeline, employers that existed at the time, then the plants.

Benign timelines are strictly clean (consecutive jobs 0-2 months apart, a degree filling any
longer break); a plant changes exactly one thing, and ``sandbox.gen.truth`` labels the
result, so side effects are labelled too.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import date

from sandbox.gen import titles as TT
from sandbox.gen import words as W
from sandbox.gen.companies import Company, Registry, resume_names
from sandbox.gen.ids import month_of
from sandbox.gen.model import Education, Person, ResumeJob

TECH_SECTORS = {"software", "hardware", "machinery", "research", "telecom", "automotive", "medical", "energy",
                "consulting"}
# Above this many companies, employers are drawn by sampling rather than by scanning the registry
# (worlds of up to ~800 candidates stay below it, so their files are unchanged by the sampler).
SAMPLE_ABOVE = 500
HOME = {"CN": "CN", "JP": "JP", "DE": "DE", "FR": "FR", "US": "US", "IN": "IN"}
DEGREES = {"sw": "Computer Science", "hw": "Mechanical Engineering", "data": "Statistics", "pm": "Management",
           "biz": "Business Administration", "design": "Design", "research": "Physics"}


@dataclass
class Ctx:
    """What every candidate of one world shares: randomness, the registry, report day, used names."""

    rng: random.Random
    reg: Registry
    day: date
    fake_words: list[str] = field(default_factory=list)
    fake_names: set[str] = field(default_factory=set)

    @property
    def today(self) -> int:
        return month_of(self.day)


def zh_titles(c: Company | None) -> bool | str:
    """Whether titles at ``c`` may be written in Chinese: "trad" (traditional) in Hong Kong and Taiwan."""
    if c is None or c.country not in ("CN", "HK", "TW"):
        return False
    return "trad" if c.country in ("HK", "TW") else True


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


# -- the timeline ---------------------------------------------------------------------------------
def timeline(ctx: Ctx, p: Person, k: int, kinds: set[str]) -> list[tuple[int, int | None, str]]:
    """(start, end, transition before it) for ``k`` full-time jobs, oldest first."""
    r, today = ctx.rng, ctx.today
    trans = ["normal"] * (k - 1)
    free = list(range(k - 1))
    r.shuffle(free)
    if "career_gap" in kinds:
        trans[free.pop()] = "gap"
    if "overlapping_employment" in kinds:
        trans[free.pop()] = "overlap"
    for i in free:
        if r.random() < 0.15:
            trans[i] = "degree"
    overlap = {i: r.randint(5, 15) for i, t in enumerate(trans) if t == "overlap"}
    end: int | None = None if r.random() < 0.75 else today - r.randint(1, 8)
    out: list[tuple[int, int | None, str]] = []
    cursor = today if end is None else end
    for idx in reversed(range(k)):
        dur = r.randint(10, 60) if idx == k - 1 else r.randint(10, 48)
        if idx in overlap:  # this job and the next overlap: this one must outlast the overlap
            dur = max(dur, overlap[idx] + 6)
        if idx - 1 in overlap:
            dur = max(dur, overlap[idx - 1] + 3)
        start = cursor - dur + 1
        before = trans[idx - 1] if idx else "first"
        out.append((start, end, before))
        if idx == 0:
            break
        if before == "overlap":
            end = start + overlap[idx - 1] - 1
        elif before == "gap":
            end = start - r.randint(6, 30)
        elif before == "degree":
            end = start - r.randint(9, 30)
        else:
            end = start - r.choice([0, 1, 1, 1, 2])
        cursor = end
    out.reverse()
    return out


def educations(ctx: Ctx, p: Person, dates: list[tuple[int, int | None, str]], first_start: int) -> None:
    r = ctx.rng
    schools = W.SCHOOLS[p.region]
    field_ = DEGREES[TT.GROUPS[p.track]]
    for prev, nxt in itertools.pairwise(dates):
        if nxt[2] == "degree":
            assert prev[1] is not None
            s, e = prev[1] + r.choice([0, 1]), nxt[0] - r.choice([0, 1])
            degree = "PhD" if e - s >= 30 else r.choice(["MSc", "MSc", "MBA" if field_ == "Management" else "MEng", "MRes"])
            p.educations.append(Education(r.choice(schools), degree, field_, s, e))
    end = first_start - r.randint(1, 4)
    end -= (end % 12 - 5) % 12  # back to the June before the first job: academic years end in June
    year_only = r.random() < 0.25
    if r.random() < 0.3:
        p.educations.append(Education(r.choice(schools), "MSc", field_, end - 9, end, year_only))
        end -= 12
    length = 36 if p.region == "GB" else 48
    p.educations.append(Education(r.choice(schools), r.choice(["BSc", "BEng", "BA"]), field_, end - length + 3, end,
                                  year_only))
    p.educations.sort(key=lambda e: e.start)


# -- employers ------------------------------------------------------------------------------------
def pick_company(ctx: Ctx, p: Person, start: int, end: int | None, used: set[str],
                 pool: list[Company] | None = None) -> Company:
    """A company alive over the whole tenure, from the candidate's region and line of work if possible."""
    r, today = ctx.rng, ctx.today
    end_m = today if end is None else end
    if pool is None and ctx.reg.n_companies() > SAMPLE_ABOVE:
        picked = _pick_sampled(ctx, p, start, end_m, used)
        if picked is not None:
            return picked
    options = [c for c in (pool if pool is not None else ctx.reg.employers())
               if c.alive(start, end_m) and c.family not in used]
    if not options:
        raise LookupError("no company fits this tenure")
    home = HOME.get(p.region)
    if home and r.random() < 0.55:
        local = [c for c in options if c.country == home]
    elif r.random() < 0.85:
        local = [c for c in options if c.country == "GB"]
    else:
        local = [c for c in options if c.country != "GB"]
    if p.track in TT.TECH_TRACKS:
        local = [c for c in local if c.sector in TECH_SECTORS] or local
    return r.choice(local or options)


def _pick_sampled(ctx: Ctx, p: Person, start: int, end_m: int, used: set[str], tries: int = 200) -> Company | None:
    """``pick_company``'s choice by rejection sampling, for big worlds where scanning every company per job
    makes generation quadratic. Same distribution: uniform over the preferred group's companies that fit
    the tenure; ``None`` when no fitting one turned up, and the caller scans (which also handles the
    fall-backs to a wider group)."""
    r = ctx.rng
    home = HOME.get(p.region)
    if home and r.random() < 0.55:
        want = lambda country: country == home
    elif r.random() < 0.85:
        want = lambda country: country == "GB"
    else:
        want = lambda country: country != "GB"
    tech = p.track in TT.TECH_TRACKS
    groups = [g for (country, sector), g in ctx.reg.employer_buckets().items()
              if want(country) and (not tech or sector in TECH_SECTORS)]
    sizes = list(itertools.accumulate(len(g) for g in groups))
    if not sizes or not sizes[-1]:
        return None
    for _ in range(tries):
        i = r.randrange(sizes[-1])
        g = bisect.bisect_right(sizes, i)
        c = groups[g][i - (sizes[g - 1] if g else 0)]
        if c.alive(start, end_m) and c.family not in used:
            return c
    return None


def fabricated(ctx: Ctx) -> str:
    r = ctx.rng
    while True:
        word = ctx.fake_words.pop() if ctx.fake_words else r.choice(W.FAKE_WORDS)
        g1, g2 = r.sample(W.GENERIC, 2)
        core = f"{word} {g1} {g2}" if r.random() < 0.6 else f"{word} {g1}"
        name = core + r.choice([" Ltd", " Ltd", " Limited", " Inc.", "", ""])
        if core not in ctx.fake_names:
            ctx.fake_names.add(core)
            return name


def _day(r: random.Random, m: int) -> date:
    return date(m // 12, m % 12 + 1, r.randint(1, 28))


def inactive_company(ctx: Ctx, p: Person, start: int, end: int | None) -> tuple[Company, str]:
    """A company that did not exist for part of the claimed tenure (by 6+ months)."""
    r, today = ctx.rng, ctx.today
    end_m = today if end is None else end
    room = end_m - start - 2
    sector = r.choice(["software", "hardware", "consulting", "machinery"])
    lag = r.randint(6, max(6, min(30, room)))
    if r.random() < 0.5:
        created = _day(r, start + lag)
        if r.random() < 0.2:
            c = ctx.reg.foreign(r.choice(["DE", "FR", "NL"]), sector, created=created)
        else:
            c = ctx.reg.uk(sector, created=created)
        return c, f"founded {lag} months after the claimed start"
    created = _day(r, start - r.randint(24, 200))
    c = ctx.reg.uk(sector, created=created, dissolved=_day(r, end_m - lag))
    return c, f"dissolved {lag} months before the claimed end"


def assign_employers(ctx: Ctx, p: Person, dates: list[tuple[int, int | None, str]], kinds: set[str]) -> dict[str, int]:
    """Fill ``p.jobs`` (full-time, oldest first); returns which job each job-level plant used."""
    r, today = ctx.rng, ctx.today
    k = len(dates)
    slots = list(range(k))
    chosen: dict[str, int] = {}
    if "non_compete_risk" in kinds:
        prev_end = dates[k - 2][1] if k >= 2 else None
        chosen["non_compete_risk"] = k - 2 if (prev_end is not None and prev_end >= today - 18
                                                 and r.random() < 0.35) else k - 1
        slots.remove(chosen["non_compete_risk"])
    r.shuffle(slots)
    for kind in ("employer_inactive_during_tenure", "employer_not_in_registry", "employer_not_on_profile"):
        if kind in kinds:
            fits = [i for i in slots if kind != "employer_inactive_during_tenure"
                    or ((dates[i][1] or today) - dates[i][0]) >= 9]
            chosen[kind] = fits[0]
            slots.remove(fits[0])
    levels = TT.career_levels(p.track, k, r)
    used: set[str] = set()
    for i, (start, end, _) in enumerate(dates):
        t = TT.title(p.track, levels[i], r)
        role, company = "", None
        if chosen.get("non_compete_risk") == i:
            company = pick_company(ctx, p, start, end, used, ctx.reg.competitors())
            role = "non_compete_risk"
        elif chosen.get("employer_not_in_registry") == i:
            role = "employer_not_in_registry"
        elif chosen.get("employer_inactive_during_tenure") == i:
            company, why = inactive_company(ctx, p, start, end)
            role = f"employer_inactive_during_tenure:{why}"
        else:
            since = None if end is None else today - end
            if since is not None and since >= 32 and r.random() < 0.08:
                company, role = pick_company(ctx, p, start, end, used, ctx.reg.competitors()), "old_competitor"
            elif since is not None and since >= 3 and r.random() < 0.05:  # dissolved after the candidate left
                sector = r.choice(["software", "hardware", "consulting"] if p.track in TT.TECH_TRACKS else ["retail", "consulting", "media"])
                company = ctx.reg.uk(sector, created=_day(r, start - 60),
                                     dissolved=_day(r, end + r.randint(1, min(24, since - 1))))  # type: ignore[operator]
            else:
                company = pick_company(ctx, p, start, end, used)
            if chosen.get("employer_not_on_profile") == i:
                role = "employer_not_on_profile"
        name = fabricated(ctx) if company is None else r.choice(resume_names(company, start))
        chinese = zh_titles(company) if p.region == "CN" and r.random() < 0.3 else False
        job = ResumeJob(company, name, t, TT.render(t, r, 0.12, chinese, vocab=ctx.reg.vocab), start, end,
                        "full_time", role)
        if company:
            used.add(company.family)
        p.jobs.append(job)
    _extras(ctx, p, used)
    return chosen


def _extras(ctx: Ctx, p: Person, used: set[str]) -> None:
    """Benign look-alikes: an internship just before the first job, a side job beside a current one."""
    r, today = ctx.rng, ctx.today
    first, last = p.jobs[0], p.jobs[-1]
    if "intern" in TT.TRACKS[p.track] and r.random() < 0.12:
        end = first.start - r.choice([1, 2])
        start = end - r.randint(2, 5)
        c = pick_company(ctx, p, start, end, used)
        t = TT.title(p.track, "intern")
        p.jobs.insert(0, ResumeJob(c, r.choice(resume_names(c, start)), t, t.text, start, end, "internship"))
        used.add(c.family)
    if last.end is None and today - last.start >= 8 and r.random() < 0.08:
        text, etype = r.choice(TT.SIDE_TITLES)
        start = r.randint(last.start + 3, today - 3)
        pool = [c for c in ctx.reg.employers() if c.sector in ("consulting", "software", "research")]
        c = pick_company(ctx, p, start, None, used, pool)
        t = TT.special(text, "side", "mid")
        p.jobs.append(ResumeJob(c, r.choice(resume_names(c, start)), t, text, start, None, etype))
        used.add(c.family)
