"""The appendices' tables: method validation on the simulated stand-in (planted against recovered effects,
calibration of the tests, ``lgnet.stats.qap_validation``) and the data appendix (manifest, dictionary, gaps,
provenance, the documented sample)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lgnet.book import figures
from lgnet.book.chapters import data
from lgnet.book.chapters.cache import cached
from lgnet.book.chapters.display import estimate_p, num, pct
from lgnet.book.chapters.run import SIMULATED, Run
from lgnet.book.chapters.selection import logistic_result, selection_result
from lgnet.book.chapters.terms import shown, term_label
from lgnet.data.partnership_data import NATURES

# --------------------------------------------------------------------------------------------------
# Method validation (simulated data only)
# --------------------------------------------------------------------------------------------------

#: How the simulator's planted partner-choice effects map onto the dyadic predictors.
PLANTED_TERMS = {"same_region": "beta_region", "same_county": "beta_county", "same_type": "beta_type"}

#: Names of the tests of the calibration study (``lgnet.stats.qap_validation.METHODS``): in tables, in figures.
TEST_NAMES = {"dsp": ("MRQAP, double semi-partialling", "MRQAP (DSP)"),
              "y": ("QAP, Y-permutation", "QAP (Y-permutation)"),
              "classical": ("classical t-test", "classical t-test")}


def planted_effects(run: Run) -> dict[str, float]:
    """Planted log-odds effects per predictor and fitted unit (0 where nothing is planted), from the
    stand-in's metadata."""
    pdata = data.partnership_data(run, dataset=SIMULATED)
    eff = pdata.meta["planted_effects"]
    planted = {term: float(eff[key]) for term, key in PLANTED_TERMS.items()}
    scales = dict(eff["distance_scale_km"])
    counts = pdata.partnerships["nature"].astype("string").value_counts()
    total = sum(int(counts.get(n, 0)) for n in scales)
    # the simulator's distance decay is -1/scale per km, by nature; weighted by the partnerships of each nature
    planted["distance_km"] = -sum(int(counts.get(n, 0)) / float(s) for n, s in scales.items()) / total
    return planted


def planted_effects_table(run: Run) -> pd.DataFrame:
    """The effects planted in the simulated stand-in (log-odds of joining a partnership), and what is not."""
    eff = data.partnership_data(run, dataset=SIMULATED).meta["planted_effects"]
    rows = [{"effect": term_label(t), "planted": f"{v:+.2f} log-odds", "in the simulator": f"{PLANTED_TERMS[t]}"}
            for t, v in planted_effects(run).items() if t in PLANTED_TERMS]
    rows.append({"effect": "distance (km)", "planted": ", ".join(f"{n}: −1/{s:g} per km"
                                                               for n, s in dict(eff["distance_scale_km"]).items()),
                 "in the simulator": "distance_scale_km"})
    rows.append({"effect": "resource differences, same party", "planted": "none",
                 "in the simulator": "not used in partner choice"})
    rows.append({"effect": "propensity: council type", "planted": "; ".join(
        f"{t} × {m:g}" for t, m in dict(eff["type_activity"]).items()), "in the simulator": "type_activity"})
    rows.append({"effect": "councils in no partnership", "planted": pct(eff["non_participation"]),
                 "in the simulator": "non_participation"})
    return pd.DataFrame(rows).set_index("effect")


def recovery_table(run: Run) -> pd.DataFrame:
    """Planted effects against the MRQAP and logistic QAP estimates on the simulated stand-in (all in
    display units: distance per 100 km)."""
    planted = planted_effects(run)
    ols = selection_result(run, models=["combined"], dataset=SIMULATED).coefficients()
    logit = logistic_result(run, "combined", SIMULATED)
    logit = logit.coefficients() if not isinstance(logit, str) else pd.DataFrame(
        {"term": ols["term"], "estimate": np.nan, "p_value": np.nan})
    rows = []
    for term in [t for t in ols["term"] if t != "(intercept)"]:
        o = ols[ols["term"] == term].iloc[0]
        g = logit[logit["term"] == term].iloc[0]
        p = planted.get(term, 0.0)
        if p == 0:
            verdict = "no false positive" if o["p_value"] >= 0.05 else "spurious (MRQAP p < 0.05)"
        else:
            ok = np.sign(o["estimate"]) == np.sign(p) and o["p_value"] < 0.05
            verdict = "recovered" if ok else "not recovered"
        rows.append({"effect": term_label(term), "planted (log-odds)": round(shown(term, p), 3) if p else 0.0,
                     "MRQAP estimate (p)": estimate_p(shown(term, o["estimate"]), o["p_value"], run.permutations),
                     "logistic QAP estimate (p)": ("not fitted" if pd.isna(g["estimate"])
                                                   else estimate_p(shown(term, g["estimate"]), g["p_value"],
                                                                   run.logistic_permutations)),
                     "verdict": verdict})
    return pd.DataFrame(rows).set_index("effect")


