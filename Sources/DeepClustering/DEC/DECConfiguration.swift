/// Which objective the clustering phase minimises.
public enum DECMode: Sendable, Equatable, Codable {
    /// Deep Embedded Clustering (Xie, Girshick & Farhadi 2016): the encoder and the cluster
    /// centres minimise `KL(P‖Q)` alone; the decoder is discarded.
    case dec
    /// Improved DEC (Guo et al. 2017): the whole autoencoder keeps training on
    /// `clusteringWeight · KL(P‖Q) + MSE(x̂, x)`, which preserves the local structure of the
    /// data. DEC-keras uses `clusteringWeight` γ = 0.1.
    case idec(clusteringWeight: Float)

    /// IDEC with its reference implementation's weight γ = 0.1.
    public static let idecDefault = DECMode.idec(clusteringWeight: 0.1)

    /// The weight of the KL term (1 for DEC).
    public var clusteringWeight: Float {
        switch self {
        case .dec: return 1
        case let .idec(w): return w
        }
    }

    /// Whether the reconstruction loss is part of the objective.
    public var usesReconstruction: Bool {
        if case .idec = self { return true }
        return false
    }
}

/// The settings of the clustering phase; the defaults are DEC-keras's on MNIST.
public struct DECConfiguration: Sendable, Equatable, Codable {
    /// The number of clusters k.
    public var clusterCount: Int
    /// DEC or IDEC; defaults to ``DECMode/dec``.
    public var mode: DECMode = .dec
    /// The degrees of freedom α of the Student's t kernel; 1, as in the paper (it cannot be
    /// cross-validated without labels).
    public var alpha: Float = 1
    /// Samples per training batch; 256.
    public var batchSize: Int = 256
    /// The most training iterations (batches) the phase runs; 8,000.
    public var maxIterations: Int = 8000
    /// The target distribution P is recomputed over the whole dataset every this many
    /// iterations; 140 (DEC-keras's value for MNIST).
    public var updateInterval: Int = 140
    /// Training stops at an update where fewer than this fraction of samples changed cluster
    /// since the previous update; 0.001 (0.1%).
    public var tolerance: Double = 0.001
    /// k-means restarts used to initialise the centres; 20.
    public var kmeansInitializationCount: Int = 20
    /// Seeds k-means and the augmentation (batches are taken in order).
    public var seed: UInt64 = 0
    /// Random shifts and rotations applied to every training batch (DEC-DA, Guo et al. 2018):
    /// the model sees augmented samples while the target P is computed from the clean data.
    /// `nil` (the default, as in DEC) trains on the data as it is.
    public var augmentation: ImageAugmentation? = nil
    /// The loss the clustering phase minimises, when it is more than ``mode`` says (for example
    /// DEC plus the cluster-balance regulariser); `nil` (the default) uses ``mode``'s objective.
    /// When set it replaces ``mode``'s. See ``resolvedObjective``.
    public var objective: ClusteringObjective? = nil

    /// The objective the trainer minimises: ``objective`` when set, otherwise
    /// ``ClusteringObjective/init(mode:)`` (DEC: `1·KL(P‖Q)`; IDEC: `γ·KL(P‖Q) + MSE`).
    public var resolvedObjective: ClusteringObjective {
        objective ?? ClusteringObjective(mode: mode)
    }

    /// Creates a configuration with DEC-keras's defaults for everything but `clusterCount`.
    public init(clusterCount: Int, mode: DECMode = .dec) {
        self.clusterCount = clusterCount
        self.mode = mode
    }

    /// Checks every value, throwing ``DECError/invalidConfiguration(_:)`` naming the first bad one.
    public func validate() throws {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw DECError.invalidConfiguration(message()) }
        }
        try check(clusterCount >= 2, "clusterCount must be at least 2, found \(clusterCount)")
        try check(alpha > 0 && alpha.isFinite, "alpha must be positive, found \(alpha)")
        try check(batchSize > 0, "batchSize must be positive, found \(batchSize)")
        try check(maxIterations >= 0, "maxIterations must be ≥ 0, found \(maxIterations)")
        try check(updateInterval > 0, "updateInterval must be positive, found \(updateInterval)")
        try check(tolerance >= 0 && tolerance.isFinite, "tolerance must be ≥ 0, found \(tolerance)")
        try check(kmeansInitializationCount >= 1,
                  "kmeansInitializationCount must be at least 1, found \(kmeansInitializationCount)")
        if case let .idec(w) = mode {
            try check(w >= 0 && w.isFinite, "the IDEC clustering weight must be finite and ≥ 0, found \(w)")
        }
        try resolvedObjective.validate(clusterCount: clusterCount)
    }
}
