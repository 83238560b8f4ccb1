import Foundation

/// A fast, seedable pseudo-random number generator (xoshiro256**, Blackman & Vigna 2018).
///
/// Every source of randomness in the library takes an `inout` generator, so a run seeded with
/// the same value is reproducible bit for bit. The 256-bit state is filled from the 64-bit seed
/// with SplitMix64, as the authors recommend, so nearby seeds give unrelated streams.
///
/// ```swift
/// var rng = SeededGenerator(seed: 42)
/// let i = Int.random(in: 0..<10, using: &rng)
/// [1, 2, 3].shuffled(using: &rng)
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Creates a generator whose sequence is determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// Returns the next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A new generator whose stream is independent of this one's, for handing to a sub-task
    /// (for example one k-means restart) without disturbing this generator's own sequence
    /// beyond one draw.
    public mutating func split() -> SeededGenerator {
        SeededGenerator(seed: next())
    }
}

extension RandomNumberGenerator {
    /// A uniform `Float` in `[0, 1)` with 24 random bits.
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform `Double` in `[0, 1)` with 53 random bits.
    @inlinable
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A draw from the standard normal distribution (Box–Muller).
    @inlinable
    public mutating func nextStandardNormal() -> Float {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1 - nextUnitDouble()
        let u2 = nextUnitDouble()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