def recovery_figure(run: Run):
    """Planted effects against the estimates recovered from the simulated stand-in (distance per 100 km).

    The estimates are logistic QAP log-odds (the planted effects' scale); if logistic QAP cannot be fitted,
    MRQAP t-values are shown instead and the axis label and alt text say so.
    """
    planted = planted_effects(run)
    logit = logistic_result(run, "combined", SIMULATED)
    if isinstance(logit, str):
        c = selection_result(run, models=["combined"], dataset=SIMULATED).models["combined"].table()
        est, ylabel = c["t"].astype(float), "Recovered MRQAP t-value (logistic QAP not fitted)"
    else:
        c = logit.coefficients()
        est = pd.Series([shown(t, e) for t, e in zip(c["term"], c["estimate"])], index=c.index)
        ylabel = "Recovered logistic QAP estimate (log-odds)"
    keep = [t in PLANTED_TERMS or t in ("distance_km", "same_party") for t in c["term"]]
    table = pd.DataFrame({"term": c["term"].map(term_label),
                          "planted": [shown(t, planted.get(t, 0.0)) for t in c["term"]],
                          "recovered": est})[keep]
    fig = figures.planted_vs_recovered(table, equality=not isinstance(logit, str))
    fig.axes[0].set_xlabel("Planted effect (log-odds per unit)")
    fig.axes[0].set_ylabel(ylabel)
    fig.alt_text += f" Vertical axis: {ylabel}."
    return fig


@cached
def _calibration(replications: int, nodes: int, effects: tuple[float, ...], permutations: int, seed: int):
    from lgnet.stats import qap_validation

    return qap_validation.calibration_study(n_datasets=replications, n=nodes, effects=effects,
                                            permutations=permutations, seed=seed, quiet=True)


def calibration_study(run: Run, replications: int, nodes: int, effects: tuple[float, ...],
                      permutations: int | None) -> pd.DataFrame:
    """``lgnet.stats.qap_validation.calibration_study`` with the run's seed (and permutations unless given), cached."""
    return _calibration(int(replications), int(nodes), tuple(float(e) for e in effects),
                        int(permutations or run.permutations), run.seed)


def null_calibration_table(run: Run, replications: int = 100, nodes: int = 30,
                           effects: tuple[float, ...] = (0.0, 0.25, 0.5),
                           permutations: int | None = None) -> pd.DataFrame:
    """Rejection rates of MRQAP (DSP), QAP (Y-permutation) and the classical t-test on simulated networks
    with network dependence (``lgnet.stats.qap_validation``): at effect 0 the rate is the false-positive rate."""
    t = calibration_study(run, replications, nodes, effects, permutations)
    out = pd.DataFrame({
        "effect": t["effect"], "test": t["method"].map(lambda m: TEST_NAMES.get(m, (m,))[0]),
        "data sets": t["datasets"], "rejection rate": [pct(r) for r in t["rejection_rate"]],
        "95% interval": [f"{pct(a, 0)}–{pct(b, 0)}" for a, b in zip(t["ci_low"], t["ci_high"])],
        "councils per network": t["n"],
        "permutations": [str(int(p)) if m != "classical" else "–" for p, m in zip(t["permutations"], t["method"])]})
    return out.set_index(["effect", "test"])


def calibration_figure(run: Run, replications: int = 100, nodes: int = 30,
                       effects: tuple[float, ...] = (0.0, 0.25, 0.5), permutations: int | None = None):
    """Rejection rate against planted effect size, per test, with the nominal 5% level."""
    t = calibration_study(run, replications, nodes, effects, permutations)
    return figures.rejection_rate_plot(t.assign(method=t["method"].map(lambda m: TEST_NAMES.get(m, (m, m))[1])))


def calibration_table(run: Run) -> pd.DataFrame:
    """Targets and achieved values of the simulated stand-in for the run's year (``lgnet.data.simulate``)."""
    from lgnet.data import simulate

    return simulate.calibration_table(data.partnership_data(run, dataset=SIMULATED))


# --------------------------------------------------------------------------------------------------
# Data and provenance
# --------------------------------------------------------------------------------------------------


#: Readable names of the manifest's source folders (a folder not listed falls back to its name in words).
SOURCE_NAMES = {
    "mysociety_uk_local_authority_names_and_codes": "mySociety register of UK local authorities (names and codes)",
    "tombolo_ons_boundaries_2017": "ONS boundaries: local authority districts (Dec 2017) and regions (Dec 2016)",
    "resistancelab_census2011_ethnicity": "2011 Census ethnic groups by local authority (Resistance Lab copy)",
    "demographr_population17_lsoa11": "ONS mid-2017 population by age, small areas (demographr package)",
    "bbc_revenue_outturn_RS": "DCLG revenue outturn summary (RS) 2010-11 and 2017-18 (BBC Shared Data Unit copy)",
    "octolamp_council_control": "Political control of councils, 2014 onwards (octolamp)",
}


