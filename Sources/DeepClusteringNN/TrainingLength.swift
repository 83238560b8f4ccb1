/// How long a training stage runs: a number of passes over the data, or a number of optimizer
/// steps (mini-batches), as papers trained with Caffe state it ("50,000 iterations").
public enum TrainingLength: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Passes over the data (each `⌈N / batchSize⌉` steps).
    case epochs(Int)
    /// Optimizer steps; the last epoch may stop part-way.
    case iterations(Int)

    /// The number of optimizer steps.
    /// - Parameter batchesPerEpoch: `⌈N / batchSize⌉` for the data at hand.
    /// - Returns: `epochs · batchesPerEpoch`, or the iteration count.
    /// - Throws: ``TrainingError/invalidArgument(message:)`` for a negative count, or when
    ///   `epochs · batchesPerEpoch` does not fit in an `Int`.
    public func steps(batchesPerEpoch: Int) throws -> Int {
        switch self {
        case let .epochs(n):
            guard n >= 0 else { throw TrainingError.invalidArgument(message: "epochs must be ≥ 0, found \(n)") }
            let (steps, overflow) = n.multipliedReportingOverflow(by: batchesPerEpoch)
            guard !overflow else {
                throw TrainingError.invalidArgument(message: "\(n) epochs of \(batchesPerEpoch) batches are more steps than an Int holds")
            }
            return steps
        case let .iterations(n):
            guard n >= 0 else { throw TrainingError.invalidArgument(message: "iterations must be ≥ 0, found \(n)") }
            return n
        }
    }

    /// `"300 epochs"` or `"50000 iterations"`.
    public var description: String {
        switch self {
        case let .epochs(n): return "\(n) epochs"
        case let .iterations(n): return "\(n) iterations"
        }
    }
}
