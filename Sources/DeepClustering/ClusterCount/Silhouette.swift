import Foundation

// The silhouette coefficient (Rousseeuw 1987) with Euclidean distances, as scikit-learn's
// `silhouette_samples` / `silhouette_score`.
//
// For sample i in cluster A: a(i) = mean distance to the other members of A, b(i) = the
// smallest mean distance to the members of another cluster, s(i) = (b − a) / max(a, b), and
// s(i) = 0 when i is alone in its cluster (or a = b = 0). The distances come in blocks of rows
// from one GEMM each (``SquaredDistanceBlocks``, at most 64 MiB per block); the samples are
// first sorted by cluster so that every per-cluster sum is a contiguous run.

/// The mean silhouette coefficient of a clustering, with Euclidean distances; scikit-learn's
/// `silhouette_score(x, labels, metric="euclidean", sample_size=…)`.
///
/// The score lies in `[−1, 1]`: near 1 when clusters are compact and far apart, near 0 when
/// they overlap. It costs `O(m²·d)` for `m` scored samples, so for large data pass a
/// `sampleSize` (scikit-learn's `sample_size`): the score is then computed on that many rows
/// drawn without replacement, which estimates the full score to about `1/√sampleSize`.
///
/// ```swift
/// let labels = try KMeans(clusterCount: 10).fit(z).labels
/// let score = try silhouetteScore(z, labels: labels, sampleSize: 10_000, seed: 0)
/// ```
/// - Parameters:
///   - x: The samples, shape `[n, d]`, all finite.
///   - labels: The cluster of each sample (`n` values; any integers, only equality matters).
///   - sampleSize: Score a seeded random subset of this many rows; `nil` (the default) or a
///     value `≥ n` scores every row (a subset of size `n` is all of them, so the result is the
///     full score).
///   - seed: Seeds the draw of the subset; unused without sampling.
/// - Returns: The mean of the per-sample silhouettes of the scored rows.
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when `x` is not `[n, d]` with
///   finite values, `labels` has the wrong length, or the scored rows do not hold between 2 and
///   `m − 1` distinct labels (scikit-learn's rule); ``ClusteringError/invalidConfiguration(operation:message:)``
///   for a `sampleSize` below 2.
public func silhouetteScore(_ x: Tensor, labels: [Int], sampleSize: Int? = nil, seed: UInt64 = 0) throws -> Double {
    let operation = "silhouetteScore(_:labels:sampleSize:seed:)"
    try validateSilhouetteInput(x, labels: labels, operation: operation)
    let n = x.shape[0]
    if let sampleSize {
        guard sampleSize >= 2 else {
            throw ClusteringError.invalidConfiguration(
                operation: operation, message: "sampleSize must be at least 2, got \(sampleSize)")
        }
        if sampleSize < n {
            let rows = sampleIndices(count: n, sampleSize: sampleSize, seed: seed)
            let values = try silhouetteValues(x.rows(at: rows), labels: rows.map { labels[$0] }, operation: operation)
            return values.reduce(0, +) / Double(values.count)
        }
    }
    let values = try silhouetteValues(x, labels: labels, operation: operation)
    return values.reduce(0, +) / Double(values.count)
}

