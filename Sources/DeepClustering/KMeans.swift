import Foundation

/// k-means clustering (Lloyd's algorithm) with k-means++ seeding and restarts, following
/// scikit-learn's `KMeans` so that results are comparable with the DEC papers' baselines.
///
/// Each of ``initializationCount`` restarts seeds `k` centres with greedy k-means++ (Arthur &
/// Vassilvitskii 2007; at every step `2 + ⌊ln k⌋` candidates are drawn with probability
/// proportional to their squared distance and the one that lowers the potential most is kept),
/// then runs Lloyd iterations until the labels stop changing, the squared centre shift
/// `Σ_j ‖c_j⁽ᵗ⁺¹⁾ − c_j⁽ᵗ⁾‖²` falls to ``tolerance`` × the mean per-feature variance of the data,
/// or ``maxIterations`` is reached. The restart with the lowest inertia wins. A cluster left
/// empty is re-seeded with the point farthest from its centre, and labels are recomputed after
/// the last centre update, as scikit-learn does.
///
/// The first iteration of each restart assigns every row, with `‖x‖² − 2x·cᵀ + ‖c‖²` from a
/// SIMD kernel (or BLAS GEMM when there are many clusters) split over the cores; later
/// iterations keep Elkan's distance bounds (2003) and measure only the distances that could
/// change a row's cluster, which gives the same iterates as plain Lloyd (up to ties within
/// rounding) at a fraction of the work. The work is split into a fixed number of slices that
/// does not depend on the thread count, so a seed reproduces its result exactly. Memory beyond
/// the data is `O(n·k + k·d)` (the bounds are dropped when `n·k` exceeds 16 M).
///
/// ```swift
/// let kmeans = try KMeans(clusterCount: 10, initializationCount: 20, seed: 1)
/// let result = try kmeans.fit(x)            // x: [n, d]
/// print(result.inertia, result.iterations)
/// ```
public struct KMeans: Sendable {
    /// The number of clusters `k`.
    public let clusterCount: Int
    /// The number of k-means++ restarts (scikit-learn's `n_init`); the lowest-inertia one is
    /// kept. Default 10, scikit-learn's classic value; DEC's k-means seed uses 20.
    public let initializationCount: Int
    /// The most Lloyd iterations per restart (scikit-learn's `max_iter`); default 300.
    public let maxIterations: Int
    /// The convergence threshold relative to the data's scale (scikit-learn's `tol`): a restart
    /// stops when the squared Frobenius norm of the centre change is at most
    /// `tolerance × mean_f Var(x[:, f])`. Default `1e-4`, as scikit-learn.
    public let tolerance: Double
    /// The random seed of the `SeededGenerator` that drives the k-means++ draws; each restart gets
    /// its own stream split from it, so equal seeds give identical results.
    public let seed: UInt64

    /// Creates a k-means configuration.
    /// - Parameters:
    ///   - clusterCount: The number of clusters `k`, at least 1.
    ///   - initializationCount: The number of restarts, at least 1; defaults to 10.
    ///   - maxIterations: The most Lloyd iterations per restart, at least 1; defaults to 300.
    ///   - tolerance: The relative convergence threshold, non-negative; defaults to `1e-4`.
    ///   - seed: The random seed; defaults to 0.
    /// - Throws: ``ClusteringError/invalidConfiguration(operation:message:)`` for a value
    ///   outside its domain.
    public init(
        clusterCount: Int, initializationCount: Int = 10, maxIterations: Int = 300,
        tolerance: Double = 1e-4, seed: UInt64 = 0
    ) throws {
        let operation = "KMeans.init"
        func fail(_ message: String) -> ClusteringError {
            .invalidConfiguration(operation: operation, message: message)
        }
        guard clusterCount >= 1 else { throw fail("clusterCount must be at least 1, got \(clusterCount)") }
        guard initializationCount >= 1 else {
            throw fail("initializationCount must be at least 1, got \(initializationCount)")
        }
        guard maxIterations >= 1 else { throw fail("maxIterations must be at least 1, got \(maxIterations)") }
        guard tolerance >= 0, tolerance.isFinite else {
            throw fail("tolerance must be finite and non-negative, got \(tolerance)")
        }
        self.clusterCount = clusterCount
        self.initializationCount = initializationCount
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
    }

