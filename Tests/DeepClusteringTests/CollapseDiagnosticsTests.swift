import DeepClustering
import Testing

/// Every update records the cluster sizes; a cluster under 10% of its fair share N/k (or empty)
/// is named in a one-line warning.
@Suite struct CollapseDiagnosticsTests {
    /// Two blobs of 30 points and a far pair of 2: with k = 3 the pair is a cluster of its own,
    /// 2 samples where the fair share is 62/3 ≈ 20.7.
    static func blobsAndAFarPair() throws -> Tensor {
        var rng = SeededGenerator(seed: 21)
        var rows: [[Float]] = []
        for i in 0..<60 {
            let centre: Float = i % 2 == 0 ? 0 : 6
            rows.append((0..<3).map { _ in centre + rng.nextStandardNormal() })
        }
        rows += [[60, -60, 60], [61, -61, 60]]
        return try Tensor(rows: rows)
    }

    @Test func aClusterUnderATenthOfItsFairShareIsNamed() throws {
        let x = try Self.blobsAndAFarPair()
        let run = try DeepClusteringModel.fit(x, clusterCount: 3, recipe: ModelFileTests.shortRecipe(.dense), seed: 2)
        let history = run.result.history
        #expect(!history.isEmpty)
        for update in history {
            #expect(update.clusterSizes.count == 3)
            #expect(update.clusterSizes.reduce(0, +) == 62)
        }
        let first = history[0]
        #expect(first.clusterSizes.sorted() == [2, 30, 30])
        #expect(first.smallestClusterSize == 2 && first.largestClusterSize == 30 && first.clustersUsed == 3)
        let pair = try #require(first.clusterSizes.firstIndex(of: 2))
        #expect(first.sparseClusters() == [pair])
        #expect(first.collapseWarning() == "iter=0: cluster \(pair) holds 2 samples, under 10% of the fair share N/k = 20.7")
        // At 5% of the fair share (about 1 sample), 2 samples are enough.
        #expect(first.sparseClusters(belowFractionOfFairShare: 0.05).isEmpty)
        #expect(first.collapseWarning(belowFractionOfFairShare: 0.05) == nil)
    }

    @Test func emptyClustersAreNamedTogether() throws {
        let x = try generatedBlobs(clusters: 3, perCluster: 10, dimension: 4, seed: 6).points
        let run = try DeepClusteringModel.fit(x, clusterCount: 3, recipe: ModelFileTests.shortRecipe(.dense), seed: 1)
        var update = try #require(run.result.history.last)
        #expect(update.smallestClusterSize >= 1 && update.clusterSizes.reduce(0, +) == 30)
        #expect(update.collapseWarning() == nil)
        update.clusterSizes = [0, 48, 0, 1, 51]
        #expect(update.clustersUsed == 3 && update.smallestClusterSize == 0 && update.largestClusterSize == 51)
        #expect(update.sparseClusters() == [0, 2, 3])
        #expect(update.collapseWarning()
            == "iter=\(update.iteration): clusters 0 (empty), 2 (empty), 3 (1 sample) hold under 10% of the fair share N/k = 20")
        update.clusterSizes = [0, 30, 30]
        #expect(update.collapseWarning() == "iter=\(update.iteration): cluster 0 is empty, under 10% of the fair share N/k = 20")
    }
}
