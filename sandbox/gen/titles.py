"""Job titles as (track, level) claims, and the wordings that keep or change that claim.

Two titles mean the same job when their key ``(track, level)`` is equal; docs/KINDS.md's benign
look-alikes (Sr./Senior, Jr./Junior, II/2, Developer/Engineer, Mgr/Manager, word order, Chinese vs
English) are produced by ``wordings`` and never change the key. A planted title mismatch changes the
track to another *group* of functions or the level by at least two rungs.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.gen.vocab import Vocabulary

LEVELS = ("intern", "junior", "mid", "senior", "lead", "manager", "director", "vp")
RANK = {lv: i for i, lv in enumerate(LEVELS)}

TRACKS: dict[str, dict[str, str]] = {
    "software": {"intern": "Software Engineering Intern", "junior": "Junior Software Engineer",
                 "mid": "Software Engineer", "senior": "Senior Software Engineer",
                 "lead": "Lead Software Engineer", "manager": "Engineering Manager",
                 "director": "Director of Engineering", "vp": "VP of Engineering"},
    "robotics": {"junior": "Junior Robotics Engineer", "mid": "Robotics Engineer",
                 "senior": "Senior Robotics Engineer", "lead": "Principal Robotics Engineer",
                 "director": "Head of Robotics"},
    "hardware": {"junior": "Junior Hardware Engineer", "mid": "Hardware Engineer",
                 "senior": "Senior Hardware Engineer", "lead": "Lead Hardware Engineer",
                 "director": "Head of Hardware"},
    "mechanical": {"intern": "Mechanical Engineering Intern", "junior": "Junior Mechanical Engineer",
                   "mid": "Mechanical Engineer", "senior": "Senior Mechanical Engineer",
                   "lead": "Principal Mechanical Engineer"},
    "firmware": {"junior": "Junior Embedded Software Engineer", "mid": "Embedded Software Engineer",
                 "senior": "Senior Embedded Software Engineer", "lead": "Lead Embedded Software Engineer"},
    "data_science": {"junior": "Junior Data Scientist", "mid": "Data Scientist", "senior": "Senior Data Scientist",
                     "lead": "Lead Data Scientist", "director": "Head of Data Science"},
    "data_analyst": {"junior": "Junior Data Analyst", "mid": "Data Analyst", "senior": "Senior Data Analyst"},
    "product": {"junior": "Associate Product Manager", "mid": "Product Manager",
                "senior": "Senior Product Manager", "director": "Director of Product", "vp": "VP of Product"},
    "project": {"mid": "Project Manager", "senior": "Senior Project Manager", "director": "Head of Delivery"},
    "sales": {"junior": "Junior Sales Executive", "mid": "Sales Manager", "senior": "Senior Sales Manager",
              "director": "Sales Director", "vp": "VP of Sales"},
    "marketing": {"mid": "Marketing Manager", "senior": "Senior Marketing Manager", "director": "Head of Marketing"},
    "qa": {"junior": "Junior Test Engineer", "mid": "Test Engineer", "senior": "Senior Test Engineer"},
    "devops": {"mid": "DevOps Engineer", "senior": "Senior DevOps Engineer", "lead": "Lead DevOps Engineer"},
    "research": {"mid": "Research Scientist", "senior": "Senior Research Scientist",
                 "lead": "Principal Research Scientist", "director": "Director of Research"},
    "finance": {"junior": "Junior Accountant", "mid": "Accountant", "senior": "Senior Accountant",
                "manager": "Finance Manager", "director": "Finance Director"},
    "operations": {"mid": "Operations Manager", "senior": "Senior Operations Manager",
                   "director": "Head of Operations"},
    "ux": {"junior": "Junior UX Designer", "mid": "UX Designer", "senior": "Senior UX Designer",
           "lead": "Lead UX Designer", "director": "Head of Design"},
}
GROUPS = {"software": "sw", "firmware": "sw", "devops": "sw", "qa": "sw", "robotics": "hw", "hardware": "hw",
          "mechanical": "hw", "data_science": "data", "data_analyst": "data", "product": "pm", "project": "pm",
          "sales": "biz", "marketing": "biz", "finance": "biz", "operations": "biz", "ux": "design",
          "research": "research"}
# Functions that are close enough that a "different function" label would be arguable: never planted.
_CLOSE = {frozenset({"data", "research"})}
TRACK_WEIGHTS = [("software", 22), ("robotics", 9), ("hardware", 7), ("mechanical", 7), ("firmware", 7),
                 ("data_science", 8), ("data_analyst", 5), ("product", 6), ("project", 5), ("sales", 4),
                 ("marketing", 3), ("qa", 4), ("devops", 4), ("research", 5), ("finance", 3),
                 ("operations", 3), ("ux", 3)]
TECH_TRACKS = {t for t, g in GROUPS.items() if g in ("sw", "hw", "data", "research")}


SIDE_TITLES = [("Technical Advisor", "part_time"), ("Freelance Software Consultant", "contract"),
               ("Contract Firmware Consultant", "contract"), ("Part-time Mentor", "part_time")]


@dataclass(frozen=True)
class Title:
    track: str
    level: str
    text: str  # canonical English wording
    numeral: bool = False  # "Software Engineer II": both sides keep a numeral (II or 2)

    @property
    def key(self) -> tuple[str, str]:
        return (self.track, self.level)


def title(track: str, level: str, rng: random.Random | None = None) -> Title:
    text = TRACKS[track][level]
    numeral = bool(rng and level == "mid" and text.endswith("Engineer") and rng.random() < 0.12)
    return Title(track, level, text, numeral)


def special(text: str, track: str, level: str) -> Title:
    return Title(track, level, text)


def abbreviations(base: str, words: dict[str, list[str]]) -> list[str]:
    """``base`` with each abbreviable word shortened, one at a time and all at once ("Sr. Proj. Mgr")."""
    toks = base.split()
    spots = [i for i, w in enumerate(toks) if w in words]
    out = []
    for i in spots:
        for a in words[toks[i]]:
            out.append(" ".join(toks[:i] + [a] + toks[i + 1:]))
    if len(spots) > 1:
        out.append(" ".join(words[w][0] if w in words else w for w in toks))
    return list(dict.fromkeys(out))


def chinese(t: Title, chinese_ok: bool | str, vocab: Vocabulary | None) -> str | None:
    """The Chinese wording (traditional when ``chinese_ok == "trad"``: Hong Kong and Taiwan employers)."""
    if not chinese_ok or t.numeral:
        return None
    from sandbox.gen.vocab import convert, get

    vocab = vocab or get("default")
    zh = vocab.zh_titles.get(t.text)
    if zh and chinese_ok == "trad":
        zh = convert(zh, vocab.zh_title_script)
    return zh


def wordings(t: Title, chinese_ok: bool | str = False, vocab: Vocabulary | None = None) -> list[str]:
    """Every wording of the same claim (the first is the canonical one)."""
    base = t.text
    out = [base]
    if base.startswith("Senior "):
        out += ["Sr. " + base[7:], "Sr " + base[7:]]
    if base.startswith("Junior "):
        out.append("Jr. " + base[7:])
    if re.search(r"Software Engineer\b", base):
        out += [re.sub(r"Software Engineer\b", "Software Developer", w) for w in list(out)]
    if base.endswith(" Manager") and not base.startswith(("Senior ", "Junior ")):
        out.append(base[: -len("Manager")] + "Mgr")
    for head in ("Director of ", "VP of "):
        if base.startswith(head):
            rest = base[len(head):]
            out.append(f"{rest} Director" if head.startswith("Director") else f"Vice President of {rest}")
    if vocab is not None:
        out += [w for w in abbreviations(base, vocab.title_words) if w not in out]
    if t.numeral:
        out = [w + suffix for w in out for suffix in (" II", " 2")]
    zh = chinese(t, chinese_ok, vocab)
    if zh:
        out.append(zh)
    return out


def render(t: Title, rng: random.Random, vary: float, chinese_ok: bool | str = False, zh: float = 0.4,
           vocab: Vocabulary | None = None) -> str:
    """The canonical wording, or with probability ``vary`` a random benign variant.

    With ``chinese_ok`` (a job at a Chinese employer) the Chinese title comes with probability ``zh``.
    """
    zh_text = chinese(t, chinese_ok, vocab)
    if zh_text and rng.random() < zh:
        return zh_text
    options = wordings(t, chinese_ok, vocab)
    if t.numeral:
        return rng.choice(options[:2]) if rng.random() >= vary else rng.choice(options)
    return options[0] if rng.random() >= vary or len(options) == 1 else rng.choice(options[1:])


def career_levels(track: str, n: int, rng: random.Random) -> list[str]:
    """Non-decreasing levels for ``n`` consecutive jobs in one track (no intern rung)."""
    ladder = [lv for lv in LEVELS if lv in TRACKS[track] and lv != "intern"]
    i = rng.randint(0, min(1, len(ladder) - 1))
    out = []
    for _ in range(n):
        out.append(ladder[i])
        if rng.random() < 0.55 and i < len(ladder) - 1 and RANK[ladder[i + 1]] <= RANK["director"]:
            i += 1
    return out


def mismatch(t: Title, rng: random.Random) -> tuple[Title, Title, str]:
    """(resume title, profile title, why) that differ in substance, built around ``t``."""
    mode = rng.random()
    if mode < 0.12:
        return (special("Project Manager", "project", "mid"), special("Department Head", "department", "director"),
                "project manager vs department head")
    if mode < 0.55:
        ladder = [lv for lv in TRACKS[t.track] if lv != "intern"]
        pairs = [(a, b) for a in ladder for b in ladder if RANK[a] - RANK[b] >= 2]
        if pairs:
            hi, lo = rng.choice(pairs)
            if rng.random() < 0.8:
                return title(t.track, hi), title(t.track, lo), f"seniority inflated: {hi} vs {lo}"
            return title(t.track, lo), title(t.track, hi), f"seniority differs: {lo} vs {hi}"
    others = [tr for tr in TRACKS if GROUPS[tr] != GROUPS[t.track]
              and frozenset({GROUPS[tr], GROUPS[t.track]}) not in _CLOSE]
    other = rng.choice(others)
    lv = "mid" if "mid" in TRACKS[other] else next(iter(TRACKS[other]))
    return t, title(other, lv), f"different function: {t.track} vs {other}"


LEVEL_WORD_SHARE = 0.2  # of planted title mismatches, those that are a level word in front of one function


def level_word_claim(t: Title, key: str) -> tuple[Title, Title, str] | None:
    """Sometimes, instead of the planted mismatch: (resume title, profile title, why) that differ only by
    a level word in front of the same function ("Group Sales Manager" vs "Sales Manager", "Software
    Engineer" vs "Associate Software Engineer"), a seniority claim the engine must not read as wording.

    Decided by an RNG of its own keyed on the job, so the world's main random stream (and every other
    planted finding) stays as it was.
    """
    rng = random.Random(f"level-word:{key}")
    base = TRACKS[t.track].get("mid", "")
    if rng.random() >= LEVEL_WORD_SHARE or not base or base.startswith(("Senior ", "Junior ", "Lead ", "Principal ")):
        return None
    if rng.random() < 0.3 and f"Associate {base}" not in TRACKS[t.track].values():
        return title(t.track, "mid"), special(f"Associate {base}", t.track, "junior"), "level word: associate"
    word = "Group" if base.endswith("Manager") else "Principal"
    return special(f"{word} {base}", t.track, "lead"), title(t.track, "mid"), f"level word: {word.lower()}"
