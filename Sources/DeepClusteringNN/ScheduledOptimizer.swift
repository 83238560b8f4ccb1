/// An optimizer whose learning rate follows a ``LearningRateSchedule``: before each step it sets
/// the wrapped optimizer's ``Optimizer/learningRate`` to the schedule's value for the number of
/// steps taken so far, then steps it.
///
/// It can be passed to any training loop that takes an optimizer, such as
/// ``Layer/fit(_:targets:epochs:batchSize:optimizer:shuffleSeed:augmentation:precision:progress:)``:
///
/// ```swift
/// let optimizer = try ScheduledOptimizer(
///     SGD(momentum: 0.9), schedule: .stepDecay(initial: 0.1, factor: 0.1, interval: 20_000))
/// ```
public final class ScheduledOptimizer: Optimizer {
    /// The optimizer that does the updates (and keeps the state, e.g. momentum).
    public let base: any Optimizer
    /// The schedule.
    public let schedule: LearningRateSchedule
    /// The number of steps taken so far.
    public private(set) var stepCount = 0

    /// Wraps `base`.
    /// - Parameters:
    ///   - base: The optimizer to drive; its own learning rate is overwritten at every step.
    ///   - schedule: The learning rate per step.
    /// - Throws: ``OptimizerError/invalidHyperparameter(optimizer:name:value:expected:)`` for an
    ///   invalid schedule.
    public init(_ base: any Optimizer, schedule: LearningRateSchedule) throws {
        try schedule.validate()
        self.base = base
        self.schedule = schedule
        base.learningRate = schedule.learningRate(afterSteps: 0)
    }

    /// The wrapped optimizer's current rate. The schedule sets it before every step, so a value
    /// set here is overwritten (the protocol requires the setter).
    public var learningRate: Float {
        get { base.learningRate }
        set { base.learningRate = newValue }
    }

    /// Sets the scheduled rate and applies one update.
    /// - Throws: What the wrapped optimizer throws.
    public func step(_ parameters: [Parameter]) throws {
        try advance { try base.step(parameters) }
    }

    /// Sets the scheduled rate, applies one update and zeroes the gradients (through the wrapped
    /// optimizer's own fused version).
    /// - Throws: What the wrapped optimizer throws.
    public func stepZeroingGradients(_ parameters: [Parameter]) throws {
        try advance { try base.stepZeroingGradients(parameters) }
    }

    /// Sets the scheduled learning rate and begins the base optimizer's step.
    /// - Throws: The base optimizer's errors.
    public func beginStep() throws {
        try advance { try base.beginStep() }
    }

    /// Whether the base optimizer updates in groups.
    public var updatesInGroups: Bool { base.updatesInGroups }

    /// Updates one group through the base optimizer, within the step begun by ``beginStep()``.
    /// - Throws: The base optimizer's errors.
    public func update(_ parameters: [Parameter], zeroingGradients: Bool) throws {
        try base.update(parameters, zeroingGradients: zeroingGradients)
    }

    private func advance(_ update: () throws -> Void) throws {
        base.learningRate = schedule.learningRate(afterSteps: stepCount)
        try update()
        stepCount += 1
    }
}
