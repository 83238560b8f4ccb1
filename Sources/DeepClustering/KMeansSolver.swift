import Foundation

/// The numerical engine behind ``KMeans`` and ``KMeansResult/predict(_:)``: workspaces sized
/// once per fit and the kernels (assignment with centre sums, k-means++ seeding, exact inertia)
/// over a borrowed row-major `[n, d]` buffer.
///
/// Dimension letters: N samples, D features, K clusters, T slices, B rows per block.
///
/// Assignment uses `‖x − c‖² = ‖x‖² − 2x·c + ‖c‖²` (the argmin needs only `‖c‖² − 2x·c`).
/// With many clusters the products come from one BLAS GEMM per block of B rows; with few
/// (K ≤ ``kernelClusterLimit``, the k-means baseline's K = 10) from a register-blocked SIMD
/// kernel that reads each row once, because OpenBLAS is slow for products only K columns wide.
/// Rows are split into T fixed slices, spread over the cores by
/// ``Parallel/forEachChunk(count:minimumPerThread:_:)``; each slice takes the argmin per row and
/// adds the row to its own centre sums while it is still in cache. Slices are merged in slice
/// order and their boundaries depend only on N, B and T, never on the thread count, so results
/// are reproducible everywhere.
///
/// Only the first Lloyd iteration (and one after an empty-cluster relocation) assigns every
/// row this way; the others use Elkan's bounds and measure only the distances that could change
/// a row's cluster (see ``lloyd(from:maxIterations:tolerance:)``).
/// k-means++ computes its candidate distances from the differences, split over the cores.
final class KMeansSolver {
    /// The number of slices each block is split into (bounded so the per-slice sums stay small).
    let sliceCount: Int
    let x: UnsafePointer<Float>
    let n: Int, d: Int, k: Int
    /// Rows per GEMM block: about 4 MB of data, so the rows are still cached when summed.
    let blockRows: Int
    /// ‖x_i‖², computed once (N).
    let rowNorms: UnsafeMutablePointer<Float>
    /// The latest assignment (N).
    let labels: UnsafeMutablePointer<Int32>
    /// Squared distance of each row to its assigned centre in the latest assignment (N).
    let nearestDistances: UnsafeMutablePointer<Float>
    /// GEMM output for one block (B × K), reused by k-means++ for candidate distances.
    let products: UnsafeMutablePointer<Float>
    let productCapacity: Int
    /// Per-slice centre sums (T × K × D) and counts (T × K).
    let sliceSums: UnsafeMutablePointer<Double>
    /// Per-slice running sums in `Float` (T × K × D), added into ``sliceSums`` every
    /// ``flushInterval`` rows: the hot loop adds in single precision, and no `Float` sum ever
    /// holds more than that many rows, so the centres keep (nearly) double-precision accuracy.
    let sliceRunningSums: UnsafeMutablePointer<Float>
    static let flushInterval = 128
    let sliceCounts: UnsafeMutablePointer<Int>
    /// ‖c_j‖² of the centres being assigned to (K).
    let centerNorms: UnsafeMutablePointer<Float>
    /// Elkan's bounds on distances (not squared): for each row an upper bound on the distance
    /// to its assigned centre (N) and a lower bound on the distance to every centre (N × K).
    let upperBounds: UnsafeMutablePointer<Float>
    let lowerBounds: UnsafeMutablePointer<Float>
    /// Whether the bounds are kept: only while N × K lower bounds take at most 64 MB;
    /// otherwise every iteration assigns every row.
    let usesBounds: Bool
    /// Half the distance from each centre to its nearest other centre (K).
    let halfSeparations: UnsafeMutablePointer<Float>
    /// Distances between centres (K × K), for pruning candidates of rows that fail the bounds.
    let centerDistances: UnsafeMutablePointer<Float>

