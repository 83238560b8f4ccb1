#!/usr/bin/env python3
"""The `throughput` workloads in PyTorch (CPU), for the side-by-side speed table.

Mirrors keras_workloads.py (same models, optimizers, batch size and data):

  dense   one epoch of the dense autoencoder 784-500-500-2000-10-…-784, SGD(lr=1, momentum=0.9)
  conv    one epoch of DCEC's convolutional autoencoder (Conv 32/64/128, Dense 10, Dense 1152,
          ConvTranspose 64/32/1, same output sizes as Keras), Adadelta(lr=1, rho=0.95, eps=1e-7)
  dec     1,000 iterations of the dense DEC phase (batch 256, SGD(0.01, 0.9), KL divergence,
          target recomputed with a full forward pass every 140 iterations)

k-means has no PyTorch counterpart here (the Keras side's scikit-learn run covers it).
Each workload has an untimed warm-up. Output lines: `name seconds=…`, as the Swift side prints.

Usage: python3 pytorch_workloads.py [--data-dir DIR] [--only dense,conv,dec]
"""
import argparse
import sys
import time

import numpy as np

from keras_workloads import load_mnist


def dense_autoencoder(torch, dims=(784, 500, 500, 2000, 10)):
    nn = torch.nn
    enc, dec = [], []
    for i in range(len(dims) - 1):
        enc.append(nn.Linear(dims[i], dims[i + 1]))
        if i < len(dims) - 2:
            enc.append(nn.ReLU())
    rev = list(reversed(dims))
    for i in range(len(rev) - 1):
        dec.append(nn.Linear(rev[i], rev[i + 1]))
        if i < len(rev) - 2:
            dec.append(nn.ReLU())
    for m in enc + dec:  # VarianceScaling(1/3, fan_in, uniform) = U(±sqrt(1/fan_in)), zero bias
        if isinstance(m, nn.Linear):
            bound = (1.0 / m.in_features) ** 0.5
            nn.init.uniform_(m.weight, -bound, bound)
            nn.init.zeros_(m.bias)
    encoder = nn.Sequential(*enc)
    return nn.Sequential(encoder, nn.Sequential(*dec)), encoder


def conv_autoencoder(torch):
    nn = torch.nn

    class CAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(1, 32, 5, stride=2, padding=2)      # 28 -> 14 (Keras same)
            self.c2 = nn.Conv2d(32, 64, 5, stride=2, padding=2)     # 14 -> 7
            self.c3 = nn.Conv2d(64, 128, 3, stride=2, padding=0)    # 7 -> 3 (valid)
            self.fc = nn.Linear(1152, 10)
            self.fc2 = nn.Linear(10, 1152)
            self.d3 = nn.ConvTranspose2d(128, 64, 3, stride=2, padding=0)                    # 3 -> 7
            self.d2 = nn.ConvTranspose2d(64, 32, 5, stride=2, padding=2, output_padding=1)   # 7 -> 14
            self.d1 = nn.ConvTranspose2d(32, 1, 5, stride=2, padding=2, output_padding=1)    # 14 -> 28

        def forward(self, x):
            r = torch.relu
            h = r(self.c3(r(self.c2(r(self.c1(x))))))
            z = self.fc(h.flatten(1))
            h = r(self.fc2(z)).view(-1, 128, 3, 3)
            return self.d1(r(self.d2(r(self.d3(h)))))

    return CAE()


def epoch(torch, model, opt, x, batch_size=256, warmup=False):
    n = x.shape[0]
    perm = torch.randperm(n)
    loss_fn = torch.nn.MSELoss()
    stop = batch_size * 5 if warmup else n
    t = time.perf_counter()
    for i in range(0, stop, batch_size):
        xb = x[perm[i:i + batch_size]]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), xb)
        loss.backward()
        opt.step()
    return time.perf_counter() - t


def dec_phase(torch, x, iterations=1000, update_interval=140, batch_size=256):
    _, encoder = dense_autoencoder(torch)
    centers = torch.nn.Parameter(torch.randn(10, 10) * 0.1)
    opt = torch.optim.SGD(list(encoder.parameters()) + [centers], lr=0.01, momentum=0.9)

    def soft(z):
        q = 1.0 / (1.0 + ((z.unsqueeze(1) - centers) ** 2).sum(2))
        return q / q.sum(1, keepdim=True)

    def predict():
        with torch.no_grad():
            return torch.cat([soft(encoder(x[i:i + 256])) for i in range(0, x.shape[0], 256)])

    def step(xb, pb):
        opt.zero_grad(set_to_none=True)
        q = soft(encoder(xb)).clamp(1e-7, 1)
        loss = (pb * (pb.clamp(1e-7, 1) / q).log()).sum(1).mean()  # Keras 'kld'
        loss.backward()
        opt.step()

    q = predict()
    step(x[:batch_size], q[:batch_size])  # warm-up
    n = x.shape[0]
    index = 0
    t = time.perf_counter()
    for ite in range(iterations):
        if ite % update_interval == 0:
            q = predict()
            w = q ** 2 / q.sum(0)
            p = (w.t() / w.sum(1)).t()
        lo, hi = index * batch_size, min((index + 1) * batch_size, n)
        step(x[lo:hi], p[lo:hi])
        index = index + 1 if (index + 1) * batch_size <= n else 0
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--only", default="dense,conv,dec")
    args = ap.parse_args()
    only = set(args.only.split(","))
    import torch
    torch.manual_seed(0)
    if args.data_dir:
        xn, _ = load_mnist(args.data_dir)
    else:
        xn = np.random.default_rng(0).random((70000, 784), dtype=np.float32)
    x = torch.from_numpy(np.ascontiguousarray(xn))
    print(f"# torch {torch.__version__} threads={torch.get_num_threads()} data={'mnist' if args.data_dir else 'random'}", flush=True)
    if "dense" in only:
        ae, _ = dense_autoencoder(torch)
        opt = torch.optim.SGD(ae.parameters(), lr=1.0, momentum=0.9)
        epoch(torch, ae, opt, x, warmup=True)
        print(f"dense epoch_s={epoch(torch, ae, opt, x):.3f}", flush=True)
    if "conv" in only:
        cae = conv_autoencoder(torch)
        opt = torch.optim.Adadelta(cae.parameters(), lr=1.0, rho=0.95, eps=1e-7)
        xi = x.view(-1, 1, 28, 28)
        epoch(torch, cae, opt, xi, warmup=True)
        print(f"conv epoch_s={epoch(torch, cae, opt, xi):.3f}", flush=True)
    if "dec" in only:
        print(f"dec seconds={dec_phase(torch, x):.3f} iterations=1000", flush=True)


if __name__ == "__main__":
    sys.exit(main())
