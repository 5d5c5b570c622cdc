#!/usr/bin/env python3
"""Writes the .npy fixtures of NpyTest with real NumPy (made with NumPy 2.4.6).

Run from the repository root:  python3 importers/src/test/resources/scripts/make_npy_fixtures.py
The files are committed, so the tests do not need Python. NpyTest restates every value below
(the formula or the literal list), so a change here must be mirrored there.
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "npy")


def grid(*shape):
    """v[i, j, k] = 100*i + 10*j + k - 7.75 (exact in float16/32/64 for these small shapes)."""
    idx = np.indices(shape, dtype=np.float64)
    weights = [100.0, 10.0, 1.0][-len(shape):]
    return sum(w * i for w, i in zip(weights, idx)) - 7.75


def save(name, array, version=None):
    path = os.path.join(OUT, name)
    if version is None:
        np.save(path, array, allow_pickle=False)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version, allow_pickle=False)
    back = np.load(path, allow_pickle=False)
    assert back.dtype == array.dtype and back.shape == array.shape, name
    print(f"{name}: {array.dtype.str} {array.shape} fortran={np.isfortran(array)} {os.path.getsize(path)} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    # floats, both byte orders; f8 adds 0.1 so the cast to float32 has to round
    save("f4_le_2x3x4.npy", grid(2, 3, 4).astype("<f4"))
    save("f4_be_2x3x4.npy", grid(2, 3, 4).astype(">f4"))
    save("f8_le_2x3x4.npy", (grid(2, 3, 4) + 0.1).astype("<f8"))
    save("f8_be_2x3x4.npy", (grid(2, 3, 4) + 0.1).astype(">f8"))
    save("f2_le_2x3.npy", np.array([[-2.0, 0.0, 0.5], [1.0009765625, 65504.0, 2.0 ** -24]], dtype="<f2"))
    # Fortran (column-major) order: same logical values as the C-order files
    save("f4_fortran_2x3x4.npy", np.asfortranarray(grid(2, 3, 4).astype("<f4")))
    save("f8_be_fortran_3x5.npy", np.asfortranarray((grid(3, 5) + 0.1).astype(">f8")))
    # integers and booleans, converted to float32 by the reader
    save("b1_2x3.npy", np.array([[True, False, True], [False, False, True]], dtype="|b1"))
    save("i1_2x3.npy", np.array([[-128, -1, 0], [1, 64, 127]], dtype="|i1"))
    save("u1_2x3.npy", np.array([[0, 1, 127], [128, 200, 255]], dtype="|u1"))
    save("i2_le_2x3.npy", np.array([[-32768, -1, 0], [1, 1000, 32767]], dtype="<i2"))
    save("u2_le_2x3.npy", np.array([[0, 1, 255], [256, 40000, 65535]], dtype="<u2"))
    save("i4_le_2x3.npy", np.array([[-2**31, -1, 0], [1, 2**24 + 1, 2**31 - 1]], dtype="<i4"))
    save("i4_be_2x3.npy", np.array([[-2**31, -1, 0], [1, 2**24 + 1, 2**31 - 1]], dtype=">i4"))
    save("u4_le_2x3.npy", np.array([[0, 1, 2**24 + 1], [2**31, 2**32 - 2, 2**32 - 1]], dtype="<u4"))
    save("i8_le_2x3.npy", np.array([[-2**63, -1, 0], [1, 2**40 + 1, 2**63 - 1]], dtype="<i8"))
    save("u8_le_2x3.npy", np.array([[0, 1, 2**40 + 1], [2**63, 2**63 + 2**39 + 1, 2**64 - 1]], dtype="<u8"))
    # ranks 0 and 1, an empty array
    save("f4_scalar.npy", np.array(3.5, dtype="<f4"))
    save("f4_1d_5.npy", (np.arange(5) * 0.5).astype("<f4"))
    save("f4_empty_0x3.npy", np.zeros((0, 3), dtype="<f4"))
    # header format versions 2.0 (4-byte header length) and 3.0 (UTF-8 header)
    save("f4_v2_2x3.npy", grid(2, 3).astype("<f4"), version=(2, 0))
    save("f4_v3_2x3.npy", grid(2, 3).astype("<f4"), version=(3, 0))


if __name__ == "__main__":
    main()
