"""Citation and provenance: CITATION.cff (CFF 1.2.0), LICENSE, the two references of the article, footer."""

from pathlib import Path

import yaml

import lgnet
from lgnet.book import sphinxext

ROOT = Path(__file__).parents[2]


def test_citation_cff_has_the_required_fields_and_the_package_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version", "license"} <= set(cff)
    assert str(cff["version"]) == lgnet.__version__ and cff["license"] == "MIT"
    article = [r for r in cff["references"] if r["type"] == "article"][0]
    assert article["doi"] == "10.1111/padm.12649" and article["volume"] == 98 and article["issue"] == 3


def test_licence_is_mit_as_the_readme_says():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "MIT" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_article_and_blog_are_distinct_references():
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    article = bib[bib.index("@article{dixon2020efficiency"):].split("\n}\n")[0]
    blog = bib[bib.index("@misc{dixon2020blog"):].split("\n}\n")[0]
    assert "2020a" in article and "2020b" in blog
    assert "volume  = {98}" in article and "number  = {3}" in article


def test_footer_has_version_date_and_repository_only_when_set():
    plain = sphinxext.footer("Built with public data.", "9.9", "2026-01-02", "")
    assert "lgnet 9.9, built 2026-01-02." in plain and "Code:" not in plain
    linked = sphinxext.footer("", "9.9", "2026-01-02", "https://example.org/lgnet")
    assert 'href="https://example.org/lgnet"' in linked


def test_build_date_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert sphinxext.build_date() == "1970-01-01"


def test_repository_address_is_one_setting_in_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "url" in config["repository"]
    assert "lgnet.book.sphinxext" in config["sphinx"]["extra_extensions"]
