#!/usr/bin/env python3
"""Generates the fixtures of DeepClusteringDataTests, and verifies the file the Swift code wrote.

    python3 make_data_fixtures.py                # (re)write every fixture in this directory
    python3 make_data_fixtures.py --verify swift_written.safetensors    (or swift_written.npy,
    swift_written_labels.npy)

Every value follows one of two formulas over the flat element index i, which the Swift tests
compute independently (FixtureValues in the tests), so no value is copied from here:

    integer(i) = (i * 37 + 11) % 200 - 100          (fits int8: -100 ... 99)
    real(i)    = integer(i) * 0.25                  (exact in float16/bfloat16/float32/float64)
    pixel(i)   = (i * 37 + 11) % 256                (uint8)

Files written (all tiny):
  IDX     idx_u8.idx, idx_u8.idx.gz (pixel, [3, 4, 5]); idx_u8_two_members.idx.gz (the same
          split across two gzip members, as `cat a.gz b.gz` makes); idx_labels.idx ([3] = 7, 0, 9);
          idx_i8.idx, idx_i16.idx, idx_i32.idx (integer, [2, 3]); idx_f32.idx, idx_f64.idx (real, [2, 3])
  .npy    npy_f4.npy, npy_f8.npy (real, [2, 3]); npy_u1.npy (pixel, [2, 3]); npy_i8.npy (integer, [6]);
          npy_be_f4.npy (big-endian real, [2, 3]); npy_v2.npy, npy_v3.npy (real, [2, 3], header
          versions 2.0 and 3.0); npy_fortran.npy (Fortran order, [2, 3]); npy_object.npy (object
          array); npy_complex.npy (complex64, unsupported)
  CSV     csv_header_label.csv (header, 5 rows, 3 features, label in the last column: i % 3);
          csv_semicolon.csv (no header, ';', label in column 0, 4 rows x 2 features)
  safetensors  python_written.safetensors (safetensors.numpy.save_file; F32 [2, 3], F64 [4],
          F16 [2, 2], I64 [3], U8 [5], BOOL [2], metadata {"epochs": "300", "writer": "python"})

All files are byte-for-byte reproducible except python_written.safetensors, whose metadata
key order varies between runs (the package serializes a hash map); its contents do not.

Reverse direction: swift_written.safetensors is written by the Swift code (the test
`swiftWrittenFileIsByteIdenticalToCommittedFixture` rebuilds it and compares byte for byte);
`--verify` loads it with the safetensors package and checks names, shapes, values, metadata:
  "encoder.weight" F32 [3, 4] = real(i); "encoder.bias" F32 [4] = real(i) + 0.5;
  "empty" F32 [0, 3]; metadata {"config": "{\"epochs\": 300}", "note": "ünïcødé"}
Likewise swift_written.npy (NumPyArray, float32 [3, 4] = real(i)) and swift_written_labels.npy
(NumPyArray(integers:), int64 [5] = integer(i)) are checked by `--verify` with np.load.

Verification runs (2026-11-23, numpy 2.4.6, safetensors 0.8.0), on the committed files:
  $ python3 make_data_fixtures.py --verify swift_written.npy
  OK: swift_written.npy: float32 [3, 4], version (1, 0), header ((3, 4), False, dtype('float32')), data at byte 128
  $ python3 make_data_fixtures.py --verify swift_written_labels.npy
  OK: swift_written_labels.npy: int64 [5], version (1, 0), header ((5,), False, dtype('int64')), data at byte 128
  $ python3 make_data_fixtures.py --verify swift_written.safetensors
  OK: swift_written.safetensors: 3 tensors empty float32 [0, 3], encoder.bias float32 [4], encoder.weight float32 [3, 4]; metadata {'config': '{"epochs": 300}', 'note': 'ünïcødé'}
"""
import gzip
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def integer(n):
    i = np.arange(n)
    return (i * 37 + 11) % 200 - 100


def real(n):
    return integer(n) * 0.25


def pixel(n):
    return (np.arange(n) * 37 + 11) % 256


