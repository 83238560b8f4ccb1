/// One loss that a ``ClusteringObjective`` can weight; each is a function with its value and
/// gradient in this module or `DeepClusteringNN`.
public enum ClusteringLossTerm: Sendable, Equatable, Codable {
    /// DEC's `KL(P‖Q)` between the target distribution and the soft assignments
    /// (`klDivergence(target:predicted:weight:gradientInto:)`, Keras `kld` semantics).
    case targetDivergence
    /// The autoencoder's reconstruction MSE, which trains the decoder too (IDEC)
    /// (`meanSquaredError(_:_:weight:gradientInto:)`).
    case reconstruction
    /// DCN's k-means loss on the embedding with hard assignments to the cluster centres
    /// (``kMeansLoss(embeddings:centers:weight:embeddingGradientInto:centerGradientInto:)``).
    case kMeans
    /// The cluster-balance regulariser `KL(G‖U)` against a prior cluster-size distribution
    /// (``clusterBalanceDivergence(softAssignments:prior:weight:gradientInto:)``).
    case clusterBalance(prior: ClusterPrior)
    /// The locality-preserving loss over the `neighborCount` nearest input-space neighbours
    /// (``localityPreservingLoss(embeddings:neighbors:weight:gradientInto:)`` with a
    /// ``NeighborGraph``).
    case localityPreservation(neighborCount: Int)

    /// A short name for reports and CSV columns: `kld`, `reconstruction`, `kmeans`, `balance`,
    /// `locality`.
    public var name: String {
        switch self {
        case .targetDivergence: return "kld"
        case .reconstruction: return "reconstruction"
        case .kMeans: return "kmeans"
        case .clusterBalance: return "balance"
        case .localityPreservation: return "locality"
        }
    }

    /// Whether the term is computed from the soft assignments `Q` (its gradient flows through
    /// the clustering layer).
    public var usesSoftAssignments: Bool {
        switch self {
        case .targetDivergence, .clusterBalance: return true
        case .reconstruction, .kMeans, .localityPreservation: return false
        }
    }
}
