"""lgnet: the machinery behind the book on English councils' shared-service partnerships.

Modules (each small and named for what it does):
    paths        where data, builds and reruns live
    fetch        the data manifest: fetch and verify raw public files
    councils     the council table for a dataset year, boundaries
    attributes   council attributes (resource, organisational, political) and the data dictionary
    names        council-name normalisation and matching
    partnerships partnership data: tidy and wide files, the documented sample
    simulate     the simulated stand-in network
    network      two-mode and one-mode networks, subsets, descriptives
    propensity   degree models (propensity to collaborate)
    qap          MRQAP (double semi-partialling) and logistic QAP
    homophily    E-I index, proximity-only expectations, tie distances
    figures      maps and charts for the book
    runbook      papermill reruns of the book
    cli          the `lgnet` command
"""

__version__ = "0.1.0"
