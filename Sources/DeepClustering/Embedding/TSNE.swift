import Foundation

/// t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008) into two
/// dimensions with the exact gradient, for maps of an embedding of up to a few thousand points
/// (the DEC paper's figure).
///
/// The input affinities are Gaussian conditionals `p_{j|i}` whose bandwidth is found by binary
/// search per point so that each row's perplexity `2^H(P_i)` equals ``perplexity``, then
/// symmetrised to `p_ij = (p_{j|i} + p_{i|j}) / 2n`. The map starts at seeded `N(0, 10⁻⁴)`
/// points and follows gradient descent on `KL(P‖Q)` with Student-t affinities
/// `q_ij ∝ (1 + ‖y_i − y_j‖²)⁻¹`:
///
///     ∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(1 + ‖y_i − y_j‖²)⁻¹ (y_i − y_j)
///
/// with the paper's optimiser (as scikit-learn's exact method): `P` multiplied by
/// ``earlyExaggeration`` for the first ``exaggerationIterations`` iterations, momentum 0.5 then
/// 0.8, and per-coordinate gains (+0.2 when the gradient changes sign, ×0.8 otherwise, at least
/// 0.01). Every iteration costs `O(n²)`: one pass over the `n(n−1)/2` pairs in single
/// precision, four pairs at a time (one SSE vector), split into a fixed number of row slices balanced by pair
/// count (so a seed gives the same map whatever the thread count), with no allocation in the
/// loop. `P` is held as an `n × n` matrix (100 MB for 5,000 points).
///
/// ```swift
/// let tsne = try TSNE(perplexity: 30, seed: 1)
/// let map = try tsne.fit(z).embedding          // z: [n, d] → [n, 2]
/// ```
public struct TSNE: Sendable {
    /// The target perplexity of every input row, roughly the number of effective neighbours;
    /// default 30 (scikit-learn's; the paper recommends 5–50).
    public let perplexity: Double
    /// The number of gradient-descent iterations; default 1000 (scikit-learn's).
    public let iterations: Int
    /// The step size, or `nil` for scikit-learn's `"auto"`: `max(n / earlyExaggeration / 4, 50)`.
    public let learningRate: Float?
    /// The factor applied to `P` early on, which lets clusters form and separate; default 12.
    public let earlyExaggeration: Float
    /// How many of the first iterations use the exaggeration and momentum 0.5; default 250.
    public let exaggerationIterations: Int
    /// Seeds the initial map.
    public let seed: UInt64

    /// The number of row slices of the pair loop (independent of the thread count).
    static let sliceCount = 16

    /// Creates a t-SNE configuration.
    /// - Parameters:
    ///   - perplexity: Positive; defaults to 30. Must be below the number of points fitted.
    ///   - iterations: At least 1; defaults to 1000.
    ///   - learningRate: Positive, or `nil` (the default) for `max(n / earlyExaggeration / 4, 50)`.
    ///   - earlyExaggeration: At least 1; defaults to 12.
    ///   - exaggerationIterations: Non-negative; defaults to 250.
    ///   - seed: Seeds the initial map; defaults to 0.
    /// - Throws: ``ClusteringError/invalidConfiguration(operation:message:)`` for a value
    ///   outside its domain.
    public init(
        perplexity: Double = 30, iterations: Int = 1000, learningRate: Float? = nil,
        earlyExaggeration: Float = 12, exaggerationIterations: Int = 250, seed: UInt64 = 0
    ) throws {
        func fail(_ message: String) -> ClusteringError { .invalidConfiguration(operation: "TSNE.init", message: message) }
        guard perplexity > 0, perplexity.isFinite else { throw fail("perplexity must be positive, got \(perplexity)") }
        guard iterations >= 1 else { throw fail("iterations must be at least 1, got \(iterations)") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw fail("learningRate must be positive, got \(learningRate)")
        }
        guard earlyExaggeration >= 1, earlyExaggeration.isFinite else {
            throw fail("earlyExaggeration must be at least 1, got \(earlyExaggeration)")
        }
        guard exaggerationIterations >= 0 else {
            throw fail("exaggerationIterations must be non-negative, got \(exaggerationIterations)")
        }
        self.perplexity = perplexity
        self.iterations = iterations
        self.learningRate = learningRate
        self.earlyExaggeration = earlyExaggeration
        self.exaggerationIterations = exaggerationIterations
        self.seed = seed
    }

