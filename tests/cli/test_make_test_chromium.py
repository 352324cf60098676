"""`make test` on a machine without Chromium: scripts/ensure_chromium.sh (the Makefile's `chromium` step).

Each case runs the script with a PATH made only of a stub folder (no chromium in it) holding the few
tools the script calls; apt-get and id are stubs, so nothing is installed or removed on this machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure_chromium.sh"


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


def run_check(tmp_path: Path, *, uid: int = 0, apt: str | None = "install", chromium: bool = False,
              env: dict | None = None) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run the script with a stub PATH; returns the process and the apt-get calls it made.

    apt: None = no apt-get; "install" = apt-get install puts a chromium stub on PATH; "fail" = it fails.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "apt.log"
    _stub(bin_dir, "id", f'echo {uid}')
    if chromium:
        _stub(bin_dir, "chromium", "exit 0")
    if apt == "install":
        _stub(bin_dir, "apt-get", f'echo "$@" >> {log}\ncase "$*" in *install*) '
                                  f'printf "#!/bin/sh\\nexit 0\\n" > {bin_dir}/chromium; /bin/chmod +x {bin_dir}/chromium;; esac')
    elif apt == "fail":
        _stub(bin_dir, "apt-get", f'echo "$@" >> {log}\ncase "$*" in *install*) exit 100;; esac')
    environment = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    environment.update(env or {})
    proc = subprocess.run(["/bin/sh", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=30)
    calls = log.read_text().splitlines() if log.exists() else []
    return proc, calls


def test_the_makefile_checks_chromium_before_the_tests():
    text = (ROOT / "Makefile").read_text()
    assert "test: chromium data" in text and "scripts/ensure_chromium.sh" in text


def test_found_chromium_needs_nothing(tmp_path):
    proc, calls = run_check(tmp_path, chromium=True)
    assert proc.returncode == 0 and calls == []


def test_root_with_apt_installs_it(tmp_path):
    proc, calls = run_check(tmp_path, uid=0, apt="install")
    assert proc.returncode == 0, proc.stderr
    assert any(c.startswith("install") and "chromium" in c.split() for c in calls)
    assert (tmp_path / "bin" / "chromium").is_file()


@pytest.mark.parametrize("case", [
    {"uid": 1000, "apt": "install", "why": "not root"},
    {"uid": 0, "apt": None, "why": "no apt-get"},
    {"uid": 0, "apt": "fail", "why": "apt-get install chromium failed"},
])
def test_otherwise_it_stops_at_once_with_the_install_line(tmp_path, case):
    proc, calls = run_check(tmp_path, uid=case["uid"], apt=case["apt"])
    assert proc.returncode == 2
    assert "    apt-get install chromium" in proc.stderr.splitlines()
    assert case["why"] in proc.stderr
    if case["uid"] != 0:
        assert calls == []  # never tries to install without root


def test_skip_on_purpose_and_explicit_binary(tmp_path):
    proc, calls = run_check(tmp_path, uid=1000, env={"LGNET_SKIP_BROWSER": "1"})
    assert proc.returncode == 0 and calls == []
    fake = tmp_path / "my-chrome"
    fake.write_text("")
    proc, _ = run_check(tmp_path, uid=1000, env={"LGNET_CHROMIUM": str(fake)})
    assert proc.returncode == 0
    proc, _ = run_check(tmp_path, uid=1000, env={"LGNET_CHROMIUM": str(tmp_path / "missing")})
    assert proc.returncode == 2


def test_names_match_htmlcheck():
    from lgnet.book import htmlcheck

    text = SCRIPT.read_text()
    assert "for name in " + " ".join(htmlcheck.CHROMIUM_CANDIDATES) + "; do" in text
    assert f"apt-get install {htmlcheck.CHROMIUM_PACKAGE}" in text
