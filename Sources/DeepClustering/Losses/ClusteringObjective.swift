/// The loss the clustering phase minimises: a weighted sum of ``ClusteringLossTerm``s whose
/// weights follow ``LossWeightSchedule``s, `L(t) = Σ_m w_m(t) · L_m`, evaluated per iteration `t`.
///
/// DEC and IDEC are two configurations of it:
///
/// ```swift
/// ClusteringObjective.dec                          // 1 · KL(P‖Q)
/// ClusteringObjective.idec(clusteringWeight: 0.1)  // 0.1 · KL(P‖Q) + 1 · MSE(x̂, x)
/// ClusteringObjective.dec
///     .adding(.clusterBalance(prior: .uniform), weight: .constant(1))     // DEC without collapse
///     .adding(.kMeans, weight: .linearRamp(from: 0, to: 0.1, over: 1000)) // DCN-style pull
/// ```
///
/// A term may appear once. Terms the trainer cannot compute without a decoder
/// (``ClusteringLossTerm/reconstruction``) require one.
public struct ClusteringObjective: Sendable, Equatable, Codable {
    /// One weighted term.
    public struct Term: Sendable, Equatable, Codable {
        /// The loss.
        public var loss: ClusteringLossTerm
        /// Its weight per iteration.
        public var weight: LossWeightSchedule

        /// Creates a weighted term.
        /// - Parameters:
        ///   - loss: The loss.
        ///   - weight: Its weight schedule.
        public init(_ loss: ClusteringLossTerm, weight: LossWeightSchedule) {
            self.loss = loss
            self.weight = weight
        }
    }

    /// The terms, in the order they are reported.
    public var terms: [Term]

    /// Creates an objective from its terms.
    /// - Parameter terms: The weighted terms (each loss at most once; checked by ``validate(clusterCount:)``).
    public init(terms: [Term]) {
        self.terms = terms
    }

    /// DEC: `1 · KL(P‖Q)`.
    public static let dec = ClusteringObjective(terms: [Term(.targetDivergence, weight: .constant(1))])

    /// IDEC: `γ · KL(P‖Q) + 1 · MSE(x̂, x)`.
    /// - Parameter clusteringWeight: γ (IDEC uses 0.1).
    public static func idec(clusteringWeight: Float) -> ClusteringObjective {
        ClusteringObjective(terms: [
            Term(.targetDivergence, weight: .constant(clusteringWeight)),
            Term(.reconstruction, weight: .constant(1)),
        ])
    }

    /// The objective of a ``DECMode``: ``dec`` or ``idec(clusteringWeight:)``.
    /// - Parameter mode: DEC or IDEC.
    public init(mode: DECMode) {
        switch mode {
        case .dec: self = .dec
        case let .idec(gamma): self = .idec(clusteringWeight: gamma)
        }
    }

    /// This objective with one more term (or, if `loss` is already present, with its weight replaced).
    /// - Parameters:
    ///   - loss: The term to add.
    ///   - weight: Its weight schedule.
    /// - Returns: The extended objective.
    public func adding(_ loss: ClusteringLossTerm, weight: LossWeightSchedule) -> ClusteringObjective {
        var copy = self
        if let m = copy.terms.firstIndex(where: { $0.loss.name == loss.name }) {
            copy.terms[m] = Term(loss, weight: weight)
        } else {
            copy.terms.append(Term(loss, weight: weight))
        }
        return copy
    }

    /// The term of a kind (`nil` when absent), found by ``ClusteringLossTerm/name``.
    /// - Parameter name: `kld`, `reconstruction`, `kmeans`, `balance` or `locality`.
    public func term(named name: String) -> Term? {
        terms.first { $0.loss.name == name }
    }

    /// Whether a term with a weight that is not always 0 trains the decoder.
    public var usesReconstruction: Bool {
        terms.contains { $0.loss == .reconstruction && !$0.weight.isAlwaysZero }
    }

    /// The neighbour count of the locality term, when it is present.
    public var localityNeighborCount: Int? {
        for t in terms { if case let .localityPreservation(k) = t.loss { return k } }
        return nil
    }

    /// Checks the terms: at least one, each kind once, schedules valid, a positive neighbour
    /// count, a well-formed prior for `clusterCount` clusters.
    /// - Parameter clusterCount: The number of clusters the priors are checked for.
    /// - Throws: ``DECError/invalidConfiguration(_:)`` naming the first bad value.
    public func validate(clusterCount: Int) throws {
        guard !terms.isEmpty else { throw DECError.invalidConfiguration("the clustering objective has no terms") }
        var seen = Set<String>()
        for t in terms {
            guard seen.insert(t.loss.name).inserted else {
                throw DECError.invalidConfiguration("the clustering objective lists the \(t.loss.name) term twice")
            }
            try t.weight.validate()
            switch t.loss {
            case let .clusterBalance(prior):
                do { _ = try prior.probabilities(clusterCount: clusterCount) } catch {
                    throw DECError.invalidConfiguration("the balance prior \(prior): \(error)")
                }
            case let .localityPreservation(k):
                guard k >= 1 else { throw DECError.invalidConfiguration("the locality term needs at least 1 neighbour, found \(k)") }
            case .targetDivergence, .reconstruction, .kMeans:
                break
            }
        }
    }
}
