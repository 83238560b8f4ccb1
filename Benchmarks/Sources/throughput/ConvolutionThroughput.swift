// The `conv` line of throughput: one epoch of DCEC's convolutional autoencoder
// (Autoencoder.convolutional, 275,979 parameters) on 70,000 × 28 × 28 × 1 samples, batch 256,
// Adadelta (lr 1.0, as DCEC's conv pretraining needs), against the bare sgemm floor of the
// same GEMM calls in the same process.

import DeepClustering

/// The sgemm floor of a convolutional autoencoder: exactly the GEMM calls its layers issue per
/// batch, on raw buffers of the same sizes, with nothing in between.
///
/// Every convolution is timed as im2col + GEMM, the formulation the layers use in general, also
/// for the layers that run direct kernels in training (``Conv2D/usesDirectKernels``: the first
/// and last layers on grey-scale images): the floor is sgemm's time for the whole model's
/// arithmetic, and ``directLayers`` names the layers whose share the epoch does not spend in GEMM.
/// The chunks are planned and shared among threads as the layers do (``ConvolutionChunkPlan``:
/// the layer's `workspaceByteLimit` bounds each chunk's patch matrix `[chunk·OH·OW, KH·KW·inC]`,
/// and with several threads each takes a run of chunks and issues their GEMMs single-threaded,
/// side by side); each thread writes its own patch and kernel-gradient buffers.
/// Conv2D, per chunk of images: forward `Y ← P·W`; backward `dW (+)= Pᵀ·dZ` (β = 0 for the first
/// chunk after the optimizer's lazy zeroing) and, except for the first layer, `dP ← dZ·Wᵀ`.
/// Conv2DTranspose, per chunk: forward `P ← X·Wᵀ`; backward `dW (+)= Pᵀ·X`, `dX ← P·W`.
/// Dense: forward `Y ← X·W`; backward `dW ← Xᵀ·dZ` (β = 0), `dX ← dZ·Wᵀ`. Flatten and Reshape
/// issue no GEMM.
final class ConvolutionSGEMMFloor {
    /// One GEMM-issuing layer, with the buffers it reads and writes.
    private enum Step {
        case convolution(rowsPerImage: Int, patchWidth: Int, outputChannels: Int, plan: (Int) -> ConvolutionChunkPlan)
        case transposed(rowsPerImage: Int, patchWidth: Int, inputChannels: Int, plan: (Int) -> ConvolutionChunkPlan)
        case dense(inputs: Int, outputs: Int)
    }
    private struct Buffers {
        var x, y, g, dx, w, dw, patches, patchGradient: UnsafeMutablePointer<Float>
        /// The floats of one thread's patch buffer and one thread's kernel gradient.
        var slotPatchFloats = 0, weights = 0
    }
    private var steps: [(Step, Buffers)] = []
    /// The step of the network's first layer, which computes no input gradient (nil when that
    /// layer issues no GEMM, e.g. a Flatten).
    private var firstLayerStep: Int?
    private var names: [String] = []
    /// The layers that run direct convolution kernels in training, so that their GEMMs here are
    /// im2col-formulation GEMMs the epoch does not issue.
    private(set) var directLayers: [String] = []
    private var owned: [UnsafeMutablePointer<Float>] = []
    private(set) var seconds = 0.0, flops = 0.0, calls = 0

    /// The time, flops and calls of one role (forward, weight gradient, input gradient) of one
    /// layer, summed over chunks and batches, with the shape of its largest call.
    struct Share {
        var layer: String, role: String, shape = ""
        var seconds = 0.0, flops = 0.0, calls = 0
    }
    /// Per layer and role, in call order of the forward pass (three entries per layer).
    private(set) var shares: [Share] = []
    /// Per thread and role, the GEMM time, flops and calls of the current parallel region.
    private let slotTotals: UnsafeMutablePointer<(seconds: Double, flops: Double, calls: Int)>
    private let maxSlots = max(1, Parallel.threadCount)

