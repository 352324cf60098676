"""measure_layout tries again, with more page time, when Chromium fails once or dumps a heavy page too early."""

from __future__ import annotations

import subprocess

import pytest

from lgnet.book import htmlcheck

GOOD = '<html><pre id="lgnet-layout">{&quot;width&quot;: 1280, &quot;overflow&quot;: []}</pre></html>'


def _fake(results, seen):
    def run(args, timeout, chromium):
        seen.append(next(a for a in args if a.startswith("--virtual-time-budget=")))
        code, out = results.pop(0)
        return subprocess.CompletedProcess(args, code, out, "DBus noise")
    return run


def test_a_failed_or_early_dump_is_tried_again_with_more_page_time(monkeypatch):
    seen = []
    monkeypatch.setattr(htmlcheck, "run_chromium", _fake([(1, ""), (0, "<html>no measurement</html>"), (0, GOOD)],
                                                         seen))
    monkeypatch.setattr(htmlcheck.time, "sleep", lambda s: None)
    assert htmlcheck.measure_layout("http://x/p.html", chromium="chromium") == {"width": 1280, "overflow": []}
    assert seen == ["--virtual-time-budget=10000", "--virtual-time-budget=20000", "--virtual-time-budget=40000"]


def test_the_error_says_what_each_try_saw(monkeypatch):
    monkeypatch.setattr(htmlcheck, "run_chromium", _fake([(0, "<html></html>")] * 4, []))
    monkeypatch.setattr(htmlcheck.time, "sleep", lambda s: None)
    with pytest.raises(RuntimeError, match=r"10 s of page time: exit 0, 13 characters of DOM, no measurement;"):
        htmlcheck.measure_layout("http://x/p.html", chromium="chromium")
