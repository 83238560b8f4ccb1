#!/usr/bin/env python3
"""Generates metrics_cases.json: label/prediction pairs with scikit-learn's NMI (arithmetic)
and ARI, and the clustering accuracy with scipy's linear_sum_assignment as the reference.

Regenerate from this folder:  python3 make_metrics_fixture.py
(numpy 2.4, scipy, scikit-learn 1.9; the random cases are seeded, so the output is stable).
"""
import json
import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

rng = np.random.default_rng(20261123)
cases = []

def add(name, labels, predictions):
    labels = [int(v) for v in labels]
    predictions = [int(v) for v in predictions]
    w = contingency_matrix(labels, predictions)  # classes x clusters
    r, c = linear_sum_assignment(w, maximize=True)
    cases.append({
        "name": name,
        "labels": labels,
        "predictions": predictions,
        "accuracy": float(w[r, c].sum() / len(labels)),
        "nmi": float(normalized_mutual_info_score(labels, predictions)),
        "ari": float(adjusted_rand_score(labels, predictions)),
    })

base = rng.integers(0, 5, 60)
add("perfect", base, base)
perm = rng.permutation(5)
add("permuted", base, perm[base])
add("both single cluster", [0] * 12, [3] * 12)
add("labels single cluster", [0] * 12, rng.integers(0, 3, 12))
add("predictions single cluster", rng.integers(0, 4, 15), [0] * 15)
add("singletons", rng.integers(0, 3, 10), list(range(10)))
add("singletons both", list(range(8)), list(range(8))[::-1])
add("more clusters than classes", rng.integers(0, 3, 80), rng.integers(0, 7, 80))
add("fewer clusters than classes", rng.integers(0, 8, 80), rng.integers(0, 3, 80))
add("sparse label values", rng.choice([2, 9, 40], 30), rng.choice([0, 5, 6, 11], 30))
add("one sample", [4], [1])
add("two samples split", [0, 0], [0, 1])
add("two samples merged", [0, 1], [5, 5])
# A noisy version of a true partition: mostly right, some flips.
truth = rng.integers(0, 6, 200)
noisy = truth.copy()
flip = rng.random(200) < 0.3
noisy[flip] = rng.integers(0, 6, flip.sum())
add("noisy 30%", truth, rng.permutation(6)[noisy])
for i in range(10):
    n = int(rng.integers(5, 150))
    k1 = int(rng.integers(1, 9))
    k2 = int(rng.integers(1, 9))
    add(f"random {i} (n={n}, {k1} classes, {k2} clusters)", rng.integers(0, k1, n), rng.integers(0, k2, n))

with open("metrics_cases.json", "w") as f:
    json.dump(cases, f, indent=1)
print(len(cases), "cases")
