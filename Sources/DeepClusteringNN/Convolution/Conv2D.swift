import DeepClusteringCore

/// A 2-D convolution over NHWC images with a bias and an optional fused activation (Keras's
/// `Conv2D`).
///
/// For an input `[N, H, W, inC]`, kernel `[KH, KW, inC, outC]`, stride `(SH, SW)` and bias
/// `[outC]`, the output is `[N, OH, OW, outC]` with `OH`, `OW` given by ``Padding`` (Keras's
/// rules: `same` gives `ceil(H / SH)` with the smaller half of the padding on top/left, `valid`
/// gives `floor((H − KH) / SH) + 1`), and
///
///     y[n, oy, ox, o] = f(b[o] + Σ_{ky, kx, c} x[n, oy·SH + ky − PT, ox·SW + kx − PL, c] · w[ky, kx, c, o])
///
/// (out-of-range input positions read zero).
///
/// Implementation: direct kernels when the input is thin (see ``ConvolutionAlgorithm``; the
/// first layer on grey-scale or RGB images), otherwise im2col + GEMM. The batch's patch matrix `[N·OH·OW, KH·KW·inC]` is built in a
/// workspace (NHWC makes each kernel row a contiguous copy) and multiplied by the kernel, which
/// in `[KH, KW, inC, outC]` layout is already the `[KH·KW·inC, outC]` matrix; bias and activation
/// are applied in one pass over the GEMM's output. Large batches are processed in chunks of
/// images whose patch matrix stays under ``workspaceByteLimit``; on several cores the batch is
/// first shared among threads, each running its chunks with single-threaded GEMMs
/// (``ConvolutionChunkPlan``). The backward pass computes `∂W += patchesᵀ · ∂Z` and
/// `∂X = col2im(∂Z · Wᵀ)` chunk by chunk (per thread into its own partial `∂W`, added in thread
/// order), reusing the forward patch matrices when each thread's share fit in one chunk.
/// Workspaces are kept between batches.
public final class Conv2D: Layer {
    /// The layer's name (default `conv2d`).
    public var name: String
    /// The filters, `[KH, KW, inC, outC]` (Keras's layout).
    public let kernel: Parameter
    /// The bias, `[outC]`.
    public let bias: Parameter
    /// The number of input channels, inC.
    public let inputChannels: Int
    /// The number of filters, outC.
    public let outputChannels: Int
    /// The kernel height and width.
    public let kernelSize: (height: Int, width: Int)
    /// The vertical and horizontal steps between kernel positions.
    public let stride: (height: Int, width: Int)
    /// How the border is padded.
    public let padding: Padding
    /// The activation applied after the bias.
    public let activation: Activation
    /// The largest patch matrix (im2col workspace) one thread builds at once, in bytes; larger
    /// shares of a batch are processed in chunks of images (at least one image at a time).
    ///
    /// Defaults to ``ConvolutionDefaults/workspaceByteLimit`` (4 MiB): a chunk that stays in
    /// cache makes im2col, col2im and the GEMMs that read the patches cheaper than one
    /// batch-sized matrix. Each thread has its own patch workspace, and in the backward pass
    /// another of the same size for the patch gradient, so the layer holds up to
    /// `2 × threads × workspaceByteLimit` bytes of them (see ``ConvolutionChunkPlan``). When each
    /// thread's share fits in one chunk, the backward pass reuses the forward patches instead of
    /// rebuilding them.
    public var workspaceByteLimit: Int = ConvolutionDefaults.workspaceByteLimit
    /// How the products are computed; ``ConvolutionAlgorithm/automatic`` (the default) uses
    /// direct kernels for inputs of at most 4 channels with at most 64 kernel taps.
    public var algorithm: ConvolutionAlgorithm = .automatic
    /// For tests: run the direct kernels' portable C build even where the CPU has AVX2 + FMA
    /// (this layer only; the two builds agree up to rounding).
    var forcesPortableDirectKernels = false
    /// Whether this layer runs the direct kernels rather than im2col + GEMM (see ``algorithm``).
    public var usesDirectKernels: Bool {
        algorithm == .automatic
            && ConvolutionGeometry.directKernelsSupport(taps: kernelSize.height * kernelSize.width, imageChannels: inputChannels)
    }

