"""Chapter 4's distance comparison is tested at the level of partnerships (``compare_tie_distances`` on the
partnership-level table): its null rejection rate is near 5% on simulated data where nature is unrelated to
distance, while treating the ties of clustered partnerships as independent over-rejects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lgnet.stats import homophily


def _simulated(rng, n_partnerships=40):
    """Councils on a 500 km square; partnerships of skewed sizes (a few large ones), members drawn around a
    random centre with a partnership-specific spread; nature drawn independently of everything."""
    xy = rng.uniform(0, 500, size=(200, 2))
    per, dyads = [], []
    for pid in range(n_partnerships):
        size = int(min(40, 2 + rng.geometric(0.25)))
        spread = rng.choice([20.0, 150.0])
        centre = rng.uniform(0, 500, size=2)
        d_centre = np.linalg.norm(xy - centre, axis=1)
        w = np.exp(-d_centre / spread)
        members = rng.choice(200, size=size, replace=False, p=w / w.sum())
        pts = xy[members]
        dist = np.linalg.norm(pts[:, None] - pts[None, :], axis=2)[np.triu_indices(size, 1)]
        nature = "frontline" if rng.random() < 0.5 else "administrative"
        per.append({"nature": nature, "partnership_id": pid, "members": size, "distance_km": dist.mean()})
        dyads.append(pd.DataFrame({"nature": nature, "distance_km": dist}))
    p = pd.DataFrame(per)
    p.attrs["level"] = "partnership"
    d = pd.concat(dyads, ignore_index=True)
    d.attrs["level"] = "dyad"
    return p, d


def test_partnership_level_test_holds_its_size_and_the_dyad_level_does_not():
    rng = np.random.default_rng(2017)
    reps, rej_p, rej_d = 300, 0, 0
    for r in range(reps):
        per, dy = _simulated(rng)
        if per["nature"].nunique() < 2:
            continue
        rej_p += homophily.compare_tie_distances(per, permutations=99, seed=r)["p_perm"] <= 0.05
        rej_d += homophily.compare_tie_distances(dy, permutations=0, seed=r)["p_mann_whitney"] <= 0.05
    rate_p, rate_d = rej_p / reps, rej_d / reps
    # binomial SE of a 5% rate over 300 replications is 1.3 points
    assert 0.02 <= rate_p <= 0.09, rate_p
    assert rate_d > 2 * rate_p, (rate_d, rate_p)


def test_partnership_level_p_never_below_the_floor_and_seeded():
    rng = np.random.default_rng(1)
    per, _ = _simulated(rng)
    per.loc[per["nature"] == "frontline", "distance_km"] -= 1000  # an extreme difference
    a = homophily.compare_tie_distances(per, permutations=99, seed=5)
    b = homophily.compare_tie_distances(per, permutations=99, seed=5)
    assert a["p_perm"] == b["p_perm"] == 1 / 100
    assert a["level"] == "partnership"
