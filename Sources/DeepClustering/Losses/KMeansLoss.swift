import DeepClusteringCore

// The k-means loss of Deep Clustering Network (DCN, Yang, Fu, Sidiropoulos & Hong 2017) on a
// batch of embeddings with hard assignments. Letters: B embedded points, D embedding
// dimensions, K centres.

/// DCN's k-means loss on embeddings with hard assignments (Yang et al. 2017, eq. 5):
///
/// ```
/// s_i = argmin_j ‖z_i − μ_j‖²                        (nearest centre; the first on ties)
/// L   = (1/B) Σ_i ‖z_i − μ_{s_i}‖²
/// ∂L/∂z_i =  (2/B) (z_i − μ_{s_i})
/// ∂L/∂μ_j = −(2/B) Σ_{i : s_i = j} (z_i − μ_j)
/// ```
///
/// The assignment is piecewise constant in `z` and `μ`, so these are the exact gradients away
/// from ties. DCN itself updates the centres in closed form (a running mean of the points
/// assigned to them); ``DECTrainer`` instead trains them by this gradient with the same
/// optimizer as the encoder, so one objective drives every parameter (with SGD the centre step
/// moves `μ_j` toward the batch mean of its points, DCN's update with a fixed step size).
/// - Parameters:
///   - embeddings: `z`, shape `[B, D]`.
///   - centers: `μ`, shape `[K, D]`, `K ≥ 1`.
/// - Returns: `L`, `∂L/∂z` (`[B, D]`) and `∂L/∂μ` (`[K, D]`).
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` for shapes that do not fit.
public func kMeansLoss(
    embeddings: Tensor, centers: Tensor
) throws -> (value: Float, embeddingGradient: Tensor, centerGradient: Tensor) {
    var zGradient = Tensor(zeros: [0]), muGradient = Tensor(zeros: [0])
    let value = try kMeansLoss(
        embeddings: embeddings, centers: centers, embeddingGradientInto: &zGradient, centerGradientInto: &muGradient)
    return (value, zGradient, muGradient)
}

/// DCN's k-means loss writing `weight · ∂L/∂z` and `weight · ∂L/∂μ` into caller-owned buffers
/// (reused across batches) and returning `weight · L`; see ``kMeansLoss(embeddings:centers:)``.
/// - Parameters:
///   - z: The embeddings `z`, shape `[B, D]`.
///   - mu: The centres `μ`, shape `[K, D]`, `K ≥ 1`.
///   - weight: Scales value and gradients; defaults to 1.
///   - embeddingGradient: Receives `weight · ∂L/∂z`, reshaped to `[B, D]`.
///   - centerGradient: Receives `weight · ∂L/∂μ`, reshaped to `[K, D]` (overwritten, not added).
/// - Returns: `weight · L` (0 for an empty batch).
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` for shapes that do not fit.
@discardableResult
public func kMeansLoss(
    embeddings z: Tensor, centers mu: Tensor, weight: Float = 1,
    embeddingGradientInto embeddingGradient: inout Tensor, centerGradientInto centerGradient: inout Tensor
) throws -> Float {
    guard z.rank == 2, mu.rank == 2, mu.shape[0] >= 1, z.shape[1] == mu.shape[1] else {
        throw ClusteringError.invalidInput(
            operation: "kMeansLoss", message: "expected embeddings [B, D] and centres [K, D] with K ≥ 1, found \(z.shape) and \(mu.shape)")
    }
    let b = z.shape[0], d = z.shape[1], k = mu.shape[0]
    embeddingGradient.prepareForOverwrite(shape: z.shape)
    centerGradient.prepareForOverwrite(shape: mu.shape)
    centerGradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    guard b > 0 else { return 0 }
    let scale = 2 * weight / Float(b)
    var sum = 0.0
    z.withUnsafeBufferPointer { z in
        mu.withUnsafeBufferPointer { mu in
            embeddingGradient.withUnsafeMutableBufferPointer { dz in
                centerGradient.withUnsafeMutableBufferPointer { dmu in
                    for i in 0..<b {
                        let zi = i * d
                        var best = 0
                        var bestDistance = Float.infinity
                        for j in 0..<k {
                            var squared: Float = 0
                            for f in 0..<d {
                                let diff = z[zi + f] - mu[j * d + f]
                                squared += diff * diff
                            }
                            if squared < bestDistance { bestDistance = squared; best = j }
                        }
                        sum += Double(bestDistance)
                        let mj = best * d
                        for f in 0..<d {
                            let g = scale * (z[zi + f] - mu[mj + f])
                            dz[zi + f] = g
                            dmu[mj + f] -= g
                        }
                    }
                }
            }
        }
    }
    return Float(Double(weight) * sum / Double(b))
}
