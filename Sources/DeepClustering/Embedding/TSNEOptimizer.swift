import Dispatch
import Foundation

/// The state of t-SNE's gradient descent: the map, its velocity and gains, the joint
/// probabilities, and the per-slice force buffers of the pair loop. Everything is allocated
/// once; ``step(exaggeration:momentum:learningRate:)`` allocates nothing.
///
/// Dimension letters: `n` points; `S` row slices (``TSNE/sliceCount``). The map is stored as
/// two coordinate arrays (`x`, `y`) so that four consecutive points load as one SIMD vector.
struct TSNEOptimizer {
    let n: Int
    /// `[n, n]`; after init the strict upper triangle holds the joint `p_ij` (i < j).
    private var p: Tensor
    private var x: [Float], y: [Float]
    private var velocityX: [Float], velocityY: [Float]
    private var gainX: [Float], gainY: [Float]
    /// Per slice, four `n`-arrays: attractive x, attractive y, repulsive x, repulsive y.
    private var forces: [Float]
    /// Per slice, the sum of `(1 + d²)⁻¹` over its pairs.
    private var partialZ: [Double]
    /// Row boundaries of the slices, balanced by the number of pairs `(i, j > i)`.
    private let sliceStarts: [Int]

    /// Joint affinities below this are set to 0. They change no sum they enter (the `p_ij` sum
    /// to 1), but products with them fall below `Float.leastNormalMagnitude`, and subnormal
    /// arithmetic is slow: on an Emerald Rapids Xeon, mapping 5,000 MNIST embeddings (whose far
    /// pairs have affinities near 10⁻³⁸) took 32.9 s, 89% of it in the pair loop, and 9.1 s with
    /// them set to 0, with the same silhouettes and inertias of the k-means searches run on the map
    /// to the last printed digit.
    static let negligibleAffinity: Float = 1e-20

    /// Symmetrises the conditional affinities in place and draws the initial map.
    init(jointProbabilities conditional: Tensor, count n: Int, seed: UInt64) {
        self.n = n
        p = conditional
        let scale = 1 / Float(2 * n), negligible = TSNEOptimizer.negligibleAffinity
        p.withUnsafeMutableBufferPointer { buffer in
            let p = buffer.baseAddress!
            Parallel.forEachChunk(count: n, minimumPerThread: max(1, 65_536 / n)) { rows in
                for i in rows {
                    for j in (i + 1)..<max(i + 1, n) {
                        let joint = (p[i * n + j] + p[j * n + i]) * scale
                        p[i * n + j] = joint < negligible ? 0 : joint
                    }
                }
            }
        }
        var generator = SeededGenerator(seed: seed)
        x = (0..<n).map { _ in 1e-4 * generator.nextStandardNormal() }
        y = (0..<n).map { _ in 1e-4 * generator.nextStandardNormal() }
        velocityX = [Float](repeating: 0, count: n); velocityY = velocityX
        gainX = [Float](repeating: 1, count: n); gainY = gainX
        let slices = TSNE.sliceCount
        forces = [Float](repeating: 0, count: slices * 4 * n)
        partialZ = [Double](repeating: 0, count: slices)
        // Pairs in rows 0..<i: i·n − i(i+1)/2. Cut where that reaches s/S of the total.
        let total = Double(n) * Double(n - 1) / 2
        var starts = [0]
        var i = 0
        for s in 1..<slices {
            while i < n, Double(i) * Double(n) - Double(i) * Double(i + 1) / 2 < total * Double(s) / Double(slices) { i += 1 }
            starts.append(i)
        }
        starts.append(n)
        sliceStarts = starts
    }

    /// The map as `[n, 2]`.
    func embedding() -> Tensor {
        var rows = [Float](repeating: 0, count: 2 * n)
        for i in 0..<n { rows[2 * i] = x[i]; rows[2 * i + 1] = y[i] }
        return try! Tensor(shape: [n, 2], scalars: rows)
    }

    /// One iteration: forces over all pairs, gains, momentum update, recentring.
    mutating func step(exaggeration: Float, momentum: Float, learningRate: Float) {
        accumulateForces()
        let z = Float(2 * partialZ.reduce(0, +))
        let n = self.n, slices = TSNE.sliceCount, starts = sliceStarts
        forces.withUnsafeBufferPointer { f in
            var meanX = 0.0, meanY = 0.0
            for i in 0..<n {
                var ax: Float = 0, ay: Float = 0, rx: Float = 0, ry: Float = 0
                for s in 0..<slices where starts[s] <= i {
                    let base = s * 4 * n + i
                    ax += f[base]; ay += f[base + n]; rx += f[base + 2 * n]; ry += f[base + 3 * n]
                }
                let gx = 4 * (exaggeration * ax - rx / z), gy = 4 * (exaggeration * ay - ry / z)
                gainX[i] = velocityX[i] * gx < 0 ? gainX[i] + 0.2 : max(gainX[i] * 0.8, 0.01)
                gainY[i] = velocityY[i] * gy < 0 ? gainY[i] + 0.2 : max(gainY[i] * 0.8, 0.01)
                velocityX[i] = momentum * velocityX[i] - learningRate * gainX[i] * gx
                velocityY[i] = momentum * velocityY[i] - learningRate * gainY[i] * gy
                x[i] += velocityX[i]; y[i] += velocityY[i]
                meanX += Double(x[i]); meanY += Double(y[i])
            }
            let cx = Float(meanX / Double(n)), cy = Float(meanY / Double(n))
            for i in 0..<n { x[i] -= cx; y[i] -= cy }
        }
    }

