"""lgnet_helpers: the one module the book's notebooks import.

Chapter-level, one-line calls that return tables (pandas DataFrames), figures or short Markdown notes.
This file is only the face: the functions live in ``lgnet.book.chapters`` (one small module per chapter), which
composes the analysis modules of ``lgnet`` (network, propensity, selection, homophily, qap_validation ...),
caches the expensive steps and formats results for reading. There are no statistics here.

A chapter starts with::

    import lgnet_helpers as lg
    run = lg.setup(year=year, partnerships=partnerships, seed=seed, permutations=permutations)
    lg.dataset_note(run, needs="...")

The article's published figures are the constants in ``ARTICLE`` (source: ``ARTICLE_SOURCE``); each
chapter's closing "article reports / this run finds" table puts them beside values computed from the run.
Distance coefficients are shown per 100 km (the models are fitted in km; see ``lgnet.book.chapters.terms``).

Every chapter (module in ``lgnet.book.chapters``)
--------------------------------------------
setup and data (``run``, ``data``, ``cache``)
    setup, Run, partnership_data, subset_data, network, describe, council_table, analysis_table,
    boundaries, regions, label, clear_cache (after the data or the lgnet code changed in a running kernel)
display (``display``, ``notes``, ``terms``)
    dataset_note, glue_figure, article_vs_run, ARTICLE, ARTICLE_SOURCE, Note, FigureOutput, TERM_LABELS
    coverage_note, dataset_counts (what the dataset supports; its counts)

Chapter 1, the network (``background``)
    overview_table, nature_table, council_counts, partnership_map, function_breakdown, degree_table,
    degree_figure, top_councils, compare_background
Chapter 2, propensity (``propensity``)
    propensity_variables, propensity_summary, propensity_r2_figure, propensity_coefficients,
    propensity_factors, propensity_count_model, propensity_notes, propensity_result, compare_propensity
Chapter 3, partner selection (``selection``)
    ei_table, proximity_table, partner_r2, partner_coefficients, partner_coefficient_figure,
    politics_region_table, logistic_table, selection_result, compare_partner_selection
    restricted_r2, restricted_coefficients, restricted_sentence (models on councils with ≥1 partnership)
Chapter 4, activity subsets (``subsets``)
    subset_overview, subset_r2, subset_coefficients, tie_distance_table, tie_distance_figure, compare_activity
Robustness to evidence, chapters 2-4 (``robustness``)
    evidence_table, evidence_sentence, evidence_results (strict, default and all sets side by side)
Chapter 5, efficiency and legitimacy (``synthesis``)
    synthesis_table, contrast, interpretation, compare_conclusions
Appendix: method validation (``appendices``)
    planted_effects_table, recovery_table, recovery_figure, null_calibration_table, calibration_figure,
    calibration_table
Answers to the exercises, for teachers (``lgnet.book.answers``)
    answer (``lg.answer(run, "propensity", 1)``: a hidden-by-default worked answer, computed from the run)
Appendix: data (``appendices``)
    manifest_table, data_dictionary, attribute_gaps, council_provenance, documented_sample_summary
Appendix: catalogue of the documented sample (``catalogue``)
    catalogue_intro, catalogue_search, catalogue_table, catalogue_html, catalogue_summary, coverage_counts,
    coverage_map, coverage_table
The partnership container (``lgnet.data.partnership_data``)
    PartnershipData, NATURES
"""

from __future__ import annotations

from lgnet.book.answers import answer
from lgnet.book.chapters.appendices import (
    PLANTED_TERMS,
    attribute_gaps,
    calibration_figure,
    calibration_table,
    council_provenance,
    data_dictionary,
    documented_sample_summary,
    manifest_table,
    null_calibration_table,
    planted_effects_table,
    recovery_figure,
    recovery_table,
)
from lgnet.book.chapters.background import (
    TYPE_ORDER,
    compare_background,
    council_counts,
    degree_figure,
    degree_table,
    function_breakdown,
    nature_table,
    overview_table,
    partnership_map,
    top_councils,
)
from lgnet.book.chapters.cache import clear_cache
from lgnet.book.chapters.data import (
    analysis_table,
    boundaries,
    council_table,
    describe,
    network,
    partnership_data,
    regions,
    subset_data,
)
from lgnet.book.chapters.display import ARTICLE, ARTICLE_SOURCE, FigureOutput, article_vs_run, glue_figure
from lgnet.book.chapters.notes import Note, dataset_note
from lgnet.book.chapters.propensity import (
    REDUNDANT_IN_SINGLE_PARTY_GOVERNMENT,
    compare_propensity,
    propensity_coefficients,
    propensity_count_model,
    propensity_factors,
    propensity_notes,
    propensity_r2_figure,
    propensity_result,
    propensity_summary,
    propensity_variables,
)
from lgnet.book.chapters.run import DEFAULT_SEED, DOCUMENTED, SIMULATED, Run, label, setup
from lgnet.book.chapters.selection import (
    LOGISTIC_MODELS,
    PARTNER_MODELS,
    SUBSET_MODELS,
    compare_partner_selection,
    ei_table,
    logistic_table,
    partner_coefficient_figure,
    partner_coefficients,
    partner_r2,
    politics_region_table,
    proximity_table,
    selection_result,
)
from lgnet.book.chapters.subsets import (
    SUBSETS,
    compare_activity,
    subset_coefficients,
    subset_overview,
    subset_r2,
    tie_distance_figure,
    tie_distance_table,
)
from lgnet.book.chapters.synthesis import compare_conclusions, contrast, interpretation, synthesis_table
from lgnet.book.chapters.terms import TERM_LABELS
from lgnet.book.chapters.robustness import evidence_results, evidence_sentence, evidence_table
from lgnet.book.chapters.selection import restricted_coefficients, restricted_r2, restricted_sentence
from lgnet.book.chapters.notes import coverage_note, dataset_counts
from lgnet.book.chapters.catalogue import (catalogue_html, catalogue_intro, catalogue_search, catalogue_summary,
                                       catalogue_table, coverage_counts, coverage_map, coverage_table)
from lgnet.data.partnership_data import NATURES, PartnershipData

__all__ = [name for name in dir() if not name.startswith("_") and name != "annotations"]

# Every table a chapter function returns is tagged with the function's name (its caption and table number
# follow from it) and, in a notebook, shown through the book's one table style (lgnet.book.chapters.tables).
from lgnet.book.chapters.tables import tag_helpers as _tag_helpers  # noqa: E402

_tag_helpers(globals())

# Under `lgnet run` ($LGNET_RESULTS_DIR set by lgnet.book.runbook), every table is also written as CSV.
from lgnet.book.results_out import record_tables as _record_tables  # noqa: E402

_record_tables(globals())
