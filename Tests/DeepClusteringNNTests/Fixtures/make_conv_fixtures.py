#!/usr/bin/env python3
"""Golden values for Conv2D and Conv2DTranspose (forward and backward), Keras/TensorFlow semantics.

Writes conv_fixtures.json beside this script. Regenerate with:

    python3 Tests/DeepClusteringNNTests/Fixtures/make_conv_fixtures.py

Everything is computed with direct loops in numpy (float64), following TensorFlow's definitions:

* Conv2D, NHWC input, kernel [KH, KW, inC, outC]. `valid`: out = floor((in - k) / s) + 1, no
  padding. `same`: out = ceil(in / s), total padding max((out - 1) * s + k - in, 0), the smaller
  half on top/left.
* Conv2DTranspose, kernel [KH, KW, outC, inC] (Keras's layout), output size from Keras's
  deconv_output_length: `same` in * s, `valid` in * s + max(k - s, 0). It is the input-gradient
  (adjoint) of the Conv2D above on an input of the output size, so its padding is that Conv2D's:
  y[n, i*s + ky - pt, j*s + kx - pl, o] += x[n, i, j, c] * w[ky, kx, o, c].

Backward values are the gradients of L = sum(activation(conv(x) + b) * G) for a fixed random
upstream gradient G: input, kernel and bias gradients. If TensorFlow/Keras is importable the
script also checks every value against keras.layers.Conv2D / Conv2DTranspose and
tf.GradientTape (the committed fixture was checked this way); numpy alone suffices to regenerate.
"""
import json
import math
import os

import numpy as np

ACTIVATIONS = {
    "linear": (lambda z: z, lambda y: np.ones_like(y)),
    "relu": (lambda z: np.maximum(z, 0), lambda y: (y > 0).astype(np.float64)),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda y: y * (1 - y)),
    "tanh": (np.tanh, lambda y: 1 - y * y),
}


def conv_out(size, k, s, padding):
    return math.ceil(size / s) if padding == "same" else (size - k) // s + 1


def pad_before(size, out, k, s, padding):
    return max((out - 1) * s + k - size, 0) // 2 if padding == "same" else 0


def transposed_out(size, k, s, padding):
    return size * s if padding == "same" else size * s + max(k - s, 0)


def taps(image_h, image_w, grid_h, grid_w, kh, kw, sh, sw, pt, pl):
    """Yield (gy, gx, ky, kx, iy, ix) for every kernel tap that lands inside the image."""
    for gy in range(grid_h):
        for gx in range(grid_w):
            for ky in range(kh):
                for kx in range(kw):
                    iy, ix = gy * sh + ky - pt, gx * sw + kx - pl
                    if 0 <= iy < image_h and 0 <= ix < image_w:
                        yield gy, gx, ky, kx, iy, ix


def conv2d(x, w, b, stride, padding, activation, g):
    n, h, wd, _ = x.shape
    kh, kw, _, oc = w.shape
    sh, sw = stride
    oh, ow = conv_out(h, kh, sh, padding), conv_out(wd, kw, sw, padding)
    pt, pl = pad_before(h, oh, kh, sh, padding), pad_before(wd, ow, kw, sw, padding)
    f, df = ACTIVATIONS[activation]
    z = np.zeros((n, oh, ow, oc)) + b
    for gy, gx, ky, kx, iy, ix in taps(h, wd, oh, ow, kh, kw, sh, sw, pt, pl):
        z[:, gy, gx, :] += x[:, iy, ix, :] @ w[ky, kx]
    y = f(z)
    dz = g * df(y)
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for gy, gx, ky, kx, iy, ix in taps(h, wd, oh, ow, kh, kw, sh, sw, pt, pl):
        dx[:, iy, ix, :] += dz[:, gy, gx, :] @ w[ky, kx].T
        dw[ky, kx] += x[:, iy, ix, :].T @ dz[:, gy, gx, :]
    return y, dx, dw, dz.sum(axis=(0, 1, 2))


def conv2d_transpose(x, w, b, stride, padding, activation, g):
    n, h, wd, _ = x.shape
    kh, kw, oc, _ = w.shape
    sh, sw = stride
    oh, ow = transposed_out(h, kh, sh, padding), transposed_out(wd, kw, sw, padding)
    assert conv_out(oh, kh, sh, padding) == h and conv_out(ow, kw, sw, padding) == wd
    pt, pl = pad_before(oh, h, kh, sh, padding), pad_before(ow, wd, kw, sw, padding)
    f, df = ACTIVATIONS[activation]
    z = np.zeros((n, oh, ow, oc)) + b
    for i, j, ky, kx, oy, ox in taps(oh, ow, h, wd, kh, kw, sh, sw, pt, pl):
        z[:, oy, ox, :] += x[:, i, j, :] @ w[ky, kx].T
    y = f(z)
    dz = g * df(y)
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for i, j, ky, kx, oy, ox in taps(oh, ow, h, wd, kh, kw, sh, sw, pt, pl):
        dx[:, i, j, :] += dz[:, oy, ox, :] @ w[ky, kx]
        dw[ky, kx] += dz[:, oy, ox, :].T @ x[:, i, j, :]
    return y, dx, dw, dz.sum(axis=(0, 1, 2))


