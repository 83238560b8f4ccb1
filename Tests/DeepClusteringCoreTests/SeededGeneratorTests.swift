import DeepClusteringCore
import Testing

@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameSequence() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let sa = (0..<100).map { _ in a.next() }
        let sb = (0..<100).map { _ in b.next() }
        let sc = (0..<100).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
    }

    /// xoshiro256** seeded by SplitMix64 from 0: the first outputs are fixed forever, so a
    /// change to the generator (which would silently change every seeded result) fails here.
    @Test func firstOutputsAreStable() {
        var g = SeededGenerator(seed: 0)
        let first = (0..<3).map { _ in g.next() }
        #expect(first == SeededGeneratorTests.referenceSeed0)
    }

    /// Computed independently with Python integers by `Fixtures/seeded_generator_reference.py`:
    /// SplitMix64 state fill from seed 0, then xoshiro256** (`rotl(s1 * 5, 7) * 9`), the
    /// reference algorithm of Blackman & Vigna.
    static let referenceSeed0: [UInt64] = [11091344671253066420, 13793997310169335082, 1900383378846508768]

    @Test func worksWithStandardLibraryRandomAPIs() {
        var g = SeededGenerator(seed: 1)
        let values = (0..<1000).map { _ in Int.random(in: 0..<10, using: &g) }
        #expect(Set(values) == Set(0..<10))
        var h1 = SeededGenerator(seed: 9), h2 = SeededGenerator(seed: 9)
        let deck = Array(0..<52)
        #expect(deck.shuffled(using: &h1) == deck.shuffled(using: &h2))
        var u = SeededGenerator(seed: 5)
        let floats = (0..<10000).map { _ in u.nextUnitFloat() }
        #expect(floats.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(floats.reduce(0, +) / 10000 - 0.5) < 0.02)
    }
}
