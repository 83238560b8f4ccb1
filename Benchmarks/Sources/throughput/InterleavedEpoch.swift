import DeepClustering

/// Trains one epoch of `model` on `x` through the library's own `pretrain`, pausing the epoch
/// clock every `interleave` batches to run `floor` (the same GEMMs on raw buffers) for exactly
/// those batch sizes, so both halves see the same machine load (other processes come and go on
/// a shared machine). With `interleave == .max` the floor runs after the whole epoch.
/// - Returns: The epoch's seconds without the floor's, and the epoch loss.
func interleavedEpoch(
    of model: Autoencoder, on x: Tensor, batchSize: Int, optimizer: any Optimizer, interleave: Int,
    floor: @escaping (Int) -> Void
) throws -> (seconds: Double, loss: Float) {
    let n = x.shape[0]
    var pending: [Int] = []
    var hookSeconds = 0.0
    let start = now()
    let history = try model.pretrain(on: x, epochs: 1, batchSize: batchSize, optimizer: optimizer, shuffleSeed: 7) { event in
        guard case let .batchEnded(_, batch, batchCount, _) = event else { return }
        let hookStart = now()
        pending.append(min(batchSize, n - (batch - 1) * batchSize))
        if pending.count == interleave || (batch == batchCount && interleave != .max) {
            for b in pending { floor(b) }
            pending.removeAll(keepingCapacity: true)
        }
        hookSeconds += now() - hookStart
    }
    let seconds = now() - start - hookSeconds
    for b in pending { floor(b) }  // interleave == .max: the floor after the whole epoch
    return (seconds, history.first ?? .nan)
}
