#!/usr/bin/env python3
"""Dumps MNIST train+t10k (70,000 images) as raw little-endian float32 pixels in [0, 1]
(/tmp/mnist70k.f32, 70000×784) and uint8 labels (/tmp/mnist70k.labels) for KMeansTiming."""
import gzip, numpy as np
d='/work/shared/data/mnist/'
def imgs(f):
    with gzip.open(d+f) as g: b=g.read()
    return np.frombuffer(b,np.uint8,offset=16).reshape(-1,784)
def labs(f):
    with gzip.open(d+f) as g: b=g.read()
    return np.frombuffer(b,np.uint8,offset=8)
x=np.concatenate([imgs('train-images-idx3-ubyte.gz'),imgs('t10k-images-idx3-ubyte.gz')]).astype('<f4')/np.float32(255)
y=np.concatenate([labs('train-labels-idx1-ubyte.gz'),labs('t10k-labels-idx1-ubyte.gz')])
print(x.shape,y.shape,x.dtype)
x.astype('<f4').tofile('/tmp/mnist70k.f32'); y.tofile('/tmp/mnist70k.labels')
