/// An optimizer and its hyperparameters as a value, so that a ``DECRecipe`` can say which
/// optimizer each phase uses and make a fresh one for every run.
public enum OptimizerChoice: Sendable, Hashable, Codable, CustomStringConvertible {
    /// ``SGD`` with momentum (`nesterov` off).
    case sgd(learningRate: Float, momentum: Float)
    /// ``Adam`` with Keras's β₁ 0.9, β₂ 0.999 and ε 1e-7.
    case adam(learningRate: Float)
    /// ``Adadelta`` with Keras's ρ 0.95 and ε 1e-7.
    case adadelta(learningRate: Float)

    /// A new optimizer with these settings and no state.
    /// - Throws: The optimizer's error for an invalid hyperparameter.
    public func makeOptimizer() throws -> any Optimizer {
        switch self {
        case let .sgd(lr, momentum): return try SGD(learningRate: lr, momentum: momentum)
        case let .adam(lr): return try Adam(learningRate: lr)
        case let .adadelta(lr): return try Adadelta(learningRate: lr)
        }
    }

    /// The same optimizer with another learning rate.
    public func withLearningRate(_ learningRate: Float) -> OptimizerChoice {
        switch self {
        case let .sgd(_, momentum): return .sgd(learningRate: learningRate, momentum: momentum)
        case .adam: return .adam(learningRate: learningRate)
        case .adadelta: return .adadelta(learningRate: learningRate)
        }
    }

    /// For example `SGD(lr 0.01, momentum 0.9)` or `Adam(lr 0.001)`.
    public var description: String {
        switch self {
        case let .sgd(lr, m): return "SGD(lr \(lr), momentum \(m))"
        case let .adam(lr): return "Adam(lr \(lr))"
        case let .adadelta(lr): return "Adadelta(lr \(lr))"
        }
    }
}