/// The silhouette coefficient of every sample, with Euclidean distances; scikit-learn's
/// `silhouette_samples(x, labels)`.
/// - Parameters:
///   - x: The samples, shape `[n, d]`, all finite.
///   - labels: The cluster of each sample (`n` values; only equality matters).
/// - Returns: `n` values in `[−1, 1]`, in the order of the rows; 0 for a sample alone in its
///   cluster.
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` as ``silhouetteScore(_:labels:sampleSize:seed:)``.
public func silhouetteSamples(_ x: Tensor, labels: [Int]) throws -> [Double] {
    let operation = "silhouetteSamples(_:labels:)"
    try validateSilhouetteInput(x, labels: labels, operation: operation)
    return try silhouetteValues(x, labels: labels, operation: operation)
}

/// `sampleSize` distinct indices in `0..<count`, the first `sampleSize` of a seeded random
/// permutation (partial Fisher–Yates), as scikit-learn's `permutation(n)[:sample_size]`.
func sampleIndices(count: Int, sampleSize: Int, seed: UInt64) -> [Int] {
    var generator = SeededGenerator(seed: seed)
    var order = Array(0..<count)
    let m = min(sampleSize, count)
    for i in 0..<m {
        let j = i + Int(generator.next() % UInt64(count - i))
        order.swapAt(i, j)
    }
    return Array(order.prefix(m))
}

private func validateSilhouetteInput(_ x: Tensor, labels: [Int], operation: String) throws {
    try KMeans.validate(x, operation: operation)
    guard labels.count == x.shape[0] else {
        throw ClusteringError.invalidInput(
            operation: operation, message: "x has \(x.shape[0]) samples (shape \(x.shape)) but labels has \(labels.count) elements")
    }
}

/// The silhouette of every row of validated `x`.
private func silhouetteValues(_ x: Tensor, labels: [Int], operation: String) throws -> [Double] {
    let n = x.shape[0], d = x.shape[1]
    // Encode the labels as 0..<k and group the rows by cluster.
    let distinct = Array(Set(labels)).sorted()
    guard distinct.count >= 2, distinct.count <= n - 1 else {
        throw ClusteringError.invalidInput(
            operation: operation,
            message: "the silhouette needs between 2 and n − 1 = \(n - 1) distinct labels, found \(distinct.count) among \(n) samples")
    }
    let code = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($0.element, $0.offset) })
    let k = distinct.count
    let encoded = labels.map { code[$0]! }
    let order = (0..<n).sorted { (encoded[$0], $0) < (encoded[$1], $1) }
    var offsets = [Int](repeating: 0, count: k + 1)
    for c in encoded { offsets[c + 1] += 1 }
    for c in 0..<k { offsets[c + 1] += offsets[c] }
    let sorted = try x.rows(at: order)
    let sortedLabels = order.map { encoded[$0] }

    var values = [Double](repeating: 0, count: n)
    var workspace: [Float] = []
    let blocks = sorted.withUnsafeBufferPointer { SquaredDistanceBlocks($0.baseAddress!, count: n, dimension: d) }
    values.withUnsafeMutableBufferPointer { out in
        let out = out.baseAddress!
        offsets.withUnsafeBufferPointer { offsets in
            blocks.forEachBlock(workspace: &workspace) { rows, block in
                Parallel.forEachChunk(count: rows.count, minimumPerThread: max(1, 65_536 / n)) { local in
                    var sums = [Double](repeating: 0, count: k)
                    for r in local {
                        let row = block + r * n
                        for c in 0..<k {
                            sums[c] = distanceSum(row, from: offsets[c], to: offsets[c + 1])
                        }
                        let i = rows.lowerBound + r, own = sortedLabels[i]
                        let ownSize = offsets[own + 1] - offsets[own]
                        guard ownSize > 1 else { out[order[i]] = 0; continue }
                        let a = sums[own] / Double(ownSize - 1)
                        var b = Double.infinity
                        for c in 0..<k where c != own {
                            b = min(b, sums[c] / Double(offsets[c + 1] - offsets[c]))
                        }
                        let m = max(a, b)
                        out[order[i]] = m > 0 ? (b - a) / m : 0
                    }
                }
            }
        }
    }
    return values
}

/// `Σ_{j ∈ lo..<hi} √row[j]`: square roots eight lanes at a time, partial sums of at most 512
/// values in `Float` folded into a `Double`.
@inline(__always)
private func distanceSum(_ row: UnsafeMutablePointer<Float>, from lo: Int, to hi: Int) -> Double {
    var total = 0.0
    var j = lo
    while j < hi {
        let end = min(j + 512, hi)
        var lanes = SIMD8<Float>()
        while j + 8 <= end {
            lanes += UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self).squareRoot()
            j += 8
        }
        var s = lanes.sum()
        while j < end { s += row[j].squareRoot(); j += 1 }
        total += Double(s)
    }
    return total
}
