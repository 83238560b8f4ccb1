import Dispatch

/// The outcome of choosing the number of clusters on a t-SNE map of the embedding: the
/// selection, and the map it was made on.
public struct MapClusterCountSelection: Sendable {
    /// Every candidate's silhouette on the map, and the chosen `k`.
    public var selection: ClusterCountSelection
    /// The two-dimensional t-SNE map of the sampled rows, shape `[m, 2]`, in the order of
    /// ``sampleRows``.
    public var map: Tensor
    /// The rows of the embedding that were mapped (all rows, in order, when the embedding had no
    /// more than the sample size).
    public var sampleRows: [Int]
    /// Wall-clock seconds of the t-SNE fit.
    public var mapSeconds: Double

    /// The chosen number of clusters, `selection.clusterCount`.
    public var clusterCount: Int { selection.clusterCount }

    /// Creates a record of a map search.
    public init(selection: ClusterCountSelection, map: Tensor, sampleRows: [Int], mapSeconds: Double) {
        self.selection = selection
        self.map = map
        self.sampleRows = sampleRows
        self.mapSeconds = mapSeconds
    }
}

/// Chooses the number of clusters in `range` that maximises the mean silhouette of k-means on a
/// two-dimensional t-SNE map of (a sample of) `embedding`.
///
/// Clustering the embedding's local manifold rather than the embedding itself is the idea of
/// N2D (McConville et al., 2020): an autoencoder's embedding keeps classes apart along curved,
/// uneven sheets that k-means and the Euclidean silhouette read as fewer, merged groups (on
/// MNIST, 4 and 9 most often), while a neighbour-preserving map lays each sheet out as one
/// compact island. Here t-SNE (``TSNE``, exact gradient) maps a seeded sample of
/// `sampleSize` rows; then, for every `k` in `range`, k-means (`kmeansInitializationCount`
/// restarts) clusters the map's points and the silhouette scores them, as
/// ``chooseClusterCount(for:in:kmeansInitializationCount:silhouetteSampleSize:seed:progress:)``
/// does on the embedding. The map costs `O(m²)` per t-SNE iteration: about 10 s for 5,000
/// points on two cores; the search on the map then takes about 0.1 s per candidate.
///
/// ```swift
/// let z = try autoencoder.encoder.predict(x, batchSize: 256)
/// let search = try chooseClusterCount(onMapOf: z, in: 2...20)
/// print(search.clusterCount, search.mapSeconds)
/// ```
/// - Parameters:
///   - embedding: The points, shape `[n, d]`, all finite.
///   - range: The candidate cluster counts; `range.lowerBound ≥ 2` and `range.upperBound`
///     below the number of mapped rows.
///   - sampleSize: Rows mapped (seeded sample); default 5,000. The whole embedding when it has
///     no more rows.
///   - tsne: The t-SNE configuration; default `TSNE(seed: seed)` (perplexity 30, 1,000
///     iterations). Its perplexity must be below the number of mapped rows.
///   - kmeansInitializationCount: k-means restarts per `k`; default 10.
///   - seed: Seeds the sample and k-means (and t-SNE when `tsne` is `nil`).
///   - progress: Called after each candidate.
/// - Returns: The candidates' silhouettes on the map, the chosen `k` and the map.
/// - Throws: ``ClusteringError/invalidConfiguration(operation:message:)`` for a range starting
///   below 2, a sample size below 3 or a restart count below 1;
///   ``ClusteringError/invalidInput(operation:message:)`` when `embedding` is unusable or has
///   too few rows for the largest `k`; t-SNE's errors for a perplexity too large for the sample.
public func chooseClusterCount(
    onMapOf embedding: Tensor, in range: ClosedRange<Int>, sampleSize: Int = 5_000, tsne: TSNE? = nil,
    kmeansInitializationCount: Int = 10, seed: UInt64 = 0,
    progress: ((ClusterCountCandidate) -> Void)? = nil
) throws -> MapClusterCountSelection {
    let operation = "chooseClusterCount(onMapOf:in:sampleSize:tsne:kmeansInitializationCount:seed:progress:)"
    let n = embedding.shape.first ?? 0
    let m = try validateClusterCountSearch(
        embedding, range: range, sampleSize: sampleSize, sampleName: "sampleSize", sampleDescription: "the sample",
        kmeansInitializationCount: kmeansInitializationCount, operation: operation)
    let rows = m < n ? sampleIndices(count: n, sampleSize: m, seed: seed) : Array(0..<n)
    let sample = m < n ? try embedding.rows(at: rows) : embedding
    let start = DispatchTime.now().uptimeNanoseconds
    let map = try (tsne ?? TSNE(seed: seed)).fit(sample).embedding
    let mapSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    let selection = try chooseClusterCount(
        for: map, in: range, kmeansInitializationCount: kmeansInitializationCount, silhouetteSampleSize: nil,
        seed: seed, progress: progress)
    return MapClusterCountSelection(selection: selection, map: map, sampleRows: rows, mapSeconds: mapSeconds)
}
