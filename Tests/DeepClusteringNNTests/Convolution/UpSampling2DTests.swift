import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

@Suite struct UpSampling2DTests {
    @Test func eachPixelBecomesABlock() throws {
        var rng = SeededGenerator(seed: 2)
        let x = Tensor(randomUniform: [2, 3, 2, 3], using: &rng)
        let layer = try UpSampling2D(size: (height: 2, width: 3))
        let y = try layer.forward(x)
        #expect(y.shape == [2, 6, 6, 3])
        var worst: Float = 0
        for n in 0..<2 { for oy in 0..<6 { for ox in 0..<6 { for c in 0..<3 {
            worst = max(worst, abs(y[n, oy, ox, c] - x[n, oy / 2, ox / 3, c]))
        } } } }
        #expect(worst == 0)
        #expect(try layer.inference(x) == y)
    }

    @Test(arguments: [(2, 2, 1), (3, 1, 2), (1, 2, 3), (2, 3, 4)])
    func gradientsMatchFiniteDifferences(_ factors: (Int, Int, Int)) throws {
        var rng = SeededGenerator(seed: 3)
        let layer = try UpSampling2D(size: (height: factors.0, width: factors.1))
        let x = Tensor(randomUniform: [2, 3, 4, factors.2], in: -1...1, using: &rng)
        let report = try checkGradients(of: layer, input: x)
        #expect(report.inputError < 1e-2, "\(factors): \(report)")
    }

    @Test func backwardSumsEachBlock() throws {
        let layer = try UpSampling2D(size: 2)
        _ = try layer.forward(Tensor(zeros: [1, 1, 2, 1]))
        let dy = try Tensor(shape: [1, 2, 4, 1], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try layer.backward(dy).scalars == [1 + 2 + 5 + 6, 3 + 4 + 7 + 8])
    }

    @Test func badInputIsReported() throws {
        #expect(throws: LayerError.self) { try UpSampling2D(size: 0) }
        let layer = try UpSampling2D(size: 2)
        #expect(throws: LayerError.self) { try layer.forward(Tensor(zeros: [4, 4])) }
        #expect(throws: LayerError.self) { try layer.backward(Tensor(zeros: [1, 4, 4, 1])) }
    }
}