    /// Clusters the rows of `x`.
    /// - Parameter x: The samples, shape `[n, d]` with `n ≥ clusterCount`, all finite.
    /// - Returns: The best of ``initializationCount`` restarts.
    /// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when `x` is not rank 2,
    ///   has fewer rows than ``clusterCount``, or holds a non-finite value.
    public func fit(_ x: Tensor) throws -> KMeansResult {
        try withSolver(for: x, operation: "KMeans.fit(_:)") { solver, threshold in
            var generator = SeededGenerator(seed: seed)
            var best: KMeansResult?
            for _ in 0..<initializationCount {
                var restartGenerator = generator.split()
                let centers = solver.kMeansPlusPlusCenters(using: &restartGenerator)
                let result = solver.lloyd(from: centers, maxIterations: maxIterations, tolerance: threshold)
                if best == nil || result.inertia < best!.inertia { best = result }
            }
            return best!
        }
    }

    /// Runs Lloyd's algorithm once from given centres instead of k-means++ restarts
    /// (scikit-learn's `init=` array), for example to continue from an earlier fit.
    /// - Parameters:
    ///   - x: The samples, shape `[n, d]` with `n ≥ clusterCount`, all finite.
    ///   - initialCenters: The starting centres, shape `[clusterCount, d]`, all finite.
    /// - Returns: The fitted clustering (``initializationCount`` and ``seed`` are not used).
    /// - Throws: As ``fit(_:)``, and ``ClusteringError/invalidInput(operation:message:)`` when
    ///   `initialCenters` has the wrong shape or a non-finite value.
    public func fit(_ x: Tensor, startingFrom initialCenters: Tensor) throws -> KMeansResult {
        let operation = "KMeans.fit(_:startingFrom:)"
        try KMeans.validate(initialCenters, operation: operation)
        guard x.rank == 2, initialCenters.shape == [clusterCount, x.shape[1]] else {
            throw ClusteringError.invalidInput(
                operation: operation,
                message: "initialCenters has shape \(initialCenters.shape), expected [\(clusterCount), d] for x of shape \(x.shape)")
        }
        return try withSolver(for: x, operation: operation) { solver, threshold in
            solver.lloyd(from: initialCenters.scalars, maxIterations: maxIterations, tolerance: threshold)
        }
    }

    /// Validates `x` (rank 2, finite, at least ``clusterCount`` rows) and runs `body` with a
    /// solver over it and the absolute convergence threshold.
    private func withSolver(
        for x: Tensor, operation: String, _ body: (KMeansSolver, Double) -> KMeansResult
    ) throws -> KMeansResult {
        try KMeans.validate(x, operation: operation)
        let n = x.shape[0], d = x.shape[1], k = clusterCount
        guard n >= k else {
            throw ClusteringError.invalidInput(
                operation: operation, message: "x has \(n) samples (shape \(x.shape)), fewer than clusterCount \(k)")
        }
        return x.withUnsafeBufferPointer { xp in
            let solver = KMeansSolver(x: xp.baseAddress!, sampleCount: n, dimension: d, clusterCount: k)
            return body(solver, tolerance * solver.meanFeatureVariance())
        }
    }

    /// Clusters the rows of `x` and returns only the labels (`fit(x).labels`).
    /// - Parameter x: The samples, shape `[n, d]` with `n ≥ clusterCount`, all finite.
    /// - Returns: The cluster index of each row.
    /// - Throws: As ``fit(_:)``.
    public func fitPredict(_ x: Tensor) throws -> [Int] {
        try fit(x).labels
    }

    /// Checks that `x` is a non-empty rank-2 tensor of finite values.
    static func validate(_ x: Tensor, operation: String) throws {
        guard x.rank == 2, x.shape[0] > 0, x.shape[1] > 0 else {
            throw ClusteringError.invalidInput(
                operation: operation, message: "expected samples of shape [n, d] with n, d ≥ 1, found \(x.shape)")
        }
        if let bad = x.firstNonFiniteElement() {
            throw ClusteringError.invalidInput(
                operation: operation, message: "x[\(bad.sample), \(bad.offset)] is \(bad.value); all values must be finite")
        }
    }
}
