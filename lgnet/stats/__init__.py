"""The statistics layer: networks and models on the data layer's tables.

Modules: ``network`` (incidence, projections, subsets), ``dyadic`` (dyadic predictor matrices), ``qap``
(MRQAP and logistic QAP), ``qap_validation`` (calibration and power studies), ``propensity`` (degree
models), ``selection`` (partner-selection models), ``homophily`` (E-I index, proximity expectations, tie
distances).

Imports only from ``lgnet.data``.
"""
