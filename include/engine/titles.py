"""Job titles compared in substance: the function and the seniority level, not the wording.

"Sr. Developer" and "Senior Software Engineer" are the same claim; "高级软件工程师" is too. A title
becomes a ``TitleMeaning`` (a level on one ladder and a set of function words); two titles differ
in substance when the functions disagree or the levels do.

The ladder is ordered in two steps: the rung (``LEVELS``: intern ... chief), then a step within the
rung that a level word in front of the rung word gives, in English or Chinese (``STEP_WORDS``):
"Associate Director" and 副总监 sit below "Director", "Senior Director", "Group Product Manager" and
高级经理 above the plain rung. Such a word is a seniority claim, never wording.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from include.engine.names import has_cjk

LEVELS = ("intern", "junior", "mid", "senior", "lead", "manager", "director", "vp", "chief")
LEVEL_RANK = {name: i for i, name in enumerate(LEVELS)}
# A level word in front of the rung word: one step below or above the plain rung. The Chinese words
# arrive here translated (副 -> deputy, 高级 / 资深 -> senior).
STEP_WORDS = {"associate": -1, "assistant": -1, "deputy": -1, "junior": -1,
              "senior": 1, "group": 1, "principal": 1, "executive": 1, "managing": 1, "global": 1, "staff": 1}
_STEP_RUNGS = {"lead", "manager", "director", "vp", "chief"}  # the rungs a step word qualifies

# Chinese title words, longest first when segmenting.
ZH = {
    "首席执行官": "chief executive officer", "首席技术官": "chief technology officer",
    "首席财务官": "chief financial officer", "首席运营官": "chief operating officer",
    "人力资源": "human resources", "总经理": "general manager", "副总裁": "vice president",
    "实习生": "intern", "工程师": "engineer", "科学家": "scientist", "分析师": "analyst",
    "研究员": "researcher", "架构师": "architect", "设计师": "designer", "负责人": "head",
    "程序员": "programmer", "嵌入式": "embedded", "机器人": "robotics", "会计师": "accountant",
    "高级": "senior", "资深": "senior", "初级": "junior", "中级": "", "首席": "chief", "主任": "head",
    "软件": "software", "硬件": "hardware", "经理": "manager", "项目": "project", "产品": "product",
    "总监": "director", "部门": "department", "主管": "lead", "组长": "lead", "实习": "intern",
    "销售": "sales", "数据": "data", "技术": "technical", "开发": "developer", "测试": "test",
    "运维": "devops", "前端": "frontend", "后端": "backend", "算法": "algorithm", "市场": "marketing",
    "营销": "marketing", "财务": "finance", "会计": "accountant", "运营": "operations",
    "机械": "mechanical", "电子": "electronics", "电气": "electrical", "助理": "assistant",
    "专家": "specialist", "顾问": "consultant", "客户": "customer", "支持": "support", "系统": "systems",
    "网络": "network", "安全": "security", "研发": "r&d", "研究": "research", "设计": "design",
    "质量": "quality", "工程": "engineering", "总裁": "president", "董事": "director", "副": "deputy",
    "总": "head", "专员": "specialist", "员": "", "师": "", "的": "", "和": "and", "与": "and",
    "人工智能": "ai", "机器学习": "machine learning", "云": "cloud", "平台": "platform",
    "分析": "analysis", "科学": "science", "营运": "operations", "行销": "marketing", "业务": "business",
}
_ZH_KEYS = sorted(ZH, key=len, reverse=True)

ABBREV = {
    "sr": "senior", "snr": "senior", "jr": "junior", "jnr": "junior", "mgr": "manager", "eng": "engineer",
    "engr": "engineer", "dev": "developer", "swe": "software engineer", "sde": "software engineer",
    "vp": "vice president", "svp": "senior vice president", "evp": "executive vice president",
    "cto": "chief technology officer", "ceo": "chief executive officer", "cfo": "chief financial officer",
    "coo": "chief operating officer", "cio": "chief information officer", "pm": "product manager",
    "qa": "quality assurance", "hr": "human resources", "ml": "machine learning", "asst": "assistant",
    "assoc": "associate", "dir": "director", "mktg": "marketing", "ops": "operations", "admin": "administrator",
    "ux": "design", "ui": "design", "sw": "software", "hw": "hardware", "devops": "devops", "sre": "devops",
    # written abbreviations of title words ("Proj. Mgr" is "Project Manager"); the dot is gone by now
    "proj": "project", "mngr": "manager", "mgmt": "management", "engg": "engineer", "exec": "executive",
    "coord": "coordinator", "co-ord": "coordinator", "acct": "account", "accts": "accounts", "rep": "representative",
    "reps": "representative", "tech": "technical", "spec": "specialist", "sys": "systems", "svc": "service",
    "svcs": "services", "prod": "product", "progr": "programmer", "prog": "programmer", "dept": "department",
    "adm": "administrator", "mkt": "marketing", "comms": "communications",
    "intl": "international", "gm": "general manager",
}
# Words that are the same function under another name.
SYNONYMS = {
    "developer": "engineer", "programmer": "engineer", "engineering": "engineer", "coder": "engineer",
    "researcher": "research", "scientist": "science", "analyst": "analysis", "analytics": "analysis",
    "designer": "design", "consultant": "consulting", "accountant": "finance", "accounting": "finance",
    "administrator": "admin", "technical": "tech", "technology": "tech", "technologies": "tech",
    "dept": "department", "r&d": "research", "specialist": "", "associate": "", "staff": "",
    "member": "", "of": "", "the": "", "and": "", "team": "", "department": "", "deputy": "",
    "officer": "", "executive": "", "professional": "", "expert": "", "i": "", "ii": "", "iii": "",
    "iv": "", "1": "", "2": "", "3": "", "4": "", "full": "", "stack": "fullstack", "fullstack": "fullstack",
    # one word, singular or plural ("Systems Engineer" = "System Engineer")
    "systems": "system", "services": "service", "accounts": "account", "products": "product",
    "projects": "project", "programs": "program", "programme": "program", "programmes": "program",
    "operation": "operations", "solutions": "solution", "networks": "network", "communication": "communications",
}
_LEVEL_WORDS = {
    "intern": "intern", "internship": "intern", "trainee": "intern", "apprentice": "intern",
    "graduate": "junior", "junior": "junior", "entry": "junior",
    "senior": "senior", "principal": "lead", "lead": "lead", "staff": "lead", "architect": "lead",
    "manager": "manager", "head": "director", "director": "director", "president": "vp", "vice": "vp",
    "chief": "chief", "cto": "chief", "ceo": "chief", "founder": "chief",
    "group": "lead",  # "Group Product Manager": a rung above the product manager
}
# "Product manager" names a function, not a rung above senior engineers.
_FUNCTION_MANAGERS = {"product", "project", "program", "programme", "account", "office", "marketing",
                      "sales", "community", "brand", "content", "customer", "success", "accounts", "general",
                      "operations", "delivery", "store", "branch", "hr", "human", "recruitment", "talent"}
_NUMERAL_LEVEL = {"i": "mid", "1": "mid", "ii": "mid", "2": "mid", "iii": "senior", "3": "senior",
                  "iv": "lead", "4": "lead"}
_SPLIT = re.compile(r"[^\w&]+")
# Title words a written abbreviation may stand for ("Sci." for Scientist, "Prj" for Project): any
# word the tables above know, plus common title words they do not list.
_COMMON_WORDS = ["scientist", "science", "analyst", "engineer", "developer", "manager", "director", "project", "product", "program", "research", "software", "hardware", "mechanical", "electrical", "electronics", "embedded", "robotics", "operations", "marketing", "sales", "finance", "accountant", "designer", "design", "consultant", "coordinator", "administrator", "architect", "assistant", "associate", "specialist", "technician", "supervisor", "representative", "executive", "officer", "president", "principal", "senior", "junior", "quality", "test", "testing", "security", "network", "systems", "infrastructure", "platform", "support", "customer", "business", "account", "communications", "department", "development", "technical", "data", "machine", "learning", "delivery", "lead", "head"]
_VOWELS = set("aeiou")


def _title_vocabulary() -> frozenset[str]:
    words = set(_COMMON_WORDS) | set(SYNONYMS) | set(_LEVEL_WORDS) | _FUNCTION_MANAGERS
    for phrase in (*ZH.values(), *ABBREV.values()):
        words.update(phrase.split())
    return frozenset(w for w in words if w.isalpha() and len(w) >= 4)


_TITLE_VOCABULARY = _title_vocabulary()


def _subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(ch in it for ch in short)


@lru_cache(maxsize=4096)
def expand_abbreviation(token: str, dotted: bool) -> str | None:
    """The title word a written abbreviation stands for, when exactly one function fits.

    Only a token the vocabulary does not know, of three or more letters, written with a dot
    ("Sci.") or with no vowel after its first letter ("Prj", "Mngr"): a prefix of the word, else
    its letters in order, starting with the same letter. "Sci." is Scientist or Science, one
    function; a token two different functions fit stays as written.
    """
    if len(token) < 3 or not token.isalpha() or token in _TITLE_VOCABULARY:
        return None
    if not dotted and _VOWELS & set(token[1:]):
        return None
    longer = [w for w in _TITLE_VOCABULARY if w[0] == token[0] and len(w) > len(token)]
    fits = {w for w in longer if w.startswith(token)} or {w for w in longer if _subsequence(token, w)}
    meanings = {SYNONYMS.get(w, w) for w in fits}
    meanings = {_LEVEL_WORDS.get(m, m) for m in meanings}
    if len(meanings) != 1:
        return None
    return min(fits, key=lambda w: (len(w), w))


@lru_cache(maxsize=1)
def _tw2sp() -> object:
    from opencc import OpenCC

    return OpenCC("tw2sp")


def _simplified(text: str) -> str:
    """Traditional to simplified Chinese with Taiwan phrasing mapped too (軟體 -> 软件, 專案 -> 项目)."""
    return str(_tw2sp().convert(text)) if has_cjk(text) else text  # type: ignore[attr-defined]


@dataclass(frozen=True)
class TitleMeaning:
    level: str
    function: frozenset[str]
    step: int = 0  # within the rung: -1 associate / deputy, +1 senior / group / principal

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]

    @property
    def order(self) -> tuple[int, int]:
        """The place on the ordered ladder: rung, then step within it."""
        return (self.rank, self.step)


_ZH_BY_FIRST: dict[str, list[str]] = {}
for _k in _ZH_KEYS:
    _ZH_BY_FIRST.setdefault(_k[0], []).append(_k)


def _translate_zh(text: str) -> str:
    """Greedy longest-match segmentation against the dictionary; other characters pass through."""
    if not has_cjk(text):
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        for key in _ZH_BY_FIRST.get(text[i], ()):
            if text.startswith(key, i):
                out.append(f" {ZH[key]} ")
                i += len(key)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def title_words(title: str) -> list[str]:
    """English words of a title, abbreviations expanded, Chinese translated."""
    text = unicodedata.normalize("NFKC", title).casefold()
    text = _translate_zh(_simplified(text))
    dotted = set(re.findall(r"(\w+)\.", text))
    text = text.replace(".", " ").replace("-", " ")
    words: list[str] = []
    for w in _SPLIT.split(text):
        if w:
            known = ABBREV.get(w)
            words.extend((known or expand_abbreviation(w, w in dotted) or w).split())
    return words


@lru_cache(maxsize=65536)
def title_meaning(title: str) -> TitleMeaning:
    words = title_words(title)
    functional_manager = any(w in _FUNCTION_MANAGERS for w in words)
    level = "mid"
    found: list[str] = []
    for i, w in enumerate(words):
        lw = _LEVEL_WORDS.get(w)
        if lw == "manager" and functional_manager:
            continue
        if lw == "vp" and w == "vice":
            found.append("vp")
            continue
        if lw == "vp" and w == "president" and i > 0 and words[i - 1] == "vice":
            continue
        if lw:
            found.append(lw)
    numerals = [_NUMERAL_LEVEL[w] for w in words if w in _NUMERAL_LEVEL]
    step = 0
    if found:
        level = max(found, key=LEVEL_RANK.__getitem__)
        if level in _STEP_RUNGS:
            top = _rung_position(words, level, functional_manager)
            steps = [STEP_WORDS[w] for w in words[:top] if w in STEP_WORDS and _LEVEL_WORDS.get(w) != level]
            step = max(-1, min(1, sum(steps)))
    elif numerals:
        level = numerals[-1]
    elif "associate" in words or "assistant" in words:
        level = "junior"
    function: set[str] = set()
    for w in words:
        if _LEVEL_WORDS.get(w) and not (w == "manager" and functional_manager) and w != "architect":
            continue
        w = SYNONYMS.get(w, w)
        if w and w not in STEP_WORDS:
            function.add(w)
    return TitleMeaning(level, frozenset(function), step)


def _rung_position(words: list[str], level: str, functional_manager: bool) -> int:
    """Index of the word that gives the title its rung (the last one, "vice president" at "vice")."""
    pos = len(words)
    for i, w in enumerate(words):
        lw = _LEVEL_WORDS.get(w)
        if lw == "manager" and functional_manager:
            lw = None
        if lw == level:
            pos = i
            if w == "vice":
                break
    return pos


def same_function(a: frozenset[str], b: frozenset[str]) -> bool:
    """Functions agree when one title's function words are contained in the other's.

    "Engineer" and "Software Engineer" agree (one is less specific); "Software Engineer" and
    "Sales Engineer" do not; an empty function (a bare "Manager") agrees with anything.
    """
    if not a or not b:
        return True
    return a <= b or b <= a


def compare_titles(resume_title: str | None, profile_title: str | None) -> tuple[bool, str, int]:
    """(differs in substance, why, resume rank minus profile rank)."""
    if not resume_title or not profile_title:
        return False, "a title is missing", 0
    a, b = title_meaning(resume_title), title_meaning(profile_title)
    jump = a.rank - b.rank or a.step - b.step
    if not same_function(a.function, b.function):
        return True, "different function", jump
    if jump:
        return True, "different seniority", jump
    return False, "same role", 0


def is_senior(title: str | None) -> bool:
    """Senior or above (Senior/Lead/Principal/Manager/Head/Director/VP/Chief), as non-compete counts it."""
    if not title:
        return False
    words = title_words(title)
    if "manager" in words:
        return True
    return title_meaning(title).rank >= LEVEL_RANK["senior"]
