"""The kind registry: everything said about a kind is derived from its one declaration, or checked against it."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from include import config as config_module
from include.engine import kinds, run
from include.engine.kinds import BY_NAME, KINDS, SPECS, KindDeclarationError, check, discover, markdown
from include.engine.rules.common import DATE_TOLERANCE, Context, make_finding
from include.engine.rules.spec import KindSpec, Threshold
from include.report import i18n
from tests.engine.engine_factories import CID, DAY, INDEX, config

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "include" / "report" / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"


def test_every_rule_module_is_discovered_in_report_order() -> None:
    assert KINDS == tuple(s.name for s in sorted(SPECS, key=lambda s: s.position))
    for s in SPECS:  # each declared beside its rule, in a module of the rules package
        module = importlib.import_module(s.rule.__module__)
        assert module.__name__.startswith("include.engine.rules.") and getattr(module, s.rule.__name__) is s.rule
    assert list(run.RULES) == list(KINDS)
    assert list(run.RULES.values()) == [s.rule for s in SPECS]
    assert run.RULE_VERSIONS == {s.name: f"{s.name}@{s.version}" for s in SPECS}


def test_every_finding_the_engine_makes_is_of_a_declared_kind() -> None:
    """``Kind`` is a plain name below the engine: the declarations are the only list. On the shipped world the
    engine makes findings of every declared kind and of no other."""
    from evaluation.engine import evaluate_world
    from sandbox import DEMO_WORLD

    _scores, findings = evaluate_world(DEMO_WORLD)
    assert {f.kind for f in findings} == set(KINDS)


def test_the_configuration_offers_exactly_the_declared_thresholds() -> None:
    """config.Thresholds sits below the engine; its fields must match what the kinds declare."""
    fields = config_module.Thresholds.model_fields
    assert set(fields) == set(kinds.THRESHOLDS), "add or drop the field in include/config.py Thresholds"
    for key, t in kinds.THRESHOLDS.items():
        field = fields[key]
        bounds = {type(m).__name__: getattr(m, type(m).__name__.lower()) for m in field.metadata}
        assert (field.annotation, field.default) == (int, t.default), key
        assert (bounds.get("Ge"), bounds.get("Le")) == (t.ge, t.le), key


def test_docs_kinds_md_is_what_the_registry_generates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = ROOT / "docs" / "KINDS.md"
    assert doc.read_text(encoding="utf-8") == markdown(), (
        "docs/KINDS.md is stale: python -m include.engine.kinds --write docs/KINDS.md")
    assert kinds.main(["--check", str(doc)]) == 0
    stale = tmp_path / "KINDS.md"
    stale.write_text(markdown().replace("career_gap_months", "gap_months"), encoding="utf-8")
    assert kinds.main(["--check", str(stale)]) == 1
    assert "is stale: run python -m include.engine.kinds --write" in capsys.readouterr().err
    assert kinds.main(["--write", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == markdown()
    capsys.readouterr()
    assert kinds.main(["--write", str(tmp_path / "no" / "KINDS.md")]) == 1  # one line, no traceback
    assert kinds.main(["--check", str(tmp_path / "absent.md")]) == 1
    assert capsys.readouterr().err.count("No such file or directory") == 2


def test_the_document_says_what_each_declaration_says() -> None:
    text = markdown()
    for s in SPECS:
        section = text.split(f"\n## {s.name}\n", 1)[1].split("\n## ", 1)[0]
        flat = " ".join(section.split())  # the bullets are wrapped
        for part in (s.label, s.rule_version, s.fires_when, s.benign, s.severity_policy, s.evidence, s.question,
                     s.why_question):
            assert " ".join(part.split()) in flat, (s.name, part)
        for t in s.thresholds:
            assert f"`{t.key}`" in section


def test_every_label_has_a_chinese_translation() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    missing = [label for label in kinds.LABELS.values()
               if label not in catalog or not catalog[label].string or catalog[label].fuzzy]
    assert not missing, f"add msgid/msgstr to {PO.relative_to(ROOT)}: {missing}"
    zh = i18n.translations("zh_CN").gettext
    for label in kinds.LABELS.values():
        assert zh(label) != label and zh(label) == catalog[label].string


def test_report_labels_come_from_the_registry() -> None:
    assert i18n.KIND_LABELS == {s.name: s.label for s in SPECS}
    assert list(i18n.KIND_LABELS) == list(KINDS)


def test_a_severity_the_kind_does_not_declare_is_refused() -> None:
    ctx = Context(CID, None, [], [], [], INDEX, config(), DAY)
    spec = BY_NAME["profile_employer_not_on_resume"]
    assert spec.severities == ("yellow",)
    f = make_finding(ctx, spec, "yellow", "s", "q", [], ["x"])
    assert (f.kind, f.rule_version) == ("profile_employer_not_on_resume", "profile_employer_not_on_resume@1.1.0")
    with pytest.raises(ValueError, match="declares severities"):
        make_finding(ctx, spec, "red", "s", "q", [], ["x"])


def test_rules_read_thresholds_through_their_declarations() -> None:
    ctx = Context(CID, None, [], [], [], INDEX, config(tol=5, gap=7), DAY)
    assert ctx.threshold(DATE_TOLERANCE) == 5
    assert ctx.threshold(BY_NAME["career_gap"].thresholds[0]) == 7


def _spec(name: str, position: int, **changes: object) -> KindSpec:
    base = BY_NAME["career_gap"]
    fields = {**base.__dict__, "name": name, "position": position, **changes}
    return KindSpec(**fields)  # type: ignore[arg-type]


def test_clashing_or_incomplete_declarations_are_refused() -> None:
    with pytest.raises(KindDeclarationError, match="share the name 'career_gap'"):
        check([*SPECS, _spec("career_gap", 999)])
    with pytest.raises(KindDeclarationError, match="share the position 60"):
        check([*SPECS, _spec("another_gap", 60)])
    other = Threshold("career_gap_months", "G", 6, "a different default")
    with pytest.raises(KindDeclarationError, match="threshold career_gap_months is declared differently"):
        check([*SPECS, _spec("another_gap", 999, thresholds=(other,))])
    with pytest.raises(KindDeclarationError, match="not MAJOR.MINOR.PATCH.*why_question is empty"):
        check([_spec("another_gap", 999, version="1.0", why_question=" ")])
    with pytest.raises(KindDeclarationError, match="severities"):
        check([_spec("another_gap", 999, severities=("orange",))])


def test_a_new_rule_module_is_a_new_kind(tmp_path: Path) -> None:
    """What docs/guide/adding-a-kind.md promises: a module in the rules package is all the engine needs."""
    pkg = tmp_path / "extra_rules"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "helpers.py").write_text("from include.engine.kinds import BY_NAME\nREUSED = BY_NAME['career_gap']\n")
    (pkg / "degree.py").write_text(
        "from include.engine.messages import N_\n"
        "from include.engine.rules.spec import KindSpec\n"
        "def degree_not_verified(ctx):\n    return []\n"
        "DEGREE_NOT_VERIFIED = KindSpec(\n"
        "    name='degree_not_verified', version='1.0.0', position=100, rule=degree_not_verified,\n"
        "    label=N_('Degree not verified'), severities=('blue',), severity_policy='always blue',\n"
        "    fires_when='a degree has no record', benign='a school that publishes nothing',\n"
        "    evidence='the education', question='where the degree can be confirmed',\n"
        "    why_question='many schools answer only on request')\n")
    sys.path.insert(0, str(tmp_path))
    try:
        found = discover(importlib.import_module("extra_rules"))
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "extra_rules" or m.startswith("extra_rules.")]:
            del sys.modules[name]
    assert [s.name for s in found] == ["degree_not_verified"]  # the re-exported career_gap is not counted twice
    assert "## degree_not_verified" in markdown(found)