    /// The trainable parameters: ``kernel`` then ``bias``.
    public private(set) lazy var parameters: [Parameter] = [kernel, bias]

    /// The input of the last training forward pass (shared, not copied), released by `backward`.
    private var cachedInput: Tensor?
    /// Output workspace; after `forward` it holds the output the backward pass differentiates.
    private var output = Tensor(zeros: [0])
    /// Output workspace of ``inference(_:)`` (reused when the caller has let go of the last one).
    private var inferenceOutput = Tensor(zeros: [0])
    /// The patch matrices (im2col) of the current chunks, one slot per thread.
    private var patches = Tensor(zeros: [0])
    /// The chunk plan of the last forward pass when ``patches`` holds its whole batch.
    private var batchPatchesPlan: ConvolutionChunkPlan?
    /// Workspaces for ∂patches, ∂Z and ∂X.
    private var patchGradient = Tensor(zeros: [0])
    private var preactivationGradient = Tensor(zeros: [0])
    private var partialBiasSums = Tensor(zeros: [0])
    private var inputGradient = Tensor(zeros: [0])
    /// Per-thread kernel-gradient sums (direct kernels and chunk slots) and the transposed kernel.
    private var partialKernelGradients = Tensor(zeros: [0])
    private var transposedKernel = Tensor(zeros: [0])

    /// Creates a convolution with freshly initialised filters and bias (Glorot uniform and zeros
    /// by default, as in Keras).
    /// - Parameters:
    ///   - inputChannels: The channels of the input images, inC.
    ///   - outputChannels: The number of filters, outC.
    ///   - kernelSize: The kernel height and width.
    ///   - stride: The steps between kernel positions; defaults to `(1, 1)`.
    ///   - padding: The border rule; defaults to ``Padding/valid`` as in Keras.
    ///   - activation: The fused activation; defaults to ``Activation/identity``.
    ///   - kernelInitializer: Defaults to Glorot uniform, Keras's default (and DCEC's).
    ///   - biasInitializer: Defaults to zeros, Keras's default.
    ///   - name: The layer's name; defaults to `conv2d`.
    ///   - generator: The source of randomness for the filters.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a non-positive channel
    ///   count, kernel size or stride, or an invalid initializer.
    public convenience init<G: RandomNumberGenerator>(
        inputChannels: Int, outputChannels: Int, kernelSize: (height: Int, width: Int),
        stride: (height: Int, width: Int) = (1, 1), padding: Padding = .valid,
        activation: Activation = .identity, kernelInitializer: Initializer = .glorotUniform,
        biasInitializer: Initializer = .zeros, name: String = "conv2d", using generator: inout G
    ) throws {
        let kernel = try makeConvolutionKernel(
            kernelSize: kernelSize, channels: (inputChannels, outputChannels), inputChannels: inputChannels,
            outputChannels: outputChannels, initializer: kernelInitializer, layer: name, using: &generator)
        try self.init(
            kernel: kernel, bias: biasInitializer.makeTensor(shape: [outputChannels], using: &generator),
            stride: stride, padding: padding, activation: activation, name: name)
    }

