"""lgnet: the machinery behind the book on English councils' shared-service partnerships.

Four layers, imports only downward (see ARCHITECTURE.md at the repository root):

    lgnet.cli     the `lgnet` command: one module per subcommand
    lgnet.book    chapter modules behind lgnet_helpers, figures, reruns, HTML checks
    lgnet.stats   networks, dyadic predictors, QAP/MRQAP, propensity, partner selection, homophily
    lgnet.data    fetch and manifest, councils, boundaries, attributes, name matching, partnerships, simulation
"""

__version__ = "0.1.0"
