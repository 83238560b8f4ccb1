#!/usr/bin/env python3
"""Reference outputs of SeededGenerator, computed independently with Python integers.

SplitMix64 fills the four-word state from the seed, then xoshiro256** (Blackman & Vigna's
reference algorithm) produces `rotl(s1 * 5, 7) * 9`. Prints the first three outputs for seed 0,
the values `SeededGeneratorTests.referenceSeed0` holds.

    python3 Tests/DeepClusteringCoreTests/Fixtures/seeded_generator_reference.py
"""

MASK = (1 << 64) - 1


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def splitmix64(seed):
    x = seed
    while True:
        x = (x + 0x9E3779B97F4A7C15) & MASK
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def xoshiro256starstar(seed):
    fill = splitmix64(seed)
    s = [next(fill) for _ in range(4)]
    while True:
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        yield result


if __name__ == "__main__":
    g = xoshiro256starstar(0)
    print([next(g) for _ in range(3)])
