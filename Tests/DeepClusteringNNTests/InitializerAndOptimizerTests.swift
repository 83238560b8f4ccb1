import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

@Suite struct InitializerTests {
    @Test func glorotUniformBoundsAndSpread() throws {
        var rng = SeededGenerator(seed: 1)
        let t = try Initializer.glorotUniform.makeTensor(shape: [300, 200], using: &rng)
        let limit = (6 / Float(500)).squareRoot()
        #expect(t.scalars.allSatisfy { abs($0) <= limit })
        // Variance of U(±l) is l²/3 = 2/(fanIn+fanOut).
        let variance = t.squared().mean()
        #expect(abs(variance - 2 / 500) < 0.05 * 2 / 500)
    }

    @Test func varianceScalingNormalIsTruncatedWithKerasCorrection() throws {
        var rng = SeededGenerator(seed: 2)
        let scale: Float = 2, fanIn: Float = 400
        let t = try Initializer.varianceScaling(scale: scale, mode: .fanIn, distribution: .normal)
            .makeTensor(shape: [400, 250], using: &rng)
        let stddev = (scale / fanIn).squareRoot() / 0.87962566
        #expect(t.scalars.allSatisfy { abs($0) <= 2 * stddev * 1.0001 })
        // The correction makes the truncated samples' variance scale/fanIn.
        #expect(abs(t.squared().mean() - scale / fanIn) < 0.03 * scale / fanIn)
    }

    @Test func fansFollowKeras() {
        #expect(Initializer.fans(of: [784, 500]) == (784, 500))
        #expect(Initializer.fans(of: [3, 3, 32, 64]) == (9 * 32, 9 * 64))
        #expect(Initializer.fans(of: [16]) == (4, 4))
    }

    @Test func seededAndValidated() throws {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let init1 = Initializer.varianceScaling(scale: 1.0 / 3.0, mode: .fanOut, distribution: .uniform)
        #expect(try init1.makeTensor(shape: [5, 7], using: &a) == init1.makeTensor(shape: [5, 7], using: &b))
        #expect(try Initializer.zeros.makeTensor(shape: [3], using: &a) == Tensor(zeros: [3]))
        #expect(throws: LayerError.self) {
            try Initializer.varianceScaling(scale: -1, mode: .fanIn, distribution: .uniform).makeTensor(shape: [2, 2], using: &a)
        }
    }
}

@Suite struct OptimizerTests {
    @Test func hyperparametersAreValidated() throws {
        #expect(throws: OptimizerError.self) { try SGD(learningRate: -1) }
        #expect(throws: OptimizerError.self) { try SGD(momentum: 1) }
        #expect(throws: OptimizerError.self) { try Adam(beta1: 1.5) }
        #expect(throws: OptimizerError.self) { try Adam(epsilon: 0) }
        #expect(throws: OptimizerError.self) { try Adadelta(rho: -0.1) }
        #expect(throws: OptimizerError.self) { try Adadelta(learningRate: .nan) }
        let sgd = try SGD()
        sgd.learningRate = .infinity
        #expect(throws: OptimizerError.self) { try sgd.step([]) }
    }

    @Test func kerasDefaults() throws {
        let sgd = try SGD(), adam = try Adam(), adadelta = try Adadelta()
        #expect(sgd.learningRate == 0.01 && sgd.momentum == 0 && !sgd.nesterov)
        #expect(adam.learningRate == 0.001 && adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-7)
        #expect(adadelta.learningRate == 1 && adadelta.rho == 0.95 && adadelta.epsilon == 1e-7)
    }

    @Test func gradientShapeMismatchIsAnError() throws {
        let p = Parameter(name: "w", value: Tensor(zeros: [2, 2]))
        p.gradient = Tensor(zeros: [4])
        #expect(throws: OptimizerError.gradientShapeMismatch(parameter: "w", value: [2, 2], gradient: [4])) {
            try SGD(momentum: 0.5).step([p])
        }
    }

    /// A parameter large enough to be updated in parallel chunks gives the same result as the
    /// same update on a small copy of a few elements.
    @Test func parallelUpdateEqualsSerial() throws {
        var rng = SeededGenerator(seed: 4)
        let big = Parameter(name: "big", value: Tensor(randomNormal: [600_000], using: &rng))
        big.gradient = Tensor(randomNormal: [600_000], using: &rng)
        let idx = [0, 299_999, 300_000, 599_999]
        let small = Parameter(name: "small", value: try big.value.rows(at: idx))
        small.gradient = try big.gradient.rows(at: idx)
        let adam = try Adam(learningRate: 0.1)
        try adam.step([big, small])
        #expect(try big.value.rows(at: idx) == small.value)
    }
}
