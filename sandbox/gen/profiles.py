"""Public profiles that mirror the resume with benign variations, and the profile-side plants.

Benign: legal-suffix differences, abbreviations, a former name, Chinese vs English names, the parent
or subsidiary's name, reworded titles, one-month date differences, year-only dates. Planted: a
shifted date (4+ months), a title of another function or seniority, an employer the resume omits.
"""

from __future__ import annotations

import random

from sandbox.gen import titles as TT
from sandbox.gen.companies import Company, _suffix_forms, abbreviated
from sandbox.gen.model import Interval, Person, ProfileJob, ResumeJob
from sandbox.gen.people import Ctx, pick_company, zh_titles

RESEARCHY = {"research", "data", "hw"}


def strip_suffix(name: str) -> str:
    for suffix in (" Ltd.", " Ltd", " Limited", " plc", " PLC", ", Inc.", " Inc.", " GmbH", " S.A.", " B.V."):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def profile_name(ctx: Ctx, c: Company) -> str:
    """A benign variant of the company's name, as a profile would show it."""
    r = ctx.rng
    if c.forms and (c.real or r.random() < 0.75):  # a brand, ticker, other script, pinyin or variant spelling
        return r.choice(c.forms)[0]
    if c.native and r.random() < 0.6:
        bare = c.native.replace("有限公司", "").replace("株式会社", "")  # the legal form dropped
        return r.choice([c.native, c.display, c.core, bare])
    relatives = [o for o in ctx.reg.family_of(c) if o.key in (c.parent, c.family) or o.parent == c.key]
    roll = r.random()
    if roll < 0.14 and relatives:
        o = r.choice(relatives)
        if o.forms:  # the parent's or subsidiary's brand
            return r.choice([f for f, cls in o.forms if cls != "legal"] or [o.core])
        return r.choice([o.native, o.core]) if o.native else o.core
    short = None if c.native else abbreviated(c.core)
    if roll < 0.24 and short:
        return short
    if roll < 0.30 and c.trading:
        return c.trading
    if roll < 0.40 and c.previous:
        return strip_suffix(c.previous[-1][0])
    if roll < 0.58:
        return r.choice(_suffix_forms(c))
    return c.core


def github_company(ctx: Ctx, c: Company) -> str:
    r = ctx.rng
    roll = r.random()
    # a namesake's handle would be the word it shares with another company: "@ambersley" names neither
    if roll < 0.5 and not (c.key in ctx.reg.namesakes and not c.forms):
        return "@" + c.handle
    if roll < 0.85:
        return c.core
    if roll < 0.93 and not c.native:
        return glued(c)
    return c.display


_GLUED_FORMS = {"ltd": "Ltd", "limited": "Ltd", "inc": "Inc", "gmbh": "GmbH", "plc": "Plc", "llc": "LLC",
                "corp": "Corp", "ag": "AG", "bv": "BV", "sa": "SA"}


def glued(c: Company) -> str:
    """The name run together in CamelCase with its legal form glued on, as GitHub company fields often
    are ("AcmeRoboticsLtd")."""
    form = c.display[len(c.core):].strip(" ,.").replace(".", "").casefold()
    camel = "".join(w[:1].upper() + w[1:] for w in c.core.replace("&", " ").split())
    return camel + _GLUED_FORMS.get(form, "Ltd")


def _benign_dates(r: random.Random, j: ResumeJob, today: int, allow_year: bool) -> tuple[Interval, Interval | None]:
    s: Interval = (j.start, j.start)
    e: Interval | None = None if j.end is None else (j.end, j.end)
    hi = today if j.end is None else j.end
    roll = r.random()
    if roll < 0.12:
        m = j.start + r.choice([-1, 1]) if j.start + 1 < hi else j.start - 1
        s = (m, m)
    elif roll < 0.22 and j.end is not None:
        m = j.end - 1 if j.end + 1 > today or r.random() < 0.5 else j.end + 1
        e = (m, m)
    elif roll < 0.30 and allow_year:
        y = j.start // 12
        s = (y * 12, y * 12 + 11)
    elif roll < 0.35 and allow_year and j.end is not None:
        y0, y1 = j.start // 12, j.end // 12
        s, e = (y0 * 12, y0 * 12 + 11), (y1 * 12, y1 * 12 + 11)
    elif roll < 0.38 and j.end is None and today - 1 > j.start + 1:
        e = (today - 1, today - 1)  # the profile already shows it as ended last month
    return s, e


