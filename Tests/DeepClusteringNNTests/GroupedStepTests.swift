import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

/// Updating each layer's parameters right after its own backward pass
/// (`backward(_:computingInputGradient:whenParametersReady:)` + `beginStep`/`update`) must be
/// exactly the update of one `step` over all parameters after the whole backward pass.
@Suite struct GroupedStepTests {
    static let optimizers: [(String, @Sendable () throws -> any Optimizer)] = [
        ("SGD momentum", { try SGD(learningRate: 0.5, momentum: 0.9) }),
        ("SGD Nesterov", { try SGD(learningRate: 0.5, momentum: 0.9, nesterov: true) }),
        ("SGD plain", { try SGD(learningRate: 0.5) }),
        ("Adam", { try Adam(learningRate: 0.01) }),
        ("Adadelta", { try Adadelta() }),
        // A wrapper must advance its schedule (and Adam its count) once per step, not per group.
        ("Scheduled Adam", { try ScheduledOptimizer(Adam(learningRate: 0.01), schedule: .stepDecay(initial: 0.01, factor: 0.5, interval: 1)) }),
        ("Scheduled SGD", { try ScheduledOptimizer(SGD(learningRate: 0.5, momentum: 0.9), schedule: .stepDecay(initial: 0.5, factor: 0.5, interval: 2)) }),
    ]

    static func model() throws -> Autoencoder {
        var rng = SeededGenerator(seed: 21)
        return try Autoencoder.dense([12, 9, 7, 5], using: &rng)
    }

    @Test(arguments: 0..<optimizers.count)
    func groupedUpdateEqualsOneStep(_ index: Int) throws {
        let (name, make) = Self.optimizers[index]
        var rng = SeededGenerator(seed: 5)
        let x = Tensor(randomUniform: [16, 12], in: 0...1, using: &rng)
        let whole = try Self.model(), grouped = try Self.model()
        let wholeOptimizer = try make(), groupedOptimizer = try make()
        var gradient = Tensor(zeros: [0])
        for _ in 0..<3 {
            _ = try meanSquaredError(whole.forward(x), x, gradientInto: &gradient)
            _ = try whole.backward(gradient, computingInputGradient: false)
            try wholeOptimizer.stepZeroingGradients(whole.parameters)

            _ = try meanSquaredError(grouped.forward(x), x, gradientInto: &gradient)
            try groupedOptimizer.beginStep()
            _ = try grouped.backward(gradient, computingInputGradient: false) { group in
                try groupedOptimizer.update(group, zeroingGradients: true)
            }
        }
        for (a, b) in zip(whole.parameters, grouped.parameters) {
            #expect(a.value.scalars == b.value.scalars, "\(name): \(a.name) differs")
        }
        // And the parameters did move.
        #expect(try Self.model().parameters[0].value.scalars != grouped.parameters[0].value.scalars)
    }

    @Test func everyParameterIsHandedOverOnceAfterItsLayer() throws {
        let ae = try Self.model()
        var rng = SeededGenerator(seed: 6)
        let x = Tensor(randomUniform: [4, 12], in: 0...1, using: &rng)
        var gradient = Tensor(zeros: [0])
        _ = try meanSquaredError(ae.forward(x), x, gradientInto: &gradient)
        var seen: [ObjectIdentifier] = []
        _ = try ae.backward(gradient, computingInputGradient: true) { group in
            // A group's gradients are complete when handed over: nothing is pending a later add.
            for p in group { #expect(!p.gradientIsPendingZero, "\(p.name) handed over before its gradient") }
            seen += group.map(ObjectIdentifier.init)
        }
        #expect(seen.count == ae.parameters.count)
        #expect(Set(seen) == Set(ae.parameters.map(ObjectIdentifier.init)))
        // Decoder first: the last layer's parameters come first.
        #expect(seen.first == ObjectIdentifier(ae.parameters[ae.parameters.count - 2]))
    }

    @Test func adamNeedsBeginStepBeforeUpdate() throws {
        let adam = try Adam()
        let p = Parameter(name: "w", value: Tensor(zeros: [3]))
        #expect(throws: OptimizerError.stepNotBegun(optimizer: "Adam")) {
            try adam.update([p], zeroingGradients: false)
        }
        try adam.beginStep()
        try adam.update([p], zeroingGradients: false)
        #expect(adam.iterations == 1)
    }
}

/// An optimizer written outside the package that implements only `step` and counts its steps.
private final class CountingSGD: Optimizer {
    var learningRate: Float = 0.1
    private(set) var steps = 0
    func step(_ parameters: [Parameter]) throws {
        steps += 1
        for p in parameters {
            p.value = p.value - p.gradient * learningRate
        }
    }
}

@Suite struct OptimizerCompatibilityTests {
    @Test func stepOnlyOptimizerIsSteppedOncePerBatch() throws {
        var rng = SeededGenerator(seed: 8)
        let ae = try Autoencoder.dense([6, 4, 3], using: &rng)
        let x = Tensor(randomUniform: [10, 6], in: 0...1, using: &rng)
        let optimizer = CountingSGD()
        #expect(!optimizer.updatesInGroups)
        try ae.fit(x, epochs: 2, batchSize: 4, optimizer: optimizer)
        #expect(optimizer.steps == 6)  // 3 batches × 2 epochs, not once per layer
    }

    @Test func momentumWarmUpFromZeroKeepsTheFirstVelocity() throws {
        // v₀ = −η·g at μ = 0, then v₁ = μ·v₀ − η·g: the second step must use step 0's velocity.
        let sgd = try SGD(learningRate: 0.5, momentum: 0.9)
        let p = Parameter(name: "w", value: Tensor(zeros: [2]))
        p.gradient = Tensor([1, -2])
        sgd.momentum = 0
        try sgd.step([p])
        #expect(p.value.scalars == [-0.5, 1])
        sgd.momentum = 0.5
        try sgd.step([p])
        // v₁ = 0.5·(−0.5, 1) − 0.5·(1, −2) = (−0.75, 1.5); θ = (−0.5, 1) + v₁.
        #expect(p.value.scalars == [-1.25, 2.5])
    }
}
