import DeepClusteringCore
import DeepClusteringNN
import Testing

/// `Dense` with ReLU sums the bias gradient in vectors of eight columns and a scalar tail; the
/// result must be exactly the plain row-by-row column sums of `∂Y ⊙ [Y > 0]`, whatever the
/// width, also where the pre-activation is 0 or NaN (both give Y = 0).
@Suite struct ReLUBackwardTests {
    @Test(arguments: [1, 7, 8, 13, 24, 37])
    func biasGradientIsThePlainColumnSum(width: Int) throws {
        var rng = SeededGenerator(seed: UInt64(width))
        let inputs = 3, batch = 6
        let dense = try Dense(inputSize: inputs, outputSize: width, activation: .relu, using: &rng)
        var x = (0..<(batch * inputs)).map { _ in 2 * rng.nextUnitFloat() - 1 }
        x[0] = 0; x[1] = 0; x[2] = 0                                   // row 0: pre-activation = bias = 0
        x[3] = .nan                                                     // row 1: NaN everywhere
        let y = try dense.forward(Tensor(shape: [batch, inputs], scalars: x)).scalars
        let dy = (0..<(batch * width)).map { _ in 2 * rng.nextUnitFloat() - 1 }
        _ = try dense.backward(Tensor(shape: [batch, width], scalars: dy), computingInputGradient: true)
        var expected = [Float](repeating: 0, count: width)
        for r in 0..<batch {
            for c in 0..<width { expected[c] += y[r * width + c] > 0 ? dy[r * width + c] : 0 }
        }
        let got = dense.bias.gradient.scalars
        #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "got \(got), expected \(expected)")
        #expect(got.allSatisfy { $0.isFinite })
    }
}
