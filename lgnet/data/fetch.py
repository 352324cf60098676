"""Fetch the raw public files listed in the data manifest and verify their checksums.

The manifest (``data/manifest.csv``) has one row per raw file the project reads:
``folder, file, sha256, bytes, licence, upstream_url, source_commit, description``.
A file lives at ``<raw dir>/<folder>/<file>`` (``file`` may contain sub-folders).

Files come from a local mirror (``<mirror>/<folder>/<file>``: the ``--mirror`` option or the
``LGNET_DATA_MIRROR`` environment variable) or, failing that, from the upstream URL, which is
pinned to the source repository's commit. Every file is checked against its sha256; a file
already present with the right checksum is skipped, so fetching twice does nothing the second time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from lgnet.data import paths

MANIFEST_COLUMNS = [
    "folder", "file", "sha256", "bytes", "licence", "upstream_url", "source_commit", "description",
]


class FetchError(Exception):
    """A raw file could not be fetched or failed its checksum (the message names the file and the fix)."""


@dataclass(frozen=True)
class ManifestEntry:
    """One raw file of the manifest."""

    folder: str
    file: str
    sha256: str
    bytes: int
    upstream_url: str

    @property
    def relpath(self) -> str:
        return f"{self.folder}/{self.file}"


def load_manifest(manifest: Path | None = None) -> list[ManifestEntry]:
    """Read and validate the manifest; a malformed row is a FetchError naming the row."""
    manifest = Path(manifest) if manifest is not None else paths.MANIFEST
    if not manifest.exists():
        raise FetchError(f"manifest not found: {manifest}")
    table = pd.read_csv(manifest, dtype=str, keep_default_na=False)
    missing = [c for c in MANIFEST_COLUMNS if c not in table.columns]
    if missing:
        raise FetchError(f"{manifest}: missing column(s) {missing}; expected {MANIFEST_COLUMNS}")
    entries, seen = [], set()
    for i, row in enumerate(table.to_dict("records"), start=2):  # line 1 is the header
        where = f"{manifest}, line {i}"
        for col in ("folder", "file", "sha256"):
            if not row[col].strip():
                raise FetchError(f"{where}: empty {col}")
        sha = row["sha256"].strip().lower()
        if len(sha) != 64 or any(ch not in "0123456789abcdef" for ch in sha):
            raise FetchError(f"{where}: sha256 {row['sha256']!r} is not 64 hex digits")
        rel = f"{row['folder']}/{row['file']}"
        if rel in seen:
            raise FetchError(f"{where}: duplicate entry {rel}")
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise FetchError(f"{where}: path {rel!r} must stay inside the raw folder")
        seen.add(rel)
        try:
            size = int(row["bytes"]) if row["bytes"].strip() else -1
        except ValueError:
            raise FetchError(f"{where}: bytes {row['bytes']!r} is not an integer") from None
        entries.append(ManifestEntry(row["folder"], row["file"], sha, size, row["upstream_url"].strip()))
    return entries


def sha256_file(path: Path) -> str:
    """The sha256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_checksum(manifest: Path | None = None) -> str:
    """A short checksum of the manifest itself (used to key built caches)."""
    manifest = Path(manifest) if manifest is not None else paths.MANIFEST
    return sha256_file(manifest)[:16]


def raw_file(folder: str, file: str, raw: Path | None = None) -> Path:
    """Path of a fetched raw file; a FetchError telling the user to fetch if it is absent."""
    path = Path(raw if raw is not None else paths.raw_dir()) / folder / file
    if not path.exists():
        raise FetchError(
            f"raw file {folder}/{file} not found at {path}. Run `lgnet data fetch` "
            "(with --mirror DIR or LGNET_DATA_MIRROR set, e.g. to ../shared/data) first."
        )
    return path


