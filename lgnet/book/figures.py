"""Figures for the book: the partnership map, function breakdown, degree and distance charts.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (so notebooks do not
display it twice) whose axes carry labels with units and no title (the book's caption is the title).
Each figure has an ``alt_text`` attribute: a sentence computed from the data it draws, which the book
puts in the HTML ``<img alt=...>`` (see :func:`lgnet_helpers.glue_figure`).

Colours are fixed per nature of partnership so every figure in the book agrees.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from lgnet.data.partnership_data import NATURES, PartnershipData

#: One colour per nature of partnership (colour-blind safe, Okabe-Ito palette).
NATURE_COLOURS = {"frontline": "#D55E00", "administrative": "#0072B2", "mixed": "#009E73"}
#: Colours for labelled series (documented sample, simulated stand-in, ...), in order of use.
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"]

_KM = FuncFormatter(lambda v, _pos: f"{v / 1000:.0f}")


class FigureInputError(ValueError):
    """The data given to a figure function cannot be drawn (the message names what is missing)."""


def _require(df: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise FigureInputError(f"{what} lacks column(s) {missing}; it has {list(df.columns)}")


def _figure(width: float = 7.0, height: float = 4.5, layout: str | None = "constrained") -> Figure:
    fig = Figure(figsize=(width, height), dpi=110, layout=layout)
    return fig


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def tie_segments(pdata: PartnershipData, councils: pd.DataFrame) -> pd.DataFrame:
    """One row per (pair of partner councils, nature): the lines the partnership map draws.

    Columns: code_a, code_b, nature, partnerships (how many partnerships of that nature the pair shares),
    x_a, y_a, x_b, y_b (British National Grid metres, from the council table's centroids).
    """
    _require(councils, ["code", "x", "y"], "the council table")
    _require(pdata.memberships, ["partnership_id", "code"], "the memberships table")
    _require(pdata.partnerships, ["partnership_id", "nature"], "the partnerships table")
    mem = pdata.memberships[["partnership_id", "code"]].astype({"partnership_id": "string", "code": "string"})
    nat = pdata.partnerships[["partnership_id", "nature"]].astype({"partnership_id": "string"})
    pairs = mem.merge(mem, on="partnership_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["code_a"] < pairs["code_b"]].merge(nat, on="partnership_id", how="left")
    seg = (pairs.groupby(["code_a", "code_b", "nature"], as_index=False, observed=True)
           .agg(partnerships=("partnership_id", "nunique")))
    xy = councils.set_index(councils["code"].astype("string"))[["x", "y"]]
    unknown = sorted(set(seg["code_a"]).union(seg["code_b"]) - set(xy.index))
    if unknown:
        raise FigureInputError(
            f"membership codes {unknown[:5]} are not in the council table of {pdata.year}; "
            "load the partnerships for the same year as the councils"
        )
    for end in ("a", "b"):
        seg[f"x_{end}"] = xy.loc[seg[f"code_{end}"], "x"].to_numpy(dtype=float)
        seg[f"y_{end}"] = xy.loc[seg[f"code_{end}"], "y"].to_numpy(dtype=float)
    return seg


def _check_bng(gdf, what: str) -> None:
    crs = getattr(gdf, "crs", None)
    if crs is not None and crs.to_epsg() != 27700:
        raise FigureInputError(f"{what} are in {crs}, expected British National Grid (EPSG:27700); "
                               "reproject with .to_crs(27700)")


#: Readable names of partnership functions (v2 of the documented sample, the simulator and the article's
#: categories); :func:`function_label` falls back to the code with spaces for anything not listed.
FUNCTION_LABELS = {
    "waste": "Waste and recycling", "planning_building_control": "Planning and building control",
    "social_care": "Social care", "management_team": "Shared management team", "audit_finance": "Audit and finance",
    "archives_culture": "Archives, museums and culture", "legal": "Legal services",
    "multi_service": "Several services", "economic_development": "Economic development",
    "regulatory": "Regulatory services", "housing": "Housing", "revenues_benefits": "Revenues and benefits",
    "procurement": "Procurement", "parking_cctv": "Parking and CCTV", "ict": "ICT",
    "hr_payroll": "HR and payroll", "emergency_planning": "Emergency planning", "public_health": "Public health",
    "environment": "Environment", "bereavement": "Bereavement services", "pensions": "Pensions",
    "customer_services": "Customer services", "other": "Other", "unspecified": "Not stated",
    "unknown": "Not stated", "finance": "Finance", "audit": "Audit", "it": "ICT", "hr": "HR",
    "building_control": "Building control", "planning": "Planning", "revenues": "Revenues and benefits",
}

#: Short names of the nine English regions, for map labels.
REGION_SHORT = {
    "North East": "North East", "North West": "North West", "Yorkshire and The Humber": "Yorkshire and\nthe Humber",
    "East Midlands": "East\nMidlands", "West Midlands": "West\nMidlands", "East of England": "East of\nEngland",
    "London": "London", "South East": "South East", "South West": "South West",
}

#: Nudges (BNG metres) of region labels that would otherwise collide.
REGION_LABEL_SHIFT = {"North West": (-30_000, 0), "Yorkshire and The Humber": (25_000, 0)}

#: The London inset's extent (BNG metres: xmin, ymin, xmax, ymax): Greater London and the ring of councils
#: around it.
LONDON_AND_RING = (470_000, 128_000, 592_000, 232_000)


def function_label(code) -> str:
    """A readable name for a partnership function code ('audit_finance' -> 'Audit and finance')."""
    text = str(code)
    if text in FUNCTION_LABELS:
        return FUNCTION_LABELS[text]
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Not stated"


def _draw_layers(ax, boundaries_gdf, is_county, regions_gdf, seg, pts, lw: float = 1.0) -> None:
    """Boundaries, county and region outlines, tie lines and member points on ``ax``."""
    boundaries_gdf[~is_county].plot(ax=ax, facecolor="#f2f2f2", edgecolor="#c8c8c8", linewidth=0.3 * lw)
    if is_county.any():
        boundaries_gdf[is_county].plot(ax=ax, facecolor="none", linewidth=0.9 * lw, zorder=2, **COUNTY_OUTLINE)
    if regions_gdf is not None:
        regions_gdf.plot(ax=ax, facecolor="none", edgecolor="#444444", linewidth=1.1 * lw, zorder=2)
    for nature in NATURES:
        s = seg[seg["nature"] == nature]
        if s.empty:
            continue
        lines = np.stack([s[["x_a", "y_a"]].to_numpy(), s[["x_b", "y_b"]].to_numpy()], axis=1)
        ax.add_collection(LineCollection(lines, colors=NATURE_COLOURS[nature], linewidths=0.9 * lw, alpha=0.7,
                                         zorder=3))
    ax.scatter(pts["x"], pts["y"], s=5 * lw, color="#333333", zorder=4, linewidths=0)


def _region_labels(ax, regions_gdf, skip: tuple[str, ...] = ()) -> list[str]:
    """Region names at a point inside each region, with a white halo; returns the names drawn."""
    import matplotlib.patheffects as pe

    if regions_gdf is None or "name" not in regions_gdf.columns:
        return []
    drawn = []
    for name, geom in zip(regions_gdf["name"].astype(str), regions_gdf.geometry):
        if name in skip or geom is None or geom.is_empty:
            continue
        pt = geom.representative_point()
        dx, dy = REGION_LABEL_SHIFT.get(name, (0, 0))
        ax.text(pt.x + dx, pt.y + dy, REGION_SHORT.get(name, name), ha="center", va="center", fontsize=12,
                fontweight="bold", color="#222222", zorder=6,
                path_effects=[pe.withStroke(linewidth=3, foreground="white", alpha=0.85)])
        drawn.append(name)
    return drawn


#: Where the London inset sits on a map of England (fractions of the map's axes: x, y, width, height): in the
#: North Sea, east of the coast, which :func:`_england_axes` leaves free by widening the map to the east.
INSET_BOX = (0.645, 0.52, 0.355, 0.44)
#: Sea room east of England for the inset, as a share of England's width.
SEA_ROOM = 0.42

COUNTY_OUTLINE = dict(edgecolor="#4d4d4d", linestyle=(0, (4, 2)))


def _england_axes(bounds, inset, ax=None):
    """The figure and axes of a map of England: one large panel, with room for the London inset in the sea
    (upper right) and the legend (lower right). Returns (fig, ax, inset_ax or None)."""
    xmin, ymin, xmax, ymax = bounds
    w, h = xmax - xmin, ymax - ymin
    east = SEA_ROOM * w if inset is not None else 0.0
    if ax is None:
        width = 11.0
        fig = _figure(width, width * (h * 1.04) / (w * 1.02 + east) + 0.5, layout=None)  # axes placed by hand
        ax = fig.add_axes([0.075, 0.06, 0.895, 0.93])  # room on the right for the last tick label
    else:
        fig = ax.figure
    ax.set_xlim(xmin - 0.01 * w, xmax + 0.01 * w + east)
    ax.set_ylim(ymin - 0.02 * h, ymax + 0.02 * h)
    ax.set_aspect("equal")
    sub = ax.inset_axes(list(INSET_BOX)) if inset is not None else None
    return fig, ax, sub


def _london_inset(ax, sub, inset, draw, regions_gdf) -> list[str]:
    """Draw the London inset: ``draw(sub)`` draws the map's layers on it; its extent is ``inset`` (BNG metres),
    marked on the main map. Labels London when the regions are given; returns the region names labelled."""
    x0, y0, x1, y1 = inset
    draw(sub)
    sub.set_xlim(x0, x1)
    sub.set_ylim(y0, y1)
    sub.set_aspect("equal")
    sub.set_xticks([])
    sub.set_yticks([])
    sub.set_xlabel("")
    sub.set_ylabel("")
    sub.set_title(f"London and its ring, enlarged\n({(x1 - x0) / 1000:.0f} × {(y1 - y0) / 1000:.0f} km)",
                  fontsize=11)
    for spine in sub.spines.values():
        spine.set_edgecolor("#222222")
        spine.set_linewidth(1.2)
    ax.indicate_inset((x0, y0, x1 - x0, y1 - y0), edgecolor="#222222", alpha=0.9, linewidth=1.2)
    named = []
    if regions_gdf is not None and "name" in regions_gdf.columns and \
            (regions_gdf["name"].astype(str) == "London").any():
        named = _region_labels(sub, regions_gdf[regions_gdf["name"].astype(str) == "London"])
    return named


def _km_axes(ax) -> None:
    ax.xaxis.set_major_formatter(_KM)
    ax.yaxis.set_major_formatter(_KM)
    ax.set_xlabel("Easting (km, British National Grid)", fontsize=12)
    ax.set_ylabel("Northing (km, British National Grid)", fontsize=12)
    ax.tick_params(labelsize=11)


def partnership_map(boundaries_gdf, councils: pd.DataFrame, pdata: PartnershipData, ax=None,
                    *, label: str | None = None, regions_gdf=None,
                    inset: tuple[float, float, float, float] | None = LONDON_AND_RING) -> Figure:
    """Figure: council boundaries in light grey and partner councils joined by lines, coloured by nature, with
    an inset at a larger scale for London and the ring of councils around it.

    ``boundaries_gdf`` is ``lgnet.data.boundaries.boundaries(year)`` (EPSG:27700); county polygons, which overlap
    their districts, are drawn as dashed outlines, and ``regions_gdf`` (optional, e.g.
    ``lgnet.data.ons_layers.regions_layer()``, with a ``name`` column) as dark outlines with the region names.
    Lines join the centroids of two councils that share at least one partnership of that nature (drawn once per
    pair and nature, so a pair sharing partnerships of two natures has two lines). ``inset`` (BNG metres: xmin,
    ymin, xmax, ymax; None for no inset) is drawn again at a larger scale in the sea east of England (shared
    with :func:`coverage_map`). Axes are in kilometres of the British National Grid.
    """
    _check_bng(boundaries_gdf, "boundaries")
    if regions_gdf is not None:
        _check_bng(regions_gdf, "region boundaries")
    seg = tie_segments(pdata, councils)
    fig, ax, sub = _england_axes(boundaries_gdf.total_bounds, inset, ax)
    is_county = boundaries_gdf["type"].astype("string").eq("county").fillna(False).to_numpy(dtype=bool)
    members = set(pdata.memberships["code"].astype("string"))
    pts = councils[councils["code"].astype("string").isin(members)]
    _draw_layers(ax, boundaries_gdf, is_county, regions_gdf, seg, pts)
    handles = [Line2D([], [], color="#c8c8c8", lw=1.0, label="council boundary")]
    if is_county.any():
        handles.append(Line2D([], [], color=COUNTY_OUTLINE["edgecolor"], lw=1.2, ls=COUNTY_OUTLINE["linestyle"],
                              label="county council area"))
    if regions_gdf is not None:
        handles.append(Line2D([], [], color="#444444", lw=1.2, label="region boundary"))
    counts = pdata.partnerships["nature"].astype("string").value_counts()
    for nature in NATURES:
        if (seg["nature"] == nature).any():
            handles.append(Line2D([], [], color=NATURE_COLOURS[nature], lw=2,
                                  label=f"{nature} ({int(counts.get(nature, 0))} partnerships)"))
    handles.append(Line2D([], [], marker="o", ls="", color="#333333", ms=3,
                          label=f"member council ({len(pts)})"))
    ax.legend(handles=handles, loc="lower right", fontsize=10, frameon=True, framealpha=0.95, title=label,
              title_fontsize=10, alignment="left")
    regions_named = _region_labels(ax, regions_gdf, skip=("London",) if sub is not None else ())
    _km_axes(ax)
    inset_text = ""
    if sub is not None:
        x0, y0, x1, y1 = inset
        regions_named += _london_inset(
            ax, sub, inset, lambda a: _draw_layers(a, boundaries_gdf, is_county, regions_gdf, seg, pts, lw=1.3),
            regions_gdf)
        inside = ((seg[["x_a", "x_b"]] >= x0).all(axis=1) & (seg[["x_a", "x_b"]] <= x1).all(axis=1)
                  & (seg[["y_a", "y_b"]] >= y0).all(axis=1) & (seg[["y_a", "y_b"]] <= y1).all(axis=1))
        inset_text = (f" An inset enlarges London and the ring of councils around it "
                      f"({(x1 - x0) / 1000:.0f} by {(y1 - y0) / 1000:.0f} km), where {int(inside.sum())} of the "
                      "lines lie.")
    by_nature = ", ".join(f"{int((seg['nature'] == n).sum())} {n}" for n in NATURES)
    pairs = len(seg[["code_a", "code_b"]].drop_duplicates()) if len(seg) else 0
    regions_text = (f", regions outlined in dark grey and labelled ({', '.join(sorted(regions_named))})"
                    if regions_gdf is not None and regions_named else
                    ", regions outlined in dark grey" if regions_gdf is not None else "")
    fig.alt_text = (
        f"Map of England's {len(councils)} councils of {pdata.year} (council boundaries in light grey, "
        f"county council areas outlined with dashes{regions_text}, "
        f"British National Grid, axes in kilometres) with {_plural(int(len(pdata.partnerships)), 'partnership')} "
        f"of the {pdata.label}. Each line joins the centroids of two councils that share at least one partnership "
        f"of one nature: {_plural(pairs, 'pair')} of councils, drawn as {len(seg)} lines ({by_nature}), because "
        f"a pair sharing partnerships of two natures has a line for each; {len(pts)} councils are members of at "
        "least one partnership." + inset_text
    )
    return fig


def function_breakdown(pdata: PartnershipData, ax=None) -> Figure:
    """Figure 2: partnerships per function, stacked by nature (horizontal bars, largest at the top)."""
    _require(pdata.partnerships, ["function", "nature"], "the partnerships table")
    p = pdata.partnerships.astype({"function": "string", "nature": "string"})
    table = pd.crosstab(p["function"].fillna("unknown"), p["nature"])
    table = table.reindex(columns=[n for n in NATURES if n in table.columns])
    table = table.loc[table.sum(axis=1).sort_values(kind="stable").index]
    if ax is None:
        fig = _figure(7.0, max(3.0, 0.32 * len(table) + 1.2))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    left = np.zeros(len(table))
    labels = [function_label(f) for f in table.index]
    for nature in table.columns:
        ax.barh(labels, table[nature].to_numpy(), left=left, color=NATURE_COLOURS[nature], label=nature)
        left += table[nature].to_numpy()
    ax.set_xlabel("Partnerships (count)")
    ax.set_ylabel("Function")
    ax.legend(title="Nature", fontsize=8, title_fontsize=8, loc="lower right")
    ax.tick_params(labelsize=8)
    totals = table.sum(axis=1).sort_values(ascending=False, kind="stable")
    top = ", ".join(f"{str(f).replace('_', ' ')} ({int(v)})" for f, v in totals.head(3).items())
    fig.alt_text = (
        f"Horizontal bar chart of the {_plural(int(len(p)), 'partnership')} of the {pdata.label} by function "
        f"({len(table)} functions), each bar split by nature; the largest are {top}."
    )
    return fig


def _as_series_dict(degree, label: str | None) -> dict[str, pd.Series]:
    if isinstance(degree, Mapping):
        return {str(k): pd.Series(v) for k, v in degree.items()}
    return {label or "councils": pd.Series(degree)}


def degree_histogram(degree, label: str | None = None, ax=None) -> Figure:
    """Partnerships per council: a histogram (share of councils, so series of different sizes compare).

    ``degree`` is a Series of partnerships per council (zeros included), or a mapping of labels to such
    Series (e.g. the documented sample and the simulated stand-in), drawn side by side.
    """
    series = _as_series_dict(degree, label)
    if not series or all(len(s) == 0 for s in series.values()):
        raise FigureInputError("no degrees to plot")
    top = int(max(s.max() for s in series.values() if len(s)))
    bins = np.arange(0, top + 2)
    if ax is None:
        fig = _figure(7.0, 3.8)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    k = len(series)
    width = 0.8 / k
    parts = []
    for i, (name, s) in enumerate(series.items()):
        counts = np.bincount(s.astype(int).to_numpy(), minlength=len(bins) - 1)[: len(bins) - 1]
        share = 100 * counts / max(len(s), 1)
        ax.bar(bins[:-1] + (i - (k - 1) / 2) * width, share, width=width, color=SERIES_COLOURS[i % 5],
               label=f"{name} ({len(s)} councils)")
        parts.append(f"{name}: {len(s)} councils, {int((s > 0).sum())} in at least one partnership, "
                     f"median {float(s[s > 0].median()) if (s > 0).any() else 0:g} and maximum {int(s.max())} "
                     "partnerships per participating council")
    ax.set_xlabel("Partnerships per council (count)")
    ax.set_ylabel("Councils (% of all councils)")
    ax.legend(fontsize=8)
    ax.tick_params(labelsize=8)
    fig.alt_text = "Bar chart of the number of partnerships per council. " + "; ".join(parts) + "."
    return fig


def tie_distance_plot(distances: pd.DataFrame, group: str = "subset", value: str = "distance_km",
                      ax=None) -> Figure:
    """Distances between partner councils, one box (with the median marked) per group.

    ``distances`` is long: one row per tie with a ``group`` column (e.g. frontline / administrative)
    and a ``value`` column in kilometres.
    """
    _require(distances, [group, value], "the tie-distance table")
    groups = [g for g in pd.unique(distances[group].astype("string")) if pd.notna(g)]
    if not groups:
        raise FigureInputError("the tie-distance table has no rows")
    data = [distances.loc[distances[group].astype("string") == g, value].astype(float).to_numpy()
            for g in groups]
    if ax is None:
        fig = _figure(6.0, 3.6)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    bp = ax.boxplot(data, orientation="horizontal", tick_labels=[str(g) for g in groups], patch_artist=True,
                    showfliers=True, flierprops={"markersize": 2, "alpha": 0.5})
    for patch, g in zip(bp["boxes"], groups):
        patch.set_facecolor(NATURE_COLOURS.get(str(g), SERIES_COLOURS[0]))
        patch.set_alpha(0.6)
    ax.set_xlabel("Distance between partner councils' centroids (km)")
    ax.set_ylabel("Partnerships")
    ax.tick_params(labelsize=8)
    desc = "; ".join(f"{g}: {len(d)} ties, median {np.median(d):.0f} km" for g, d in zip(groups, data) if len(d))
    fig.alt_text = f"Box plots of distances between partner councils by {group}. {desc}."
    return fig


def coefficient_plot(table: pd.DataFrame, term: str = "term", estimate: str = "estimate",
                     p_value: str = "p_value", xlabel: str = "Coefficient (shared partnerships per dyad)",
                     ax=None, p_label: str = "p") -> Figure:
    """Dot plot of regression coefficients, filled where the permutation p-value is below 0.05
    (``p_label`` names the p-value in the legend, e.g. "permutation p")."""
    _require(table, [term, estimate, p_value], "the coefficient table")
    t = table[table[term].astype("string") != "(intercept)"]
    if ax is None:
        fig = _figure(6.0, max(2.5, 0.35 * len(t) + 1.0))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    y = np.arange(len(t))[::-1]
    sig = t[p_value].astype(float).to_numpy() < 0.05
    est = t[estimate].astype(float).to_numpy()
    ax.axvline(0, color="#999999", lw=0.8)
    ax.scatter(est[sig], y[sig], color="#0072B2", zorder=3, label=f"{p_label} < 0.05")
    ax.scatter(est[~sig], y[~sig], facecolor="white", edgecolor="#0072B2", zorder=3, label=f"{p_label} ≥ 0.05")
    ax.set_yticks(y, [str(s) for s in t[term]])
    ax.set_xlabel(xlabel)
    ax.legend(fontsize=8)
    ax.tick_params(labelsize=8)
    what = ("t-values" if estimate in ("t", "z") else "standardised coefficients" if estimate.startswith("std")
            else "coefficients")
    fig.alt_text = (f"Dot plot of {len(t)} {what}; {int(sig.sum())} have permutation p below 0.05: "
                    + ", ".join(f"{a} ({b:.3g})" for a, b in zip(t[term], est)) + ".")
    return fig


def planted_vs_recovered(table: pd.DataFrame, planted: str = "planted", recovered: str = "recovered",
                         label: str = "term", equality: bool = True, ax=None) -> Figure:
    """Scatter of planted against recovered effects, with the line of equality (when both share a scale)
    or the axes through zero (``equality=False``: only signs compare)."""
    _require(table, [planted, recovered, label], "the recovery table")
    if ax is None:
        fig = _figure(4.8, 4.2)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    x = table[planted].astype(float).to_numpy()
    y = table[recovered].astype(float).to_numpy()
    lo, hi = float(min(x.min(), y.min(), 0)), float(max(x.max(), y.max(), 0))
    if equality:
        ax.plot([lo, hi], [lo, hi], color="#999999", lw=0.8, ls="--")
    else:
        ax.axhline(0, color="#999999", lw=0.8)
        ax.axvline(0, color="#999999", lw=0.8)
    ax.scatter(x, y, color="#0072B2")
    for xi, yi, name in zip(x, y, table[label].astype(str)):
        ax.annotate(name, (xi, yi), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("Planted effect (model units)")
    ax.set_ylabel("Recovered estimate (model units)")
    nonzero = x != 0
    same = int((np.sign(x[nonzero]) == np.sign(y[nonzero])).sum())
    fig.alt_text = (f"Scatter plot of {len(x)} planted effects against their recovered estimates; "
                    f"{same} of the {int(nonzero.sum())} non-zero planted effects are recovered with their sign.")
    return fig


def r_squared_plot(r2: pd.DataFrame, reference: float | None = None, reference_label: str = "reference",
                   xlabel: str = "Variance explained (R², %)", ax=None) -> Figure:
    """Grouped horizontal bars of R² (as %), one group per model (rows) and one bar per series (columns).

    ``r2`` holds R² as fractions (0-1), e.g. rows resource / organisational / political / combined and
    columns "documented sample" / "simulated stand-in". ``reference`` draws a dashed line (e.g. the
    article's ceiling).
    """
    if r2.empty:
        raise FigureInputError("no R² values to plot")
    if ax is None:
        fig = _figure(6.5, max(2.6, 0.5 * len(r2) * max(1, r2.shape[1]) / 1.5 + 1.2))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    k = r2.shape[1]
    height = 0.8 / k
    y = np.arange(len(r2))[::-1]
    for i, col in enumerate(r2.columns):
        ax.barh(y + (i - (k - 1) / 2) * -height, 100 * r2[col].astype(float).to_numpy(), height=height,
                color=SERIES_COLOURS[i % 5], label=str(col))
    if reference is not None:
        ax.axvline(100 * reference, color="#D55E00", ls="--", lw=1, label=reference_label)
    ax.set_yticks(y, [str(m) for m in r2.index])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Model")
    ax.legend(fontsize=8)
    ax.tick_params(labelsize=8)
    parts = "; ".join(f"{col}: " + ", ".join(f"{m} {100 * float(v):.1f}%" for m, v in r2[col].items())
                      for col in r2.columns)
    ref = f" A dashed line marks {reference_label} ({100 * reference:.0f}%)." if reference is not None else ""
    fig.alt_text = f"Bar chart of variance explained by model. {parts}.{ref}"
    return fig


def rejection_rate_plot(table: pd.DataFrame, alpha: float = 0.05, ax=None) -> Figure:
    """Rejection rate (%) against effect size, one line per method, with 95% intervals and the nominal level.

    ``table`` has columns effect, method, rejection_rate, ci_low, ci_high (as from
    ``lgnet.stats.qap_validation.calibration_study``).
    """
    _require(table, ["effect", "method", "rejection_rate", "ci_low", "ci_high"], "the calibration table")
    if ax is None:
        fig = _figure(6.0, 3.8)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    parts = []
    for i, (method, t) in enumerate(table.groupby("method", sort=False)):
        t = t.sort_values("effect")
        x = t["effect"].astype(float).to_numpy()
        y = 100 * t["rejection_rate"].astype(float).to_numpy()
        lo = y - 100 * t["ci_low"].astype(float).to_numpy()
        hi = 100 * t["ci_high"].astype(float).to_numpy() - y
        ax.errorbar(x + (i - 1) * 0.004, y, yerr=[lo, hi], marker="o", capsize=3, color=SERIES_COLOURS[i % 5],
                    label=str(method))
        parts.append(f"{method}: " + ", ".join(f"{100 * r:.0f}% at effect {e:g}"
                                              for e, r in zip(x, t["rejection_rate"].astype(float))))
    ax.axhline(100 * alpha, color="#D55E00", ls="--", lw=1, label=f"nominal level ({100 * alpha:.0f}%)")
    ax.set_xlabel("Planted effect size (response units per unit of predictor)")
    ax.set_ylabel("Tests rejecting at 5% (% of data sets)")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8)
    fig.alt_text = ("Line chart of rejection rates against effect size by method, with 95% intervals. "
                    + "; ".join(parts) + f". A dashed line marks the nominal {100 * alpha:.0f}% level.")
    return fig


#: Classes of the coverage map: (lowest, highest, label); the last is open.
COVERAGE_CLASSES = ((0, 0, "none"), (1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, 5, "4-5"), (6, 9, "6-9"),
                    (10, None, "10 or more"))


#: Colours of the coverage classes: grey for none (no part of the scale), then a sequential yellow-green-blue
#: scale (ColorBrewer YlGnBu) from 1 upwards.
COVERAGE_COLOURS = ["#bdbdbd", "#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"]


def coverage_map(boundaries_gdf, counts: pd.Series, ax=None, *, regions_gdf=None,
                 what: str = "documented partnerships",
                 inset: tuple[float, float, float, float] | None = LONDON_AND_RING) -> Figure:
    """Figure: councils shaded by their number of records (``counts``: GSS code -> number; missing = 0);
    ``what`` names what is counted (the legend title is "Number of <what>").

    Lower-tier and single-tier councils are filled (counties overlap their districts, so a county's own
    number is not drawn as a fill: its outline is dashed and its number is in the coverage table). Classes
    are :data:`COVERAGE_CLASSES`, colours :data:`COVERAGE_COLOURS` (grey: none). Region outlines and labels,
    and the London inset of :func:`partnership_map` (``inset``; None for none). British National Grid
    (EPSG:27700), km axes.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    _check_bng(boundaries_gdf, "boundaries")
    if regions_gdf is not None:
        _check_bng(regions_gdf, "region boundaries")
    gdf = boundaries_gdf.copy()
    gdf["n"] = gdf["code"].map(counts).fillna(0).astype(int)
    is_county = gdf["type"].astype("string").eq("county").fillna(False).to_numpy(dtype=bool)
    colours = COVERAGE_COLOURS

    def klass(n: int) -> int:
        for i, (lo, hi, _label) in enumerate(COVERAGE_CLASSES):
            if n >= lo and (hi is None or n <= hi):
                return i
        return len(COVERAGE_CLASSES) - 1

    gdf["class"] = gdf["n"].map(klass)
    lower = gdf[~is_county]
    fig, ax, sub = _england_axes(boundaries_gdf.total_bounds, inset, ax)

    def draw(a, lw: float = 1.0) -> None:
        lower.plot(ax=a, column="class", cmap=ListedColormap(colours), vmin=0, vmax=len(colours) - 1,
                   edgecolor="#8a8a8a", linewidth=0.25 * lw)
        if is_county.any():
            gdf[is_county].plot(ax=a, facecolor="none", linewidth=0.8 * lw, zorder=2, **COUNTY_OUTLINE)
        if regions_gdf is not None:
            regions_gdf.plot(ax=a, facecolor="none", edgecolor="#111111", linewidth=1.1 * lw, zorder=3)

    draw(ax)
    sizes = lower["class"].value_counts()
    handles = [Patch(facecolor=c, edgecolor="#8a8a8a", label=f"{label} ({int(sizes.get(i, 0))} councils)")
               for i, (c, (_lo, _hi, label)) in enumerate(zip(colours, COVERAGE_CLASSES))]
    if is_county.any():
        handles.append(Line2D([], [], color=COUNTY_OUTLINE["edgecolor"], lw=1.2, ls=COUNTY_OUTLINE["linestyle"],
                              label="county council area"))
    if regions_gdf is not None:
        handles.append(Line2D([], [], color="#111111", lw=1.2, label="region boundary"))
    title = f"Number of {what}"
    if len(title) > 30:  # two lines, so the legend stays in the sea
        cut = title.rfind(" ", 0, len(title) // 2 + 8)
        title = title[:cut] + "\n" + title[cut + 1:]
    ax.legend(handles=handles, title=title, loc="lower right", fontsize=10, title_fontsize=10,
              frameon=True, framealpha=0.95, alignment="left")
    regions_named = _region_labels(ax, regions_gdf, skip=("London",) if sub is not None else ())
    _km_axes(ax)
    inset_text = ""
    if sub is not None:
        regions_named += _london_inset(ax, sub, inset, lambda a: draw(a, 1.5), regions_gdf)
        x0, y0, x1, y1 = inset
        inset_text = (f" An inset enlarges London and the ring of councils around it ({(x1 - x0) / 1000:.0f} by "
                      f"{(y1 - y0) / 1000:.0f} km).")
    none = int((lower["n"] == 0).sum())
    top = lower.sort_values("n", ascending=False).iloc[0] if len(lower) else None
    regions_text = (f" Regions are outlined and labelled ({', '.join(sorted(regions_named))})."
                    if regions_named else " Regions are outlined." if regions_gdf is not None else "")
    fig.alt_text = (
        f"Map of England's {len(lower)} district, unitary, metropolitan and London councils shaded by their "
        f"number of {what} (grey: none, then pale yellow to dark blue): {none} have none"
        + (f", the most is {int(top['n'])} ({top['name']})" if top is not None and "name" in lower else "")
        + f"; {int(is_county.sum())} county council areas are outlined with dashes." + regions_text + inset_text)
    return fig
