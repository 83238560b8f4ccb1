import Foundation

/// The pairwise squared Euclidean distances of the rows of `[n, d]` points, produced one block
/// of rows at a time so that memory stays bounded whatever `n` is.
///
/// Each block `D[r₀..<r₁, 0..<n]` is `‖x_r‖² + ‖x_j‖² − 2·x_r·x_j` from one GEMM, clamped at 0,
/// with an exact 0 on the diagonal. The points are centred on their mean first: distances do
/// not change, but the norms shrink, which removes most of the cancellation the expansion
/// suffers in single precision when the data sit far from the origin.
struct SquaredDistanceBlocks {
    /// The number of points `n`.
    let count: Int
    /// The dimension `d` of each point.
    let dimension: Int
    /// The centred points, row-major `[n, d]`.
    private let centered: [Float]
    /// `‖x_i − mean‖²` of each centred point.
    private let norms: [Float]

    /// The default block budget: 64 MiB of `Float`s (16 M elements).
    static let defaultMaximumElements = 1 << 24

    /// Copies and centres `count × dimension` points read row-major from `points`.
    init(_ points: UnsafePointer<Float>, count: Int, dimension: Int) {
        self.count = count
        self.dimension = dimension
        var mean = [Double](repeating: 0, count: dimension)
        for i in 0..<count {
            for f in 0..<dimension { mean[f] += Double(points[i * dimension + f]) }
        }
        for f in 0..<dimension { mean[f] /= Double(max(count, 1)) }
        var centered = [Float](repeating: 0, count: count * dimension)
        var norms = [Float](repeating: 0, count: count)
        for i in 0..<count {
            var s = 0.0
            for f in 0..<dimension {
                let v = Float(Double(points[i * dimension + f]) - mean[f])
                centered[i * dimension + f] = v
                s += Double(v) * Double(v)
            }
            norms[i] = Float(s)
        }
        self.centered = centered
        self.norms = norms
    }

    /// The number of rows per block so that a block holds at most `maximumElements` values.
    func rowsPerBlock(maximumElements: Int) -> Int {
        max(1, min(count, maximumElements / max(count, 1)))
    }

    /// Calls `body` for consecutive blocks of rows with the squared distances of those rows to
    /// every point, `block[(r − rows.lowerBound)·n + j] = ‖x_r − x_j‖²`.
    /// - Parameters:
    ///   - maximumElements: The most values held in one block (the memory bound).
    ///   - workspace: Reused between calls when given; grown as needed.
    ///   - body: Receives the row range and the block (valid only during the call).
    func forEachBlock(
        maximumElements: Int = defaultMaximumElements, workspace: inout [Float],
        _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void
    ) {
        let n = count, d = dimension
        let rowsPerBlock = rowsPerBlock(maximumElements: maximumElements)
        if workspace.count < rowsPerBlock * n { workspace = [Float](repeating: 0, count: rowsPerBlock * n) }
        centered.withUnsafeBufferPointer { xp in
            norms.withUnsafeBufferPointer { np in
                workspace.withUnsafeMutableBufferPointer { wp in
                    let x = xp.baseAddress!, norm = np.baseAddress!, block = wp.baseAddress!
                    var start = 0
                    while start < n {
                        let rows = start..<min(start + rowsPerBlock, n)
                        BLAS.sgemm(transposeA: false, transposeB: true, m: rows.count, n: n, k: d, alpha: -2,
                                   a: x + rows.lowerBound * d, lda: d, b: x, ldb: d, beta: 0, c: block, ldc: n,
                                   precision: .float32)
                        Parallel.forEachChunk(count: rows.count, minimumPerThread: max(1, 65_536 / n)) { local in
                            for r in local {
                                let row = block + r * n, i = rows.lowerBound + r, ni = norm[i]
                                for j in 0..<n { row[j] = max(0, row[j] + ni + norm[j]) }
                                row[i] = 0
                            }
                        }
                        body(rows, block)
                        start = rows.upperBound
                    }
                }
            }
        }
    }
}
