import DeepClusteringCore

// The locality-preserving loss over input-space neighbours. Letters: B points of the batch,
// k neighbours each, D embedding dimensions.

/// The locality-preserving loss (Huang et al. 2014, "Deep embedding network for clustering";
/// the "locality-preserving loss" of Aljalbout et al.'s taxonomy): points that are neighbours in
/// input space should stay close in the embedding,
///
/// ```
/// L = (1/(B·k)) Σ_i Σ_{m<k} ‖z_i − n_im‖²
/// ∂L/∂z_i = (2/(B·k)) Σ_m (z_i − n_im)
/// ```
///
/// where `n_im` is the embedding of the m-th input-space neighbour of point `i` (a row of
/// ``NeighborGraph``). The neighbour embeddings are constants here (the gradient with respect to
/// `n_im` would be `−(2/(B·k))(z_i − n_im)`): ``DECTrainer`` looks them up in an embedding table
/// of the whole dataset that it refreshes at every target update, as it refreshes `P`.
/// - Parameters:
///   - z: The batch's embeddings, `[B, D]`.
///   - neighbors: Their neighbours' embeddings, `[B·k, D]`, rows `i·k ..< (i+1)·k` belonging
///     to point `i`.
/// - Returns: `L` and `∂L/∂z` (`[B, D]`).
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when the shapes do not fit.
public func localityPreservingLoss(embeddings z: Tensor, neighbors: Tensor) throws -> (value: Float, gradient: Tensor) {
    var gradient = Tensor(zeros: [0])
    let value = try localityPreservingLoss(embeddings: z, neighbors: neighbors, gradientInto: &gradient)
    return (value, gradient)
}

/// The locality-preserving loss writing `weight · ∂L/∂z` into `gradient` (reusing its storage)
/// and returning `weight · L`; see ``localityPreservingLoss(embeddings:neighbors:)``.
/// - Parameters:
///   - z: The batch's embeddings, `[B, D]`.
///   - neighbors: Their neighbours' embeddings, `[B·k, D]` with `k ≥ 1`.
///   - weight: Scales value and gradient; defaults to 1.
///   - gradient: Receives the gradient, reshaped to `[B, D]`.
/// - Returns: `weight · L` (0 for an empty batch).
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when the shapes do not fit.
@discardableResult
public func localityPreservingLoss(
    embeddings z: Tensor, neighbors: Tensor, weight: Float = 1, gradientInto gradient: inout Tensor
) throws -> Float {
    guard z.rank == 2, neighbors.rank == 2, neighbors.shape[1] == z.shape[1],
          z.shape[0] == 0 ? neighbors.shape[0] == 0 : neighbors.shape[0] >= z.shape[0] && neighbors.shape[0] % z.shape[0] == 0
    else {
        throw ClusteringError.invalidInput(
            operation: "localityPreservingLoss",
            message: "expected embeddings [B, D] and neighbours [B·k, D] with k ≥ 1, found \(z.shape) and \(neighbors.shape)")
    }
    let b = z.shape[0], d = z.shape[1]
    gradient.prepareForOverwrite(shape: z.shape)
    guard b > 0 else { return 0 }
    let k = neighbors.shape[0] / b
    let scale = 2 * weight / Float(b * k)
    var sum = 0.0
    z.withUnsafeBufferPointer { z in
        neighbors.withUnsafeBufferPointer { nb in
            gradient.withUnsafeMutableBufferPointer { g in
                for i in 0..<b {
                    let zi = i * d
                    for f in 0..<d { g[zi + f] = 0 }
                    var rowSum: Float = 0
                    for m in 0..<k {
                        let nm = (i * k + m) * d
                        for f in 0..<d {
                            let diff = z[zi + f] - nb[nm + f]
                            rowSum += diff * diff
                            g[zi + f] += diff
                        }
                    }
                    for f in 0..<d { g[zi + f] *= scale }
                    sum += Double(rowSum)
                }
            }
        }
    }
    return Float(Double(weight) * sum / Double(b * k))
}
