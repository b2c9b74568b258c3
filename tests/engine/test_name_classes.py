"""The evaluation by class of writing: every class built from the data, labelled both ways, and scored."""

from __future__ import annotations

import pytest

from evaluation import names_classes as nc


@pytest.fixture(scope="module")
def report() -> nc.Report:
    return nc.evaluate()


def test_every_class_has_pairs_of_both_labels(report: nc.Report) -> None:
    for cls in nc.CLASSES:
        labels = {it.same for it in report.items if it.cls == cls}
        assert labels == ({False} if cls == "one-shared-word" else {True, False}), cls
    # the Japanese and Korean pairs are written for real companies, and none is in the alias table twice
    assert len({it.variant for it in report.items if it.cls == "script-ja-ko" and it.same}) == len(nc.SCRIPT_NAMES)


def test_off_table_figures_meet_the_targets(report: nc.Report) -> None:
    for every in (False, True):  # off the hand table; off the generated listed table too
        overall = report.counts(None, every=every)
        assert overall.precision is not None and overall.precision >= 0.97, every
        assert overall.recall is not None and overall.recall >= 0.85, every
    # WRatio in the same run, as the issue compares: below the engine on both
    base = [i for i, o in enumerate(report.off_table) if o]
    tp = sum(report.items[i].same and report.wratio[i] for i in base)
    assert tp / sum(report.items[i].same for i in base) < report.counts(None).recall


def test_off_every_table_leaves_out_what_the_listed_table_answers(report: nc.Report) -> None:
    """The generated table comes from the package the ticker-short and brand-short pairs come from: off
    every table, those pairs are (nearly) gone, while the rule classes keep their pairs."""
    def n(cls: str, mask: list[bool]) -> int:
        return sum(1 for it, m in zip(report.items, mask, strict=True) if m and it.cls == cls)

    assert n("ticker-short", report.off_every) < n("ticker-short", report.off_table) / 5
    assert n("brand-short", report.off_every) < n("brand-short", report.off_table) / 5
    for cls in ("kanji", "script-ja-ko", "initials", "site"):
        assert n(cls, report.off_every) == n(cls, report.off_table), cls
    text = "\n".join(report.lines)
    assert "OFF THE HAND TABLE" in text and "OFF EVERY TABLE" in text and "pytickersymbols 1.17.10" in text


def test_kanji_names_are_read(report: nc.Report) -> None:
    kanji = report.counts("kanji")
    assert kanji.tp + kanji.fn == len(nc.KANJI_NAMES) or kanji.tp + kanji.fn > 0
    assert kanji.recall is not None and kanji.recall >= 0.75  # the kana-only reader read none of them


def test_the_report_prints_each_class_and_both_speeds(report: nc.Report) -> None:
    text = "\n".join(report.lines)
    for cls in nc.CLASSES:
        assert f"\n{cls}" in text
    assert "pairs/s from cold caches, WRatio" in text


def test_main_fails_below_a_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    assert nc.main(["--min-precision", "1.01"]) == 1
    out = capsys.readouterr().out
    assert "BELOW THRESHOLD: off the hand table: precision" in out
    assert "BELOW THRESHOLD: off every table: precision" in out
