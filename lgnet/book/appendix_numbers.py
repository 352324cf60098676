"""Appendix numbering for the book (a Sphinx extension listed in ``_config.yml`` under
``sphinx: extra_extensions``).

The chapters form a numbered part, so their tables and figures are "Table 2.1", "Figure 1.1". The appendices
are an unnumbered part, and Sphinx would give their tables and figures bare global numbers ("Table 1",
"Figure 2") that clash with the article's own "Figure 1/2". This extension gives each appendix page a letter
(``lgnet_appendices`` in the Sphinx config, in order: A, B, C, ...): the page title and its sidebar entry read
"A. Data appendix", and its tables and figures are numbered "Table A.1", "Figure B.1" (cross-references with
``{numref}`` follow).

It runs after Sphinx has assigned numbers (``env-get-updated``, after the toctree collector) and rewrites
only the appendix pages' numbers; ``html_secnumber_suffix`` and ``numfig_format`` apply as usual.
"""

from __future__ import annotations

import string


def letters(docnames) -> dict[str, str]:
    """Docname -> letter, in the order given ('book/appendix_data' -> 'A', ...)."""
    docnames = list(docnames)
    if len(docnames) > len(string.ascii_uppercase):
        raise ValueError(f"lgnet_appendices: at most 26 appendices, got {len(docnames)}")
    return {d: string.ascii_uppercase[i] for i, d in enumerate(docnames)}


def renumber_figures(fignumbers: dict[str, dict[str, tuple]], letter: str) -> dict[str, dict[str, tuple]]:
    """One page's ``{figtype: {id: number}}`` numbered again as (letter, 1), (letter, 2), ... per figtype, in
    the page's order (the order of the numbers Sphinx gave)."""
    out = {}
    for figtype, ids in fignumbers.items():
        ordered = sorted(ids, key=lambda i: tuple(ids[i]))
        out[figtype] = {fid: (letter, k) for k, fid in enumerate(ordered, start=1)}
    return out


def _letter_toc_entries(env, lettered: dict[str, str]) -> None:
    """The sidebar: the entry of an appendix page (the first reference of its own toc, no anchor) gets its
    letter as section number."""
    from docutils import nodes

    for docname, letter in lettered.items():
        toc = env.tocs.get(docname)
        if toc is None:
            continue
        for ref in toc.findall(nodes.reference):
            if not ref.get("anchorname"):
                ref["secnumber"] = (letter,)


def _env_get_updated(app, env) -> list[str]:
    lettered = letters(app.config.lgnet_appendices)
    present = {d: L for d, L in lettered.items() if d in env.all_docs}
    from docutils import nodes

    for docname, letter in present.items():
        # only the page title is lettered: every other heading is listed with no number (else Sphinx would fall
        # back to the title's number for it)
        anchors = {ref.get("anchorname", "") for ref in env.tocs[docname].findall(nodes.reference)} \
            if docname in env.tocs else set()
        env.toc_secnumbers[docname] = {**{a: () for a in anchors if a}, "": (letter,)}
        if docname in env.toc_fignumbers:
            env.toc_fignumbers[docname] = renumber_figures(env.toc_fignumbers[docname], letter)
    _letter_toc_entries(env, present)
    return list(present)


def setup(app):
    app.add_config_value("lgnet_appendices", [], "env")
    # after the toctree collector (priority 500), which assigns section and figure numbers
    app.connect("env-get-updated", _env_get_updated, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
