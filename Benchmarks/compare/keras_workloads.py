#!/usr/bin/env python3
"""The `throughput` workloads in Keras (TensorFlow CPU), for the side-by-side speed table.

Each workload mirrors what `swift run -c release --package-path Benchmarks throughput` times:

  dense   one epoch of DEC-keras's dense autoencoder 784-500-500-2000-10 (mirror decoder) on
          70,000 x 784, batch 256, SGD(lr=1, momentum=0.9), MSE  (DEC-keras pretraining)
  conv    one epoch of DCEC's convolutional autoencoder (DCEC's CAE: Conv 32/64/128,
          Dense 10, Dense 1152, Conv2DTranspose 64/32/1) on 70,000 x 28 x 28 x 1, batch 256,
          Adadelta (lr 1.0), MSE
  kmeans  scikit-learn KMeans(n_clusters=10, n_init=20) on the 70,000 x 784 pixels
  dec     1,000 iterations of the dense DEC clustering phase as DEC-keras runs it (batch 256,
          SGD(0.01, 0.9), KLD, target recomputed with a full predict every 140 iterations)

Each training workload runs one untimed warm-up (graph building, tracing) and then one timed
epoch/loop. Output: one line per workload, `name seconds=...` (plus extra fields), the same
format the Swift side prints, so compare.py can pair them.

Usage: python3 keras_workloads.py [--data-dir ../../../shared/data/mnist] [--only dense,conv,...]
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np


def load_mnist(directory):
    """Train + test concatenated, x/255 as float32 [70000, 784], labels int."""
    def images(name):
        with gzip.open(os.path.join(directory, name)) as f:
            data = f.read()
        return np.frombuffer(data, np.uint8, offset=16).reshape(-1, 784)

    def labels(name):
        with gzip.open(os.path.join(directory, name)) as f:
            return np.frombuffer(f.read(), np.uint8, offset=8)

    x = np.concatenate([images("train-images-idx3-ubyte.gz"), images("t10k-images-idx3-ubyte.gz")])
    y = np.concatenate([labels("train-labels-idx1-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")])
    return (x.astype(np.float32) / 255.0), y.astype(np.int64)


def dense_autoencoder(keras, dims=(784, 500, 500, 2000, 10)):
    init = keras.initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_in", distribution="uniform")
    inp = keras.Input(shape=(dims[0],))
    h = inp
    for i, d in enumerate(dims[1:-1]):
        h = keras.layers.Dense(d, activation="relu", kernel_initializer=init, name=f"encoder_{i}")(h)
    z = keras.layers.Dense(dims[-1], kernel_initializer=init, name="embedding")(h)
    h = z
    for i, d in enumerate(reversed(dims[1:-1])):
        h = keras.layers.Dense(d, activation="relu", kernel_initializer=init, name=f"decoder_{i}")(h)
    out = keras.layers.Dense(dims[0], kernel_initializer=init, name="reconstruction")(h)
    return keras.Model(inp, out), keras.Model(inp, z)


def conv_autoencoder(keras):
    L = keras.layers
    inp = keras.Input(shape=(28, 28, 1))
    h = L.Conv2D(32, 5, strides=2, padding="same", activation="relu")(inp)
    h = L.Conv2D(64, 5, strides=2, padding="same", activation="relu")(h)
    h = L.Conv2D(128, 3, strides=2, padding="valid", activation="relu")(h)
    h = L.Flatten()(h)
    z = L.Dense(10)(h)
    h = L.Dense(1152, activation="relu")(z)
    h = L.Reshape((3, 3, 128))(h)
    h = L.Conv2DTranspose(64, 3, strides=2, padding="valid", activation="relu")(h)
    h = L.Conv2DTranspose(32, 5, strides=2, padding="same", activation="relu")(h)
    out = L.Conv2DTranspose(1, 5, strides=2, padding="same")(h)
    return keras.Model(inp, out)


def timed_epoch(model, x, batch_size=256):
    model.fit(x[:batch_size * 20], x[:batch_size * 20], batch_size=batch_size, epochs=1, verbose=0)
    t = time.perf_counter()
    model.fit(x, x, batch_size=batch_size, epochs=1, shuffle=True, verbose=0)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=None, help="directory of the MNIST IDX .gz files")
    ap.add_argument("--only", default="dense,conv,kmeans,dec", help="comma-separated workloads")
    args = ap.parse_args()
    only = set(args.only.split(","))

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    from tensorflow import keras
    tf.random.set_seed(0)
    np.random.seed(0)

    if args.data_dir:
        x, y = load_mnist(args.data_dir)
    else:
        x = np.random.default_rng(0).random((70000, 784), dtype=np.float32)
        y = None
    print(f"# keras {keras.__version__} tensorflow {tf.__version__} threads intra={tf.config.threading.get_intra_op_parallelism_threads()} "
          f"data={'mnist' if args.data_dir else 'random'}", flush=True)

    if "dense" in only:
        ae, _ = dense_autoencoder(keras)
        ae.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0, momentum=0.9), loss="mse")
        print(f"dense epoch_s={timed_epoch(ae, x):.3f}", flush=True)

    if "conv" in only:
        cae = conv_autoencoder(keras)
        cae.compile(optimizer=keras.optimizers.Adadelta(learning_rate=1.0), loss="mse")
        print(f"conv epoch_s={timed_epoch(cae, x.reshape(-1, 28, 28, 1)):.3f}", flush=True)

    if "kmeans" in only:
        from sklearn.cluster import KMeans
        t = time.perf_counter()
        km = KMeans(n_clusters=10, n_init=20, random_state=0).fit(x)
        print(f"kmeans seconds={time.perf_counter() - t:.3f} inertia={km.inertia_:.1f}", flush=True)

    if "dec" in only:
        print(f"dec seconds={dec_phase(keras, x):.3f} iterations=1000", flush=True)


def dec_phase(keras, x, iterations=1000, update_interval=140, batch_size=256):
    """DEC-keras's clustering loop (ClusteringLayer on the encoder, KLD, SGD(0.01, 0.9))."""
    import tensorflow as tf

    class ClusteringLayer(keras.layers.Layer):
        def __init__(self, k, **kw):
            super().__init__(**kw)
            self.k = k

        def build(self, shape):
            self.clusters = self.add_weight(shape=(self.k, shape[1]), initializer="glorot_uniform", name="clusters")

        def call(self, z):
            q = 1.0 / (1.0 + tf.reduce_sum(tf.square(tf.expand_dims(z, 1) - self.clusters), axis=2))
            return q / tf.reduce_sum(q, axis=1, keepdims=True)

    _, encoder = dense_autoencoder(keras)
    q_out = ClusteringLayer(10, name="clustering")(encoder.output)
    model = keras.Model(encoder.input, q_out)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), loss="kld")
    n = x.shape[0]
    # warm-up (tracing) outside the timed loop
    q = model.predict(x[:1024], batch_size=256, verbose=0)
    model.train_on_batch(x[:batch_size], q[:batch_size])
    t = time.perf_counter()
    index = 0
    p = None
    for ite in range(iterations):
        if ite % update_interval == 0:
            q = model.predict(x, batch_size=256, verbose=0)
            weight = q ** 2 / q.sum(0)
            p = (weight.T / weight.sum(1)).T
        idx = np.arange(index * batch_size, min((index + 1) * batch_size, n))
        model.train_on_batch(x[idx], p[idx])
        index = index + 1 if (index + 1) * batch_size <= n else 0
    return time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())