    init(x: UnsafePointer<Float>, sampleCount n: Int, dimension d: Int, clusterCount k: Int) {
        self.x = x
        self.n = n
        self.d = d
        self.k = k
        sliceCount = Swift.max(1, Swift.min(8, (1 << 20) / (k * d)))
        blockRows = Swift.max(64, Swift.min(n, (1 << 20) / Swift.max(d, k)))
        rowNorms = .allocate(capacity: n)
        labels = .allocate(capacity: n)
        nearestDistances = .allocate(capacity: n)
        // k-means++ needs (2 + ln k) × N candidate distances; Lloyd needs B × K.
        productCapacity = Swift.max(blockRows * k, KMeansSolver.trialCount(k) * n)
        products = .allocate(capacity: productCapacity)
        sliceSums = .allocate(capacity: sliceCount * k * d)
        sliceCounts = .allocate(capacity: sliceCount * k)
        sliceRunningSums = .allocate(capacity: sliceCount * k * d)
        sliceRunningSums.initialize(repeating: 0, count: sliceCount * k * d)
        centerNorms = .allocate(capacity: k)
        usesBounds = n * k <= 1 << 24
        upperBounds = .allocate(capacity: n)
        lowerBounds = .allocate(capacity: usesBounds ? n * k : 1)
        halfSeparations = .allocate(capacity: k)
        centerDistances = .allocate(capacity: k * k)
        forEachSlice(of: 0..<n) { rows, _ in
            for i in rows { self.rowNorms[i] = KMeansSolver.squaredNorm(x + i * d, d) }
        }
    }

    deinit {
        rowNorms.deallocate()
        labels.deallocate()
        nearestDistances.deallocate()
        products.deallocate()
        sliceSums.deallocate()
        sliceCounts.deallocate()
        sliceRunningSums.deallocate()
        centerNorms.deallocate()
        upperBounds.deallocate()
        lowerBounds.deallocate()
        halfSeparations.deallocate()
        centerDistances.deallocate()
    }

    /// The number of k-means++ candidates per step, `2 + ⌊ln k⌋` as in scikit-learn.
    static func trialCount(_ k: Int) -> Int { 2 + Int(log(Double(k))) }

    static func squaredNorm(_ v: UnsafePointer<Float>, _ count: Int) -> Float {
        var s: Float = 0
        for c in 0..<count { s += v[c] * v[c] }
        return s
    }

    /// Runs `body(rows, slice)` for the T fixed slices of `range`, in parallel when the range
    /// holds enough work to pay for it.
    func forEachSlice(of range: Range<Int>, _ body: (Range<Int>, Int) -> Void) {
        let count = range.count, t = sliceCount
        func run(_ s: Int) {
            body((range.lowerBound + count * s / t)..<(range.lowerBound + count * (s + 1) / t), s)
        }
        if count * d < 32_768 {
            for s in 0..<t { run(s) }
        } else {
            Parallel.forEachChunk(count: t, minimumPerThread: 1) { slices in
                for s in slices { run(s) }
            }
        }
    }

    /// The mean over features of the per-feature variance of the data (scikit-learn's scale for
    /// `tol`), accumulated in `Double`.
    func meanFeatureVariance() -> Double {
        var mean = [Double](repeating: 0, count: d)
        var square = [Double](repeating: 0, count: d)
        for i in 0..<n {
            let row = x + i * d
            for c in 0..<d {
                let v = Double(row[c])
                mean[c] += v
                square[c] += v * v
            }
        }
        var total = 0.0
        for c in 0..<d {
            let m = mean[c] / Double(n)
            total += Swift.max(0, square[c] / Double(n) - m * m)
        }
        return total / Double(d)
    }

    // MARK: - Assignment