    /// Embeds the rows of `x` in two dimensions.
    /// - Parameters:
    ///   - x: The points, shape `[n, d]` with `n > perplexity`, all finite.
    ///   - progress: Called after every iteration with its number (1-based).
    /// - Returns: The map (`[n, 2]`, centred on the origin) and its final `KL(P‖Q)`.
    /// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when `x` is not `[n, d]`
    ///   with finite values or has no more rows than ``perplexity``.
    public func fit(_ x: Tensor, progress: ((Int) -> Void)? = nil) throws -> TSNEResult {
        let p = try TSNE.conditionalProbabilities(x, perplexity: perplexity, operation: "TSNE.fit(_:progress:)")
        let n = x.shape[0]
        var optimizer = TSNEOptimizer(jointProbabilities: p, count: n, seed: seed)
        let rate = learningRate ?? max(Float(n) / earlyExaggeration / 4, 50)
        for iteration in 0..<iterations {
            let early = iteration < exaggerationIterations
            optimizer.step(exaggeration: early ? earlyExaggeration : 1, momentum: early ? 0.5 : 0.8, learningRate: rate)
            progress?(iteration + 1)
        }
        return TSNEResult(embedding: optimizer.embedding(), klDivergence: optimizer.klDivergence())
    }

    /// The Gaussian conditional affinities `p_{j|i}` of the rows of `x`, each row calibrated by
    /// binary search on its precision `β_i` so that its entropy is `ln(perplexity)` (to 10⁻⁵
    /// nats, at most 100 steps, as scikit-learn's `_binary_search_perplexity`), using squared
    /// Euclidean distances: `p_{j|i} = exp(−β_i‖x_i − x_j‖²) / Σ_{k≠i} exp(−β_i‖x_i − x_k‖²)`.
    /// - Parameters:
    ///   - x: The points, shape `[n, d]` with `n > perplexity`, all finite.
    ///   - perplexity: The target perplexity `2^H` of every row, positive.
    /// - Returns: `[n, n]`, each row summing to 1 with a zero diagonal.
    /// - Throws: ``ClusteringError/invalidInput(operation:message:)`` for unusable `x` and
    ///   ``ClusteringError/invalidConfiguration(operation:message:)`` for a non-positive perplexity.
    public static func conditionalProbabilities(_ x: Tensor, perplexity: Double) throws -> Tensor {
        let operation = "TSNE.conditionalProbabilities(_:perplexity:)"
        guard perplexity > 0, perplexity.isFinite else {
            throw ClusteringError.invalidConfiguration(operation: operation, message: "perplexity must be positive, got \(perplexity)")
        }
        return try conditionalProbabilities(x, perplexity: perplexity, operation: operation)
    }