    /// Builds the floor for `model` on samples of `sampleShape` (no batch dimension).
    init(model: Autoencoder, sampleShape: [Int], maxBatch: Int) throws {
        slotTotals = .allocate(capacity: 3 * maxSlots)
        slotTotals.initialize(repeating: (0, 0, 0), count: 3 * maxSlots)
        var rng = SeededGenerator(seed: 99)
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            for i in 0..<count { p[i] = (rng.nextUnitFloat() - 0.5) * 0.01 }
            owned.append(p)
            return p
        }
        var shape = [maxBatch] + sampleShape
        var x = buffer(shape.reduce(1, *)), dx = buffer(shape.reduce(1, *))
        for (layerIndex, layer) in (model.encoder.layers + model.decoder.layers).enumerated() {
            let outShape = try layer.outputShape(forInputShape: shape)
            let inCount = shape.reduce(1, *) / maxBatch, outCount = outShape.reduce(1, *) / maxBatch
            func planning(_ limit: Int, _ rows: Int, _ width: Int) -> (Int) -> ConvolutionChunkPlan {
                // The thread count read once, so that no plan has more slots than the buffers.
                { [maxSlots] b in
                    ConvolutionChunkPlan(
                        batchSize: b, bytesPerImage: rows * width * MemoryLayout<Float>.stride, byteLimit: limit, threads: maxSlots)
                }
            }
            /// The largest patch buffer of one thread over every batch size up to `maxBatch`.
            func slotImages(_ plan: (Int) -> ConvolutionChunkPlan) -> Int {
                (1...max(1, maxBatch)).map { plan($0).imagesPerChunk }.max() ?? 1
            }
            let step: Step, slotPatchFloats: Int
            if (layer as? Conv2D)?.usesDirectKernels == true || (layer as? Conv2DTranspose)?.usesDirectKernels == true {
                directLayers.append(layer.name)
            }
            switch layer {
            case let conv as Conv2D:
                let rows = outShape[1] * outShape[2], width = conv.kernelSize.height * conv.kernelSize.width * conv.inputChannels
                let plan = planning(conv.workspaceByteLimit, rows, width)
                step = .convolution(rowsPerImage: rows, patchWidth: width, outputChannels: conv.outputChannels, plan: plan)
                slotPatchFloats = slotImages(plan) * rows * width
            case let conv as Conv2DTranspose:
                let rows = shape[1] * shape[2], width = conv.kernelSize.height * conv.kernelSize.width * conv.outputChannels
                let plan = planning(conv.workspaceByteLimit, rows, width)
                step = .transposed(rowsPerImage: rows, patchWidth: width, inputChannels: conv.inputChannels, plan: plan)
                slotPatchFloats = slotImages(plan) * rows * width
            case is Dense:
                step = .dense(inputs: inCount, outputs: outCount)
                slotPatchFloats = 0
            default:
                shape = outShape  // Flatten / Reshape: a view of the same buffer
                continue
            }
            names.append(layer.name)
            for role in ["forward", "weight gradient", "input gradient"] { shares.append(Share(layer: layer.name, role: role)) }
            let weights = layer.parameters[0].count
            let y = buffer(maxBatch * outCount), g = buffer(maxBatch * outCount)
            if layerIndex == 0 { firstLayerStep = steps.count }
            let slots = slotPatchFloats > 0 ? maxSlots : 1
            steps.append((step, Buffers(
                x: x, y: y, g: g, dx: dx, w: buffer(weights), dw: buffer(slots * weights),
                patches: buffer(slots * slotPatchFloats), patchGradient: buffer(slots * slotPatchFloats),
                slotPatchFloats: slotPatchFloats, weights: weights)))
            (x, dx, shape) = (y, g, outShape)
        }
    }

    deinit {
        owned.forEach { $0.deallocate() }
        slotTotals.deallocate()
    }

    /// One timed GEMM; inside a parallel region (`slot` given) its time is recorded per thread and
    /// role, and ``closeRegion(layer:slots:wall:)`` books it.
    private func gemm(
        _ share: Int, slot: Int? = nil,
        _ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
        _ b: UnsafeMutablePointer<Float>, _ ldb: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        let start = now()
        BLAS.sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        let elapsed = now() - start, f = gemmFlops(m, n, k)
        if let slot {
            slotTotals[3 * slot + share % 3].seconds += elapsed
            slotTotals[3 * slot + share % 3].flops += f
            slotTotals[3 * slot + share % 3].calls += 1
            if slot == 0, shares[share].shape.isEmpty { shares[share].shape = "\(m)x\(n)x\(k)" }
            return
        }
        flops += f
        calls += 1
        shares[share].seconds += elapsed
        shares[share].flops += f
        shares[share].calls += 1
        if shares[share].shape.isEmpty || shares[share].calls == 1 { shares[share].shape = "\(m)x\(n)x\(k)" }
    }

    /// Runs `body(slot, start, count)` for the chunks of `plan` as the layers do (threads side by
    /// side, single-threaded GEMMs, when the plan has several slots), then books the region's GEMMs
    /// to layer `layer`'s shares: each role gets the region's wall time in proportion to the
    /// thread time its GEMMs took.
    private func region(_ plan: ConvolutionChunkPlan, layer: Int, _ body: (_ slot: Int?, _ start: Int, _ count: Int) -> Void) {
        guard plan.slots > 1 else {
            plan.forEachChunk { _, start, count, _ in body(nil, start, count) }
            return
        }
        let start = now()
        plan.forEachChunk { slot, start, count, _ in body(slot, start, count) }
        closeRegion(layer: layer, slots: plan.slots, wall: now() - start)
    }

    private func closeRegion(layer: Int, slots: Int, wall: Double) {
        var threadSeconds = [0.0, 0.0, 0.0]
        for slot in 0..<slots {
            for role in 0..<3 {
                let t = slotTotals[3 * slot + role]
                threadSeconds[role] += t.seconds
                shares[3 * layer + role].flops += t.flops
                shares[3 * layer + role].calls += t.calls
                flops += t.flops
                calls += t.calls
                slotTotals[3 * slot + role] = (0, 0, 0)
            }
        }
        let total = threadSeconds.reduce(0, +)
        for role in 0..<3 where total > 0 { shares[3 * layer + role].seconds += wall * threadSeconds[role] / total }
    }

    /// Runs the GEMMs of one training step on `b` samples, adding to ``seconds``, ``flops`` and ``calls``.
    func run(batch b: Int) {
        let start = now()
        for (i, (step, p)) in steps.enumerated() {
            switch step {
            case let .convolution(rows, width, outC, plan):
                region(plan(b), layer: i) { slot, s, count in
                    let patches = p.patches + (slot ?? 0) * p.slotPatchFloats
                    gemm(3 * i, slot: slot, false, false, count * rows, outC, width, patches, width, p.w, outC, 0, p.y + s * rows * outC, outC)
                }
            case let .transposed(rows, width, inC, plan):
                region(plan(b), layer: i) { slot, s, count in
                    let patches = p.patches + (slot ?? 0) * p.slotPatchFloats
                    gemm(3 * i, slot: slot, false, true, count * rows, width, inC, p.x + s * rows * inC, inC, p.w, inC, 0, patches, width)
                }
            case let .dense(inputs, o):
                gemm(3 * i, false, false, b, o, inputs, p.x, inputs, p.w, o, 0, p.y, o)
            }
        }
        for (index, (step, p)) in steps.enumerated().reversed() {
            switch step {
            case let .convolution(rows, width, outC, plan):
                let plan = plan(b)
                region(plan, layer: index) { slot, s, count in
                    let r = count * rows, dz = p.g + s * rows * outC, at = slot ?? 0
                    let patches = p.patches + at * p.slotPatchFloats, dw = p.dw + at * p.weights
                    let first = s == plan.images(ofSlot: at).lowerBound
                    gemm(3 * index + 1, slot: slot, true, false, width, outC, r, patches, width, dz, outC, first ? 0 : 1, dw, outC)
                    if index != firstLayerStep {
                        gemm(3 * index + 2, slot: slot, false, true, r, width, outC, dz, outC, p.w, outC, 0,
                             p.patchGradient + at * p.slotPatchFloats, width)
                    }
                }
            case let .transposed(rows, width, inC, plan):
                let plan = plan(b)
                region(plan, layer: index) { slot, s, count in
                    let r = count * rows, at = slot ?? 0
                    let patches = p.patches + at * p.slotPatchFloats, dw = p.dw + at * p.weights
                    let first = s == plan.images(ofSlot: at).lowerBound
                    gemm(3 * index + 1, slot: slot, true, false, width, inC, r, patches, width, p.x + s * rows * inC, inC,
                         first ? 0 : 1, dw, inC)
                    if index != firstLayerStep {
                        gemm(3 * index + 2, slot: slot, false, false, r, inC, width, patches, width, p.w, inC, 0, p.dx + s * rows * inC, inC)
                    }
                }
            case let .dense(i, o):
                gemm(3 * index + 1, true, false, i, o, b, p.x, i, p.g, o, 0, p.dw, o)
                if index != firstLayerStep { gemm(3 * index + 2, false, true, b, i, o, p.g, o, p.w, o, 0, p.dx, i) }
            }
        }
        seconds += now() - start
    }

    /// Forgets the accumulated time and counts (after a warm-up).
    func reset() {
        seconds = 0; flops = 0; calls = 0
        for i in shares.indices { shares[i].seconds = 0; shares[i].flops = 0; shares[i].calls = 0 }
    }
}