def idx_bytes(array, code):
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def make_fixtures():
    images = pixel(60).reshape(3, 4, 5).astype(np.uint8)
    write("idx_u8.idx", idx_bytes(images, 0x08))
    write("idx_u8.idx.gz", gzip.compress(idx_bytes(images, 0x08), mtime=0))
    whole = idx_bytes(images, 0x08)
    write("idx_u8_two_members.idx.gz", gzip.compress(whole[:20], mtime=0) + gzip.compress(whole[20:], mtime=0))
    write("idx_labels.idx", idx_bytes(np.array([7, 0, 9], dtype=np.uint8), 0x08))
    for name, dtype, code, values in [
        ("idx_i8.idx", np.int8, 0x09, integer(6)),
        ("idx_i16.idx", np.int16, 0x0B, integer(6)),
        ("idx_i32.idx", np.int32, 0x0C, integer(6)),
        ("idx_f32.idx", np.float32, 0x0D, real(6)),
        ("idx_f64.idx", np.float64, 0x0E, real(6)),
    ]:
        write(name, idx_bytes(values.reshape(2, 3).astype(dtype), code))

    np.save(os.path.join(HERE, "npy_f4.npy"), real(6).reshape(2, 3).astype("<f4"))
    np.save(os.path.join(HERE, "npy_f8.npy"), real(6).reshape(2, 3).astype("<f8"))
    np.save(os.path.join(HERE, "npy_u1.npy"), pixel(6).reshape(2, 3).astype(np.uint8))
    np.save(os.path.join(HERE, "npy_i8.npy"), integer(6).astype("<i8"))
    np.save(os.path.join(HERE, "npy_be_f4.npy"), real(6).reshape(2, 3).astype(">f4"))
    for version in [(2, 0), (3, 0)]:
        with open(os.path.join(HERE, f"npy_v{version[0]}.npy"), "wb") as f:
            np.lib.format.write_array(f, real(6).reshape(2, 3).astype("<f4"), version=version)
    np.save(os.path.join(HERE, "npy_fortran.npy"), np.asfortranarray(real(6).reshape(2, 3).astype("<f4")))
    np.save(os.path.join(HERE, "npy_object.npy"), np.array([1, "two", None], dtype=object), allow_pickle=True)
    np.save(os.path.join(HERE, "npy_complex.npy"), np.arange(3, dtype=np.complex64))

    features = real(15).reshape(5, 3)
    lines = ["f0,f1,f2,label"] + [",".join(repr(float(v)) for v in row) + f",{r % 3}" for r, row in enumerate(features)]
    write("csv_header_label.csv", ("\n".join(lines) + "\n").encode())
    features = real(8).reshape(4, 2)
    lines = [f"{r % 3};" + ";".join(repr(float(v)) for v in row) for r, row in enumerate(features)]
    write("csv_semicolon.csv", ("\r\n".join(lines) + "\r\n").encode())

    from safetensors.numpy import save_file
    save_file(
        {
            "a.f32": real(6).reshape(2, 3).astype(np.float32),
            "b.f64": real(4).astype(np.float64),
            "c.f16": real(4).reshape(2, 2).astype(np.float16),
            "d.i64": integer(3).astype(np.int64),
            "e.u8": pixel(5).astype(np.uint8),
            "f.bool": np.array([True, False]),
        },
        os.path.join(HERE, "python_written.safetensors"),
        metadata={"epochs": "300", "writer": "python"},
    )


def verify_npy(path):
    array = np.load(path)
    if path.endswith("labels.npy"):
        want = integer(5).astype("<i8")
    else:
        want = real(12).reshape(3, 4).astype("<f4")
    assert array.dtype == want.dtype, f"dtype {array.dtype} != {want.dtype}"
    assert array.shape == want.shape and array.flags.c_contiguous, f"shape {array.shape}"
    assert np.array_equal(array, want), f"values {array}"
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        assert version == (1, 0), f"version {version}"
        header = np.lib.format.read_array_header_1_0(f)
        offset = f.tell()
    print(f"OK: {path}: {array.dtype} {list(array.shape)}, version {version}, header {header}, data at byte {offset}")


def verify(path):
    if path.endswith(".npy"):
        return verify_npy(path)
    from safetensors import safe_open
    from safetensors.numpy import load_file

    tensors = load_file(path)
    expected = {
        "encoder.weight": real(12).reshape(3, 4).astype(np.float32),
        "encoder.bias": (real(4) + 0.5).astype(np.float32),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }
    assert sorted(tensors) == sorted(expected), f"names {sorted(tensors)} != {sorted(expected)}"
    for name, want in expected.items():
        got = tensors[name]
        assert got.dtype == np.float32, f"{name}: dtype {got.dtype}"
        assert got.shape == want.shape, f"{name}: shape {got.shape} != {want.shape}"
        assert np.array_equal(got, want), f"{name}: values differ: {got} != {want}"
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata()
    assert metadata == {"config": '{"epochs": 300}', "note": "ünïcødé"}, f"metadata {metadata}"
    print(f"OK: {path}: {len(tensors)} tensors "
          + ", ".join(f"{n} {tensors[n].dtype} {list(tensors[n].shape)}" for n in sorted(tensors))
          + f"; metadata {metadata}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--verify":
        verify(sys.argv[2])
    elif len(sys.argv) == 1:
        make_fixtures()
    else:
        sys.exit(__doc__)