    /// Assigns every row to its nearest centre, writing ``labels`` and ``nearestDistances``;
    /// with `accumulating`, also fills the slice sums and counts for the centre update.
    ///
    /// Up to ``kernelClusterLimit`` clusters, the dot products come from ``assignWithKernel``,
    /// which reads each row once for all of them; beyond it, from one BLAS GEMM per block.
    func assign(centers: UnsafePointer<Float>, accumulating: Bool) {
        for j in 0..<k { centerNorms[j] = KMeansSolver.squaredNorm(centers + j * d, d) }
        if accumulating {
            sliceSums.update(repeating: 0, count: sliceCount * k * d)
            sliceCounts.update(repeating: 0, count: sliceCount * k)
        }
        if k <= KMeansSolver.kernelClusterLimit {
            forEachSlice(of: 0..<n) { rows, s in
                self.assignWithKernel(rows, centers: centers, slice: s, accumulating: accumulating)
            }
            return
        }
        var lo = 0
        while lo < n {
            let b = Swift.min(blockRows, n - lo)
            BLAS.sgemm(
                transposeA: false, transposeB: true, m: b, n: k, k: d, alpha: -2,
                a: x + lo * d, lda: d, b: centers, ldb: d, beta: 0, c: products, ldc: k, precision: .float32)
            forEachSlice(of: lo..<(lo + b)) { rows, s in
                for i in rows {
                    self.record(row: i, products: self.products + (i - lo) * self.k, slice: s, accumulating: accumulating)
                    if accumulating, (i + 1 - rows.lowerBound) % KMeansSolver.flushInterval == 0 { self.flush(slice: s) }
                }
                if accumulating { self.flush(slice: s) }
            }
            lo += b
        }
    }

    /// The largest cluster count for the fused kernel. OpenBLAS's sgemm is slow for a product
    /// only `k` columns wide (it repacks the whole block of rows for a few columns of output);
    /// on MNIST-70k with k = 10 the kernel's assignment step is several times faster than
    /// GEMM per block. For wide products GEMM wins again.
    static let kernelClusterLimit = 24

    /// Takes the argmin of `‖c_j‖² − 2x·c_j` for row `i` from its products `−2x·c_j` and
    /// records label, distance and (optionally) the row in the centre sums of slice `s`.
    @inline(__always)
    private func record(row i: Int, products: UnsafePointer<Float>, slice: Int, accumulating: Bool) {
        var best = 0
        var bestValue = centerNorms[0] + products[0]
        for j in 1..<k {
            let value = centerNorms[j] + products[j]
            if value < bestValue {
                best = j
                bestValue = value
            }
        }
        labels[i] = Int32(best)
        nearestDistances[i] = Swift.max(0, rowNorms[i] + bestValue)
        if usesBounds {
            upperBounds[i] = nearestDistances[i].squareRoot()
            let lower = lowerBounds + i * k
            for j in 0..<k { lower[j] = Swift.max(0, rowNorms[i] + centerNorms[j] + products[j]).squareRoot() }
        }
        if accumulating {
            sliceCounts[slice * k + best] += 1
            let sum = sliceRunningSums + (slice * k + best) * d, row = x + i * d
            for c in 0..<d { sum[c] += row[c] }
        }
    }

    /// Adds slice `s`'s running `Float` sums into its `Double` sums and clears them.
    private func flush(slice s: Int) {
        let running = sliceRunningSums + s * k * d, sums = sliceSums + s * k * d
        for i in 0..<(k * d) {
            sums[i] += Double(running[i])
            running[i] = 0
        }
    }

