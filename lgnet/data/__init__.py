"""The data layer: everything that brings data in and shapes it.

Modules: ``paths`` (where files live), ``errors`` (the base error), ``fetch`` (manifest, fetch, checksums),
``sources`` (readers of the raw public files), ``years`` (the supported dataset years), ``ons_layers`` (ONS
boundary layers), ``councils`` (which councils exist in year Y), ``boundaries`` (one polygon per council),
``attributes`` (council attributes and the data dictionary), ``names`` (council-name matching),
``partnership_data`` (the partnership container), ``partnerships`` (partnership files and the documented
sample), ``simulate`` (the simulated stand-in).

Imports nothing from ``lgnet.stats``, ``lgnet.book`` or ``lgnet.cli``.
"""
