import DeepClusteringCore

/// The k nearest neighbours of every sample in input space (squared Euclidean distance, the
/// sample itself excluded), computed once for the locality-preserving loss.
///
/// Letters: N samples of W features (images are flattened), k neighbours. Distances come from
/// GEMM on the centred data, `‖x_i − x_j‖² = ‖x_i‖² + ‖x_j‖² − 2 x_i·x_j` (the same blocks as
/// ``silhouetteScore(_:labels:sampleSize:seed:)``), over row chunks of at most about 8 M
/// distances (32 MB) at a time, so memory stays `O(N·W)` (a centred copy of the data) besides
/// the chunk; each row keeps its k smallest in a small sorted buffer (ties: the lower index
/// first). The work is `O(N²·W)` flops in GEMM plus `O(N²)` comparisons split across cores; for
/// MNIST-70k that is 7.7 TFLOP, roughly a minute at this machine's ~130 GFLOP/s sgemm (an
/// estimate, not a measurement).
///
/// ```swift
/// let graph = try NeighborGraph(x, neighborCount: 5)
/// graph.neighbors(of: 0)        // the 5 samples nearest to sample 0, nearest first
/// ```
public struct NeighborGraph: Sendable, Equatable {
    /// The number of samples N.
    public let sampleCount: Int
    /// The neighbours per sample k.
    public let neighborCount: Int
    /// The neighbour indices, row-major `[N, k]`: row `i` lists the neighbours of sample `i`,
    /// nearest first.
    public let indices: [Int]

    /// Computes the graph of `x`.
    /// - Parameters:
    ///   - x: The data, `[N, …]` with `N ≥ 2` (each sample flattened), finite.
    ///   - neighborCount: `k`, from 1 to `N − 1`; small (5–10) is the usual choice.
    ///   - maximumChunkDistances: The most distances held at once (`rows · N`, at least one
    ///     row); defaults to 8,388,608 (32 MB of `Float`).
    /// - Throws: ``ClusteringError/invalidConfiguration(operation:message:)`` for a bad `k`,
    ///   ``ClusteringError/invalidInput(operation:message:)`` for fewer than two samples or a
    ///   non-finite value.
    public init(_ x: Tensor, neighborCount: Int, maximumChunkDistances: Int = 8_388_608) throws {
        let operation = "NeighborGraph(_:neighborCount:maximumChunkDistances:)"
        guard x.rank >= 2, x.shape[0] >= 2 else {
            throw ClusteringError.invalidInput(operation: operation, message: "need data [N, …] with N ≥ 2, found \(x.shape)")
        }
        let n = x.shape[0], w = x.rowWidth, k = neighborCount
        guard k >= 1, k < n else {
            throw ClusteringError.invalidConfiguration(
                operation: operation, message: "neighborCount must be between 1 and N − 1 = \(n - 1), found \(k)")
        }
        if let bad = x.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
            throw ClusteringError.invalidInput(operation: operation, message: "sample \(bad / w) has a non-finite value")
        }
        var result = [Int](repeating: 0, count: n * k)
        var workspace: [Float] = []
        x.withUnsafeBufferPointer { x in
            // Centred (the mean removed first, which keeps ‖x_i‖² + ‖x_j‖² − 2 x_i·x_j accurate
            // for data far from the origin), by GEMM, one block of rows at a time.
            let distances = SquaredDistanceBlocks(x.baseAddress!, count: n, dimension: w)
            result.withUnsafeMutableBufferPointer { out in
                distances.forEachBlock(maximumElements: maximumChunkDistances, workspace: &workspace) { rows, block in
                    Parallel.forEachChunk(count: rows.count, minimumPerThread: max(1, 262_144 / n)) { local in
                        NeighborGraph.selectNearest(
                            rows: local, chunkStart: rows.lowerBound, distances: block,
                            sampleCount: n, neighborCount: k, into: out.baseAddress!)
                    }
                }
            }
        }
        self.sampleCount = n
        self.neighborCount = k
        self.indices = result
    }

    /// Creates a graph from given neighbour lists (e.g. computed elsewhere).
    /// - Parameters:
    ///   - indices: Row-major `[N, k]` neighbour indices, each in `0..<N` and not the row itself.
    ///   - neighborCount: `k ≥ 1`, dividing `indices.count`.
    /// - Throws: ``ClusteringError/invalidInput(operation:message:)`` naming the first bad entry.
    public init(indices: [Int], neighborCount: Int) throws {
        let operation = "NeighborGraph(indices:neighborCount:)"
        guard neighborCount >= 1, !indices.isEmpty, indices.count % neighborCount == 0 else {
            throw ClusteringError.invalidInput(
                operation: operation, message: "\(indices.count) indices do not form rows of \(neighborCount) neighbours")
        }
        let n = indices.count / neighborCount
        for (e, j) in indices.enumerated() where j < 0 || j >= n || j == e / neighborCount {
            throw ClusteringError.invalidInput(
                operation: operation, message: "row \(e / neighborCount) lists neighbour \(j); expected an index in 0..<\(n) other than the row")
        }
        self.sampleCount = n
        self.neighborCount = neighborCount
        self.indices = indices
    }

    /// The neighbours of sample `i`, nearest first.
    /// - Parameter i: A sample index in `0..<sampleCount`.
    public func neighbors(of i: Int) -> ArraySlice<Int> {
        indices[i * neighborCount ..< (i + 1) * neighborCount]
    }

    /// The neighbour lists of the contiguous samples `rows`, concatenated (`rows.count · k`
    /// indices, no copy): the rows to gather for a batch.
    /// - Parameter rows: A range of sample indices within `0..<sampleCount`.
    public func neighbors(ofRows rows: Range<Int>) -> ArraySlice<Int> {
        indices[rows.lowerBound * neighborCount ..< rows.upperBound * neighborCount]
    }

    /// Keeps the k smallest distances of each row of one chunk (insertion into a sorted buffer).
    private static func selectNearest(
        rows: Range<Int>, chunkStart: Int, distances: UnsafeMutablePointer<Float>,
        sampleCount n: Int, neighborCount k: Int, into out: UnsafeMutablePointer<Int>
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: k) { best in
            for r in rows {
                let i = chunkStart + r
                let row = distances + r * n
                let bestIndex = out + i * k
                var filled = 0
                for j in 0..<n where j != i {
                    let distance = row[j]
                    if filled == k && !(distance < best[k - 1]) { continue }
                    var m = filled == k ? k - 1 : filled
                    while m > 0 && distance < best[m - 1] {
                        best[m] = best[m - 1]
                        bestIndex[m] = bestIndex[m - 1]
                        m -= 1
                    }
                    best[m] = distance
                    bestIndex[m] = j
                    if filled < k { filled += 1 }
                }
            }
        }
    }
}
