import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

/// Finite-difference checks (central differences in Float32, see `_TestSupport`); a wrong
/// gradient gives errors of order 1, rounding ~1e-3, so every check asserts < 1e-2.
@Suite struct GradientCheckTests {
    let bound: Float = 1e-2

    /// Inputs drawn from ±[0.2, 1] (never near 0, where ReLU has its kink).
    static func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(randomUniform: shape, in: 0.2...1, using: &rng)
            .map { $0 * (rng.next() & 1 == 0 ? 1 : -1) }
    }

    /// A Dense layer and input whose pre-activations all lie at least 0.05 from 0, so a ±1e-2
    /// step (which moves them by at most 1e-2·max|x|, 1e-2·max|W| ≤ 1e-2) never crosses the ReLU
    /// kink. Seeds are tried in order until one qualifies (deterministic).
    static func denseAwayFromKinks(_ activation: Activation) throws -> (Dense, Tensor) {
        for seed in UInt64(1)... {
            var rng = SeededGenerator(seed: seed)
            let dense = try Dense(inputSize: 4, outputSize: 5, activation: activation,
                                  biasInitializer: .constant(0.1), using: &rng)
            let x = Tensor(randomUniform: [3, 4], in: -1...1, using: &rng)
            let linear = try Tensor.matmul(x, dense.kernel.value) + dense.bias.value
            if linear.scalars.allSatisfy({ abs($0) > 0.05 }) { return (dense, x) }
        }
        fatalError("unreachable")
    }

    /// A layer whose backward pass is wrong on purpose: the input gradient, or the parameter
    /// gradients, come out scaled by `factor`.
    final class MisScaled: Layer {
        let wrapped: Dense
        let inputFactor: Float, parameterFactor: Float
        var name = "misscaled"
        var parameters: [Parameter] { wrapped.parameters }
        init(_ wrapped: Dense, inputFactor: Float, parameterFactor: Float) {
            self.wrapped = wrapped
            self.inputFactor = inputFactor
            self.parameterFactor = parameterFactor
        }
        func outputShape(forInputShape inputShape: [Int]) throws -> [Int] { try wrapped.outputShape(forInputShape: inputShape) }
        func forward(_ input: Tensor) throws -> Tensor { try wrapped.forward(input) }
        func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
            let before = wrapped.parameters.map(\.gradient)
            let dx = try wrapped.backward(outputGradient, computingInputGradient: computingInputGradient)
            for (p, old) in zip(wrapped.parameters, before) { p.gradient = old + (p.gradient - old) * parameterFactor }
            return dx * inputFactor
        }
        func clearCache() { wrapped.clearCache() }
    }

    /// The check itself can fail: a wrong input gradient or wrong parameter gradients are caught.
    @Test func theCheckCatchesWrongGradients() throws {
        let (dense, x) = try Self.denseAwayFromKinks(.tanh)
        let right = try checkGradients(of: MisScaled(dense, inputFactor: 1, parameterFactor: 1), input: x, epsilon: 1e-3)
        #expect(right.maxError < bound, "\(right)")
        let wrongInput = try checkGradients(of: MisScaled(dense, inputFactor: 1.5, parameterFactor: 1), input: x, epsilon: 1e-3)
        #expect(wrongInput.inputError > 0.1 && wrongInput.parameterErrors.values.allSatisfy { $0 < bound }, "\(wrongInput)")
        let wrongParameters = try checkGradients(of: MisScaled(dense, inputFactor: 1, parameterFactor: 0.5), input: x, epsilon: 1e-3)
        #expect(wrongParameters.inputError < bound && wrongParameters.parameterErrors.values.allSatisfy { $0 > 0.1 }, "\(wrongParameters)")
    }

    @Test(arguments: Activation.allCases)
    func dense(_ activation: Activation) throws {
        let (dense, x) = try Self.denseAwayFromKinks(activation)
        let report = try checkGradients(of: dense, input: x, epsilon: 1e-3)
        #expect(report.maxError < bound, "\(report)")
        #expect(report.parameterErrors.keys.sorted() == ["bias", "kernel"])
    }

    @Test(arguments: Activation.allCases)
    func activationLayer(_ activation: Activation) throws {
        let layer = ActivationLayer(activation)
        let report = try checkGradients(of: layer, input: Self.awayFromZero([3, 2, 4], seed: 2))
        #expect(report.maxError < bound, "\(report)")
    }

    @Test func flattenAndReshape() throws {
        let x = Self.awayFromZero([2, 3, 2, 2], seed: 3)
        let flatten = try checkGradients(of: Flatten(), input: x)
        #expect(flatten.maxError < bound, "\(flatten)")
        let reshape = try checkGradients(of: Reshape([4, -1]), input: x)
        #expect(reshape.maxError < bound, "\(reshape)")
    }

    @Test func sequentialOfEveryKind() throws {
        var rng = SeededGenerator(seed: 4)
        let model = try Sequential([
            Flatten(),
            Dense(inputSize: 6, outputSize: 5, activation: .tanh, using: &rng),
            ActivationLayer(.sigmoid),
            Dense(inputSize: 5, outputSize: 4, using: &rng),
            Reshape([2, 2]),
        ])
        let report = try checkGradients(of: model, input: Self.awayFromZero([3, 2, 3], seed: 5))
        #expect(report.maxError < bound, "\(report)")
    }

    @Test func meanSquaredErrorGradient() throws {
        let target = Self.awayFromZero([4, 3], seed: 6)
        let error = try checkGradient(of: { p in
            let (v, g) = try meanSquaredError(p, target)
            return (Double(v), g)
        }, at: Self.awayFromZero([4, 3], seed: 7))
        #expect(error < bound)
    }

    /// Rows of positive numbers ≥ 0.1 (perturbations of 1e-2 stay inside KLD's clipping range).
    static func distribution(_ rows: Int, _ classes: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(randomUniform: [rows, classes], in: 0.3...1, using: &rng) / Float(classes)
    }

    @Test func klDivergenceGradient() throws {
        let p = Self.distribution(4, 3, seed: 8)
        let error = try checkGradient(of: { q in
            let (v, g) = try klDivergence(target: p, predicted: q)
            return (Double(v), g)
        }, at: Self.distribution(4, 3, seed: 9), epsilon: 1e-3)
        #expect(error < bound)
    }

    /// IDEC's joint loss `0.1·KLD(p‖q) + 1·MSE(x̂, x)`, checked with respect to both predictions.
    @Test func weightedSumGradient() throws {
        let p = Self.distribution(4, 3, seed: 10), x = Self.awayFromZero([4, 5], seed: 11)
        let q0 = Self.distribution(4, 3, seed: 12), r0 = Self.awayFromZero([4, 5], seed: 13)
        func joint(_ q: Tensor, _ r: Tensor) throws -> (value: Float, gradients: [Tensor]) {
            try weightedSum(of: [(0.1, klDivergence(target: p, predicted: q)), (1, meanSquaredError(r, x))])
        }
        let errorQ = try checkGradient(of: { q in
            let (v, g) = try joint(q, r0); return (Double(v), g[0])
        }, at: q0, epsilon: 1e-3)
        let errorR = try checkGradient(of: { r in
            let (v, g) = try joint(q0, r); return (Double(v), g[1])
        }, at: r0)
        #expect(errorQ < bound)
        #expect(errorR < bound)
        // The fused write-into form gives the same weighted value and gradient.
        var gradient = Tensor(zeros: [0])
        let fused = try klDivergence(target: p, predicted: q0, weight: 0.1, gradientInto: &gradient)
        let joined = try joint(q0, r0)
        #expect(abs(fused + (try meanSquaredError(r0, x).value) - joined.value) < 1e-6)
        #expect(maxAbsDifference(gradient, joined.gradients[0]) < 1e-7)
    }
}
