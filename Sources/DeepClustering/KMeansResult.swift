/// A fitted k-means clustering: the centres found, each sample's cluster, and how good and how
/// long the fit was.
///
/// ```swift
/// let model = try KMeans(clusterCount: 10).fit(x)   // x: [n, d]
/// let clusters = try model.predict(otherPoints)     // nearest centre of each row
/// ```
public struct KMeansResult: Sendable {
    /// The cluster centres, shape `[k, d]`.
    public var centers: Tensor
    /// The index in `0..<k` of the nearest centre of each training sample (length `n`),
    /// consistent with ``centers``.
    public var labels: [Int]
    /// The sum of squared distances of the training samples to their nearest centre, computed
    /// directly as `Σ_i ‖x_i − c_{labels_i}‖²` (in `Double`).
    public var inertia: Double
    /// The number of Lloyd iterations of the best restart (scikit-learn's `n_iter_`).
    public var iterations: Int

    /// The number of clusters `k`.
    public var clusterCount: Int { centers.shape[0] }

    /// The index of the nearest centre of each row of `x`.
    /// - Parameter x: Points of shape `[m, d]`, `d` the dimension of ``centers``.
    /// - Returns: `m` cluster indices in `0..<k` (ties go to the lower index).
    /// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when `x` is not rank 2,
    ///   has the wrong number of columns or holds a non-finite value.
    public func predict(_ x: Tensor) throws -> [Int] {
        let operation = "KMeansResult.predict(_:)"
        try KMeans.validate(x, operation: operation)
        guard x.shape[1] == centers.shape[1] else {
            throw ClusteringError.invalidInput(
                operation: operation,
                message: "x has \(x.shape[1]) features per row (shape \(x.shape)) but the centres have \(centers.shape[1]) (shape \(centers.shape))")
        }
        return x.withUnsafeBufferPointer { xp in
            centers.withUnsafeBufferPointer { cp in
                let solver = KMeansSolver(
                    x: xp.baseAddress!, sampleCount: x.shape[0], dimension: x.shape[1], clusterCount: clusterCount)
                solver.assign(centers: cp.baseAddress!, accumulating: false)
                return solver.currentLabels()
            }
        }
    }
}
