import DeepClustering
@_spi(Benchmarks) import DeepClusteringCore

/// Where the sgemm floor runs relative to the epoch it is compared with.
enum FloorPlacement {
    /// The floor in blocks between blocks of `n` epoch batches, with half a block before the
    /// epoch and the rest after it (the default, `n` = 64; `--interleave N`): every block of
    /// the epoch sits between two blocks of the floor, so a load that drifts steadily weighs on
    /// both alike, and `n` large enough keeps the switches few.
    ///
    /// Switching has a cost: a floor block evicts the epoch's weights and optimizer state from
    /// the caches and the other way round (Benchmarks/README.md has the measured ratios per `n`).
    /// With `n` = 64 an epoch of 274 batches switches four times.
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
    var next = 0  // the floor's next batch
    func runFloor(batches count: Int) {
        let end = min(batchCount, next + count)
        for b in sizes[next..<end] { floor(b) }
        next = end
    }
    let block: Int
    switch placement {
    case let .interleaved(every):
        block = every
        runFloor(batches: every / 2)
    case .afterEpoch:
        block = .max
    }
    var hookSeconds = 0.0
    let start = now()
    let history = try model.pretrain(
        on: x, epochs: 1, batchSize: batchSize, optimizer: optimizer, shuffleSeed: 7, precision: BLAS.precision
    ) { event in
        guard case let .batchEnded(_, batch, _, _) = event, block != .max, batch % block == 0, batch < batchCount
        else { return }
        let hookStart = now()
        runFloor(batches: block)
        hookSeconds += now() - hookStart
    }
    let seconds = now() - start - hookSeconds
    runFloor(batches: batchCount)
    return (seconds, history.first ?? .nan)
}

/// Whether the GEMMs run otherwise than on OpenBLAS in FP32 (oneDNN, or bf16 operands), so that
/// the lines also compare the epoch with the OpenBLAS FP32 floor, the engine's fallback.
var comparesWithOpenBLAS: Bool { BLAS.backend != .openBLAS || BLAS.precision != .float32 }

/// Runs `body` with every GEMM on OpenBLAS in FP32, then restores the backend.
func onOpenBLASInFloat32(_ body: () -> Void) {
    let backend = BLAS.backend
    BLAS.selectBackend(.openBLAS)
    defer { BLAS.selectBackend(backend) }
    _ = try? BLAS.withPrecision(.float32, body)
}

/// The floor's blocks for `timedEpoch`: `floor`, and when ``comparesWithOpenBLAS`` also
/// `openBLASFloor` on OpenBLAS in FP32 right after it, so both see the same load.
func floorBlocks(_ floor: @escaping (Int) -> Void, openBLASFloor: @escaping (Int) -> Void) -> (Int) -> Void {
    guard comparesWithOpenBLAS else { return floor }
    return { batch in
        floor(batch)
        onOpenBLASInFloat32 { openBLASFloor(batch) }
    }
}

/// Prints how the epoch compares with the OpenBLAS FP32 floor, when it ran.
func printOpenBLASComparison(epochSeconds: Double, openBLASSeconds: Double) {
    guard comparesWithOpenBLAS else { return }
    print(String(format: "  openblas_f32_sgemm_s=%.3f epoch/openblas_f32_sgemm=%.3f", openBLASSeconds, epochSeconds / openBLASSeconds))
}