def tensor(a):
    a = np.asarray(a, dtype=np.float32)
    return {"shape": list(a.shape), "data": [float(f"{v:.8g}") for v in a.ravel()]}


def make_case(rng, kind, name, input_shape, kernel_shape, stride, padding, activation):
    x = rng.uniform(-1, 1, input_shape).astype(np.float32).astype(np.float64)
    w = rng.uniform(-0.5, 0.5, kernel_shape).astype(np.float32).astype(np.float64)
    out_c = kernel_shape[3] if kind == "conv2d" else kernel_shape[2]
    b = rng.uniform(-0.2, 0.2, out_c).astype(np.float32).astype(np.float64)
    fn = conv2d if kind == "conv2d" else conv2d_transpose
    y, _, _, _ = fn(x, w, b, stride, padding, activation, np.zeros(1))
    g = rng.normal(size=y.shape).astype(np.float32).astype(np.float64)
    y, dx, dw, db = fn(x, w, b, stride, padding, activation, g)
    return {
        "name": name, "stride": list(stride), "padding": padding, "activation": activation,
        "input": tensor(x), "kernel": tensor(w), "bias": tensor(b), "outputGradient": tensor(g),
        "output": tensor(y), "inputGradient": tensor(dx), "kernelGradient": tensor(dw), "biasGradient": tensor(db),
    }


def check_with_tensorflow(cases):
    """Compare every case with Keras layers and tf.GradientTape; returns the TF version or None."""
    try:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import keras
        import tensorflow as tf
    except ImportError:
        return None
    for kind, group in cases.items():
        for c in group:
            arr = {k: np.array(c[k]["data"], np.float32).reshape(c[k]["shape"])
                   for k in ("input", "kernel", "bias", "outputGradient", "output",
                             "inputGradient", "kernelGradient", "biasGradient")}
            kh, kw = arr["kernel"].shape[:2]
            filters = arr["kernel"].shape[3] if kind == "conv2d" else arr["kernel"].shape[2]
            cls = keras.layers.Conv2D if kind == "conv2d" else keras.layers.Conv2DTranspose
            layer = cls(filters, (kh, kw), strides=tuple(c["stride"]), padding=c["padding"],
                        activation=None if c["activation"] == "linear" else c["activation"])
            layer.build(arr["input"].shape)
            layer.set_weights([arr["kernel"], arr["bias"]])
            x = tf.Variable(arr["input"])
            with tf.GradientTape() as tape:
                y = layer(x)
                loss = tf.reduce_sum(y * arr["outputGradient"])
            dx, dw, db = tape.gradient(loss, [x, layer.kernel, layer.bias])
            for label, ours, theirs in (("output", arr["output"], y), ("inputGradient", arr["inputGradient"], dx),
                                        ("kernelGradient", arr["kernelGradient"], dw),
                                        ("biasGradient", arr["biasGradient"], db)):
                theirs = np.asarray(theirs)
                assert ours.shape == theirs.shape, (c["name"], label, ours.shape, theirs.shape)
                err = np.abs(ours - theirs).max()
                assert err < 1e-4, (c["name"], label, err)
    return tf.__version__


def main():
    rng = np.random.default_rng(20261123)
    conv = [
        ("same_s2_7x7", [2, 7, 7, 3], [3, 3, 3, 4], (2, 2), "same", "linear"),
        ("valid_s2_7x7_relu", [2, 7, 7, 3], [3, 3, 3, 4], (2, 2), "valid", "relu"),
        ("same_s2_8x8_k5", [2, 8, 8, 1], [5, 5, 1, 2], (2, 2), "same", "linear"),
        ("same_s1_5x5_k4", [1, 5, 5, 2], [4, 4, 2, 3], (1, 1), "same", "tanh"),
        ("valid_s2_5x5_k5", [2, 5, 5, 2], [5, 5, 2, 3], (2, 2), "valid", "linear"),
        ("same_6x5_k3x2_s2x1_sigmoid", [2, 6, 5, 2], [3, 2, 2, 3], (2, 1), "same", "sigmoid"),
    ]
    transposed = [
        ("valid_s2_3x3_k3", [2, 3, 3, 4], [3, 3, 2, 4], (2, 2), "valid", "linear"),
        ("same_s2_7x7_k5_relu", [2, 7, 7, 3], [5, 5, 2, 3], (2, 2), "same", "relu"),
        ("same_s2_5x5_k4", [1, 5, 5, 2], [4, 4, 3, 2], (2, 2), "same", "linear"),
        ("same_s2_4x3_k3", [2, 4, 3, 2], [3, 3, 2, 2], (2, 2), "same", "tanh"),
        ("valid_s2_3x3_k1", [2, 3, 3, 2], [1, 1, 2, 2], (2, 2), "valid", "linear"),
        ("valid_s1_4x4_k3", [1, 4, 4, 3], [3, 3, 2, 3], (1, 1), "valid", "sigmoid"),
    ]
    cases = {
        "conv2d": [make_case(rng, "conv2d", *c) for c in conv],
        "conv2d_transpose": [make_case(rng, "conv2d_transpose", *c) for c in transposed],
    }
    version = check_with_tensorflow(cases)
    print("checked against TensorFlow", version if version else "(not installed; skipped)")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv_fixtures.json")
    with open(path, "w") as fh:
        json.dump(cases, fh, separators=(",", ":"))
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
