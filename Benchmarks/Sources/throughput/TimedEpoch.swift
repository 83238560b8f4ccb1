import DeepClustering

/// Where the sgemm floor runs relative to the epoch it is compared with.
enum FloorPlacement {
    /// Half of the floor's batches before the epoch and the rest after it (the default): neither
    /// half is interrupted, and a load that drifts steadily during the run weighs on both alike.
    case aroundEpoch
    /// A slice of the floor every `n` batches of the epoch (`--interleave N`). Measured on 2
    /// cores (dense), the ratio rises with the number of slices: 1.05–1.10 uninterrupted against
    /// 1.13–1.17 with a slice every 8 batches and 1.17–1.18 every batch. The likely cause: each
    /// slice evicts the epoch's weights and optimizer state from the caches, and the epoch,
    /// whose state is larger than the floor's, pays more to reload it.
    case interleaved(Int)
    /// The whole floor after the whole epoch (`--sequential`).
    case afterEpoch
}

/// Trains one epoch of `model` on `x` through the library's own `pretrain` and runs `floor` (the
/// same GEMMs on raw buffers) once for every batch size the epoch uses, placed as `placement`
/// says; time spent in the floor is not counted in the epoch.
/// - Returns: The epoch's seconds without the floor's, and the epoch loss.
func timedEpoch(
    of model: Autoencoder, on x: Tensor, batchSize: Int, optimizer: any Optimizer, placement: FloorPlacement,
    floor: @escaping (Int) -> Void
) throws -> (seconds: Double, loss: Float) {
    let n = x.shape[0]
    let batchCount = (n + batchSize - 1) / batchSize
    let sizes = (0..<batchCount).map { min(batchSize, n - $0 * batchSize) }
    let interleave: Int
    switch placement {
    case .aroundEpoch:
        for b in sizes[..<(batchCount / 2)] { floor(b) }
        interleave = .max
    case let .interleaved(every):
        interleave = every
    case .afterEpoch:
        interleave = .max
    }
    var pending: [Int] = []
    var hookSeconds = 0.0
    let start = now()
    let history = try model.pretrain(on: x, epochs: 1, batchSize: batchSize, optimizer: optimizer, shuffleSeed: 7) { event in
        guard case let .batchEnded(_, batch, _, _) = event, interleave != .max else { return }
        let hookStart = now()
        pending.append(sizes[batch - 1])
        if pending.count == interleave || batch == batchCount {
            for b in pending { floor(b) }
            pending.removeAll(keepingCapacity: true)
        }
        hookSeconds += now() - hookStart
    }
    let seconds = now() - start - hookSeconds
    switch placement {
    case .aroundEpoch: for b in sizes[(batchCount / 2)...] { floor(b) }
    case .interleaved: break
    case .afterEpoch: for b in sizes { floor(b) }
    }
    return (seconds, history.first ?? .nan)
}
