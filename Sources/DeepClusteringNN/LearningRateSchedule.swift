import Foundation

/// A learning rate as a function of the number of optimizer steps taken, applied by
/// ``ScheduledOptimizer``.
///
/// ```swift
/// // The DEC paper: 0.1, divided by 10 every 20,000 iterations (Xie et al. 2016, §4.3).
/// let schedule = LearningRateSchedule.stepDecay(initial: 0.1, factor: 0.1, interval: 20_000)
/// schedule.learningRate(afterSteps: 45_000)   // 0.001
/// ```
public enum LearningRateSchedule: Sendable, Equatable {
    /// The same rate at every step.
    case constant(Float)
    /// Caffe's `step` policy: `initial · factor^⌊t / interval⌋` after `t` steps.
    case stepDecay(initial: Float, factor: Float, interval: Int)

    /// The learning rate for the step that follows `steps` completed steps.
    /// - Parameter steps: The number of steps already taken (≥ 0).
    /// - Returns: The rate to use for the next step.
    public func learningRate(afterSteps steps: Int) -> Float {
        switch self {
        case let .constant(rate):
            return rate
        case let .stepDecay(initial, factor, interval):
            return initial * Float(pow(Double(factor), Double(max(steps, 0) / interval)))
        }
    }

    /// Checks the schedule's values.
    /// - Throws: ``OptimizerError/invalidHyperparameter(optimizer:name:value:expected:)`` for a
    ///   negative or non-finite rate, a factor outside `(0, 1]`, or a non-positive interval.
    public func validate() throws {
        switch self {
        case let .constant(rate):
            try DeepClusteringNN.validate(rate, "learningRate", of: "LearningRateSchedule", expected: "finite and ≥ 0") { $0 >= 0 }
        case let .stepDecay(initial, factor, interval):
            try DeepClusteringNN.validate(initial, "initial", of: "LearningRateSchedule", expected: "finite and ≥ 0") { $0 >= 0 }
            try DeepClusteringNN.validate(factor, "factor", of: "LearningRateSchedule", expected: "in (0, 1]") { $0 > 0 && $0 <= 1 }
            guard interval > 0 else {
                throw OptimizerError.invalidHyperparameter(
                    optimizer: "LearningRateSchedule", name: "interval", value: Float(interval), expected: "> 0")
            }
        }
    }
}
