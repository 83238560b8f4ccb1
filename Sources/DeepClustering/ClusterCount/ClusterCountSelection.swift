import Dispatch

/// The outcome of choosing the number of clusters by silhouette: every candidate's score and
/// the chosen `k`.
public struct ClusterCountSelection: Sendable, Equatable {
    /// Every candidate tried, in increasing `k`.
    public var candidates: [ClusterCountCandidate]

    /// Creates a selection from its candidates.
    /// - Parameter candidates: At least one candidate (an empty list is a programmer error).
    public init(candidates: [ClusterCountCandidate]) {
        precondition(!candidates.isEmpty, "ClusterCountSelection needs at least one candidate")
        self.candidates = candidates
    }

    /// The candidate with the highest silhouette (the smallest `k` among equal scores).
    public var best: ClusterCountCandidate {
        candidates.reduce(candidates[0]) { $1.silhouette > $0.silhouette ? $1 : $0 }
    }

    /// The chosen number of clusters, `best.clusterCount`.
    public var clusterCount: Int { best.clusterCount }
}

/// Chooses the number of clusters in `range` that maximises the mean silhouette of k-means on
/// `embedding`, the usual way to pick `k` for DEC when it is unknown.
///
/// For every `k` in `range`, k-means (``KMeans``, `kmeansInitializationCount` restarts, seeded)
/// clusters all rows; the silhouette is then measured on one seeded subset of
/// `silhouetteSampleSize` rows, the same subset for every `k`, so the scores are comparable.
/// The silhouette favours well-separated clusters; it cannot score `k = 1`.
///
/// ```swift
/// let z = try autoencoder.encoder.predict(x, batchSize: 256)
/// let selection = try chooseClusterCount(for: z, in: 5...15) { c in print(c.clusterCount, c.silhouette) }
/// print(selection.clusterCount)
/// ```
/// - Parameters:
///   - embedding: The points to cluster, shape `[n, d]`, all finite.
///   - range: The candidate cluster counts; `range.lowerBound ≥ 2` and `range.upperBound < n`
///     (and below the sample size when sampling).
///   - kmeansInitializationCount: k-means restarts per `k` (scikit-learn's `n_init`); default 10.
///   - silhouetteSampleSize: Rows scored by the silhouette; default 10,000 (the score's cost
///     is quadratic in it; a 10,000-row sample estimates it to about ±0.01). `nil` scores all.
///   - seed: Seeds k-means and the subset.
///   - progress: Called after each candidate, for example to print a line per `k`.
/// - Returns: Every candidate and the chosen `k`.
/// - Throws: ``ClusteringError/invalidConfiguration(operation:message:)`` for a range starting
///   below 2, a restart count below 1 or a sample size below 3;
///   ``ClusteringError/invalidInput(operation:message:)`` when `embedding` is unusable or has
///   too few rows (or sampled rows) for the largest `k`.
public func chooseClusterCount(
    for embedding: Tensor, in range: ClosedRange<Int>, kmeansInitializationCount: Int = 10,
    silhouetteSampleSize: Int? = 10_000, seed: UInt64 = 0,
    progress: ((ClusterCountCandidate) -> Void)? = nil
) throws -> ClusterCountSelection {
    let operation = "chooseClusterCount(for:in:kmeansInitializationCount:silhouetteSampleSize:seed:progress:)"
    let n = embedding.shape.first ?? 0
    let scored = try validateClusterCountSearch(
        embedding, range: range, sampleSize: silhouetteSampleSize, sampleName: "silhouetteSampleSize",
        sampleDescription: "the silhouette sample", kmeansInitializationCount: kmeansInitializationCount, operation: operation)
    let rows = scored < n ? sampleIndices(count: n, sampleSize: scored, seed: seed) : Array(0..<n)
    let subset = scored < n ? try embedding.rows(at: rows) : embedding

    var candidates: [ClusterCountCandidate] = []
    for k in range {
        let start = DispatchTime.now().uptimeNanoseconds
        let kmeans = try KMeans(clusterCount: k, initializationCount: kmeansInitializationCount, seed: seed).fit(embedding)
        let fitted = DispatchTime.now().uptimeNanoseconds
        let score = try silhouetteScore(subset, labels: rows.map { kmeans.labels[$0] })
        let scoredAt = DispatchTime.now().uptimeNanoseconds
        let candidate = ClusterCountCandidate(
            clusterCount: k, silhouette: score, inertia: kmeans.inertia,
            kmeansSeconds: Double(fitted - start) * 1e-9, silhouetteSeconds: Double(scoredAt - fitted) * 1e-9)
        candidates.append(candidate)
        progress?(candidate)
    }
    return ClusterCountSelection(candidates: candidates)
}

/// Checks the arguments of a cluster-count search and returns the number of rows it scores:
/// `min(sampleSize ?? n, n)`, which must exceed the largest candidate.
func validateClusterCountSearch(
    _ embedding: Tensor, range: ClosedRange<Int>, sampleSize: Int?, sampleName: String, sampleDescription: String,
    kmeansInitializationCount: Int, operation: String
) throws -> Int {
    guard range.lowerBound >= 2 else {
        throw ClusteringError.invalidConfiguration(
            operation: operation, message: "the silhouette needs at least 2 clusters; the range starts at \(range.lowerBound)")
    }
    guard kmeansInitializationCount >= 1 else {
        throw ClusteringError.invalidConfiguration(
            operation: operation, message: "kmeansInitializationCount must be at least 1, got \(kmeansInitializationCount)")
    }
    if let s = sampleSize, s < 3 {
        throw ClusteringError.invalidConfiguration(operation: operation, message: "\(sampleName) must be at least 3, got \(s)")
    }
    try KMeans.validate(embedding, operation: operation)
    let n = embedding.shape[0]
    let scored = min(sampleSize ?? n, n)
    guard range.upperBound < scored else {
        let what = scored < n ? "\(sampleDescription) of \(scored) rows" : "\(n) samples"
        throw ClusteringError.invalidInput(
            operation: operation, message: "k = \(range.upperBound) needs more than k rows, but there are \(what) (embedding shape \(embedding.shape))")
    }
    return scored
}
