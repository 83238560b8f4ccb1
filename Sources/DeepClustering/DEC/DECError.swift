/// Errors raised by ``DECTrainer``.
public enum DECError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    /// The data handed to the trainer does not fit (shape, sample count, labels).
    case invalidInput(String)
    /// The loss became NaN or infinite; training stopped before applying that batch's update,
    /// so the model keeps its last good parameters.
    case diverged(iteration: Int, loss: Float)
    /// A checkpoint does not match the model it is loaded into.
    case checkpointMismatch(path: String, message: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .invalidConfiguration(m): return "DEC configuration: \(m)"
        case let .invalidInput(m): return "DEC input: \(m)"
        case let .diverged(iteration, loss):
            return "DEC training diverged at iteration \(iteration): loss is \(loss); the model keeps the parameters from before that batch"
        case let .checkpointMismatch(path, m): return "\(path): \(m)"
        }
    }
}
