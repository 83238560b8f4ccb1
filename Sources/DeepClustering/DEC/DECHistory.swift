/// One evaluation of the clustering phase, taken every ``DECConfiguration/updateInterval``
/// iterations when the target distribution is recomputed (one row of `history.csv`).
public struct DECUpdate: Sendable, Equatable, Codable {
    /// The number of training iterations (batches) done before this evaluation.
    public var iteration: Int
    /// The mean training loss over the batches since the previous update (`nan` at iteration 0).
    public var loss: Float
    /// The mean KL(P‖Q) term over the same batches (unweighted; over those where its weight was
    /// nonzero, `nan` if there were none).
    public var clusteringLoss: Float
    /// The mean reconstruction MSE over the same batches (IDEC only; `nan` for DEC, and over
    /// those where its weight was nonzero, as for ``clusteringLoss``).
    public var reconstructionLoss: Float
    /// Every term of the objective: its mean unweighted value over those of the same batches in
    /// which its weight was nonzero (`nan` if it was 0 throughout: a term weighted 0 is not
    /// evaluated) and its weight at the last of them, in the objective's order (empty at
    /// iteration 0).
    public var termLosses: [DECTermLoss] = []
    /// The fraction of samples whose cluster changed since the previous evaluation.
    public var deltaLabel: Double
    /// Clustering accuracy against the labels, when labels were given.
    public var accuracy: Double?
    /// Normalized mutual information, when labels were given.
    public var nmi: Double?
    /// Adjusted Rand index, when labels were given.
    public var ari: Double?
    /// The number of samples assigned to each cluster (by cluster index; `k` values summing to N).
    public var clusterSizes: [Int] = []

    /// The size of the smallest cluster (0 when a cluster is empty).
    public var smallestClusterSize: Int { clusterSizes.min() ?? 0 }

    /// The size of the largest cluster.
    public var largestClusterSize: Int { clusterSizes.max() ?? 0 }

    /// The number of clusters holding at least one sample.
    public var clustersUsed: Int { clusterSizes.count { $0 > 0 } }
}

/// One term of the objective in a ``DECUpdate``.
public struct DECTermLoss: Sendable, Equatable, Codable {
    /// The term's ``ClusteringLossTerm/name`` (`kld`, `reconstruction`, `kmeans`, `balance`,
    /// `locality`).
    public var name: String
    /// Its mean unweighted value over the batches since the previous update in which its weight
    /// was nonzero; `nan` when it was weighted 0 (and so not evaluated) in all of them.
    public var loss: Float
    /// Its weight at the last of those batches.
    public var weight: Float

    /// Creates a record of one term.
    /// - Parameters:
    ///   - name: The term's name.
    ///   - loss: Its mean unweighted value.
    ///   - weight: Its latest weight.
    public init(name: String, loss: Float, weight: Float) {
        self.name = name
        self.loss = loss
        self.weight = weight
    }
}

/// What ``DECTrainer/fit(_:labels:optimizer:pretrainedEmbedding:progress:)`` returns.
public struct DECResult: Sendable {
    /// The cluster of every sample after training.
    public var assignments: [Int]
    /// The k-means initialisation on the pretrained embedding.
    public var initialization: KMeansResult
    /// ACC/NMI/ARI of the k-means initialisation (when labels were given).
    public var initialMetrics: ClusteringScores?
    /// One entry per update of the target distribution, the last one describing the final model.
    public var history: [DECUpdate]
    /// The training iterations run.
    public var iterations: Int
    /// Whether training stopped because fewer than `tolerance` of the labels changed (rather
    /// than reaching `maxIterations`).
    public var converged: Bool
    /// The scores of the final assignments (when labels were given).
    public var finalMetrics: ClusteringScores? {
        guard let last = history.last, let a = last.accuracy, let n = last.nmi, let r = last.ari else { return nil }
        return ClusteringScores(accuracy: a, nmi: n, ari: r)
    }
}

/// Clustering accuracy, NMI and ARI of one set of assignments against the labels.
public struct ClusteringScores: Sendable, Equatable, Codable {
    /// Best one-to-one matching accuracy.
    public var accuracy: Double
    /// Normalized mutual information (arithmetic mean).
    public var nmi: Double
    /// Adjusted Rand index.
    public var ari: Double

    /// Creates scores from their three values.
    public init(accuracy: Double, nmi: Double, ari: Double) {
        self.accuracy = accuracy
        self.nmi = nmi
        self.ari = ari
    }

    /// Scores `predictions` against `labels`.
    /// - Throws: ``ClusteringError`` for mismatched or negative labels.
    public init(labels: [Int], predictions: [Int]) throws {
        self.init(
            accuracy: try clusteringAccuracy(labels: labels, predictions: predictions),
            nmi: try normalizedMutualInformation(labels: labels, predictions: predictions),
            ari: try adjustedRandIndex(labels: labels, predictions: predictions))
    }
}

/// Progress reported while ``DECTrainer`` runs.
public enum DECEvent: Sendable {
    /// The pretrained embedding was computed and k-means initialised the centres.
    case initialized(KMeansResult, ClusteringScores?)
    /// One training batch finished.
    case batchEnded(iteration: Int, maxIterations: Int, loss: Float)
    /// The target distribution was recomputed and the model evaluated.
    case updated(DECUpdate)
}
