"""`lgnet run` and `lgnet export` show what reading an analyst's file warned about (as `lgnet check` does), and a
run checks the file before executing any chapter; the book's dataset note lists the warnings in a closed box."""

from __future__ import annotations

import pytest

from lgnet.cli.entry import main

pytestmark = pytest.mark.usefixtures("raw_data")

ROWS = ['A,frontline,waste,"Kingston; Camden; Islington"',
        'B,administrative,audit,"Lichfield City Council; Lichfield District Council; Tamworth Borough Council"']


def _file(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("Partnership,Nature,Function,Members\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    return f


def test_export_prints_the_files_warnings(tmp_path, capsys):
    rc = main(["export", "--year", "2017", "--partnerships", str(_file(tmp_path)), "--format", "csv",
               "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "warnings: 3" in out
    assert "'Kingston' in partnership R002 read as Kingston upon Thames" in out
    assert "Lichfield City Council" in out


def test_run_checks_the_file_first_and_prints_its_warnings(tmp_path, capsys, monkeypatch):
    from lgnet.book import runbook

    calls = []
    monkeypatch.setattr(runbook, "run_book", lambda **kw: calls.append(kw) or pytest.skip("book not run here"))
    with pytest.raises(pytest.skip.Exception):
        main(["run", "--year", "2017", "--partnerships", str(_file(tmp_path)), "--no-build"])
    out = capsys.readouterr().out
    assert calls, "run_book was not reached"
    assert "warnings: 3" in out and "Lichfield City Council" in out


def test_run_stops_before_any_chapter_on_a_file_that_fails_check(tmp_path, capsys, monkeypatch):
    from lgnet.book import runbook

    monkeypatch.setattr(runbook, "run_book", lambda **kw: pytest.fail("a chapter was run"))
    f = tmp_path / "bad.csv"
    f.write_text("Partnership,Nature,Function,Members\nA,frontline,waste,\"Camdem; Islington\"\n", encoding="utf-8")
    rc = main(["run", "--year", "2017", "--partnerships", str(f), "--no-build"])
    err = capsys.readouterr().err
    assert rc == 2 and "Camdem" in err and "row 2" in err


def test_dataset_note_lists_the_warnings_in_a_closed_box(tmp_path):
    from lgnet.book.chapters import notes
    from lgnet.data.partnerships import load_partnerships

    f = _file(tmp_path)
    pdata = load_partnerships(str(f), year=2017)
    box = notes.file_warnings_note(pdata, str(f))
    assert ":class: dropdown" in box and "Reading mine.csv: 3 warnings" in box
    assert "`" not in box.splitlines()[0][3:]  # a backtick in a ``` fence's info string ends the fence (CommonMark)
    assert str(tmp_path) not in box  # the file's name, not where it sits on the analyst's machine
    assert notes.file_warnings_note(type(pdata)(pdata.partnerships, pdata.memberships, 2017, "x", meta={}), "x") == ""


def test_export_names_files_it_did_not_write(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "one_mode.graphml").write_text("<graphml/>")  # from an earlier export in another format
    rc = main(["export", "--year", "2017", "--partnerships", str(_file(tmp_path)), "--format", "csv",
               "--out", str(out)])
    text = capsys.readouterr().out
    assert rc == 0
    assert "not written by this export" in text and "one_mode.graphml" in text


def test_partial_run_says_which_build_warnings_are_links_to_chapters_left_out(tmp_path, capsys, monkeypatch):
    """With --chapters the variant book leaves the other chapters out: Sphinx warns about every link to them.
    Those are counted apart from any other warning, which is listed."""
    from types import SimpleNamespace

    from lgnet.book import runbook

    warnings = ["book/03.ipynb:3: WARNING: unknown document: '02_propensity'",
                "book/appendix_teaching.md:22: WARNING: undefined label: 'fig-ch1-map'",
                "book/03.ipynb:9: WARNING: image file not readable: x.png"]
    fake = SimpleNamespace(out=tmp_path, timings={"03_partner_selection.ipynb": 1.0}, kept=[], results=[],
                           html_index=tmp_path / "index.html", build_seconds=1.0, build_warnings=warnings)
    monkeypatch.setattr(runbook, "run_book", lambda **kw: fake)
    rc = main(["run", "--year", "2017", "--partnerships", "simulated", "--chapters", "3"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "2 of them are links to chapters not in this variant" in out
    assert "image file not readable" in out and "unknown document" not in out
