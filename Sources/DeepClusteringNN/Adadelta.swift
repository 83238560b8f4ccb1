import COptimizerKernels
import DeepClusteringCore

/// Adadelta, in Keras 2's form (Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method").
///
/// With accumulators `a` (of squared gradients) and `d` (of squared updates), initially 0:
/// ```
/// a ← ρ·a + (1 − ρ)·g²
/// u ← g · sqrt(d + ε) / sqrt(a + ε)
/// θ ← θ − η·u
/// d ← ρ·d + (1 − ρ)·u²
/// ```
/// Defaults are Keras 2's: `η = 1.0` (the paper has no learning rate; DCEC's convolutional
/// autoencoder pretraining depends on 1.0), `ρ = 0.95`, `ε = 1e-7`.
public final class Adadelta: Optimizer {
    /// The step size `η` (≥ 0).
    public var learningRate: Float
    /// The decay rate `ρ`, in `[0, 1)`.
    public let rho: Float
    /// The offset inside both square roots (> 0).
    public let epsilon: Float
    private var accumulators = SlotTable(slotCount: 2)

    /// Creates the optimizer.
    /// - Parameters:
    ///   - learningRate: `η ≥ 0`; defaults to 1.0.
    ///   - rho: `ρ ∈ [0, 1)`; defaults to 0.95.
    ///   - epsilon: `ε > 0`; defaults to 1e-7.
    /// - Throws: ``OptimizerError/invalidHyperparameter(optimizer:name:value:expected:)`` for a
    ///   value outside its range or not finite.
    public init(learningRate: Float = 1.0, rho: Float = 0.95, epsilon: Float = 1e-7) throws {
        try validate(learningRate, "learningRate", of: "Adadelta", expected: "finite and ≥ 0") { $0 >= 0 }
        try validate(rho, "rho", of: "Adadelta", expected: "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try validate(epsilon, "epsilon", of: "Adadelta", expected: "finite and > 0") { $0 > 0 }
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
    }

    /// Applies one update to every parameter.
    /// - Throws: ``OptimizerError`` for an invalid learning rate or a gradient of the wrong shape.
    public func step(_ parameters: [Parameter]) throws {
        try beginStep()
        try update(parameters, zeroingGradients: false)
    }

    /// Applies one update, then zeroes every gradient lazily (``Parameter/zeroGradientLazily()``).
    /// - Throws: ``OptimizerError`` for an invalid learning rate or a gradient of the wrong shape.
    public func stepZeroingGradients(_ parameters: [Parameter]) throws {
        try beginStep()
        try update(parameters, zeroingGradients: true)
    }

    /// Validates the learning rate.
    /// - Throws: ``OptimizerError/invalidHyperparameter(optimizer:name:value:expected:)``.
    public func beginStep() throws {
        try validate(learningRate, "learningRate", of: "Adadelta", expected: "finite and ≥ 0") { $0 >= 0 }
    }

    /// `true`: ``beginStep()`` and ``update(_:zeroingGradients:)`` are implemented.
    public var updatesInGroups: Bool { true }

    /// Updates one group of parameters as part of the step begun by ``beginStep()``.
    /// - Throws: ``OptimizerError`` for a gradient of the wrong shape.
    public func update(_ parameters: [Parameter], zeroingGradients zeroing: Bool) throws {
        let lr = learningRate, rho = self.rho, eps = epsilon
        for parameter in parameters {
            try updateElementwise(parameter, slots: accumulators.slots(for: parameter), zeroing: zeroing) { p, g, s, range in
                // a ← ρa + (1−ρ)g², u ← g·√(d+ε)/√(a+ε), θ ← θ − ηu, d ← ρd + (1−ρ)u², in
                // packed square roots and divisions (COptimizerKernels; Swift's stay scalar).
                let i = range.lowerBound
                ok_adadelta_update(p + i, g + i, s[0] + i, s[1] + i, range.count, lr, rho, eps)
            }
        }
    }
}
