import COptimizerKernels
import DeepClusteringCore

/// Stochastic gradient descent with optional (Nesterov) momentum, Keras 2's update rule.
///
/// With learning rate `η`, momentum `μ`, gradient `g` and velocity `v` (initially 0):
/// ```
/// v ← μ·v − η·g
/// θ ← θ + v               (classical momentum, Polyak 1964)
/// θ ← θ + μ·v − η·g       (nesterov: true; Sutskever et al. 2013, "On the importance of
///                          initialization and momentum in deep learning")
/// ```
/// With `μ = 0` this is plain `θ ← θ − η·g` and keeps no state. Defaults are Keras's
/// (`lr = 0.01`, no momentum); the DEC paper pretrains its autoencoder with `lr = 1, μ = 0.9`.
public final class SGD: Optimizer {
    /// The step size `η` (≥ 0).
    public var learningRate: Float
    /// The momentum `μ`, in `[0, 1)`; may be changed between steps (a warm-up), validated at each step.
    public var momentum: Float {
        didSet { if momentum > 0 { tracksVelocity = true } }
    }
    /// Whether velocities are kept: from the first time the momentum is positive (at creation or
    /// later), so a warm-up that starts at μ = 0 still records step 0's velocity `−η·g`.
    private var tracksVelocity = false
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    private var velocities = SlotTable(slotCount: 1)

    /// Creates the optimizer.
    /// - Parameters:
    ///   - learningRate: `η ≥ 0`; defaults to 0.01 (Keras).
    ///   - momentum: `μ ∈ [0, 1)`; defaults to 0.
    ///   - nesterov: Whether to use Nesterov momentum; defaults to `false`.
    /// - Throws: ``OptimizerError/invalidHyperparameter(optimizer:name:value:expected:)`` for a
    ///   value outside its range or not finite.
    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) throws {
        try validate(learningRate, "learningRate", of: "SGD", expected: "finite and ≥ 0") { $0 >= 0 }
        try validate(momentum, "momentum", of: "SGD", expected: "in [0, 1)") { $0 >= 0 && $0 < 1 }
        self.learningRate = learningRate
        self.momentum = momentum
        tracksVelocity = momentum > 0
        self.nesterov = nesterov
    }

    /// Applies one update to every parameter.
    /// - Throws: ``OptimizerError`` for an invalid learning rate or momentum, or a gradient of the wrong shape.
    public func step(_ parameters: [Parameter]) throws {
        try beginStep()
        try update(parameters, zeroingGradients: false)
    }

    /// Applies one update, then zeroes every gradient lazily (``Parameter/zeroGradientLazily()``).
    /// - Throws: ``OptimizerError`` for an invalid learning rate or momentum, or a gradient of the wrong shape.
    public func stepZeroingGradients(_ parameters: [Parameter]) throws {
        try beginStep()
        try update(parameters, zeroingGradients: true)
    }

    /// Validates the learning rate and the momentum.
    /// - Throws: ``OptimizerError/invalidHyperparameter(optimizer:name:value:expected:)``.
    public func beginStep() throws {
        try validate(learningRate, "learningRate", of: "SGD", expected: "finite and ≥ 0") { $0 >= 0 }
        try validate(momentum, "momentum", of: "SGD", expected: "in [0, 1)") { $0 >= 0 && $0 < 1 }
    }

    /// `true`: ``beginStep()`` and ``update(_:zeroingGradients:)`` are implemented.
    public var updatesInGroups: Bool { true }

    /// Updates one group of parameters as part of the step begun by ``beginStep()``.
    /// - Throws: ``OptimizerError`` for a gradient of the wrong shape.
    public func update(_ parameters: [Parameter], zeroingGradients zeroing: Bool) throws {
        let lr = learningRate, mu = momentum, nesterov = self.nesterov
        for parameter in parameters {
            // In packed AVX lanes (COptimizerKernels): Swift keeps these loops scalar because
            // it cannot prove the pointers distinct. Same values, operation for operation.
            if !tracksVelocity {
                try updateElementwise(parameter, slots: nil, zeroing: zeroing) { p, g, _, range in
                    let i = range.lowerBound
                    ok_sgd_update(p + i, g + i, range.count, lr)
                }
                continue
            }
            try updateElementwise(parameter, slots: velocities.slots(for: parameter), zeroing: zeroing) { p, g, s, range in
                let i = range.lowerBound
                ok_sgd_momentum_update(p + i, g + i, s[0] + i, range.count, lr, mu, nesterov ? 1 : 0)
            }
        }
    }
}
