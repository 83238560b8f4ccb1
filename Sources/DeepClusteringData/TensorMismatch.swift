/// One difference between a set of named tensors (a checkpoint) and the names and shapes a
/// model expects, as reported by ``SafeTensors/mismatches(comparedWith:)``.
public enum TensorMismatch: Equatable, Hashable, CustomStringConvertible, Sendable {
    /// The model expects a tensor `name` of `expectedShape` that the set does not contain.
    case missing(name: String, expectedShape: [Int])
    /// The set contains a tensor `name` the model does not expect.
    case unexpected(name: String, shape: [Int])
    /// Both have `name`, with different shapes.
    case wrongShape(name: String, expected: [Int], found: [Int])

    /// The tensor name concerned.
    public var name: String {
        switch self {
        case let .missing(name, _), let .unexpected(name, _), let .wrongShape(name, _, _): return name
        }
    }

    /// A short explanation, e.g. `'encoder.0.weight': expected shape [784, 500], found [500, 784]`.
    public var description: String {
        switch self {
        case let .missing(name, shape): return "missing '\(name)' (expected shape \(shape))"
        case let .unexpected(name, shape): return "unexpected '\(name)' (shape \(shape))"
        case let .wrongShape(name, expected, found): return "'\(name)': expected shape \(expected), found \(found)"
        }
    }
}