def _row(ctx: Ctx, source: str, j: ResumeJob, allow_year: bool) -> ProfileJob:
    r = ctx.rng
    c = j.company
    name = profile_name(ctx, c) if c else (j.name if r.random() < 0.5 else strip_suffix(j.name))
    s, e = _benign_dates(r, j, ctx.today, allow_year)
    text = j.title_text if j.etype != "full_time" else TT.render(j.title, r, 0.5, zh_titles(c), vocab=ctx.reg.vocab)
    return ProfileJob(source, j.ident, name, j.title, text, s, e, c)


def decide(ctx: Ctx, p: Person, kinds: set[str]) -> tuple[bool, bool, bool, bool]:
    """(LinkedIn export, ORCID record, ORCID without employments, GitHub account)."""
    r = ctx.rng
    research = TT.GROUPS[p.track] in RESEARCHY
    li = r.random() < 0.6
    orcid = r.random() < (0.4 if research else 0.12)
    empty = orcid and r.random() < 0.15
    gh = r.random() < (0.5 if p.track in TT.TECH_TRACKS else 0.15)
    needs_jobs = kinds & {"date_mismatch", "title_mismatch", "employer_not_on_profile"}
    if needs_jobs and not li and not (orcid and not empty):
        li = True
    if "profile_employer_not_on_resume" in kinds and not (li or (orcid and not empty) or gh):
        li = True
    return li, orcid, empty, gh


def build(ctx: Ctx, p: Person, kinds: set[str]) -> None:
    r = ctx.rng
    li, orcid, empty, gh = decide(ctx, p, kinds)
    hidden = set()
    for i, j in enumerate(p.jobs):
        if j.role == "employer_not_on_profile" or (j.role == "employer_not_in_registry"
                                                   and (not li or r.random() < 0.7)):
            hidden.add(i)
    visible = [j for i, j in enumerate(p.jobs) if i not in hidden]
    p.linkedin_url = li or r.random() < 0.1
    if li:
        p.linkedin = [_row(ctx, "linkedin", j, True) for j in visible]
    if orcid:
        p.orcid = []
        if not empty:
            real = [j for j in visible if j.company]
            chosen = [j for j in real if not li or r.random() < 0.7] or real[:1]
            p.orcid = [_row(ctx, "orcid", j, r.random() < 0.3) for j in chosen]
    if gh:
        p.github_login = "?"  # the renderer gives the real login
        current = [i for i, j in enumerate(p.jobs) if j.end is None and j.etype == "full_time"]
        if current and p.jobs[current[-1]].company and current[-1] not in hidden and r.random() < 0.65:
            j = p.jobs[current[-1]]
            p.github = ProfileJob("github", j.ident, github_company(ctx, j.company), company=j.company)  # type: ignore[arg-type]


def aligned(p: Person, avoid: ResumeJob | None = None) -> list[tuple[ResumeJob, ProfileJob]]:
    pairs = [(j, pj) for j in p.jobs for pj in p.profile_jobs() if pj.ident == j.ident and j.etype == "full_time"]
    return [pr for pr in pairs if pr[0] is not avoid] or pairs


