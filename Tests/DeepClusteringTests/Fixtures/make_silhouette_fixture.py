#!/usr/bin/env python3
"""Generates silhouette_cases.json: point sets with labels and scikit-learn 1.9's
silhouette_score and silhouette_samples (metric="euclidean") on them.

Regenerate from this folder:  python3 make_silhouette_fixture.py   (scikit-learn 1.9, numpy 2.4).
Points are rounded to float32 first, so Swift reads exactly the data scikit-learn scored
(scikit-learn computes in float64).

Cases: separated blobs with their true labels; the same points with arbitrary label values
(negative, sparse); touching blobs with k-means labels; random labels (score near 0); a
singleton cluster (its silhouette is 0); blobs far from the origin (tests cancellation in
the distance expansion). The "lattice" case is too large to store (4,200 points, so the
Swift implementation needs two distance blocks); its points are given by an integer formula
that Swift reproduces exactly:
    x[i, f] = ((i * 7919 + f * 104729) % 1000) / 100 + 12 * (i % 5 == f)   for f < 3,
    label[i] = i % 5
and only its score is stored.
"""
import json
import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_samples, silhouette_score


def f32(x):
    return np.asarray(x, dtype=np.float32).astype(np.float64)


cases = []


def add(name, x, labels, with_samples=True):
    x = f32(x)
    labels = np.asarray(labels, dtype=np.int64)
    case = {
        "name": name,
        "points": [[float(v) for v in row] for row in x],
        "labels": [int(v) for v in labels],
        "score": float(silhouette_score(x, labels)),
    }
    if with_samples:
        case["samples"] = [float(v) for v in silhouette_samples(x, labels)]
    cases.append(case)


x, y = make_blobs(n_samples=200, n_features=5, centers=4, cluster_std=1.0, random_state=3)
add("separated blobs, true labels", x, y)
add("separated blobs, arbitrary label values", x, np.array([-7, 3, 1000, 42])[y])

x2, _ = make_blobs(n_samples=240, n_features=6, centers=5, cluster_std=3.0, random_state=11)
km = KMeans(n_clusters=5, n_init=10, random_state=0).fit(f32(x2))
add("touching blobs, k-means labels", x2, km.labels_)

rng = np.random.default_rng(5)
x3 = rng.normal(size=(150, 4))
add("random labels", x3, rng.integers(0, 3, size=150))

x4, y4 = make_blobs(n_samples=60, n_features=3, centers=3, cluster_std=0.8, random_state=2)
y4 = y4.copy()
y4[17] = 3  # a cluster of one
add("singleton cluster", x4, y4)

x5, y5 = make_blobs(n_samples=120, n_features=8, centers=3, cluster_std=1.5, random_state=9)
add("blobs far from the origin", x5 + 500.0, y5)

n = 4200
i = np.arange(n)[:, None]
f = np.arange(3)[None, :]
lattice = ((i * 7919 + f * 104729) % 1000) / 100 + 12.0 * ((i % 5) == f)
lattice_labels = np.arange(n) % 5
lattice_score = float(silhouette_score(f32(lattice), lattice_labels))

with open("silhouette_cases.json", "w") as fh:
    json.dump({"cases": cases, "latticeScore": lattice_score, "latticeCount": n}, fh)
for c in cases:
    print(c["name"], c["score"])
print("lattice", lattice_score)
