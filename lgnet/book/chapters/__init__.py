"""The chapter-level machinery behind ``lgnet_helpers`` (the one module the book's notebooks import).

One module per job: ``run`` (a chapter's settings), ``cache`` (memo of expensive steps), ``data`` (the
run's councils, partnerships and networks, cached), ``display`` (the article's figures, formatting, figures
with alt text), ``terms`` (readable names and display units of predictors), ``notes`` (the dataset box),
then one module per chapter: ``background`` (1), ``propensity`` (2), ``selection`` (3), ``subsets`` (4),
``synthesis`` (5) and ``appendices`` (data and method validation). They compose the analysis modules of
``lgnet`` and hold no statistics of their own.
"""

import warnings

with warnings.catch_warnings():  # the book's kernel has no ipywidgets: silence tqdm's one-off notice
    warnings.simplefilter("ignore")
    import tqdm.auto  # noqa: F401