/// Trains one epoch of `Autoencoder.convolutional(inputShape: [28, 28, 1])` on `x`
/// (`[N, 28, 28, 1]`) with batch 256 and Adadelta, the sgemm floor placed as the dense line's
/// (`placement`), and prints
/// `conv epoch_s=… sgemm_s=… ratio=… gflops=…`.
func convolutionThroughput(_ x: Tensor, placement: FloorPlacement) throws {
    let batchSize = 256
    var rng = SeededGenerator(seed: 42)
    let ae = try Autoencoder.convolutional(inputShape: [28, 28, 1], using: &rng)
    let optimizer = try Adadelta()
    let floor = try ConvolutionSGEMMFloor(model: ae, sampleShape: [28, 28, 1], maxBatch: batchSize)
    let openBLASFloor = try ConvolutionSGEMMFloor(model: ae, sampleShape: [28, 28, 1], maxBatch: batchSize)

    try ae.fit(x.rows(in: 0..<(4 * batchSize)), epochs: 1, batchSize: batchSize, optimizer: optimizer, precision: BLAS.precision)
    for _ in 0..<4 { floor.run(batch: batchSize) }
    floor.reset()
    if comparesWithOpenBLAS { onOpenBLASInFloat32 { for _ in 0..<4 { openBLASFloor.run(batch: batchSize) } } }
    openBLASFloor.reset()

    let (epochSeconds, epochLoss) = try timedEpoch(
        of: ae, on: x, batchSize: batchSize, optimizer: optimizer, placement: placement,
        floor: floorBlocks({ floor.run(batch: $0) }, openBLASFloor: { openBLASFloor.run(batch: $0) }))
    print(String(format: "conv epoch_s=%.3f sgemm_s=%.3f ratio=%.3f gflops=%.1f",
                 epochSeconds, floor.seconds, epochSeconds / floor.seconds, floor.flops / epochSeconds * 1e-9))
    print(String(format: "  (epoch loss %.5f, %.3f TFLOP of GEMM, %d GEMM calls; load average after: %@)",
                 epochLoss, floor.flops * 1e-12, floor.calls, loadAverage()))
    printOpenBLASComparison(epochSeconds: epochSeconds, openBLASSeconds: openBLASFloor.seconds)
    if !floor.directLayers.isEmpty {
        let direct = floor.shares.filter { floor.directLayers.contains($0.layer) }.reduce(0) { $0 + $1.seconds }
        print(String(format: "  (%@ run direct kernels, not GEMM: %.3f s of the floor; the GEMMs the epoch issues take %.3f s, epoch / that = %.3f)",
                     floor.directLayers.joined(separator: ", "), direct, floor.seconds - direct,
                     epochSeconds / (floor.seconds - direct)))
    }
    // Where the floor's time goes: the GEMMs of each layer and role (shape m×n×k of one chunk).
    for share in floor.shares where share.calls > 0 {
        print(String(format: "  gemm %@ %@ shape=%@ calls=%d seconds=%.3f gflops=%.1f share=%.1f%%",
                     share.layer, share.role, share.shape, share.calls, share.seconds,
                     share.flops / share.seconds * 1e-9, 100 * share.seconds / floor.seconds))
    }
}