    /// Fills every slice's force buffers and partial `Z`: for each pair `i < j` with
    /// `w = (1 + ‖y_i − y_j‖²)⁻¹` and `δ = y_i − y_j`, the attractive force `p_ij·w·δ` and the
    /// repulsive `w²·δ` are added to `i` and subtracted from `j`.
    private mutating func accumulateForces() {
        let n = self.n, starts = sliceStarts
        p.withUnsafeBufferPointer { pp in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeBufferPointer { yp in
                    forces.withUnsafeMutableBufferPointer { fp in
                        partialZ.withUnsafeMutableBufferPointer { zp in
                            let p = pp.baseAddress!, x = xp.baseAddress!, y = yp.baseAddress!
                            let f = fp.baseAddress!, z = zp.baseAddress!
                            TSNEOptimizer.forEachSlice { s in
                                z[s] = TSNEOptimizer.pairForces(
                                    rows: starts[s]..<starts[s + 1], count: n, p: p, x: x, y: y, forces: f + s * 4 * n)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` once per slice, concurrently: one work item per slice, handed to whichever
    /// thread is free, so a thread descheduled by other load does not hold the others up
    /// (`Parallel.forEachChunk` would give each thread a fixed half). Slices write disjoint
    /// buffers.
    private static func forEachSlice(_ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: TSNE.sliceCount) { work($0) }
        }
    }

    /// The pair loop for rows `rows` into one slice's buffers; returns its sum of `w`.
    @inline(__always)
    private static func pairForces(
        rows: Range<Int>, count n: Int, p: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
        forces f: UnsafeMutablePointer<Float>
    ) -> Double {
        let first = rows.lowerBound
        guard first < n else { return 0 }
        let ax = f, ay = f + n, rx = f + 2 * n, ry = f + 3 * n
        (f + first).update(repeating: 0, count: n - first)
        (f + n + first).update(repeating: 0, count: n - first)
        (f + 2 * n + first).update(repeating: 0, count: n - first)
        (f + 3 * n + first).update(repeating: 0, count: n - first)
        typealias V = SIMD4<Float>
        @inline(__always) func load(_ q: UnsafePointer<Float>) -> V { UnsafeRawPointer(q).loadUnaligned(as: V.self) }
        @inline(__always) func subtract(_ v: V, from q: UnsafeMutablePointer<Float>) {
            UnsafeMutableRawPointer(q).storeBytes(of: load(q) - v, as: V.self)
        }
        var zTotal = 0.0
        for i in rows {
            let xi = x[i], yi = y[i], row = p + i * n
            var sax = V(), say = V(), srx = V(), sry = V(), sz = V()
            var j = i + 1
            while j + 4 <= n {
                let dx = V(repeating: xi) - load(x + j), dy = V(repeating: yi) - load(y + j)
                let w = 1 / (1 + dx * dx + dy * dy)
                let pw = load(row + j) * w, ww = w * w
                let fax = pw * dx, fay = pw * dy, frx = ww * dx, fry = ww * dy
                sax += fax; say += fay; srx += frx; sry += fry; sz += w
                subtract(fax, from: ax + j); subtract(fay, from: ay + j)
                subtract(frx, from: rx + j); subtract(fry, from: ry + j)
                j += 4
            }
            var tax = sax.sum(), tay = say.sum(), trx = srx.sum(), tra = sry.sum(), tz = sz.sum()
            while j < n {
                let dx = xi - x[j], dy = yi - y[j]
                let w = 1 / (1 + dx * dx + dy * dy)
                let pw = row[j] * w, ww = w * w
                tax += pw * dx; tay += pw * dy; trx += ww * dx; tra += ww * dy; tz += w
                ax[j] -= pw * dx; ay[j] -= pw * dy; rx[j] -= ww * dx; ry[j] -= ww * dy
                j += 1
            }
            ax[i] += tax; ay[i] += tay; rx[i] += trx; ry[i] += tra
            zTotal += Double(tz)
        }
        return zTotal
    }

    /// `KL(P‖Q) = Σ_{i≠j} p_ij ln(p_ij / q_ij)` of the current map (no exaggeration).
    func klDivergence() -> Double {
        let n = self.n
        var z = 0.0
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let dx = x[i] - x[j], dy = y[i] - y[j]
                z += 1 / (1 + Double(dx * dx + dy * dy))
            }
        }
        z *= 2
        var kl = 0.0
        p.withUnsafeBufferPointer { pp in
            for i in 0..<n {
                for j in (i + 1)..<max(i + 1, n) {
                    let pij = Double(pp[i * n + j])
                    guard pij > 0 else { continue }
                    let dx = x[i] - x[j], dy = y[i] - y[j]
                    let q = max(1 / (1 + Double(dx * dx + dy * dy)) / z, 1e-12)
                    kl += 2 * pij * log(pij / q)
                }
            }
        }
        return kl
    }
}
