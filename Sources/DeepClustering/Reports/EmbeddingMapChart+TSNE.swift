extension EmbeddingMapChart {
    /// A t-SNE map of (a seeded random sample of) an embedding, ready to render.
    ///
    /// ```swift
    /// let chart = try EmbeddingMapChart.tSNE(of: z, clusters: assignments, labels: labels, title: "DEC")
    /// try chart.svg().write(to: "embedding_final.svg")
    /// ```
    /// - Parameters:
    ///   - embedding: The points, shape `[n, d]`, all finite.
    ///   - clusters: The cluster of each of the `n` points.
    ///   - labels: The true label of each point, or `nil`.
    ///   - sampleSize: At most this many points are mapped (t-SNE is `O(n²)` per iteration);
    ///     default 5,000. Points are drawn without replacement with `tsne.seed`.
    ///   - tsne: The t-SNE configuration; by default perplexity 30, 1000 iterations, seed 0.
    ///     Its perplexity is lowered to `(m − 1) / 3` for a sample of `m` points too small for it.
    ///   - title: The chart title.
    /// - Returns: The chart of the mapped sample.
    /// - Throws: ``ClusteringError`` for unusable input (wrong lengths, fewer than 2 points,
    ///   a `sampleSize` below 2) and the errors of ``TSNE/fit(_:progress:)``.
    public static func tSNE(
        of embedding: Tensor, clusters: [Int], labels: [Int]? = nil, sampleSize: Int = 5_000,
        tsne: TSNE? = nil, title: String = "Embedding map"
    ) throws -> EmbeddingMapChart {
        let operation = "EmbeddingMapChart.tSNE(of:clusters:labels:sampleSize:tsne:title:)"
        try KMeans.validate(embedding, operation: operation)
        let n = embedding.shape[0]
        guard clusters.count == n, labels.map({ $0.count == n }) ?? true else {
            throw ClusteringError.invalidInput(
                operation: operation,
                message: "embedding has \(n) rows but clusters has \(clusters.count) and labels \(labels.map { "\($0.count)" } ?? "none")")
        }
        guard sampleSize >= 2, n >= 2 else {
            throw ClusteringError.invalidInput(
                operation: operation, message: "a map needs at least 2 points, found \(n) rows and sampleSize \(sampleSize)")
        }
        var configuration = try tsne ?? TSNE()
        let rows = sampleIndices(count: n, sampleSize: min(sampleSize, n), seed: configuration.seed).sorted()
        if Double(rows.count - 1) < 3 * configuration.perplexity {
            configuration = try TSNE(
                perplexity: max(Double(rows.count - 1) / 3, 0.5), iterations: configuration.iterations,
                learningRate: configuration.learningRate, earlyExaggeration: configuration.earlyExaggeration,
                exaggerationIterations: configuration.exaggerationIterations, seed: configuration.seed)
        }
        let map = try configuration.fit(try embedding.rows(at: rows)).embedding
        return EmbeddingMapChart(
            points: map, clusters: rows.map { clusters[$0] }, labels: labels.map { l in rows.map { l[$0] } }, title: title)
    }
}