    /// The fused assignment for a range of rows: two rows at a time against five centres at a
    /// time (ten SIMD accumulators, each loaded value used five or two times), so the data
    /// are read from memory once per assignment and the row is still in L1 when it is added
    /// to its cluster's sum.
    private func assignWithKernel(
        _ rows: Range<Int>, centers: UnsafePointer<Float>, slice: Int, accumulating: Bool
    ) {
        let d = self.d, k = self.k
        let vectorEnd = d & ~3
        // −2·x·c for the (up to) two current rows, k values each, on the stack.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * k) { dots in
            let dots = dots.baseAddress!
            var i = rows.lowerBound
            while i < rows.upperBound {
                let pair = i + 1 < rows.upperBound
                let xa = x + i * d, xb = pair ? xa + d : xa
                var j = 0
                while j < k {
                    let c0 = centers + j * d
                    let c1 = j + 1 < k ? c0 + d : c0
                    let c2 = j + 2 < k ? c0 + 2 * d : c0
                    let c3 = j + 3 < k ? c0 + 3 * d : c0
                    let c4 = j + 4 < k ? c0 + 4 * d : c0
                    var a0 = SIMD4<Float>(), a1 = SIMD4<Float>(), a2 = SIMD4<Float>(), a3 = SIMD4<Float>()
                    var a4 = SIMD4<Float>(), b0 = SIMD4<Float>(), b1 = SIMD4<Float>(), b2 = SIMD4<Float>()
                    var b3 = SIMD4<Float>(), b4 = SIMD4<Float>()
                    var f = 0
                    while f < vectorEnd {
                        let va = UnsafeRawPointer(xa + f).loadUnaligned(as: SIMD4<Float>.self)
                        let vb = UnsafeRawPointer(xb + f).loadUnaligned(as: SIMD4<Float>.self)
                        var w = UnsafeRawPointer(c0 + f).loadUnaligned(as: SIMD4<Float>.self)
                        a0 += va * w; b0 += vb * w
                        w = UnsafeRawPointer(c1 + f).loadUnaligned(as: SIMD4<Float>.self)
                        a1 += va * w; b1 += vb * w
                        w = UnsafeRawPointer(c2 + f).loadUnaligned(as: SIMD4<Float>.self)
                        a2 += va * w; b2 += vb * w
                        w = UnsafeRawPointer(c3 + f).loadUnaligned(as: SIMD4<Float>.self)
                        a3 += va * w; b3 += vb * w
                        w = UnsafeRawPointer(c4 + f).loadUnaligned(as: SIMD4<Float>.self)
                        a4 += va * w; b4 += vb * w
                        f &+= 4
                    }
                    var sa = SIMD8<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum(), a4.sum(), 0, 0, 0)
                    var sb = SIMD8<Float>(b0.sum(), b1.sum(), b2.sum(), b3.sum(), b4.sum(), 0, 0, 0)
                    while f < d {
                        let w = SIMD8<Float>(c0[f], c1[f], c2[f], c3[f], c4[f], 0, 0, 0)
                        sa += xa[f] * w
                        sb += xb[f] * w
                        f += 1
                    }
                    for t in 0..<Swift.min(5, k - j) {
                        dots[j + t] = -2 * sa[t]
                        dots[k + j + t] = -2 * sb[t]
                    }
                    j += 5
                }
                record(row: i, products: dots, slice: slice, accumulating: accumulating)
                if pair { record(row: i + 1, products: dots + k, slice: slice, accumulating: accumulating) }
                i += 2
                if accumulating, (i - rows.lowerBound) % KMeansSolver.flushInterval == 0 { flush(slice: slice) }
            }
            if accumulating { flush(slice: slice) }
        }
    }

    // MARK: - Lloyd iterations

    /// Runs Lloyd's algorithm from `initial` (K × D, row-major) as scikit-learn's
    /// `_kmeans_single_lloyd`, accelerated with Elkan's bounds (2003).
    ///
    /// The first iteration assigns every row and sets, per row, an upper bound `u` on the
    /// distance to its centre and lower bounds `l_j` on the distance to every centre. When
    /// centres move by `δ_j`, `u += δ_assigned` and `l_j −= δ_j`; a centre `j` with
    /// `u ≤ max(l_j, ½‖c_assigned − c_j‖)` cannot be nearer and is not measured, so late
    /// iterations compute few distances. Centre sums are kept up to
    /// date by moving only the rows that change. The iterates are those of plain Lloyd (up to
    /// ties within rounding); after an empty-cluster relocation, which breaks the sums' link
    /// to the labels, the next iteration assigns every row again.
    /// - Parameters:
    ///   - maxIterations: The most iterations.
    ///   - tolerance: The absolute threshold on the squared centre shift.
    func lloyd(from initial: [Float], maxIterations: Int, tolerance: Double) -> KMeansResult {
        var centers = initial
        var next = [Float](repeating: 0, count: k * d)
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        var moves = [Float](repeating: 0, count: k)
        var previousLabels = [Int32](repeating: -1, count: n)
        var converged = false
        var fullPass = true
        var iterations = 0
        for iteration in 1...maxIterations {
            iterations = iteration
            var changed = true
            if !fullPass {
                let changes = centers.withUnsafeBufferPointer { boundedAssign(centers: $0.baseAddress!) }
                mergeSlices(into: &sums, counts: &counts, replacing: false)
                changed = changes > 0
                // Relocation needs every row's distance to its centre: take a full pass.
                fullPass = counts.contains(0)
            }
            if fullPass {
                centers.withUnsafeBufferPointer { assign(centers: $0.baseAddress!, accumulating: true) }
                mergeSlices(into: &sums, counts: &counts, replacing: true)
                changed = previousLabels.withUnsafeBufferPointer { old in
                    memcmp(old.baseAddress!, labels, n * MemoryLayout<Int32>.stride) != 0
                }
            }
            fullPass = relocateEmptyClusters(sums: &sums, counts: &counts) || !usesBounds
            var shift = 0.0
            for j in 0..<k {
                var move = 0.0
                for c in 0..<d {
                    let old = centers[j * d + c]
                    let new = counts[j] > 0 ? Float(sums[j * d + c] / Double(counts[j])) : old
                    next[j * d + c] = new
                    move += Double(new - old) * Double(new - old)
                }
                moves[j] = Float(move.squareRoot())
                shift += move
            }
            swap(&centers, &next)
            if !changed {
                converged = true
                break
            }
            if shift <= tolerance { break }
            previousLabels.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: labels, count: n) }
            if !fullPass { loosenBounds(moves: moves) }
        }
        // Labels must belong to the final centres (the last update moved them).
        if !converged {
            centers.withUnsafeBufferPointer { assign(centers: $0.baseAddress!, accumulating: false) }
        }
        let inertia = centers.withUnsafeBufferPointer { exactInertia(centers: $0.baseAddress!) }
        let centerTensor = try! Tensor(shape: [k, d], scalars: centers)
        return KMeansResult(
            centers: centerTensor, labels: currentLabels(), inertia: inertia, iterations: iterations)
    }

    /// Widens the bounds after the centres moved by `moves` (Euclidean distances): by the
    /// triangle inequality the distance to centre j changes by at most `moves[j]`.
    private func loosenBounds(moves: [Float]) {
        moves.withUnsafeBufferPointer { moves in
            forEachSlice(of: 0..<n) { rows, _ in
                let k = self.k
                for i in rows {
                    self.upperBounds[i] += moves[Int(self.labels[i])]
                    let lower = self.lowerBounds + i * k
                    for j in 0..<k { lower[j] = Swift.max(0, lower[j] - moves[j]) }
                }
            }
        }
    }

    /// One assignment step with Elkan's bounds: rows whose bounds prove their centre is still
    /// the nearest are skipped; for the others only the centres not ruled out are measured. Rows that change cluster
    /// are moved between clusters in the slice sums and counts, which hold differences here.
    /// - Returns: The number of rows that changed cluster.
    private func boundedAssign(centers: UnsafePointer<Float>) -> Int {
        for j in 0..<k {
            centerDistances[j * k + j] = 0
            for other in 0..<j {
                let distance = KMeansSolver.squaredDistance(centers + j * d, centers + other * d, d).squareRoot()
                centerDistances[j * k + other] = distance
                centerDistances[other * k + j] = distance
            }
        }
        for j in 0..<k {
            var nearest = Float.infinity
            for other in 0..<k where other != j { nearest = Swift.min(nearest, centerDistances[j * k + other]) }
            halfSeparations[j] = nearest / 2
        }
        sliceSums.update(repeating: 0, count: sliceCount * k * d)
        sliceCounts.update(repeating: 0, count: sliceCount * k)
        var changes = [Int](repeating: 0, count: sliceCount)
        changes.withUnsafeMutableBufferPointer { changes in
            forEachSlice(of: 0..<n) { rows, s in
                changes[s] = self.boundedAssignRows(rows, centers: centers, slice: s)
            }
        }
        return changes.reduce(0, +)
    }

    /// Elkan's step for a range of rows (Elkan 2003, steps 2–3): a row is skipped when its
    /// upper bound is within half the distance from its centre to the nearest other centre;
    /// otherwise only centres `j` with `u > max(l_j, ½‖c_best − c_j‖)` are measured, the upper
    /// bound being made exact first.
    private func boundedAssignRows(_ rows: Range<Int>, centers: UnsafePointer<Float>, slice: Int) -> Int {
        var changes = 0
        for i in rows {
            let a = Int(labels[i])
            var upper = upperBounds[i]
            if upper <= halfSeparations[a] { continue }
            let row = x + i * d, lower = lowerBounds + i * k
            var best = a, exact = false
            for j in 0..<k where j != best {
                let bound = Swift.max(lower[j], centerDistances[best * k + j] / 2)
                if upper <= bound { continue }
                if !exact {
                    upper = KMeansSolver.squaredDistance(row, centers + best * d, d).squareRoot()
                    lower[best] = upper
                    exact = true
                    if upper <= bound { continue }
                }
                let distance = KMeansSolver.squaredDistance(row, centers + j * d, d).squareRoot()
                lower[j] = distance
                if distance < upper {
                    upper = distance
                    best = j
                }
            }
            upperBounds[i] = upper
            guard best != a else { continue }
            labels[i] = Int32(best)
            changes += 1
            let counts = sliceCounts + slice * k
            counts[a] -= 1
            counts[best] += 1
            let from = sliceSums + (slice * k + a) * d, to = sliceSums + (slice * k + best) * d
            for c in 0..<d {
                let v = Double(row[c])
                from[c] -= v
                to[c] += v
            }
        }
        return changes
    }

    /// `‖a − b‖²` over `count` elements: sixteen at a time in four independent SIMD
    /// accumulators (so the additions do not wait on each other), then four, then one.
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        @inline(__always) func difference(_ f: Int) -> SIMD4<Float> {
            UnsafeRawPointer(a + f).loadUnaligned(as: SIMD4<Float>.self)
                - UnsafeRawPointer(b + f).loadUnaligned(as: SIMD4<Float>.self)
        }
        var acc0 = SIMD4<Float>(), acc1 = SIMD4<Float>(), acc2 = SIMD4<Float>(), acc3 = SIMD4<Float>()
        var f = 0
        while f &+ 16 <= count {
            let d0 = difference(f), d1 = difference(f &+ 4), d2 = difference(f &+ 8), d3 = difference(f &+ 12)
            acc0 += d0 * d0
            acc1 += d1 * d1
            acc2 += d2 * d2
            acc3 += d3 * d3
            f &+= 16
        }
        while f &+ 4 <= count {
            let d0 = difference(f)
            acc0 += d0 * d0
            f &+= 4
        }
        var total = ((acc0 + acc1) + (acc2 + acc3)).sum()
        while f < count {
            let diff = a[f] - b[f]
            total += diff * diff
            f += 1
        }
        return total
    }

    /// The latest assignment as an array.
    func currentLabels() -> [Int] {
        (0..<n).map { Int(labels[$0]) }
    }

    /// Adds the slice sums and counts in slice order, to zero (`replacing`) or to the current
    /// values (when the slices hold differences).
    private func mergeSlices(into sums: inout [Double], counts: inout [Int], replacing: Bool) {
        if replacing {
            for i in 0..<(k * d) { sums[i] = 0 }
            for j in 0..<k { counts[j] = 0 }
        }
        for s in 0..<sliceCount {
            let sliceSum = sliceSums + s * k * d, sliceCount = sliceCounts + s * k
            for i in 0..<(k * d) { sums[i] += sliceSum[i] }
            for j in 0..<k { counts[j] += sliceCount[j] }
        }
    }

    /// Re-seeds every empty cluster with one of the points farthest from their centres, moving
    /// the point's contribution out of its own cluster, as scikit-learn's
    /// `_relocate_empty_clusters_dense` (the point's label is left as it is until the next
    /// assignment).
    /// - Returns: Whether any cluster was re-seeded.
    private func relocateEmptyClusters(sums: inout [Double], counts: inout [Int]) -> Bool {
        let empty = (0..<k).filter { counts[$0] == 0 }
        guard !empty.isEmpty else { return false }
        // The |empty| largest nearest-centre distances, farthest first (ties: lower index).
        var farthest: [Int] = []
        for i in 0..<n {
            let v = nearestDistances[i]
            if farthest.count == empty.count, v <= nearestDistances[farthest.last!] { continue }
            var position = farthest.count
            while position > 0, nearestDistances[farthest[position - 1]] < v { position -= 1 }
            farthest.insert(i, at: position)
            if farthest.count > empty.count { farthest.removeLast() }
        }
        for (cluster, point) in zip(empty, farthest) {
            let from = Int(labels[point]), row = x + point * d
            for c in 0..<d {
                sums[from * d + c] -= Double(row[c])
                sums[cluster * d + c] = Double(row[c])
            }
            counts[from] -= 1
            counts[cluster] = 1
        }
        return true
    }

    /// `Σ_i ‖x_i − c_{labels_i}‖²` computed from the differences (no cancellation), in `Double`.
    func exactInertia(centers: UnsafePointer<Float>) -> Double {
        var partial = [Double](repeating: 0, count: sliceCount)
        partial.withUnsafeMutableBufferPointer { partial in
            forEachSlice(of: 0..<n) { rows, s in
                var total = 0.0
                for i in rows {
                    let row = self.x + i * self.d, center = centers + Int(self.labels[i]) * self.d
                    var squared: Float = 0
                    for c in 0..<self.d {
                        let diff = row[c] - center[c]
                        squared += diff * diff
                    }
                    total += Double(squared)
                }
                partial[s] = total
            }
        }
        return partial.reduce(0, +)
    }

    // MARK: - k-means++

    /// Greedy k-means++ seeding as scikit-learn's `_kmeans_plusplus`: the first centre is a
    /// uniformly drawn sample; each further centre is the best (lowest resulting potential) of
    /// `2 + ⌊ln k⌋` samples drawn with probability proportional to their squared distance to the
    /// nearest centre so far.
    /// - Returns: K × D centres, row-major.
    func kMeansPlusPlusCenters(using generator: inout SeededGenerator) -> [Float] {
        var centers = [Float](repeating: 0, count: k * d)
        let first = Int.random(in: 0..<n, using: &generator)
        copyRow(first, into: &centers, at: 0)
        var closest = [Float](repeating: 0, count: n)
        distances(toRows: [first], into: products)
        var potential = 0.0
        for i in 0..<n {
            closest[i] = products[i]
            potential += Double(products[i])
        }
        guard k > 1 else { return centers }
        let trials = KMeansSolver.trialCount(k)
        var cumulative = [Double](repeating: 0, count: n)
        for center in 1..<k {
            var running = 0.0
            for i in 0..<n {
                running += Double(closest[i])
                cumulative[i] = running
            }
            let candidates = (0..<trials).map { _ in
                KMeansSolver.searchSorted(cumulative, generator.nextUnitDouble() * potential)
            }
            distances(toRows: candidates, into: products)
            var bestTrial = 0
            var bestPotential = Double.infinity
            for t in 0..<trials {
                let row = products + t * n
                var total = 0.0
                for i in 0..<n {
                    row[i] = Swift.min(row[i], closest[i])
                    total += Double(row[i])
                }
                if total < bestPotential {
                    bestPotential = total
                    bestTrial = t
                }
            }
            potential = bestPotential
            closest.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: products + bestTrial * n, count: n) }
            copyRow(candidates[bestTrial], into: &centers, at: center)
        }
        return centers
    }

    /// The first index whose cumulative value reaches `value` (numpy's `searchsorted`, left
    /// side), clipped to the last index.
    static func searchSorted(_ cumulative: [Double], _ value: Double) -> Int {
        var lo = 0, hi = cumulative.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return Swift.min(lo, cumulative.count - 1)
    }

    private func copyRow(_ i: Int, into centers: inout [Float], at j: Int) {
        for c in 0..<d { centers[j * d + c] = x[i * d + c] }
    }

    /// Squared distances from the rows `sources` of x to every row, written as
    /// `sources.count` rows of N values into `out`, computed from the differences and split
    /// over the cores. (A GEMM would be `sources.count` columns wide, the shape for which
    /// OpenBLAS repacks all of x on every call.)
    private func distances(toRows sources: [Int], into out: UnsafeMutablePointer<Float>) {
        let n = self.n, d = self.d, x = self.x
        sources.withUnsafeBufferPointer { sources in
            forEachSlice(of: 0..<n) { rows, _ in
                for j in rows {
                    for (t, i) in sources.enumerated() {
                        out[t * n + j] = KMeansSolver.squaredDistance(x + j * d, x + i * d, d)
                    }
                }
            }
        }
    }
}