def plant_date(ctx: Ctx, p: Person, avoid: ResumeJob | None) -> ResumeJob:
    """Move one profile date by 4-14 months, or make a current job ended (or the reverse)."""
    r, today = ctx.rng, ctx.today
    j, pj = r.choice(aligned(p, avoid))
    modes = ["start", "start"]
    if j.end is not None and j.end - j.start >= 8:
        modes.append("end")
    if j.end is None and today - j.start >= 8:
        modes.append("ended")
    if j.end is not None and j.end <= today - 4 and pj.source == "linkedin":
        modes.append("current")
    mode = r.choice(modes)
    shift = r.randint(4, 14)
    if mode == "start":
        limit = (pj.end[0] if pj.end else today) - 2
        later = j.start + shift
        m = later if later <= limit and r.random() < 0.5 else j.start - shift
        pj.start = (m, m)
    elif mode == "end":
        assert j.end is not None
        later = j.end + shift
        m = later if later <= today - 1 and r.random() < 0.5 else j.end - min(shift, j.end - j.start - 3)
        pj.start, pj.end = (j.start, j.start), (m, m)
    elif mode == "ended":
        m = today - r.randint(4, min(18, today - j.start - 3))
        pj.start, pj.end = (j.start, j.start), (m, m)
    else:
        pj.end = None
    return j


def plant_title(ctx: Ctx, p: Person, avoid: ResumeJob | None) -> ResumeJob:
    """Give one aligned pair titles that differ in function or by two or more seniority rungs."""
    r = ctx.rng
    pairs = [(j, pj) for j, pj in aligned(p, avoid) if j.title.track in TT.TRACKS]
    j, target = r.choice(pairs)
    level_word = TT.level_word_claim(j.title, f"{j.ident}:{j.start}:{j.title.text}")
    resume_t, profile_t, _why = TT.mismatch(j.title, r)
    j.title, j.title_text = resume_t, TT.render(resume_t, r, 0.1, vocab=ctx.reg.vocab)
    chinese = zh_titles(j.company)
    for pj in p.profile_jobs():
        if pj.ident == j.ident:
            t = profile_t if pj is target else resume_t
            pj.title, pj.title_text = t, TT.render(t, r, 0.3, chinese, vocab=ctx.reg.vocab)
    if level_word is not None:  # rendered with a generator of its own: the main stream is drawn as before
        own = random.Random(f"level-word-text:{j.ident}:{j.start}")
        resume_t, profile_t, _why = level_word
        j.title, j.title_text = resume_t, TT.render(resume_t, own, 0.1, vocab=ctx.reg.vocab)
        for pj in p.profile_jobs():
            if pj.ident == j.ident:
                t = profile_t if pj is target else resume_t
                pj.title, pj.title_text = t, TT.render(t, own, 0.3, vocab=ctx.reg.vocab)
    return j


def plant_extra_employer(ctx: Ctx, p: Person) -> None:
    """A profile shows an earlier (or, on GitHub, a current) employer the resume leaves out."""
    r, today = ctx.rng, ctx.today
    used = {j.ident for j in p.jobs}
    lists = [x for x in (p.linkedin, p.orcid if p.orcid else None) if x is not None]
    if p.github_login and (not lists or r.random() < 0.3):
        c = _namesake(ctx, p, today - 24, None, used) or pick_company(ctx, p, today - 24, None, used)
        p.github = ProfileJob("github", c.family, github_company(ctx, c), company=c)
        return
    first = min(j.start for j in p.jobs)
    end = first - r.randint(1, 3)
    start = end - r.randint(4, 24) + 1
    c = _namesake(ctx, p, start, end, used) or pick_company(ctx, p, start, end, used)
    level = "junior" if "junior" in TT.TRACKS[p.track] else "mid"
    t = TT.title(p.track, level)
    target = lists[0]
    target.append(ProfileJob(target[0].source if target else "linkedin", c.family, profile_name(ctx, c), t,
                             TT.render(t, r, 0.3, vocab=ctx.reg.vocab), (start, start), (end, end), c))


def _namesake(ctx: Ctx, p: Person, start: int, end: int | None, used: set[str]) -> Company | None:
    """A hard negative, when one fits: a *different* company sharing a distinctive word with a resume
    employer ("Harrowgate Dental Supplies" beside "Harrowgate Digital Holdings", 上海星河物流 beside 星河未来)."""
    keys = [k for j in p.jobs if j.company for k in ctx.reg.namesakes.get(j.company.key, ())]
    pool = [ctx.reg.by_key[k] for k in dict.fromkeys(keys)]
    if not pool or ctx.rng.random() >= 0.7:
        return None
    try:
        return pick_company(ctx, p, start, end, used, pool)
    except LookupError:
        return None
