import Foundation

/// The mean and sample standard deviation of a measurement over repeated runs (seeds), as
/// papers report `0.972 ± 0.003`.
public struct MeanAndDeviation: Sendable, Equatable, CustomStringConvertible {
    /// The arithmetic mean.
    public var mean: Double
    /// The sample standard deviation `sqrt(Σ(x − mean)² / (n − 1))`; 0 for a single value.
    public var standardDeviation: Double
    /// The number of values.
    public var count: Int

    /// The mean and sample standard deviation of `values`.
    /// - Throws: ``DECError/invalidInput(_:)`` for no values or a value that is not finite.
    public init(_ values: [Double]) throws {
        guard !values.isEmpty, values.allSatisfy(\.isFinite) else {
            throw DECError.invalidInput("a mean and deviation need at least one finite value, found \(values)")
        }
        self.init(validated: values)
    }

    /// The mean and deviation of values known to be finite and at least one.
    init(validated values: [Double]) {
        count = values.count
        mean = values.reduce(0, +) / Double(values.count)
        let m = mean
        standardDeviation = values.count > 1
            ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot() : 0
    }

    /// `mean±deviation` with `digits` decimals, e.g. `0.9720±0.0031`.
    public func formatted(digits: Int = 4) -> String {
        String(format: "%.\(digits)f±%.\(digits)f", mean, standardDeviation)
    }

    /// ``formatted(digits:)`` with four decimals.
    public var description: String { formatted() }
}
