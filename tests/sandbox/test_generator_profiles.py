"""The profile-side labels, recomputed from world.json with a plain resolver over the registries.

Every name a profile shows must resolve to one corporate family (or be a fabricated name the resume
also uses): if it did not, a rule engine could not be expected to match it, and the benign variant
would be unfair. The four profile kinds are then recomputed and must equal the labels.
"""

from __future__ import annotations

import csv
import html
import io
import itertools

import pytest

from sandbox.gen import titles as TT
from sandbox.gen import vocab as V
from sandbox.generator import generate
from sandbox.world import World

DAY = "2026-11-21"
_SUFFIXES = (" private limited", " pvt ltd", " co., ltd.", ", inc.", " inc.", " inc", " ltd.", " ltd", " limited",
             " plc", " gmbh", " s.a.", " b.v.")
_EXPAND = {"tech": ["technologies", "technology"], "intl": ["international"], "labs": ["laboratories"],
           "mfg": ["manufacturing"], "and": ["&"]}
_MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])}


def norm(name: str) -> str:
    name = html.unescape(name).lower().strip().replace("有限公司", "").replace("株式会社", "")
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)].strip(" ,")
    return name


class Resolver:
    """Registry names -> corporate family (CH, OpenCorporates and GLEIF records joined by name and LEI)."""

    def __init__(self, data: dict, declared: list[dict[str, str]] | None = None):
        self.parent: dict[str, str] = {}
        self.names: dict[str, set[str]] = {}
        # names the generator declares in a real-world class (names.csv): tickers, variant spellings,
        # the other Chinese script, pinyin; each stands for the name registries list
        self.declared = {row["name"]: row["registered_as"] for row in declared or []}
        for c in data["companies_house"]:
            self._add("gb:" + c["company_number"], [c["company_name"]] + [p["name"] for p in c["previous_company_names"]])
        for o in data["opencorporates"]:
            self._add(f"{o['jurisdiction_code']}:{o['company_number']}", [o["name"]] + [p["company_name"] for p in o["previous_names"]]
                      + [a["company_name"] for a in o.get("alternative_names") or []])
        for g in data["gleif"]:
            names = [g["legal_name"]["name"]] + [o["name"] for o in g["other_names"]]
            self._add("lei:" + g["lei"], names + [o["name"] for o in g["transliterated_other_names"]])
            for up in (g["direct_parent"], g["ultimate_parent"]):
                if up:
                    self._union("lei:" + g["lei"], "lei:" + up)

    def _find(self, x: str) -> str:
        while self.parent.setdefault(x, x) != x:
            x = self.parent[x]
        return x

    def _union(self, a: str, b: str) -> None:
        self.parent[self._find(a)] = self._find(b)

    def _add(self, entity: str, names: list[str]) -> None:
        for name in names:
            for key in {name.lower(), norm(name)}:
                for other in self.names.setdefault(key, set()):
                    self._union(entity, other)
                self.names[key].add(entity)

    def families(self, name: str) -> set[str]:
        name = html.unescape(name)
        name = self.declared.get(name, self.declared.get(name.lstrip("@"), name))
        keys = [name.lower()]
        keys += [" ".join(ws) for ws in itertools.product(*([w, *_EXPAND.get(w, [])] for w in norm(name).split()))]
        for key in keys:
            if key in self.names:
                return {self._find(e) for e in self.names[key]}
        for key in keys[1:] if not name.startswith("@") else [name[1:].lower()]:
            wanted = set(key.split())
            hits = {self._find(e) for k, ents in self.names.items() if wanted <= set(k.replace(",", " ").split())
                    for e in ents}
            if hits:
                return hits
        return set()


@pytest.fixture(scope="module", params=[42, 7])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    return World.load(generate(request.param, tmp_path_factory.mktemp("w"), 400, DAY))


def _title_keys() -> dict[str, tuple[str, str]]:
    keys = {"Department Head": ("department", "director")}
    keys.update({text: ("side", text) for text, _ in TT.SIDE_TITLES})
    for track, ladder in TT.TRACKS.items():
        for level, text in ladder.items():
            for numeral in (False, True):
                for chinese in (True, "trad"):
                    for w in TT.wordings(TT.Title(track, level, text, numeral), chinese, V.get("default")):
                        keys[w] = (track, level)
        # the level-word claims (TT.level_word_claim): a level word in front of the mid-level title
        base = ladder.get("mid", "")
        for word, level in (("Group", "lead"), ("Principal", "lead"), ("Associate", "junior")):
            for w in TT.wordings(TT.special(f"{word} {base}", track, level), False, V.get("default")):
                keys.setdefault(w, (track, level))
    return keys