def _copy_verified(entry: ManifestEntry, source, target: Path, origin: str) -> None:
    """Copy from ``source`` (a path or a URL) to a temporary file beside ``target``, verify, then move."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(source, Path):
                with open(source, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
            else:
                with urllib.request.urlopen(source, timeout=120) as src:  # noqa: S310 (pinned https URL)
                    shutil.copyfileobj(src, out, 1 << 20)
        got = sha256_file(tmp)
        if got != entry.sha256:
            raise FetchError(
                f"checksum mismatch for {entry.relpath} from {origin}: expected sha256 {entry.sha256}, "
                f"got {got}. The source copy is corrupted or a different version: restore the file "
                f"(upstream: {entry.upstream_url or 'none listed'}) or fix the mirror, then fetch again."
            )
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; raw data are ordinary readable files
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def fetch_all(
    mirror: Path | None = None,
    quiet: bool = False,
    dest: Path | None = None,
    *,
    upstream: bool = False,
    manifest: Path | None = None,
) -> list[Path]:
    """Bring every manifest file into ``dest`` (default: the raw folder), verified by sha256.

    Source: ``mirror`` if given, else ``$LGNET_DATA_MIRROR``, else the upstream URL
    (``upstream=True`` forces upstream). A file already in ``dest`` with the right checksum is
    skipped; one with a wrong checksum is replaced from the source (after the new copy verifies),
    and reported. Problems for all files are collected and raised together as one FetchError
    naming each file and what to do. Returns the paths of all manifest files in ``dest``.
    """
    entries = load_manifest(manifest)
    dest = Path(dest) if dest is not None else paths.raw_dir()
    if not upstream and mirror is None:
        mirror = paths.mirror_dir()
    if mirror is not None and not upstream:
        mirror = Path(mirror)
        if not mirror.is_dir():
            raise FetchError(f"mirror folder {mirror} does not exist (from --mirror or LGNET_DATA_MIRROR)")
    use_mirror = mirror is not None and not upstream

    problems, result, fetched, replaced = [], [], 0, []
    for entry in tqdm(entries, desc="fetch raw data", unit="file", disable=quiet):
        target = dest / entry.folder / entry.file
        result.append(target)
        if target.exists():
            if sha256_file(target) == entry.sha256:
                continue
            replaced.append(entry.relpath)
        try:
            if use_mirror:
                source = mirror / entry.folder / entry.file
                if not source.exists():
                    raise FetchError(
                        f"missing file {entry.relpath}: not in mirror {mirror}. Put the file at {source} "
                        f"(upstream: {entry.upstream_url or 'none listed'}) or fetch with --upstream."
                    )
                _copy_verified(entry, source, target, f"mirror {mirror}")
            else:
                if not entry.upstream_url:
                    raise FetchError(f"missing file {entry.relpath}: no upstream URL; use --mirror DIR")
                try:
                    _copy_verified(entry, entry.upstream_url, target, entry.upstream_url)
                except OSError as exc:  # network errors (URLError is an OSError)
                    raise FetchError(
                        f"could not download {entry.relpath} from {entry.upstream_url}: {exc}. "
                        "Check the network or use --mirror DIR / LGNET_DATA_MIRROR."
                    ) from exc
            fetched += 1
        except FetchError as exc:
            problems.append(str(exc))
    if problems:
        raise FetchError(f"{len(problems)} of {len(entries)} raw files failed:\n  " + "\n  ".join(problems))
    if not quiet:
        origin = f"mirror {mirror}" if use_mirror else "upstream"
        print(f"{len(entries)} raw files in {dest}: {fetched} fetched from {origin}, "
              f"{len(entries) - fetched} already present and verified.")
        for rel in replaced:
            print(f"  replaced {rel}: the copy in {dest} had a wrong checksum")
    return result


def verify(dest: Path | None = None, manifest: Path | None = None) -> list[str]:
    """Problems with the fetched files (missing or wrong checksum); an empty list if all are fine."""
    dest = Path(dest) if dest is not None else paths.raw_dir()
    problems = []
    for entry in load_manifest(manifest):
        target = dest / entry.folder / entry.file
        if not target.exists():
            problems.append(f"missing: {entry.relpath}")
        elif sha256_file(target) != entry.sha256:
            problems.append(f"checksum mismatch: {entry.relpath}")
    return problems
