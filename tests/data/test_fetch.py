"""lgnet.data.fetch on a tiny fake mirror (tests/fixtures/fetch): no network, nothing outside tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from lgnet.cli import entry as cli
from lgnet.data import fetch, paths

FIXTURES = Path(__file__).parents[1] / "fixtures" / "fetch"
MANIFEST = FIXTURES / "manifest.csv"
FILES = ["source_a/councils.csv", "source_b/sub/notes.txt"]


@pytest.fixture()
def mirror(tmp_path) -> Path:
    """A writable copy of the fixture mirror."""
    target = tmp_path / "mirror"
    shutil.copytree(FIXTURES / "mirror", target)
    return target


def test_fetch_copies_every_file_and_verifies(mirror, tmp_path):
    dest = tmp_path / "raw"
    got = fetch.fetch_all(mirror=mirror, quiet=True, dest=dest, manifest=MANIFEST)
    assert got == [dest / f for f in FILES]
    for f in FILES:
        assert (dest / f).read_bytes() == (mirror / f).read_bytes()
    assert fetch.verify(dest=dest, manifest=MANIFEST) == []


def test_fetch_is_idempotent(mirror, tmp_path, capsys):
    dest = tmp_path / "raw"
    fetch.fetch_all(mirror=mirror, quiet=True, dest=dest, manifest=MANIFEST)
    mtimes = {f: (dest / f).stat().st_mtime_ns for f in FILES}
    # a second run with the mirror gone must not need it: everything is present and verified
    shutil.rmtree(mirror)
    mirror.mkdir()
    fetch.fetch_all(mirror=mirror, quiet=False, dest=dest, manifest=MANIFEST)
    assert {f: (dest / f).stat().st_mtime_ns for f in FILES} == mtimes
    assert "0 fetched" in capsys.readouterr().out


def test_checksum_mismatch_names_the_file(mirror, tmp_path):
    (mirror / "source_b/sub/notes.txt").write_text("tampered\n")
    dest = tmp_path / "raw"
    with pytest.raises(fetch.FetchError) as err:
        fetch.fetch_all(mirror=mirror, quiet=True, dest=dest, manifest=MANIFEST)
    msg = str(err.value)
    assert "checksum mismatch" in msg and "source_b/sub/notes.txt" in msg
    assert "source_a/councils.csv" not in msg  # the good file is not blamed
    assert not (dest / "source_b/sub/notes.txt").exists()  # a bad copy is never left behind
    assert (dest / "source_a/councils.csv").exists()


def test_missing_file_names_the_file(mirror, tmp_path):
    (mirror / "source_a/councils.csv").unlink()
    with pytest.raises(fetch.FetchError) as err:
        fetch.fetch_all(mirror=mirror, quiet=True, dest=tmp_path / "raw", manifest=MANIFEST)
    msg = str(err.value)
    assert "missing file source_a/councils.csv" in msg and "--upstream" in msg


def test_corrupted_local_copy_is_replaced_and_reported(mirror, tmp_path, capsys):
    dest = tmp_path / "raw"
    fetch.fetch_all(mirror=mirror, quiet=True, dest=dest, manifest=MANIFEST)
    (dest / "source_a/councils.csv").write_text("corrupted")
    assert fetch.verify(dest=dest, manifest=MANIFEST) == ["checksum mismatch: source_a/councils.csv"]
    fetch.fetch_all(mirror=mirror, quiet=False, dest=dest, manifest=MANIFEST)
    assert "replaced source_a/councils.csv" in capsys.readouterr().out
    assert fetch.verify(dest=dest, manifest=MANIFEST) == []


def test_upstream_download_via_url(mirror, tmp_path):
    """The upstream path, exercised with file:// URLs (no network)."""
    table = pd.read_csv(MANIFEST, dtype=str)
    table["upstream_url"] = [(mirror / f).as_uri() for f in FILES]
    manifest = tmp_path / "manifest.csv"
    table.to_csv(manifest, index=False)
    dest = tmp_path / "raw"
    fetch.fetch_all(quiet=True, dest=dest, manifest=manifest, upstream=True)
    assert fetch.verify(dest=dest, manifest=manifest) == []


def test_bad_manifest_row_is_named(tmp_path):
    table = pd.read_csv(MANIFEST, dtype=str)
    table.loc[1, "sha256"] = "not-a-checksum"
    manifest = tmp_path / "manifest.csv"
    table.to_csv(manifest, index=False)
    with pytest.raises(fetch.FetchError, match="line 3: sha256 'not-a-checksum'"):
        fetch.load_manifest(manifest)


def test_cli_fetch_reports_errors_without_traceback(mirror, tmp_path, capsys, monkeypatch):
    (mirror / "source_a/councils.csv").unlink()
    monkeypatch.setattr(paths, "MANIFEST", MANIFEST)
    code = cli.main(["data", "fetch", "--mirror", str(mirror), "--dest", str(tmp_path / "raw"), "--quiet"])
    assert code == 2
    assert "source_a/councils.csv" in capsys.readouterr().err


def test_project_manifest_is_well_formed():
    """The real manifest: every row valid, URLs pinned to the source commit, folders documented."""
    entries = fetch.load_manifest()
    table = pd.read_csv(paths.MANIFEST, dtype=str)
    assert list(table.columns) == fetch.MANIFEST_COLUMNS
    assert len(entries) == len(table) > 0
    for row in table.itertuples():
        assert row.upstream_url.startswith("https://raw.githubusercontent.com/"), row.file
        assert f"/{row.source_commit}/" in row.upstream_url, row.file
        assert row.licence.strip(), row.file
        assert int(row.bytes) > 0
