"""A small Sphinx extension for the book (listed in ``_config.yml`` under ``sphinx: extra_extensions``).

It puts the lgnet version and the build date in every page's footer, with the repository's address when
``repository: url:`` in ``_config.yml`` is set (it is left empty until the project is published), and makes
them available to the Markdown pages as MyST substitutions ``{{ lgnet_version }}``, ``{{ build_date }}`` and
``{{ repository }}``. The build date honours ``SOURCE_DATE_EPOCH`` (reproducible builds).
"""

from __future__ import annotations

import datetime as _dt
import html
import os

import lgnet

NOT_PUBLISHED = "not yet published (set repository: url: in _config.yml)"


def build_date() -> str:
    """The build date (UTC), from ``SOURCE_DATE_EPOCH`` when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch else _dt.datetime.now(_dt.timezone.utc)
    return when.date().isoformat()


def footer(base: str, version: str, date: str, repository: str) -> str:
    """The footer HTML: the configured footer, then version, build date and (if set) the repository."""
    parts = [base] if base else []
    parts.append(f"lgnet {html.escape(version)}, built {html.escape(date)}.")
    if repository:
        url = html.escape(repository, quote=True)
        parts.append(f'Code: <a href="{url}">{url}</a>.')
    return " ".join(parts)


def _config_inited(app, config) -> None:
    options = dict(config.html_theme_options or {})
    repository = str(options.get("repository_url") or "").strip()
    options["extra_footer"] = footer(str(options.get("extra_footer") or ""), lgnet.__version__, build_date(),
                                     repository)
    config.html_theme_options = options
    subs = dict(getattr(config, "myst_substitutions", {}) or {})
    subs.update(lgnet_version=lgnet.__version__, build_date=build_date(), repository=repository or NOT_PUBLISHED)
    config.myst_substitutions = subs


def setup(app):
    app.connect("config-inited", _config_inited)
    return {"version": lgnet.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
