from __future__ import annotations

import pytest

from include.engine.names import acronym, normalise_company


@pytest.mark.parametrize(("a", "b"), [
    ("Halcyon Software Ltd", "HALCYON SOFTWARE LIMITED"),
    ("Halcyon Software Ltd.", "halcyon software"),
    ("Ｈａｌｃｙｏｎ Ｓｏｆｔｗａｒｅ", "Halcyon Software"),
    ("The Halcyon Company", "Halcyon"),
    ("Siemens AG", "Siemens"),
    ("Bosch GmbH", "Bosch"),
    ("Robert Bosch GmbH & Co. KG", "Robert Bosch"),
    ("Banco Santander S.A.", "Banco Santander"),
    ("Société Générale SA", "Societe Generale"),
    ("Maersk A/S", "Maersk"),
    ("Foo Co., Ltd.", "Foo"),
    ("Infosys Private Limited", "Infosys"),
    ("Johnson & Johnson", "Johnson and Johnson"),
    ("华为技术有限公司", "华为技术"),
    ("華為技術有限公司", "华为技术有限公司"),
    ("华为技术股份有限公司", "华为技术有限责任公司"),
    ("株式会社トヨタ", "トヨタ株式会社"),
    ("阿里巴巴集团", "阿里巴巴"),
])
def test_variants_normalise_equal(a: str, b: str) -> None:
    assert normalise_company(a) == normalise_company(b)


@pytest.mark.parametrize(("a", "b"), [
    ("Halcyon Software", "Halcyon Systems"),
    ("Quantix Solutions Global", "Halcyon Software Solutions"),
    ("华为技术", "中兴通讯"),
])
def test_different_companies_stay_different(a: str, b: str) -> None:
    assert normalise_company(a) != normalise_company(b)


def test_exact_output() -> None:
    assert normalise_company("The Halcyon Software Co., Ltd.") == "halcyon software"
    assert normalise_company("華為技術有限公司") == "华为技术"
    assert normalise_company("Ltd") == "ltd"  # never normalised to nothing
    assert normalise_company("") == ""


def test_acronym() -> None:
    assert acronym(normalise_company("International Business Machines Corp")) == "ibm"
