"""`connectors` and `include` are also names of PyPI packages: make sure ours are the ones imported."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_connectors_and_include_come_from_the_repo():
    import connectors
    import include
    import plugins

    for mod in (connectors, include, plugins):
        assert Path(mod.__file__).resolve().parent.parent == ROOT, mod.__file__


def test_config_rejects_unknown_keys_and_wrong_types(tmp_path):
    import pytest

    from include.config import ConfigError, load_config

    good = load_config(ROOT / "sandbox" / "crosscheck.yaml")
    assert good.thresholds.career_gap_months == 3
    bad = tmp_path / "c.yaml"
    bad.write_text("hiring_company: {name: X}\nthresholds: {career_gap_monthz: 3}\n")
    with pytest.raises(ConfigError, match="thresholds.career_gap_monthz: unknown key"):
        load_config(bad)
    bad.write_text("hiring_company: {name: X}\nthresholds: {career_gap_months: soon}\n")
    with pytest.raises(ConfigError, match="thresholds.career_gap_months"):
        load_config(bad)
