"""The project's base error: something the user can fix, printed by the command line without a traceback.

It lives in the lowest layer because every layer raises it (a bad partnership file in ``data``, a bad rerun
request in ``book``, a bad option in ``cli``); only ``lgnet.cli`` catches and prints it.
"""

from __future__ import annotations


class LgnetError(Exception):
    """An error the user can fix: printed without a traceback."""
