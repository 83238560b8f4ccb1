#!/usr/bin/env python3
"""Runs the same workloads in DeepClustering (`throughput`) and in Keras (keras_workloads.py)
on this machine, one after the other, and prints a side-by-side Markdown table with ratios.

Usage (from the repository root):
    python3 Benchmarks/compare/compare.py --data-dir ../shared/data/mnist [--only dense,conv,kmeans,dec]
        [--isa as-set|avx2|native] [--rounds N]

The Swift side is built in release mode first. Each workload runs once per side and round;
`--rounds N` repeats the three sides in turn N times (DeepClustering, Keras, PyTorch, then again),
so that a slow phase of a shared or throttled machine lands on every side alike, and the table
gives the median of the N runs with every run listed below it (the script prints the load
average before and after). The PyTorch side (pytorch_workloads.py, CPU) runs where `import torch` works; k-means
has no PyTorch counterpart (the Keras column's scikit-learn run covers it).

`--isa` fixes which vector instructions every side may use, so that the comparison is on the same
instruction set. OpenBLAS reads OPENBLAS_CORETYPE, oneDNN (under TensorFlow and PyTorch) reads
ONEDNN_MAX_CPU_ISA and MKL reads MKL_ENABLE_INSTRUCTIONS; none of them reads the others'.
  as-set  the environment as it is (the default). A machine may pin OpenBLAS to older kernels
          (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE) while oneDNN still uses AVX-512.
  avx2    every side limited to AVX2 + FMA: OpenBLAS's Haswell kernels, oneDNN and MKL at AVX2.
  native  nothing pinned: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed for these commands
          only, so each library runs the kernels it detects (AVX-512 where the CPU has it).
The table's header names the OpenBLAS kernels DeepClustering ran and the variables set.
"""
import argparse
import os
import statistics
import platform
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# workload -> (line prefix, field holding seconds, description)
WORKLOADS = {
    "dense": ("dense", "epoch_s", "dense autoencoder, one epoch (70,000 × 784, batch 256, SGD)"),
    "conv": ("conv", "epoch_s", "conv autoencoder, one epoch (70,000 × 28×28×1, batch 256, Adadelta)"),
    "kmeans": ("kmeans", "seconds", "k-means k=10, n_init=20 on 70,000 × 784 (Keras side: scikit-learn)"),
    "dec": ("dec", "seconds", "dense DEC phase, 1,000 iterations"),
}


def parse(lines):
    out = {}
    for line in lines.splitlines():
        parts = line.strip().split()
        if not parts or parts[0] not in {v[0] for v in WORKLOADS.values()}:
            continue
        fields = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        out[parts[0]] = fields
    return out


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


ISA_SETTINGS = {
    "as-set": ({}, []),
    "avx2": ({"OPENBLAS_CORETYPE": "Haswell", "ONEDNN_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"},
             ["OPENBLAS_L2_SIZE"]),
    "native": ({}, ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "ONEDNN_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS"]),
}
ENV = dict(os.environ)


def run(cmd, **kw):
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    t = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, env=ENV, **kw)
    sys.stderr.write(p.stdout + p.stderr)
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}")
    return p.stdout, time.time() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", required=True, help="directory of the MNIST IDX .gz files")
    ap.add_argument("--only", default="dense,conv,kmeans,dec")
    ap.add_argument("--isa", choices=sorted(ISA_SETTINGS), default="as-set",
                    help="instruction set every side may use (see above)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run every side this many times, in turn, and report medians")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds needs a positive integer")
    setting, removed = ISA_SETTINGS[args.isa]
    for name in removed:
        ENV.pop(name, None)
    ENV.update(setting)
    pinned = {k: v for k, v in ENV.items() if k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "ONEDNN_MAX_CPU_ISA",
                                                     "MKL_ENABLE_INSTRUCTIONS")}
    only = [w for w in args.only.split(",") if w in WORKLOADS]
    data_dir = os.path.abspath(args.data_dir)

    before = loadavg()
    run(["swift", "build", "-c", "release", "--package-path", "Benchmarks", "--product", "throughput"], cwd=ROOT)
    try:
        import torch  # noqa: F401
        has_torch = True
    except ImportError:
        has_torch = False
    torch_only = [w for w in only if w != "kmeans"]
    # side -> workload prefix -> list of parsed field dicts, one per round
    results = {"swift": {}, "keras": {}, "torch": {}}
    kernels = "?"
    versions = "keras ?"

    def record(side, parsed):
        for prefix, fields in parsed.items():
            results[side].setdefault(prefix, []).append(fields)

    for _ in range(args.rounds):
        for w in only:
            out, _ = run(["swift", "run", "-c", "release", "--skip-build", "--package-path", "Benchmarks",
                          "throughput", "--data-dir", data_dir, "--model", w], cwd=ROOT)
            record("swift", parse(out))
            for line in out.splitlines():
                match = re.match(r"OpenBLAS: OpenBLAS \S+ .*?(\w+) MAX_THREADS", line)
                if match:
                    kernels = match.group(1)
        keras_out, _ = run([sys.executable, os.path.join(HERE, "keras_workloads.py"), "--data-dir", data_dir,
                            "--only", ",".join(only)])
        record("keras", parse(keras_out))
        versions = next((l[2:] for l in keras_out.splitlines() if l.startswith("# ")), "keras ?")
        if has_torch and torch_only:
            torch_out, _ = run([sys.executable, os.path.join(HERE, "pytorch_workloads.py"), "--data-dir", data_dir,
                                "--only", ",".join(torch_only)], cwd=HERE)
            record("torch", parse(torch_out))
            versions += "; " + next((l[2:] for l in torch_out.splitlines() if l.startswith("# ")), "torch ?")

    def seconds(side, w):
        prefix, field, _ = WORKLOADS[w]
        return [float(f.get(field, "nan")) for f in results[side].get(prefix, [])]

    def median(values):
        return statistics.median(values) if values else float("nan")

    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"load average before {before}, after {loadavg()}; {versions}")
    settings = ", ".join(f"{k}={v}" for k, v in sorted(pinned.items())) or "none"
    print(f"Instruction sets: --isa {args.isa}; OpenBLAS kernels {kernels}; variables set: {settings}")
    print()
    print("| workload | DeepClustering (s) | Keras/TF CPU (s) | PyTorch CPU (s) | Keras ÷ DeepClustering | PyTorch ÷ DeepClustering |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for w in only:
        desc = WORKLOADS[w][2]
        s, k, t = (median(seconds(side, w)) for side in ("swift", "keras", "torch"))
        tt = "—" if t != t else f"{t:.2f}"
        tr = "—" if t != t else f"{t / s:.2f}×"
        print(f"| {desc} | {s:.2f} | {k:.2f} | {tt} | {k / s:.2f}× | {tr} |")
    print()
    if args.rounds > 1:
        print(f"Medians of {args.rounds} rounds; every run, in order (seconds):")
        for w in only:
            runs = "; ".join(
                f"{name} " + ", ".join(f"{v:.2f}" for v in seconds(side, w))
                for side, name in (("swift", "DeepClustering"), ("keras", "Keras"), ("torch", "PyTorch"))
                if seconds(side, w))
            print(f"- {w}: {runs}")
        print()
    lines = [f"{prefix} " + " ".join(f"{k}={v}" for k, v in fields.items())
             for prefix, rounds in results["swift"].items() for fields in rounds]
    print("DeepClustering lines: " + "; ".join(lines))


if __name__ == "__main__":
    main()
