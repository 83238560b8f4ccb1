#!/usr/bin/env python3
"""Reference values read off Keras for PaddingTests and ConvolutionalAutoencoderTests.

Needs Keras 3 with TensorFlow (the comparison environment of Benchmarks/compare has both):

    /work/venv-tf/bin/python Tests/DeepClusteringNNTests/Fixtures/keras_reference_values.py

Prints, for the cases the tests list:
- Conv2D output sizes (same, valid) and the rows SAME padding adds before the input, measured
  by running a convolution whose kernel keeps only its first tap over an input holding 1, 2, …
  (output j then holds input j·s − before, or 0 in the padding);
- Conv2DTranspose output sizes (same, valid);
- the parameter counts of the seed's two convolutional autoencoders (DCEC's CAE with
  transposed convolutions, and the variant decoding with UpSampling2D) built layer by layer as
  in Sources/DeepClusteringNN/Convolution/Autoencoder+Convolutional.swift.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402


def same_pad_before(size, k, s):
    conv = layers.Conv2D(1, (k, 1), strides=(s, 1), padding="same", use_bias=False)
    x = np.arange(1, size + 1, dtype="float32").reshape(1, size, 1, 1)
    conv.build(x.shape)
    kernel = np.zeros((k, 1, 1, 1), dtype="float32")
    kernel[0] = 1
    conv.set_weights([kernel])
    out = np.asarray(conv(x)).reshape(-1)
    j = next(i for i, v in enumerate(out) if v != 0)
    return len(out), j * s - (int(out[j]) - 1)


def conv_sizes(size, k, s):
    same_out, before = same_pad_before(size, k, s)
    valid = layers.Conv2D(1, (k, 1), strides=(s, 1), padding="valid")
    valid_out = valid.compute_output_shape((1, size, 1, 1))[1] if size >= k else 0
    return same_out, before, valid_out


def transposed_sizes(size, k, s):
    return tuple(
        layers.Conv2DTranspose(1, k, strides=s, padding=p).compute_output_shape((1, size, size, 1))[1]
        for p in ("same", "valid")
    )


def transposed_autoencoder(shape, filters=(32, 64, 128), embedding=10):
    h, w, c = shape
    pad3 = "same" if h % 8 == 0 else "valid"
    return keras.Sequential([
        keras.Input(shape),
        layers.Conv2D(filters[0], 5, strides=2, padding="same", activation="relu"),
        layers.Conv2D(filters[1], 5, strides=2, padding="same", activation="relu"),
        layers.Conv2D(filters[2], 3, strides=2, padding=pad3, activation="relu"),
        layers.Flatten(),
        layers.Dense(embedding),
        layers.Dense(filters[2] * (h // 8) * (w // 8), activation="relu"),
        layers.Reshape((h // 8, w // 8, filters[2])),
        layers.Conv2DTranspose(filters[1], 3, strides=2, padding=pad3, activation="relu"),
        layers.Conv2DTranspose(filters[0], 5, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(c, 5, strides=2, padding="same"),
    ])


def upsampling_autoencoder(shape=(28, 28, 1), filters=(16, 8, 8), embedding=10):
    h, w, c = shape
    h3, w3 = -(-(-(-(-(-h // 2)) // 2)) // 2), -(-(-(-(-(-w // 2)) // 2)) // 2)
    pad6 = "valid" if 8 * h3 - 4 == h else "same"
    return keras.Sequential([
        keras.Input(shape),
        layers.Conv2D(filters[0], 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(filters[1], 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(filters[2], 3, strides=2, padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dense(embedding, activation="relu"),
        layers.Dense(h3 * w3 * filters[2], activation="relu"),
        layers.Reshape((h3, w3, filters[2])),
        layers.Conv2D(filters[2], 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(filters[1], 3, padding="same", activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(filters[0], 3, padding=pad6, activation="relu"),
        layers.UpSampling2D(2),
        layers.Conv2D(c, 3, padding="same", activation="sigmoid"),
    ])


if __name__ == "__main__":
    print("keras", keras.__version__)
    conv_cases = [(28, 5, 2), (14, 5, 2), (7, 3, 2), (8, 5, 2), (5, 4, 1), (6, 3, 2), (4, 3, 2), (7, 3, 1)]
    print("convolutionSizes (in, k, s, same out, same before, valid out):")
    print(", ".join(str(c + conv_sizes(*c)) for c in conv_cases))
    print("valid output of in 2, k 3, s 1:", conv_sizes(2, 3, 1)[2])
    transposed_cases = [(3, 3, 2), (7, 5, 2), (4, 1, 2), (5, 3, 1), (5, 4, 2), (14, 5, 2)]
    print("transposedSizesMatchKeras (in, k, s, same, valid):")
    print(", ".join(str(c + transposed_sizes(*c)) for c in transposed_cases))
    for shape in [(28, 28, 1), (20, 20, 3), (32, 32, 1)]:
        print("convolutional", shape, "parameters", transposed_autoencoder(shape).count_params())
    model = upsampling_autoencoder()
    print("convolutionalUpsampling (28, 28, 1) parameters", model.count_params())
    print("  shapes", [tuple(l.output.shape[1:]) for l in model.layers])