    private static func conditionalProbabilities(_ x: Tensor, perplexity: Double, operation: String) throws -> Tensor {
        try KMeans.validate(x, operation: operation)
        let n = x.shape[0], d = x.shape[1]
        guard Double(n) > perplexity else {
            throw ClusteringError.invalidInput(
                operation: operation, message: "perplexity \(perplexity) must be below the number of points, found \(n) (shape \(x.shape))")
        }
        let blocks = x.withUnsafeBufferPointer { SquaredDistanceBlocks($0.baseAddress!, count: n, dimension: d) }
        var result = Tensor(zeros: [n, n])
        var workspace: [Float] = []
        let target = log(perplexity)
        result.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            blocks.forEachBlock(maximumElements: 1 << 22, workspace: &workspace) { rows, block in
                Parallel.forEachChunk(count: rows.count, minimumPerThread: max(1, 8_192 / n)) { local in
                    for r in local {
                        let i = rows.lowerBound + r
                        calibrateRow(distances: block + r * n, into: out + i * n, count: n, row: i, entropy: target)
                    }
                }
            }
        }
        return result
    }

    /// Binary search for the precision of row `i`; writes the normalised row (zero diagonal).
    private static func calibrateRow(
        distances: UnsafeMutablePointer<Float>, into p: UnsafeMutablePointer<Float>, count n: Int, row i: Int, entropy target: Double
    ) {
        // Shifting by the nearest distance leaves the row unchanged, keeps exp from
        // underflowing and makes the sum at least 1; an infinite own distance gives p_ii = 0.
        var nearest = Float.infinity
        for j in 0..<n where j != i { nearest = min(nearest, distances[j]) }
        for j in 0..<n { distances[j] -= nearest }
        distances[i] = .infinity
        var beta = 1.0, low = -Double.infinity, high = Double.infinity
        var sum = 1.0
        for _ in 0..<100 {
            let (s, weighted) = exponentials(distances, precision: Float(beta), into: p, count: n)
            sum = s
            let entropy = log(sum) + beta * weighted / sum
            let difference = entropy - target
            if abs(difference) <= 1e-5 { break }
            if difference > 0 {
                low = beta
                beta = high == .infinity ? beta * 2 : (beta + high) / 2
            } else {
                high = beta
                beta = low == -.infinity ? beta / 2 : (beta + low) / 2
            }
        }
        let scale = Float(1 / sum)
        for j in 0..<n { p[j] *= scale }
    }

    /// `p[j] = exp(−β·d[j])` for a row of non-negative (shifted) distances, eight at a time;
    /// returns `Σ p[j]` and `Σ d[j]·p[j]` (terms with `β·d > 87` are exactly 0).
    @inline(__always)
    private static func exponentials(
        _ d: UnsafeMutablePointer<Float>, precision beta: Float, into p: UnsafeMutablePointer<Float>, count n: Int
    ) -> (Double, Double) {
        typealias V = SIMD8<Float>
        var sum = V(), weighted = V()
        var j = 0
        let b = V(repeating: beta)
        while j + 8 <= n {
            let dj = UnsafeRawPointer(d + j).loadUnaligned(as: V.self)
            let e = negativeExponential(b * dj)
            UnsafeMutableRawPointer(p + j).storeBytes(of: e, as: V.self)
            sum += e
            weighted += e * dj.replacing(with: 0, where: e .== 0)
            j += 8
        }
        var s = Double(sum.sum()), w = Double(weighted.sum())
        while j < n {
            let e = negativeExponential(V(repeating: beta * d[j]))[0]
            p[j] = e
            s += Double(e)
            if e > 0 { w += Double(e) * Double(d[j]) }
            j += 1
        }
        return (s, w)
    }

    /// `exp(−x)` for `x ≥ 0` (or +∞), to about 2 ulp: `2^k·e^r` with `|r| ≤ ln2/2` and Cephes'
    /// degree-6 polynomial for `e^r`; exactly 0 beyond `x = 87`.
    @inline(__always)
    static func negativeExponential(_ x: SIMD8<Float>) -> SIMD8<Float> {
        typealias V = SIMD8<Float>
        let large = x .> 87
        let t = -x.replacing(with: 0, where: large)
        // Adding 1.5·2²³ rounds to an integer and leaves k + 127 in the low mantissa bits.
        let shifted = t * 1.442_695_04 + (12_582_912 + 127)
        let k = shifted - (12_582_912 + 127)
        let r = t - k * 0.693_359_375 + k * 2.121_944_4e-4
        var y = V(repeating: 1.987_569_1e-4)
        y = y * r + 1.398_199_9e-3
        y = y * r + 8.333_451_9e-3
        y = y * r + 4.166_579_6e-2
        y = y * r + 1.666_666_5e-1
        y = y * r + 5.000_000_1e-1
        y = y * r * r + r + 1
        let bits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000) &<< 23
        let scale = unsafeBitCast(bits, to: V.self)
        return (y * scale).replacing(with: 0, where: large)
    }
}