def _interval(text: str) -> tuple[int, int]:
    if " " in text:
        mon, year = text.split()
        return int(year) * 12 + _MONTHS[mon], int(year) * 12 + _MONTHS[mon]
    return int(text) * 12, int(text) * 12 + 11


def _orcid_interval(d: dict) -> tuple[int, int]:
    y = int(d["year"])
    return (y * 12 + int(d["month"]) - 1,) * 2 if d["month"] else (y * 12, y * 12 + 11)  # type: ignore[return-value]


def _dist(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


def test_profile_labels_follow_from_the_published_data(world: World) -> None:
    data, resolver, titles = world.data, Resolver(world.data, world.names), _title_keys()
    today = int(DAY[:4]) * 12 + int(DAY[5:7]) - 1
    labels: dict[str, set[str]] = {}
    for row in world.labels:
        labels.setdefault(row["candidate_id"], set()).add(row["kind"])
    for c in data["candidates"]:
        if not c["consent"]:
            continue
        resume = []
        for e in c["employments"]:
            fams = resolver.families(e["company_name"])
            assert len(fams) <= 1, (e["company_name"], fams)
            resume.append((fams.pop() if fams else "fab:" + norm(e["company_name"]), e))
        rows = []  # (family, title, start, end) with end None = current
        for r in csv.DictReader(io.StringIO(c["linkedin_positions_csv"] or "")):
            rows.append((r["Company Name"], html.unescape(r["Title"]), _interval(r["Started On"]),
                         _interval(r["Finished On"]) if r["Finished On"] else None))
        orcid = data["orcid"].get(c["links"]["orcid"] or "", {"employments": []})["employments"]
        for o in orcid:
            rows.append((o["organization"]["name"], o["role_title"], _orcid_interval(o["start_date"]),
                         _orcid_interval(o["end_date"]) if o["end_date"] else None))
        gh = data["github"].get(c["links"]["github"] or "", {}).get("company")
        profile = []
        for name, title, start, end in rows + ([(gh, None, None, None)] if gh else []):
            fams = resolver.families(name) or {f for f, _ in resume if f == "fab:" + norm(name)}
            assert len(fams) == 1, f"profile name {name!r} resolves to {len(fams)} families"
            profile.append((fams.pop(), title, start, end))
        found = set()
        resume_fams = {f for f, _ in resume}
        with_jobs = [p for p in profile if p[2] is not None]
        if with_jobs and resume_fams - {p[0] for p in profile}:
            found.add("employer_not_on_profile")
        if {p[0] for p in profile} - resume_fams:
            found.add("profile_employer_not_on_resume")
        for fam, e in resume:
            start = int(e["start"][:4]) * 12 + int(e["start"][5:7]) - 1
            end = int(e["end"][:4]) * 12 + int(e["end"][5:7]) - 1 if e["end"] else None
            for pfam, ptitle, pstart, pend in with_jobs:
                if pfam != fam or e["employment_type"] != "full_time":
                    continue
                if titles[e["title"]] != titles[ptitle]:
                    found.add("title_mismatch")
                if end is None or pend is None:
                    d_end = 0 if end is None and pend is None else today - (end if pend is None else pend[1])
                else:
                    d_end = _dist((end, end), pend)
                if max(_dist((start, start), pstart), d_end) > 2:
                    found.add("date_mismatch")
        kinds = {"employer_not_on_profile", "profile_employer_not_on_resume", "title_mismatch", "date_mismatch"}
        assert found == labels.get(f"{c['ats']}:{c['id']}", set()) & kinds, c["id"]


def test_resolver_is_not_trivially_permissive(world: World) -> None:
    resolver = Resolver(world.data)
    assert resolver.families("Quantix Solutions Global") == set()
    assert len(resolver.families("Example Robotics Ltd")) == 1
    assert len(resolver.families("Tessellate Platforms")) == 1
    assert resolver.families("Kitewing UK Ltd") == resolver.families("Tessellate Platforms"), "one family"
