import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

@Suite struct ParameterTests {
    @Test func gradientStartsAtZeroAndResets() {
        let p = Parameter(name: "w", value: Tensor(shape: [2, 3], repeating: 1))
        #expect(p.gradient == Tensor(zeros: [2, 3]))
        p.gradient.fill(with: 5)
        p.zeroGradient()
        #expect(p.gradient.scalars.allSatisfy { $0 == 0 })
        #expect(p.count == 6)
    }
}

@Suite struct LazyZeroGradientTests {
    @Test func readsSeeZerosAfterLazyZeroing() {
        let p = Parameter(name: "w", value: Tensor(shape: [2, 3], repeating: 1))
        p.gradient.fill(with: 5)
        p.zeroGradientLazily()
        #expect(p.gradientIsPendingZero)
        #expect(p.gradient.scalars.allSatisfy { $0 == 0 })
        #expect(!p.gradientIsPendingZero)
    }

    @Test func accumulationAfterLazyZeroingOverwrites() throws {
        var rng = SeededGenerator(seed: 3)
        let dense = try Dense(inputSize: 4, outputSize: 3, activation: .relu, using: &rng)
        let identity = try Dense(inputSize: 4, outputSize: 3, using: &rng)
        let x = Tensor(randomUniform: [5, 4], in: -1...1, using: &rng)
        let dy = Tensor(randomNormal: [5, 3], using: &rng)
        for layer in [dense, identity] {
            _ = try layer.forward(x)
            _ = try layer.backward(dy, computingInputGradient: false)
            let once = layer.parameters.map(\.gradient)
            // A zero-learning-rate step that zeroes lazily, then the same backward again: the
            // gradient must equal one backward's, not two.
            try SGD(learningRate: 0).stepZeroingGradients(layer.parameters)
            #expect(layer.parameters.allSatisfy { $0.gradientIsPendingZero })
            _ = try layer.forward(x)
            _ = try layer.backward(dy, computingInputGradient: false)
            #expect(layer.parameters.allSatisfy { !$0.gradientIsPendingZero })
            for (p, g) in zip(layer.parameters, once) {
                #expect(maxAbsDifference(p.gradient, g) < 1e-6, "\(layer.activation) \(p.name)")
                #expect(p.gradient.scalars.contains { $0 != 0 })
            }
        }
    }
}
