import DeepClusteringCore
import Testing
import _TestSupport

/// Reference product in Double: op(a)·op(b) for row-major a, b.
func naiveMatmul(_ a: Tensor, _ ta: Bool, _ b: Tensor, _ tb: Bool) -> [Float] {
    let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1]
    let n = tb ? b.shape[0] : b.shape[1]
    let av = a.scalars, bv = b.scalars
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let x = ta ? av[p * a.shape[1] + i] : av[i * a.shape[1] + p]
                let y = tb ? bv[j * b.shape[1] + p] : bv[p * b.shape[1] + j]
                s += Double(x) * Double(y)
            }
            c[i * n + j] = Float(s)
        }
    }
    return c
}

@Suite struct MatMulTests {
    static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (1, 7, 1), (3, 5, 2), (17, 31, 13), (64, 1, 9), (2, 33, 65)]

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesNaiveTripleLoop(transposeA: Bool, transposeB: Bool) throws {
        var rng = SeededGenerator(seed: 7)
        for (m, k, n) in Self.shapes {
            let a = Tensor(randomNormal: transposeA ? [k, m] : [m, k], using: &rng)
            let b = Tensor(randomNormal: transposeB ? [n, k] : [k, n], using: &rng)
            let c = try Tensor.matmul(a, transposeA: transposeA, b, transposeB: transposeB)
            #expect(c.shape == [m, n])
            let reference = naiveMatmul(a, transposeA, b, transposeB)
            // Float32 accumulation over k ≤ 65 terms of N(0,1) products: error well under 1e-4.
            #expect(maxAbsDifference(c.scalars, reference) < 1e-4, "m=\(m) k=\(k) n=\(n)")
        }
    }

    @Test func accumulateModeAddsBetaTimesOutput() throws {
        var rng = SeededGenerator(seed: 8)
        let a = Tensor(randomNormal: [5, 4], using: &rng)
        let b = Tensor(randomNormal: [6, 4], using: &rng)
        let c0 = Tensor(randomNormal: [5, 6], using: &rng)
        var c = c0
        try Tensor.matmul(a, b, transposeB: true, into: &c, alpha: 0.5, beta: 2)
        let ab = naiveMatmul(a, false, b, true)
        let expected = zip(ab, c0.scalars).map { 0.5 * $0 + 2 * $1 }
        #expect(maxAbsDifference(c.scalars, expected) < 1e-5)
        // The copy taken before accumulating is untouched (copy-on-write through matmul(into:)).
        #expect(c0 != c)
    }

    @Test func writesIntoExistingStorageWithoutReallocating() throws {
        var rng = SeededGenerator(seed: 9)
        let a = Tensor(randomNormal: [8, 3], using: &rng)
        let b = Tensor(randomNormal: [3, 5], using: &rng)
        var c = Tensor(zeros: [8, 5])
        let before = c.withUnsafeBufferPointer { $0.baseAddress }
        try Tensor.matmul(a, b, into: &c)
        let after = c.withUnsafeBufferPointer { $0.baseAddress }
        #expect(before == after)
        #expect(maxAbsDifference(c.scalars, naiveMatmul(a, false, b, false)) < 1e-5)
    }

    @Test func reportsShapeMismatchClearly() {
        let a = Tensor(zeros: [256, 784]), b = Tensor(zeros: [500, 784])
        #expect(throws: TensorError.shapeMismatch(
            operation: "matmul", message: "inner dimensions differ: left is [256, 784], right is [500, 784]")
        ) { try a.matmul(b) }
        #expect(throws: TensorError.self) { try Tensor(zeros: [3]).matmul(b) }
        var c = Tensor(zeros: [2, 2])
        #expect(throws: TensorError.self) {
            try Tensor.matmul(Tensor(zeros: [3, 4]), Tensor(zeros: [4, 5]), into: &c, beta: 1)
        }
    }

    @Test func emptyInnerDimensionGivesZeros() throws {
        let c = try Tensor.matmul(Tensor(zeros: [3, 0]), Tensor(zeros: [0, 2]))
        #expect(c == Tensor(zeros: [3, 2]))
    }
}
