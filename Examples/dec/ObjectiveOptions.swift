import ArgumentParser
import DeepClustering

/// The `dec` options that add clustering losses to DEC's or IDEC's objective.
struct ObjectiveOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Weight of the cluster-balance regulariser KL(G‖U) (0 = off).",
        discussion: "G is the batch's mean soft assignment, U the --balance-prior; keeps clusters from merging or emptying on unbalanced data."))
    var balanceWeight: Float = 0

    @Option(help: "Cluster-size prior of the balance term: uniform, zipf:S (U_j ∝ 1/j^S) or proportions:a,b,… (matched to clusters by size rank).")
    var balancePrior: String = "uniform"

    @Option(help: "Weight of DCN's k-means loss on the embedding (hard assignments; trains centres by gradient; 0 = off).")
    var kmeansLossWeight: Float = 0

    @Option(help: "Weight of the locality-preserving loss over input-space nearest neighbours (0 = off).")
    var localityWeight: Float = 0

    @Option(help: "Neighbours per sample for --locality-weight (the kNN graph is computed once on the input data).")
    var localityNeighbors: Int = 5

    func validate() throws {
        for (name, w) in [("--balance-weight", balanceWeight), ("--kmeans-loss-weight", kmeansLossWeight), ("--locality-weight", localityWeight)] {
            guard w >= 0 && w.isFinite else { throw ValidationError("\(name) must be finite and ≥ 0, found \(w)") }
        }
        guard localityNeighbors >= 1 else { throw ValidationError("--locality-neighbors must be at least 1, found \(localityNeighbors)") }
        do { _ = try ClusterPrior(parsing: balancePrior) } catch { throw ValidationError("--balance-prior: \(error)") }
    }

    /// `base` with the terms these options switch on, or `nil` when they switch on none (the
    /// configuration then keeps its mode's objective).
    func objective(extending base: ClusteringObjective) throws -> ClusteringObjective? {
        var objective = base
        if balanceWeight > 0 {
            objective = objective.adding(.clusterBalance(prior: try ClusterPrior(parsing: balancePrior)), weight: .constant(balanceWeight))
        }
        if kmeansLossWeight > 0 { objective = objective.adding(.kMeans, weight: .constant(kmeansLossWeight)) }
        if localityWeight > 0 {
            objective = objective.adding(.localityPreservation(neighborCount: localityNeighbors), weight: .constant(localityWeight))
        }
        return objective == base ? nil : objective
    }
}
