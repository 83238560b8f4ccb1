import DeepClustering

/// `clusters` Gaussian blobs (unit spread) around centres drawn uniformly in `±range` in
/// `dimension` dimensions, rows interleaved across blobs, with the true blob of each row.
func generatedBlobs(
    clusters: Int, perCluster: Int, dimension: Int, range: Float = 20, seed: UInt64
) throws -> (points: Tensor, labels: [Int]) {
    var rng = SeededGenerator(seed: seed)
    let centers = (0..<clusters).map { _ in (0..<dimension).map { _ in Float.random(in: -range...range, using: &rng) } }
    var rows: [[Float]] = []
    var labels: [Int] = []
    for i in 0..<(clusters * perCluster) {
        let c = i % clusters
        rows.append(centers[c].map { $0 + rng.nextStandardNormal() })
        labels.append(c)
    }
    return (try Tensor(rows: rows), labels)
}
