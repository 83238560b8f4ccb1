import DeepClusteringCore

/// The order in which samples are visited, batch by batch, epoch after epoch.
///
/// Each epoch is a permutation of `0..<sampleCount` (reshuffled in place from a seeded
/// generator at ``startEpoch()`` when shuffling, as Keras's `shuffle=True` does), cut into
/// ``batchCount`` consecutive batches of ``batchSize``; the last batch holds the remainder.
/// A training loop gathers each batch's rows into a tensor it keeps:
///
/// ```swift
/// var sampler = try MiniBatchSampler(sampleCount: x.rowCount, batchSize: 256, seed: 7)
/// var batch = Tensor(zeros: [0])
/// sampler.startEpoch()
/// for b in 0..<sampler.batchCount {
///     try x.gatherRows(at: sampler.indices(ofBatch: b), into: &batch)   // no allocation
///     …
/// }
/// ```
public struct MiniBatchSampler: Sendable {
    /// The number of samples.
    public let sampleCount: Int
    /// The number of samples per batch (the last may have fewer).
    public let batchSize: Int
    /// Whether ``startEpoch()`` reshuffles.
    public let shuffles: Bool
    private var generator: SeededGenerator
    /// The current epoch's permutation.
    public private(set) var order: [Int]

    /// Creates a sampler (in sample order until the first ``startEpoch()``).
    /// - Parameters:
    ///   - sampleCount: The number of samples (≥ 0).
    ///   - batchSize: Samples per batch (> 0).
    ///   - shuffle: Whether each epoch is a fresh random permutation; defaults to `true`.
    ///   - seed: Seeds the shuffling.
    /// - Throws: `TensorError.invalidArgument(operation:message:)` for a non-positive batch size
    ///   or a negative sample count.
    public init(sampleCount: Int, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0) throws {
        guard batchSize > 0, sampleCount >= 0 else {
            throw TensorError.invalidArgument(
                operation: "MiniBatchSampler",
                message: "need batchSize > 0 and sampleCount ≥ 0, found \(batchSize) and \(sampleCount)")
        }
        self.sampleCount = sampleCount
        self.batchSize = batchSize
        self.shuffles = shuffle
        generator = SeededGenerator(seed: seed)
        order = Array(0..<sampleCount)
    }

    /// The number of batches per epoch, `⌈sampleCount / batchSize⌉`.
    public var batchCount: Int { sampleCount.dividedRoundingUp(by: batchSize) }

    /// Begins an epoch: reshuffles ``order`` in place (Fisher–Yates) when shuffling.
    public mutating func startEpoch() {
        if shuffles { order.shuffle(using: &generator) }
    }

    /// The sample indices of batch `batch` (0-based) of the current epoch.
    /// - Parameter batch: In `0..<batchCount` (a programmer error otherwise).
    /// - Returns: A slice of ``order`` (no copy).
    public func indices(ofBatch batch: Int) -> ArraySlice<Int> {
        precondition(batch >= 0 && batch < batchCount, "MiniBatchSampler: batch \(batch) out of range 0..<\(batchCount)")
        let start = batch * batchSize
        return order[start..<min(start + batchSize, sampleCount)]
    }
}
