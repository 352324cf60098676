"""The book layer: what the chapters need.

``chapters`` (the modules behind ``lgnet_helpers``, one per chapter plus shared display, notes and run
objects), ``figures`` (maps and charts), ``runbook`` (papermill reruns), ``htmlcheck`` (checks of a built
book in headless Chromium).

Imports from ``lgnet.stats`` and ``lgnet.data``; never from ``lgnet.cli``.
"""
