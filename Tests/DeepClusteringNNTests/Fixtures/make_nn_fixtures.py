#!/usr/bin/env python3
"""Golden values for DeepClusteringNNTests, computed in float64 numpy with Keras 2's formulas.

Regenerate with:  python3 make_nn_fixtures.py   (writes nn_fixtures.json beside this script)

Every entry is {"shape": [...], "data": [...]} (row-major), keyed by a dotted name:
  dense.{x,kernel,bias,dy}             inputs of a Dense layer  x:[4,5] W:[5,3] b:[3] dy:[4,3]
  dense.<act>.{y,dx,dkernel,dbias}     y = f(xW+b); dz = dy*f'(.) ; dW = x^T dz ; db = sum dz ; dx = dz W^T
  mse.{predicted,target,value,gradient}           Keras mse, mean over ALL elements
  kld.{p,q,value,gradient}             Keras kld: clip p,q to [1e-7,1], sum_j p log(p/q), mean over rows;
                                       gradient wrt q, zero where q was clipped
  <opt>.{param,grad1,grad2,grad3,step1,step2,step3}
                                       three consecutive steps of the Keras 2 update rule from zero state
                                       (sgd_momentum: lr .1 mu .9; sgd_nesterov: lr .1 mu .9 nesterov;
                                        adam: lr .01 b1 .9 b2 .999 eps 1e-7; adadelta: lr 1 rho .95 eps 1e-7)
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20261123)
out = {}


def put(name, a):
    a = np.asarray(a, dtype=np.float64)
    out[name] = {"shape": list(a.shape), "data": [float(v) for v in a.ravel()]}


def f32(a):
    """Round to float32 so Swift receives exactly the values used here."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


# Dense ---------------------------------------------------------------------------------------
x = f32(rng.uniform(-1, 1, (4, 5)))
W = f32(rng.uniform(-0.8, 0.8, (5, 3)))
b = f32(rng.uniform(-0.3, 0.3, (3,)))
dy = f32(rng.normal(0, 1, (4, 3)))
put("dense.x", x); put("dense.kernel", W); put("dense.bias", b); put("dense.dy", dy)
z = x @ W + b
acts = {
    "identity": (lambda z: z, lambda y: np.ones_like(y)),
    "relu": (lambda z: np.maximum(z, 0), lambda y: (y > 0).astype(np.float64)),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda y: y * (1 - y)),
    "tanh": (np.tanh, lambda y: 1 - y * y),
}
for name, (f, df) in acts.items():
    y = f(z)
    dz = dy * df(y)
    put(f"dense.{name}.y", y)
    put(f"dense.{name}.dkernel", x.T @ dz)
    put(f"dense.{name}.dbias", dz.sum(axis=0))
    put(f"dense.{name}.dx", dz @ W.T)

# MSE -----------------------------------------------------------------------------------------
pred = f32(rng.normal(0, 1, (4, 3)))
target = f32(rng.normal(0, 1, (4, 3)))
put("mse.predicted", pred); put("mse.target", target)
put("mse.value", np.mean((pred - target) ** 2))
put("mse.gradient", 2 * (pred - target) / pred.size)

# KLD -----------------------------------------------------------------------------------------
p = rng.uniform(0.05, 1, (4, 3)); p /= p.sum(axis=1, keepdims=True)
q = rng.uniform(0.05, 1, (4, 3)); q /= q.sum(axis=1, keepdims=True)
p[3] = [0.0, 0.5, 0.5]          # a zero target probability (clipped to 1e-7)
q[3] = [1e-9, 0.6, 0.4 - 1e-9]  # a prediction below the clip (gradient 0 there)
p, q = f32(p), f32(q)
put("kld.p", p); put("kld.q", q)
eps = 1e-7
pc, qc = np.clip(p, eps, 1), np.clip(q, eps, 1)
put("kld.value", np.mean(np.sum(pc * np.log(pc / qc), axis=-1)))
inside = (q >= eps) & (q <= 1)
put("kld.gradient", np.where(inside, -pc / qc / p.shape[0], 0.0))

# Optimizers ----------------------------------------------------------------------------------
theta0 = f32(rng.normal(0, 1, (6,)))
grads = [f32(rng.normal(0, 1, (6,))) for _ in range(3)]


def sgd(nesterov):
    lr, mu = 0.1, 0.9
    th, v, steps = theta0.copy(), np.zeros(6), []
    for g in grads:
        v = mu * v - lr * g
        th = th + (mu * v - lr * g if nesterov else v)
        steps.append(th.copy())
    return steps


def adam():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    th, m, v, steps = theta0.copy(), np.zeros(6), np.zeros(6), []
    for t, g in enumerate(grads, start=1):
        lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        th = th - lr_t * m / (np.sqrt(v) + eps)
        steps.append(th.copy())
    return steps


def adadelta():
    lr, rho, eps = 1.0, 0.95, 1e-7
    th, a, d, steps = theta0.copy(), np.zeros(6), np.zeros(6), []
    for g in grads:
        a = rho * a + (1 - rho) * g * g
        u = g * np.sqrt(d + eps) / np.sqrt(a + eps)
        th = th - lr * u
        d = rho * d + (1 - rho) * u * u
        steps.append(th.copy())
    return steps


for name, steps in [("sgd_momentum", sgd(False)), ("sgd_nesterov", sgd(True)),
                    ("adam", adam()), ("adadelta", adadelta())]:
    put(f"{name}.param", theta0)
    for k, g in enumerate(grads, start=1):
        put(f"{name}.grad{k}", g)
        put(f"{name}.step{k}", steps[k - 1])

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_fixtures.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=0, sort_keys=True)
print(f"wrote {path} ({os.path.getsize(path)} bytes, {len(out)} entries)")
