import DeepClusteringCore

/// How a convolution layer splits a batch among threads and each thread's share into chunks of
/// images (each chunk's patch matrix bounded by the layer's workspace limit).
///
/// With more than one thread, every thread takes a contiguous, equal share of the images and
/// does all of its chunks' work itself — im2col, single-threaded GEMMs, col2im — in its own
/// workspace slot. That replaces OpenBLAS splitting each (small) GEMM across the cores, which
/// synchronises its threads many times per call (`Documentation/Performance.md` has the
/// measurements).
///
/// ``Conv2D`` and ``Conv2DTranspose`` plan every im2col pass this way; the type is public so that
/// benchmarks and tools can issue the same GEMMs the same way.
public struct ConvolutionChunkPlan: Equatable, Sendable {
    /// The images in every chunk of a slot but possibly its last.
    public let imagesPerChunk: Int
    /// The threads, each with its own workspace slot; 1 runs the chunks in order on the caller.
    public let slots: Int
    /// The images in the batch.
    public let batchSize: Int

    /// Plans `batchSize` images whose patch matrices take `bytesPerImage` bytes each: the images
    /// shared among `min(threads, batchSize)` slots in contiguous runs that differ by at most
    /// one image, each run processed in chunks of at most `byteLimit` bytes (but at least one
    /// image).
    /// - Parameters:
    ///   - batchSize: The images in the batch (0 plans nothing).
    ///   - bytesPerImage: One image's patch-matrix bytes, `GH·GW · KH·KW·C · 4`.
    ///   - byteLimit: The largest patch matrix of one chunk (a layer's `workspaceByteLimit`).
    ///   - threads: The threads to share the images among; defaults to `Parallel.threadCount`.
    public init(batchSize: Int, bytesPerImage: Int, byteLimit: Int, threads: Int = Parallel.threadCount) {
        let batchSize = max(0, batchSize)
        slots = max(1, min(threads, batchSize))
        let largestShare = batchSize.dividedRoundingUp(by: slots)
        imagesPerChunk = max(1, min(largestShare, byteLimit / max(bytesPerImage, 1)))
        self.batchSize = batchSize
    }

    /// Plans `batchSize` images of `geometry` (see ``init(batchSize:bytesPerImage:byteLimit:threads:)``).
    init(geometry: ConvolutionGeometry, batchSize: Int, byteLimit: Int, threads: Int = Parallel.threadCount) {
        self.init(
            batchSize: batchSize, bytesPerImage: geometry.rowsPerImage * geometry.patchWidth * MemoryLayout<Float>.stride,
            byteLimit: byteLimit, threads: threads)
    }

    /// The images of `slot`'s share, a contiguous range.
    public func images(ofSlot slot: Int) -> Range<Int> {
        batchSize * slot / slots..<batchSize * (slot + 1) / slots
    }

    /// The number of chunks over all slots.
    public var chunkCount: Int {
        (0..<slots).reduce(0) { $0 + images(ofSlot: $1).count.dividedRoundingUp(by: imagesPerChunk) }
    }

    /// Whether every slot's share fits in one chunk, so that after a pass the slots' workspaces
    /// together hold the patch matrices of the whole batch.
    public var hasOneChunkPerSlot: Bool { batchSize.dividedRoundingUp(by: slots) <= imagesPerChunk }

    /// The patch-matrix rows of one slot's workspace for `geometry`.
    func rowsPerSlot(_ geometry: ConvolutionGeometry) -> Int { imagesPerChunk * geometry.rowsPerImage }

    /// Calls `body(slot, start, count, isParallel)` for every chunk of images `start..<start+count`.
    ///
    /// With one slot the chunks run in order on the caller with `isParallel == false`: the body
    /// may then parallelise its own loops and GEMMs. With several, each slot's chunks run in
    /// order on one thread with `isParallel == true` inside `BLAS.withSingleThreadedCalls(_:)`
    /// (OpenBLAS at one thread per call for the duration): the body must not start parallel work of its own and must
    /// write only its slot's workspace and its chunk's images.
    /// - Parameter body: The work of one chunk; `slot` selects the calling thread's workspace.
    public func forEachChunk(_ body: (_ slot: Int, _ start: Int, _ count: Int, _ isParallel: Bool) -> Void) {
        func run(slot: Int, isParallel: Bool) {
            let share = images(ofSlot: slot)
            for start in Swift.stride(from: share.lowerBound, to: share.upperBound, by: imagesPerChunk) {
                body(slot, start, min(imagesPerChunk, share.upperBound - start), isParallel)
            }
        }
        guard slots > 1 else {
            run(slot: 0, isParallel: false)
            return
        }
        BLAS.withSingleThreadedCalls {
            Parallel.forEachChunk(count: slots, minimumPerThread: 1) { range in
                for slot in range { run(slot: slot, isParallel: true) }
            }
        }
    }
}

extension ConvolutionChunkPlan {
    /// Where the chunk starting at image `start` of `slot` accumulates its kernel gradient, and
    /// the GEMM's β: the layer's `gradient` itself with one slot (β = 0 for the batch's first
    /// chunk when the gradient is to be overwritten), else the slot's run of `count` floats in
    /// `partials` (β = 0 for the slot's first chunk), summed later by
    /// ``addSlotGradients(_:count:into:overwrite:)``.
    func kernelGradientTarget(
        slot: Int, start: Int, gradient: UnsafeMutablePointer<Float>, overwrite: Bool,
        partials: UnsafeMutablePointer<Float>?, count: Int
    ) -> (target: UnsafeMutablePointer<Float>, beta: Float) {
        guard slots > 1, let partials else { return (gradient, overwrite && start == 0 ? 0 : 1) }
        return (partials + slot * count, start == images(ofSlot: slot).lowerBound ? 0 : 1)
    }

    /// Adds the slots' partial kernel gradients, `slots` consecutive runs of `count` floats in
    /// `partials`, to `gradient` in slot order (or stores their sum when `overwrite`), so the
    /// result depends only on the thread count.
    /// - Parameters:
    ///   - partials: ``slots`` runs of `count` floats.
    ///   - count: The floats of one gradient.
    ///   - gradient: The gradient to add to (or overwrite).
    ///   - overwrite: Whether to store the sum instead of adding it.
    public func addSlotGradients(_ partials: UnsafePointer<Float>, count: Int, into gradient: UnsafeMutablePointer<Float>, overwrite: Bool) {
        for slot in 0..<slots {
            let part = partials + slot * count
            if overwrite && slot == 0 {
                gradient.update(from: part, count: count)
            } else {
                for i in 0..<count { gradient[i] += part[i] }
            }
        }
    }
}
