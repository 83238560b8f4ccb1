import COptimizerKernels
import DeepClusteringCore
import Foundation

/// Adam, in Keras 2's form (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization").
///
/// With step count `t` (starting at 1, shared by all parameters and incremented once per
/// ``step(_:)``), moments `m`, `v` initially 0:
/// ```
/// η_t ← η · sqrt(1 − β₂ᵗ) / (1 − β₁ᵗ)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// θ ← θ − η_t · m / (sqrt(v) + ε)
/// ```
/// This is the paper's "efficient" ordering, with `ε` added to `sqrt(v)` rather than to the
/// bias-corrected `sqrt(v̂)` — Keras 2's formula, which differs from PyTorch's in how `ε` enters.
/// Defaults are Keras 2's: `η = 0.001`, `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-7`.
public final class Adam: Optimizer {
    /// The step size `η` (≥ 0).
    public var learningRate: Float
    /// The decay rate of the first moment, in `[0, 1)`.
    public let beta1: Float
    /// The decay rate of the second moment, in `[0, 1)`.
    public let beta2: Float
    /// The denominator's offset (> 0).
    public let epsilon: Float
    /// The number of steps taken (`t` after the last step).
    public private(set) var iterations = 0
    private var moments = SlotTable(slotCount: 2)

    /// Creates the optimizer.
    /// - Parameters:
    ///   - learningRate: `η ≥ 0`; defaults to 0.001.
    ///   - beta1: `β₁ ∈ [0, 1)`; defaults to 0.9.
    ///   - beta2: `β₂ ∈ [0, 1)`; defaults to 0.999.
    ///   - epsilon: `ε > 0`; defaults to 1e-7 (Keras's `K.epsilon()`).
    /// - Throws: ``OptimizerError/invalidHyperparameter(optimizer:name:value:expected:)`` for a
    ///   value outside its range or not finite.
    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) throws {
        try validate(learningRate, "learningRate", of: "Adam", expected: "finite and ≥ 0") { $0 >= 0 }
        try validate(beta1, "beta1", of: "Adam", expected: "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try validate(beta2, "beta2", of: "Adam", expected: "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try validate(epsilon, "epsilon", of: "Adam", expected: "finite and > 0") { $0 > 0 }
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Applies one update to every parameter and increments ``iterations``.
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

    /// Validates the learning rate and advances the iteration count t used by the bias correction.
    /// - Throws: ``OptimizerError/invalidHyperparameter(optimizer:name:value:expected:)``.
    public func beginStep() throws {
        try validate(learningRate, "learningRate", of: "Adam", expected: "finite and ≥ 0") { $0 >= 0 }
        iterations += 1
    }

    /// `true`: ``beginStep()`` and ``update(_:zeroingGradients:)`` are implemented.
    public var updatesInGroups: Bool { true }

    /// Updates one group of parameters as part of the step begun by ``beginStep()``.
    /// - Throws: ``OptimizerError`` for a gradient of the wrong shape.
    public func update(_ parameters: [Parameter], zeroingGradients zeroing: Bool) throws {
        guard iterations > 0 else { throw OptimizerError.stepNotBegun(optimizer: "Adam") }
        let t = Double(iterations)
        let lrT = Float(Double(learningRate) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
        let b1 = beta1, b2 = beta2, eps = epsilon
        for parameter in parameters {
            try updateElementwise(parameter, slots: moments.slots(for: parameter), zeroing: zeroing) { p, g, s, range in
                // m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − η̂m/(√v + ε), in packed square
                // roots and divisions (COptimizerKernels; Swift's stay scalar).
                let i = range.lowerBound
                ok_adam_update(p + i, g + i, s[0] + i, s[1] + i, range.count, lrT, b1, b2, eps)
            }
        }
    }
}
