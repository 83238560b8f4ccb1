#!/usr/bin/env python3
"""Generates kmeans_blobs.json: 300 points in 5 dimensions drawn around 4 centres with enough
spread that the clusters touch, and the inertia scikit-learn's KMeans(n_clusters=4, n_init=20)
reaches on them (the best of 20 k-means++ restarts).

Regenerate from this folder:  python3 make_kmeans_fixture.py   (scikit-learn 1.9, numpy 2.4).
Points are rounded to float32 first, so Swift reads exactly the data scikit-learn clustered.
"""
import json
import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

x, y = make_blobs(n_samples=300, n_features=5, centers=4, cluster_std=2.5, random_state=7)
x = x.astype(np.float32).astype(np.float64)
km = KMeans(n_clusters=4, n_init=20, random_state=0).fit(x)
with open("kmeans_blobs.json", "w") as f:
    json.dump({
        "clusterCount": 4,
        "points": [[float(v) for v in row] for row in x],
        "labels": [int(v) for v in y],
        "sklearnInertia": float(km.inertia_),
        "sklearnIterations": int(km.n_iter_),
    }, f)
print("inertia", km.inertia_, "iterations", km.n_iter_)
