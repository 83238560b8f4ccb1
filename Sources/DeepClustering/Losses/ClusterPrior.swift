import Foundation

/// The cluster-size distribution the balance regulariser pulls the mean soft assignment toward
/// (see ``clusterBalanceDivergence(softAssignments:prior:)``).
///
/// Cluster indices are arbitrary labels, so a non-uniform prior is matched to the clusters by
/// size rank: the largest cluster of a batch is compared with the largest prior mass, and so on.
public enum ClusterPrior: Sendable, Equatable, Codable {
    /// Every cluster the same size, `U_j = 1/K` (the usual choice when nothing is known).
    case uniform
    /// Zipf's law with exponent `s ≥ 0`: `U_j ∝ 1/j^s` for `j = 1…K` (`s = 0` is uniform; real
    /// class sizes are often roughly Zipfian with `s` near 1).
    case zipf(exponent: Float)
    /// Given relative sizes, one positive finite value per cluster, normalised to sum to 1 and
    /// matched by rank (their order does not matter).
    case proportions([Float])

    /// The prior probabilities for `clusterCount` clusters, sorted in decreasing order and
    /// summing to 1.
    /// - Parameter clusterCount: `K ≥ 1`.
    /// - Returns: `K` positive probabilities, largest first.
    /// - Throws: ``ClusteringError/invalidConfiguration(operation:message:)`` for `K < 1`, a
    ///   negative or non-finite Zipf exponent, or proportions of another count or with a value
    ///   that is not positive and finite.
    public func probabilities(clusterCount: Int) throws -> [Float] {
        let operation = "ClusterPrior.probabilities(clusterCount:)"
        guard clusterCount >= 1 else {
            throw ClusteringError.invalidConfiguration(operation: operation, message: "clusterCount must be at least 1, found \(clusterCount)")
        }
        let raw: [Double]
        switch self {
        case .uniform:
            raw = Array(repeating: 1, count: clusterCount)
        case let .zipf(s):
            guard s >= 0, s.isFinite else {
                throw ClusteringError.invalidConfiguration(operation: operation, message: "the Zipf exponent must be finite and ≥ 0, found \(s)")
            }
            raw = (1...clusterCount).map { pow(Double($0), -Double(s)) }
        case let .proportions(values):
            guard values.count == clusterCount else {
                throw ClusteringError.invalidConfiguration(
                    operation: operation, message: "expected \(clusterCount) proportions (one per cluster), found \(values.count)")
            }
            if let bad = values.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
                throw ClusteringError.invalidConfiguration(
                    operation: operation, message: "proportion \(bad) is \(values[bad]); every proportion must be positive and finite")
            }
            raw = values.map(Double.init).sorted(by: >)
        }
        let total = raw.reduce(0, +)
        let probabilities = raw.map { Float($0 / total) }
        guard probabilities.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ClusteringError.invalidConfiguration(
                operation: operation, message: "the prior underflows to zero for \(clusterCount) clusters; use a smaller exponent or fewer clusters")
        }
        return probabilities
    }
}

extension ClusterPrior: CustomStringConvertible {
    /// `uniform`, `zipf:S` or `proportions:a,b,…` (the `dec` command's spelling).
    public var description: String {
        switch self {
        case .uniform: return "uniform"
        case let .zipf(s): return "zipf:\(s)"
        case let .proportions(v): return "proportions:" + v.map { "\($0)" }.joined(separator: ",")
        }
    }

    /// Parses the ``description`` spelling: `uniform`, `zipf:S` or `proportions:a,b,…`.
    /// - Parameter text: The spelling.
    /// - Throws: ``ClusteringError/invalidConfiguration(operation:message:)`` naming what was wrong.
    public init(parsing text: String) throws {
        let operation = "ClusterPrior(parsing:)"
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first?.lowercased(), parts.count) {
        case ("uniform", 1):
            self = .uniform
        case ("zipf", 2):
            guard let s = Float(parts[1]) else {
                throw ClusteringError.invalidConfiguration(operation: operation, message: "zipf:S needs a number S, found \"\(parts[1])\"")
            }
            self = .zipf(exponent: s)
        case ("proportions", 2):
            let fields = parts[1].split(separator: ",")
            let values = fields.compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == fields.count, !values.isEmpty else {
                throw ClusteringError.invalidConfiguration(
                    operation: operation, message: "proportions:a,b,… needs comma-separated numbers, found \"\(parts[1])\"")
            }
            self = .proportions(values)
        default:
            throw ClusteringError.invalidConfiguration(
                operation: operation, message: "expected uniform, zipf:S or proportions:a,b,…, found \"\(text)\"")
        }
    }
}
