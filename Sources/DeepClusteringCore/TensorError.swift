/// An error raised when tensors handed to the library do not fit the operation asked of them.
///
/// Every case carries the operation's name and what was expected versus found, so the message
/// says where the mismatch happened, e.g.
/// `matmul: inner dimensions differ: left is [256, 784], right is [500, 784]`.
public enum TensorError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The shapes of the operands are incompatible.
    case shapeMismatch(operation: String, message: String)
    /// A shape is invalid in itself (a negative dimension, or a size that does not match).
    case invalidShape(operation: String, message: String)
    /// An index lies outside the valid range.
    case indexOutOfRange(operation: String, index: Int, bound: Int)
    /// An argument value is outside its valid domain.
    case invalidArgument(operation: String, message: String)

    /// A one-line human-readable explanation.
    public var description: String {
        switch self {
        case let .shapeMismatch(operation, message):
            return "\(operation): \(message)"
        case let .invalidShape(operation, message):
            return "\(operation): invalid shape: \(message)"
        case let .indexOutOfRange(operation, index, bound):
            return "\(operation): index \(index) is out of range 0..<\(bound)"
        case let .invalidArgument(operation, message):
            return "\(operation): \(message)"
        }
    }
}