def source_name(folder: str) -> str:
    """The readable name of a manifest source folder (:data:`SOURCE_NAMES`)."""
    return SOURCE_NAMES.get(str(folder), str(folder).replace("_", " "))


def _repository(urls) -> str:
    """The upstream repository of a folder's files: 'https://github.com/<owner>/<repo>' for raw GitHub addresses,
    else the first file's address."""
    import re

    first = str(list(urls)[0])
    m = re.match(r"https://raw\.githubusercontent\.com/([^/]+)/([^/]+)/", first)
    return f"https://github.com/{m.group(1)}/{m.group(2)}" if m else first


def manifest_table(run: Run | None = None, files: bool = False) -> pd.DataFrame:
    """The raw public files of the data manifest (the same for every run).

    By default one row per source (folder): its readable name, number of files, total size, licence (once)
    and upstream repository. With ``files=True`` the per-file list: source, file, short checksum and size."""
    from lgnet.data import paths

    m = pd.read_csv(paths.MANIFEST, dtype="string")
    size = pd.to_numeric(m["bytes"], errors="coerce")
    if files:
        out = pd.DataFrame({"source": m["folder"].map(source_name), "file": m["file"],
                            "sha256 (first 12)": m["sha256"].str.slice(0, 12),
                            "size (kB)": (size / 1000).round(0).astype("Int64")})
        out = out.set_index(["source", "file"])
        out.attrs["caption"] = "Every public file of the manifest, with the first 12 characters of its sha256 checksum."
        return out
    rows = []
    for folder, g in m.assign(size=size).groupby("folder", sort=False):
        licences = list(dict.fromkeys(str(v) for v in g["licence"].dropna()))
        rows.append({"source": source_name(folder), "files": len(g),
                     "total size (MB)": f"{float(g['size'].sum()) / 1e6:.1f}",
                     "licence": "; ".join(licences), "upstream": _repository(g["upstream_url"])})
    out = pd.DataFrame(rows).set_index("source")
    out.attrs["note"] = ("Each file's name, checksum and size: the list below this table (open it). Files are "
                         "fetched into data/raw/ and checked against the checksums of data/manifest.csv.")
    return out


def data_dictionary(run: Run | None = None) -> pd.DataFrame:
    """The data dictionary of council attributes (``lgnet.data.attributes.data_dictionary``)."""
    from lgnet.data import attributes

    return attributes.data_dictionary().set_index("variable")


def attribute_gaps(run: Run) -> pd.DataFrame:
    """Attribute values that could not be computed for the run's year, with the reason (``lgnet.data.attributes``)."""
    from lgnet.data import attributes

    gaps = attributes.attribute_gaps(run.year)
    names = data.council_table(run).set_index("code")["name"]
    if "code" in gaps.columns:
        gaps = gaps.assign(name=gaps["code"].map(names))
    return gaps


def _provenance_text(value) -> str:
    if isinstance(value, (list, tuple, set, dict)) and not value:
        return "none"
    if isinstance(value, (list, tuple, set)):
        return f"{len(value)}: " + ", ".join(map(str, list(value)[:8])) + (" ..." if len(value) > 8 else "")
    if isinstance(value, dict):
        return f"{len(value)}: " + "; ".join(f"{k}: {v}" for k, v in list(value.items())[:6]) + (
            " ..." if len(value) > 6 else "")
    return str(value)


def council_provenance(run: Run) -> pd.DataFrame:
    """How the council table of the run's year was built (``lgnet.data.councils.council_provenance``), as a table."""
    from lgnet.data import councils

    rows = [{"item": str(k).replace("_", " "), "value": _provenance_text(v)}
            for k, v in councils.council_provenance(run.year).items()]
    return pd.DataFrame(rows).set_index("item")


def documented_sample_summary(run: Run | None = None) -> pd.DataFrame:
    """The documented sample in figures: partnerships, memberships, natures, dates, partial records."""
    from lgnet.data import partnerships

    folder = partnerships.DOCUMENTED_DIR
    p = pd.read_csv(folder / "partnerships.csv", dtype="string")
    m = pd.read_csv(folder / "memberships.csv", dtype="string")
    c = pd.read_csv(folder / "caveats.csv", dtype="string") if (folder / "caveats.csv").exists() else None
    years = pd.to_numeric(p.get("year"), errors="coerce")
    rows = {
        "partnerships": len(p),
        "memberships (council names as written)": len(m),
        "distinct council-name strings": m["council_name_as_written"].nunique(),
        "frontline / administrative / mixed": " / ".join(str(int((p["nature"] == n).sum())) for n in NATURES),
        "records with a year": f"{int(years.notna().sum())} (range {num(years.min())}–{num(years.max())})",
        "records with a partial member list": int((p["members_complete"].str.lower() == "false").sum()),
        "records with a caveat": 0 if c is None else int(c["partnership_id"].nunique()),
        "records with more than one source page": int(p["source_url"].str.contains(r"\|", regex=True).sum()),
    }
    return pd.DataFrame({"value": pd.Series(rows).astype("string")}).rename_axis("documented sample")
