import DeepClusteringCore
import Foundation

// The cluster-balance regulariser KL(G‖U) on a batch of soft assignments. Letters: B points,
// K clusters.

/// The cluster-balance regulariser `KL(G‖U)`: the divergence of the batch's mean soft
/// assignment `G` from a prior cluster-size distribution `U`, which keeps clusters from
/// emptying (the collapse DEC is prone to on unbalanced data):
///
/// ```
/// G_j = (1/B) Σ_i q_ij
/// L   = Σ_j G_j log(G_j / U_π(j))
/// ∂L/∂q_ij = (1/B) (log(G_j / U_π(j)) + 1)
/// ```
///
/// `π` matches the prior to the clusters by size rank (the cluster with the largest `G_j` gets
/// `U`'s largest mass; ties keep index order); for the uniform prior it does not matter. The
/// ranking is piecewise constant, so the gradient is exact away from ties. `G_j` is clipped
/// below at `klEpsilon` (with gradient 0 where clipped). The gradient is with respect to `q`
/// and flows on through ``ClusteringLayer/backward(_:computingInputGradient:)``.
/// - Parameters:
///   - q: Soft assignments, `[B, K]` (rows normally summing to 1).
///   - prior: `U`, `K` positive probabilities summing to 1, e.g. from
///     ``ClusterPrior/probabilities(clusterCount:)`` (already sorted there).
/// - Returns: `L` and `∂L/∂q` (`[B, K]`).
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when the shapes do not fit or
///   the prior is not a distribution.
public func clusterBalanceDivergence(softAssignments q: Tensor, prior: [Float]) throws -> (value: Float, gradient: Tensor) {
    var gradient = Tensor(zeros: [0])
    let value = try clusterBalanceDivergence(softAssignments: q, prior: prior, gradientInto: &gradient)
    return (value, gradient)
}

/// `KL(G‖U)` writing `weight · ∂L/∂q` into `gradient` (reusing its storage) and returning
/// `weight · L`; see ``clusterBalanceDivergence(softAssignments:prior:)``. The per-cluster sums
/// use temporary storage (on the stack for small `K`), so a training loop allocates nothing.
/// - Parameters:
///   - q: Soft assignments, `[B, K]`.
///   - prior: `U`, `K` positive probabilities summing to 1 (within 1e-4).
///   - weight: Scales value and gradient; defaults to 1.
///   - gradient: Receives the gradient, reshaped to `[B, K]`.
/// - Returns: `weight · L` (0 for an empty batch).
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when the shapes do not fit or
///   the prior is not a distribution.
@discardableResult
public func clusterBalanceDivergence(
    softAssignments q: Tensor, prior: [Float], weight: Float = 1, gradientInto gradient: inout Tensor
) throws -> Float {
    let operation = "clusterBalanceDivergence"
    guard q.rank == 2, q.shape[1] == prior.count, !prior.isEmpty else {
        throw ClusteringError.invalidInput(
            operation: operation, message: "expected soft assignments [B, \(prior.count)] for a prior of \(prior.count) clusters, found \(q.shape)")
    }
    var total: Float = 0
    for (j, u) in prior.enumerated() {
        guard u > 0, u.isFinite else {
            throw ClusteringError.invalidInput(operation: operation, message: "prior[\(j)] is \(u); prior probabilities must be positive")
        }
        total += u
    }
    guard abs(total - 1) <= 1e-4 else {
        throw ClusteringError.invalidInput(operation: operation, message: "the prior must sum to 1, found \(total)")
    }
    let b = q.shape[0], k = q.shape[1]
    gradient.prepareForOverwrite(shape: q.shape)
    guard b > 0 else { return 0 }
    return withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { g in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { order in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: k) { rowGradient in
                g.update(repeating: 0)
                q.withUnsafeBufferPointer { q in
                    for i in 0..<b {
                        for j in 0..<k { g[j] += Double(q[i * k + j]) }
                    }
                }
                for j in 0..<k { g[j] /= Double(b) }
                // π: clusters in decreasing order of G (insertion sort, stable; K is small).
                for j in 0..<k {
                    var m = j
                    while m > 0 && g[order[m - 1]] < g[j] { order[m] = order[m - 1]; m -= 1 }
                    order[m] = j
                }
                var sum = 0.0
                let scale = Double(weight) / Double(b)
                for rank in 0..<k {
                    let j = order[rank]
                    let u = Double(prior[rank])
                    if g[j] >= Double(klEpsilon) {
                        let logRatio = log(g[j] / u)
                        sum += g[j] * logRatio
                        rowGradient[j] = Float(scale * (logRatio + 1))
                    } else {
                        sum += Double(klEpsilon) * log(Double(klEpsilon) / u)
                        rowGradient[j] = 0
                    }
                }
                let row = UnsafePointer(rowGradient.baseAddress!)
                gradient.withUnsafeMutableBufferPointer { out in
                    for i in 0..<b { (out.baseAddress! + i * k).update(from: row, count: k) }
                }
                return Float(Double(weight) * sum)
            }
        }
    }
}
