import DeepClustering
import Testing

/// `chooseClusterCount(onMapOf:…)`: k-means and the silhouette on a t-SNE map of a sample.
@Suite(.timeLimit(.minutes(2))) struct MapClusterCountTests {
    /// Five groups of 80 points in 6-D, uniform in unit discs of the first two axes (small noise
    /// on the others): two discs side by side, 0.8 apart at their closest, and three more 40 away.
    /// Seen from the far groups the close pair is one group, and the Euclidean silhouette
    /// scores merging it (k = 4) above splitting it (k = 5) — MNIST's 4 and 9 in miniature.
    /// t-SNE keeps neighbourhoods, not distances, so the pair's gap, which no neighbourhood
    /// crosses, becomes a gap like the others on the map.
    static func closePairAndFarGroups(seed: UInt64) throws -> Tensor {
        var rng = SeededGenerator(seed: seed)
        let centres: [(Float, Float)] = [(0, 0), (2.8, 0), (40, 0), (0, 40), (40, 40)]
        var values: [Float] = []
        for (cx, cy) in centres {
            var made = 0
            while made < 80 {
                let u = 2 * rng.nextUnitFloat() - 1, v = 2 * rng.nextUnitFloat() - 1
                guard u * u + v * v <= 1 else { continue }
                values += [cx + u, cy + v]
                for _ in 0..<4 { values.append(0.02 * (rng.nextUnitFloat() - 0.5)) }
                made += 1
            }
        }
        return try Tensor(shape: [400, 6], scalars: values)
    }

    @Test func separatesAClosePairThatTheEmbeddingSearchMerges() throws {
        let x = try Self.closePairAndFarGroups(seed: 5)
        let onEmbedding = try chooseClusterCount(for: x, in: 2...8, kmeansInitializationCount: 3, silhouetteSampleSize: nil, seed: 1)
        #expect(onEmbedding.clusterCount == 4,
                "embedding scores: \(onEmbedding.candidates.map { ($0.clusterCount, $0.silhouette) })")
        var seen: [Int] = []
        let onMap = try chooseClusterCount(onMapOf: x, in: 2...8, kmeansInitializationCount: 3, seed: 1) { seen.append($0.clusterCount) }
        #expect(onMap.clusterCount == 5, "map scores: \(onMap.selection.candidates.map { ($0.clusterCount, $0.silhouette) })")
        #expect(seen == Array(2...8))
        #expect(onMap.map.shape == [400, 2])
        #expect(onMap.sampleRows == Array(0..<400))
        #expect(onMap.mapSeconds > 0)
    }

    @Test func mapsASeededSampleOfLargeInputs() throws {
        let (x, _) = try generatedBlobs(clusters: 4, perCluster: 100, dimension: 5, seed: 3)
        // 600 iterations, not fewer: after the 250 exaggerated ones, 50 more left the map of some
        // seeds' blobs in pieces (k = 5 or 6 chosen), and which seeds depended on the BLAS kernels'
        // rounding; with 600 every one of data seeds 3…6 × t-SNE seeds 2, 3 gave 4 with OpenBLAS's
        // Haswell and Prescott kernels alike (and this case with SkylakeX's).
        let tsne = try TSNE(perplexity: 20, iterations: 600, seed: 2)
        let a = try chooseClusterCount(onMapOf: x, in: 2...6, sampleSize: 150, tsne: tsne, kmeansInitializationCount: 2, seed: 9)
        let b = try chooseClusterCount(onMapOf: x, in: 2...6, sampleSize: 150, tsne: tsne, kmeansInitializationCount: 2, seed: 9)
        #expect(a.map.shape == [150, 2])
        #expect(Set(a.sampleRows).count == 150 && a.sampleRows.allSatisfy { (0..<400).contains($0) })
        #expect(a.sampleRows == b.sampleRows && a.map == b.map)
        #expect(a.selection.candidates.map(\.silhouette) == b.selection.candidates.map(\.silhouette))
        #expect(a.clusterCount == 4, "scores: \(a.selection.candidates.map { ($0.clusterCount, $0.silhouette) })")
    }

    @Test func rejectsBadSettings() throws {
        let (x, _) = try generatedBlobs(clusters: 3, perCluster: 10, dimension: 2, seed: 4)  // 30 rows
        let tsne = try TSNE(perplexity: 5, iterations: 50)
        #expect(throws: ClusteringError.self) { try chooseClusterCount(onMapOf: x, in: 1...4, tsne: tsne) }
        #expect(throws: ClusteringError.self) { try chooseClusterCount(onMapOf: x, in: 2...4, sampleSize: 2, tsne: tsne) }
        #expect(throws: ClusteringError.self) { try chooseClusterCount(onMapOf: x, in: 2...12, sampleSize: 12, tsne: tsne) }
        #expect(throws: ClusteringError.self) { try chooseClusterCount(onMapOf: x, in: 2...30, tsne: tsne) }
        #expect(throws: ClusteringError.self) { try chooseClusterCount(onMapOf: x, in: 2...4, tsne: tsne, kmeansInitializationCount: 0) }
        // The default perplexity (30) needs more than 30 mapped rows.
        #expect(throws: ClusteringError.self) { try chooseClusterCount(onMapOf: x, in: 2...4) }
        #expect(try chooseClusterCount(onMapOf: x, in: 2...4, tsne: tsne).selection.candidates.count == 3)
    }
}