    /// Creates a convolution with square kernels and equal strides (Glorot-uniform filters and a
    /// zero bias by default).
    /// - Parameters:
    ///   - inputChannels: The channels of the input images, inC.
    ///   - outputChannels: The number of filters, outC.
    ///   - kernelSize: The kernel height and width.
    ///   - stride: The step between kernel positions in both directions; defaults to 1.
    ///   - padding: The border rule; defaults to ``Padding/valid`` as in Keras.
    ///   - activation: The fused activation; defaults to ``Activation/identity``.
    ///   - kernelInitializer: Defaults to Glorot uniform, Keras's default (and DCEC's).
    ///   - biasInitializer: Defaults to zeros, Keras's default.
    ///   - name: The layer's name; defaults to `conv2d`.
    ///   - generator: The source of randomness for the filters.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a non-positive channel
    ///   count, kernel size or stride, or an invalid initializer.
    public convenience init<G: RandomNumberGenerator>(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid,
        activation: Activation = .identity, kernelInitializer: Initializer = .glorotUniform,
        biasInitializer: Initializer = .zeros, name: String = "conv2d", using generator: inout G
    ) throws {
        try self.init(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: (kernelSize, kernelSize),
            stride: (stride, stride), padding: padding, activation: activation, kernelInitializer: kernelInitializer,
            biasInitializer: biasInitializer, name: name, using: &generator)
    }

