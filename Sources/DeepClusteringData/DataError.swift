/// An error raised when a data file or checkpoint cannot be read or written.
///
/// Every case names the file (or the operation, for a bad argument) and says what was wrong,
/// with the byte offset and the expected versus found values where they are known, e.g.
/// `train-images-idx3-ubyte.gz: truncated data: dimensions [60000, 28, 28] need 47040000 bytes
/// from offset 16, but only 47039000 remain`.
public enum DataError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file or directory does not exist; `hint` says how to obtain it.
    case notFound(path: String, hint: String)
    /// The operating system refused to read or write the file.
    case ioFailed(path: String, message: String)
    /// The contents do not follow the format (wrong magic, malformed header, corrupt gzip stream,
    /// a non-numeric CSV cell); `offset` is the byte offset of the problem when known.
    case malformed(path: String, offset: Int?, message: String)
    /// The file ends before the bytes its header promises: `what` needs `expectedBytes` bytes
    /// starting at `offset`, but only `availableBytes` remain.
    case truncated(path: String, what: String, offset: Int, expectedBytes: Int, availableBytes: Int)
    /// The file is well formed but uses a feature this library does not read (an element type,
    /// Fortran order, object arrays).
    case unsupported(path: String, message: String)
    /// A header with several problems at once (a safetensors file); every problem is listed.
    case invalidHeader(path: String, problems: [String])
    /// A set of named tensors differs from what was expected; every mismatch is listed.
    case tensorMismatch(path: String, mismatches: [TensorMismatch])
    /// An argument handed to a reader or writer is invalid (a value that does not fit the
    /// requested element type, a delimiter that is not one ASCII character).
    case invalidArgument(operation: String, message: String)

    /// A one-line human-readable explanation naming the file and the problem.
    public var description: String {
        switch self {
        case let .notFound(path, hint):
            return "\(path): not found. \(hint)"
        case let .ioFailed(path, message):
            return "\(path): \(message)"
        case let .malformed(path, offset, message):
            if let offset { return "\(path): at byte \(offset): \(message)" }
            return "\(path): \(message)"
        case let .truncated(path, what, offset, expected, available):
            return "\(path): truncated \(what): needs \(expected) bytes from offset \(offset), "
                + "but only \(available) remain"
        case let .unsupported(path, message):
            return "\(path): unsupported: \(message)"
        case let .invalidHeader(path, problems):
            return "\(path): invalid header (\(problems.count) problem\(problems.count == 1 ? "" : "s")): "
                + problems.joined(separator: "; ")
        case let .tensorMismatch(path, mismatches):
            return "\(path): \(mismatches.count) mismatch\(mismatches.count == 1 ? "" : "es"): "
                + mismatches.map(\.description).joined(separator: "; ")
        case let .invalidArgument(operation, message):
            return "\(operation): \(message)"
        }
    }

    /// The path of the file concerned (or the operation, for ``invalidArgument(operation:message:)``).
    public var path: String {
        switch self {
        case let .notFound(path, _), let .ioFailed(path, _), let .malformed(path, _, _),
             let .truncated(path, _, _, _, _), let .unsupported(path, _), let .invalidHeader(path, _),
             let .tensorMismatch(path, _):
            return path
        case let .invalidArgument(operation, _):
            return operation
        }
    }
}