    /// Creates a convolution with the given filters and bias (for example loaded from a
    /// checkpoint or a Keras model).
    /// - Parameters:
    ///   - kernel: The filters, `[KH, KW, inC, outC]`.
    ///   - bias: The bias, `[outC]`; defaults to zeros.
    ///   - stride: The steps between kernel positions; defaults to `(1, 1)`.
    ///   - padding: The border rule; defaults to ``Padding/valid``.
    ///   - activation: The fused activation; defaults to ``Activation/identity``.
    ///   - name: The layer's name; defaults to `conv2d`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` when the kernel is not a
    ///   non-empty rank-4 tensor, the bias does not have `outC` elements, or a stride is not positive.
    public init(
        kernel: Tensor, bias: Tensor? = nil, stride: (height: Int, width: Int) = (1, 1),
        padding: Padding = .valid, activation: Activation = .identity, name: String = "conv2d"
    ) throws {
        let bias = try validatedConvolutionBias(
            kernel: kernel, bias: bias, filterAxis: 3, layout: "[KH, KW, inC, outC]", stride: stride, layer: name)
        self.name = name
        self.kernel = Parameter(name: "kernel", value: kernel)
        self.bias = Parameter(name: "bias", value: bias)
        kernelSize = (kernel.shape[0], kernel.shape[1])
        inputChannels = kernel.shape[2]
        outputChannels = kernel.shape[3]
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    /// The geometry for an input batch of `shape`, or a thrown error naming the layer.
    func geometry(forInputShape shape: [Int]) throws -> ConvolutionGeometry {
        var g = try ConvolutionGeometry.sliding(
            overInputShape: shape, channels: inputChannels, window: kernelSize, stride: stride, padding: padding,
            layer: name)
        g.forcesPortableDirectKernels = forcesPortableDirectKernels
        return g
    }

    /// `[N, OH, OW, outC]` for an input `[N, H, W, inC]` (see ``Padding`` for `OH`, `OW`).
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` when the input is not
    ///   NHWC with inC channels, or (valid padding) is smaller than the kernel.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        let g = try geometry(forInputShape: inputShape)
        return [inputShape[0], g.gridHeight, g.gridWidth, outputChannels]
    }

    /// The training forward pass; caches the input (by reference) and the output for
    /// ``backward(_:computingInputGradient:)``.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a bad input shape.
    public func forward(_ input: Tensor) throws -> Tensor {
        cachedInput = nil
        batchPatchesPlan = try compute(input, into: &output)
        cachedInput = input
        return output
    }

    /// The forward pass without caching.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a bad input shape.
    public func inference(_ input: Tensor) throws -> Tensor {
        batchPatchesPlan = nil
        _ = try compute(input, into: &inferenceOutput)
        return inferenceOutput
    }

    /// im2col + GEMM per chunk of images, then bias and activation in one pass.
    /// - Returns: The chunk plan when ``patches`` now holds the whole batch (one chunk per
    /// slot), otherwise `nil`.
    private func compute(_ input: Tensor, into output: inout Tensor) throws -> ConvolutionChunkPlan? {
        let g = try geometry(forInputShape: input.shape)
        let n = input.shape[0]
        let plan = ConvolutionChunkPlan(geometry: g, batchSize: n, byteLimit: workspaceByteLimit)
        output.prepareForOverwrite(shape: [n, g.gridHeight, g.gridWidth, outputChannels])
        let outC = outputChannels, direct = usesDirectKernels
        input.withUnsafeBufferPointer { x in
            kernel.value.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { y in
                    if direct {
                        g.correlate(x.baseAddress!, kernel: w.baseAddress!, gridChannels: outC, imageCount: n, into: y.baseAddress!)
                    } else {
                        let slotRows = plan.rowsPerSlot(g)
                        patches.prepareForOverwrite(shape: [plan.slots * slotRows, g.patchWidth])
                        patches.withUnsafeMutableBufferPointer { p in
                            plan.forEachChunk { slot, start, count, isParallel in
                                let slotPatches = p.baseAddress! + slot * slotRows * g.patchWidth
                                g.imagesToColumns(
                                    x.baseAddress! + start * g.imageSize, imageCount: count, into: slotPatches,
                                    inParallel: !isParallel)
                                BLAS.sgemm(
                                    transposeA: false, transposeB: false, m: count * g.rowsPerImage, n: outC, k: g.patchWidth,
                                    a: slotPatches, lda: g.patchWidth, b: w.baseAddress!, ldb: outC,
                                    c: y.baseAddress! + start * g.rowsPerImage * outC, ldc: outC)
                            }
                        }
                    }
                    bias.value.withUnsafeBufferPointer { b in
                        activation.addBiasAndApplyInParallel(y.baseAddress!, rows: y.count / max(outC, 1), columns: outC, bias: b.baseAddress!)
                    }
                }
            }
        }
        return !direct && plan.hasOneChunkPerSlot ? plan : nil
    }

    /// Accumulates `∂W` and `∂b` and returns `∂X` for the last ``forward(_:)``.
    /// - Parameters:
    ///   - outputGradient: ∂loss/∂output, `[N, OH, OW, outC]`.
    ///   - computingInputGradient: Whether to compute ∂loss/∂input (skipped for a first layer).
    /// - Returns: ∂loss/∂input, `[N, H, W, inC]`, or an empty tensor when not asked for.
    /// - Throws: ``LayerError/invalidBackward(layer:message:)`` without a preceding forward pass
    ///   or for a gradient of the wrong shape.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        let input = try requireForwardCache(cachedInput, layer: name)
        try validateOutputGradient(outputGradient, outputShape: output.shape, layer: name)
        let g = try geometry(forInputShape: input.shape)
        let n = input.shape[0], outC = outputChannels
        let dZ = activation.backpropagateInParallel(
            outputGradient, output: output, workspace: &preactivationGradient, partialSums: &partialBiasSums,
            bias: bias)

        if computingInputGradient { inputGradient.prepareForOverwrite(shape: input.shape) }
        if usesDirectKernels {
            backwardDirect(input: input, dZ: dZ, geometry: g, computingInputGradient: computingInputGradient)
            return computingInputGradient ? inputGradient : .empty
        }
        if computingInputGradient { inputGradient.fill(with: 0) }  // col2im accumulates
        let plan = ConvolutionChunkPlan(geometry: g, batchSize: n, byteLimit: workspaceByteLimit)
        let reusePatches = batchPatchesPlan == plan
        let slotRows = plan.rowsPerSlot(g), slotFloats = slotRows * g.patchWidth, kernelCount = g.patchWidth * outC
        if !reusePatches { patches.prepareForOverwrite(shape: [plan.slots * slotRows, g.patchWidth]) }
        if computingInputGradient { patchGradient.prepareForOverwrite(shape: [plan.slots * slotRows, g.patchWidth]) }
        if plan.slots > 1 { partialKernelGradients.prepareForOverwrite(shape: [plan.slots, kernelCount]) }
        withPointer(input) { x in
            withPointer(dZ) { dz in
                withPointer(kernel.value) { w in
                    withMutablePointer(&patches) { p in
                        patchGradient.withUnsafeMutableBufferPointer { dpBuffer in
                            partialKernelGradients.withUnsafeMutableBufferPointer { partialBuffer in
                                inputGradient.withUnsafeMutableBufferPointer { dxBuffer in
                                    kernel.accumulateGradient { dw, overwrite in
                                        plan.forEachChunk { slot, start, count, isParallel in
                                            let rows = count * g.rowsPerImage
                                            let dzChunk = dz + start * g.rowsPerImage * outC
                                            let slotPatches = p + slot * slotFloats
                                            if !reusePatches {
                                                g.imagesToColumns(
                                                    x + start * g.imageSize, imageCount: count, into: slotPatches,
                                                    inParallel: !isParallel)
                                            }
                                            // ∂W[KH·KW·inC, outC] (+)= patchesᵀ · ∂Z, into the slot's partial sum
                                            // when the slots run in parallel
                                            let (target, beta) = plan.kernelGradientTarget(
                                                slot: slot, start: start, gradient: dw, overwrite: overwrite,
                                                partials: partialBuffer.baseAddress, count: kernelCount)
                                            BLAS.sgemm(
                                                transposeA: true, transposeB: false, m: g.patchWidth, n: outC, k: rows,
                                                a: slotPatches, lda: g.patchWidth, b: dzChunk, ldb: outC,
                                                beta: beta, c: target, ldc: outC)
                                            guard computingInputGradient else { return }
                                            // ∂patches = ∂Z · Wᵀ, then col2im
                                            let dp = dpBuffer.baseAddress! + slot * slotFloats, dx = dxBuffer.baseAddress!
                                            BLAS.sgemm(
                                                transposeA: false, transposeB: true, m: rows, n: g.patchWidth, k: outC,
                                                a: dzChunk, lda: outC, b: w, ldb: outC, c: dp, ldc: g.patchWidth)
                                            g.addColumns(dp, imageCount: count, into: dx + start * g.imageSize, inParallel: !isParallel)
                                        }
                                        if n == 0 && overwrite { dw.update(repeating: 0, count: kernelCount) }  // no chunk wrote it
                                        if plan.slots > 1 {
                                            plan.addSlotGradients(
                                                partialBuffer.baseAddress!, count: kernelCount, into: dw, overwrite: overwrite)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        cachedInput = nil
        batchPatchesPlan = nil
        return computingInputGradient ? inputGradient : .empty
    }

    /// The backward pass through the direct kernels: `∂W (+)= Σ x ⊗ ∂Z` over every pixel a tap
    /// met, and `∂X` as the adjoint of the forward correlation.
    private func backwardDirect(input: Tensor, dZ: Tensor, geometry g: ConvolutionGeometry, computingInputGradient: Bool) {
        let n = input.shape[0], outC = outputChannels
        withPointer(input) { x in
            withPointer(dZ) { dz in
                kernel.accumulateGradient { dw, overwrite in
                    g.accumulateKernelGradient(
                        image: x, grid: dz, gridChannels: outC, imageCount: n, into: dw, overwrite: overwrite,
                        partials: &partialKernelGradients)
                }
                guard computingInputGradient else { return }
                withPointer(kernel.value) { w in
                    withMutablePointer(&inputGradient) { dx in
                        g.scatter(dz, kernel: w, gridChannels: outC, imageCount: n, into: dx, transposedKernel: &transposedKernel)
                    }
                }
            }
        }
        cachedInput = nil
        batchPatchesPlan = nil
    }

    /// Drops the cached input and releases the workspaces.
    public func clearCache() {
        cachedInput = nil
        batchPatchesPlan = nil
        for keyPath in [
            \Conv2D.output, \.inferenceOutput, \.patches, \.patchGradient, \.preactivationGradient, \.inputGradient,
            \.partialKernelGradients, \.transposedKernel,
        ] {
            self[keyPath: keyPath] = Tensor(zeros: [0])
        }
    }
}
