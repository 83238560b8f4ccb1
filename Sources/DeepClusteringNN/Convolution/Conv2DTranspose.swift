import DeepClusteringCore

/// A 2-D transposed convolution ("deconvolution") over NHWC images with a bias and an optional
/// fused activation (Keras's `Conv2DTranspose`).
///
/// The layer is the adjoint (the input gradient) of a ``Conv2D`` with the same kernel, stride
/// and padding whose input has this layer's output size, exactly as TensorFlow's
/// `conv2d_transpose` is defined. For an input `[N, H, W, inC]`, kernel `[KH, KW, outC, inC]`
/// (Keras stores transposed kernels as `(kernel_h, kernel_w, filters, in_channels)`) and stride
/// `(SH, SW)` the output is `[N, OH, OW, outC]` with Keras's sizes
/// (``Padding/transposedOutputSize(inputSize:kernelSize:stride:)``): `same` gives `H·SH`,
/// `valid` gives `H·SH + max(KH − SH, 0)`; and
///
///     y[n, iy·SH + ky − PT, ix·SW + kx − PL, o] += x[n, iy, ix, c] · w[ky, kx, o, c],  then y = f(y + b)
///
/// where `PT`, `PL` are the forward convolution's padding on the output size (for `same`, half
/// of `max(KH − SH, 0)` rounded down; contributions falling outside the output are dropped).
///
/// Implementation: direct kernels when the output is thin (see ``ConvolutionAlgorithm``; the
/// last layer of an autoencoder on grey-scale or RGB images), otherwise GEMM + col2im. The input as a `[N·H·W, inC]` matrix times the kernel's
/// `[KH·KW·outC, inC]` matrix transposed gives one output patch per input position, which
/// col2im adds into the output; bias and activation follow in one pass. The backward pass is the
/// corresponding convolution: im2col of `∂Z` gives `P = [N·H·W, KH·KW·outC]`, then
/// `∂W += Pᵀ · X` and `∂X = P · W`. Chunks of images bound the patch workspace by
/// ``workspaceByteLimit``; on several cores the batch is first shared among threads, each
/// running its chunks with single-threaded GEMMs into its own workspace and partial `∂W`
/// (``ConvolutionChunkPlan``). Workspaces are kept between batches.
public final class Conv2DTranspose: Layer {
    /// The layer's name (default `conv2d_transpose`).
    public var name: String
    /// The filters, `[KH, KW, outC, inC]` (Keras's layout for transposed convolutions).
    public let kernel: Parameter
    /// The bias, `[outC]`.
    public let bias: Parameter
    /// The number of input channels, inC.
    public let inputChannels: Int
    /// The number of filters, outC.
    public let outputChannels: Int
    /// The kernel height and width.
    public let kernelSize: (height: Int, width: Int)
    /// The vertical and horizontal upsampling factors.
    public let stride: (height: Int, width: Int)
    /// The output-size and border rule.
    public let padding: Padding
    /// The activation applied after the bias.
    public let activation: Activation
    /// The largest patch matrix one thread builds at once, in bytes (`N·H·W·KH·KW·outC` floats
    /// for a whole batch); larger shares of a batch are processed in chunks of images (at least
    /// one image at a time), each thread in its own workspace (see ``ConvolutionChunkPlan``).
    /// Defaults to ``ConvolutionDefaults/workspaceByteLimit`` (4 MiB), so chunks stay in cache.
    public var workspaceByteLimit: Int = ConvolutionDefaults.workspaceByteLimit
    /// How the products are computed; ``ConvolutionAlgorithm/automatic`` (the default) uses
    /// direct kernels for outputs of at most 4 channels with at most 64 kernel taps.
    public var algorithm: ConvolutionAlgorithm = .automatic
    /// For tests: run the direct kernels' portable C build even where the CPU has AVX2 + FMA
    /// (this layer only; the two builds agree up to rounding).
    var forcesPortableDirectKernels = false
    /// Whether this layer runs the direct kernels rather than GEMM + col2im (see ``algorithm``).
    public var usesDirectKernels: Bool {
        algorithm == .automatic
            && ConvolutionGeometry.directKernelsSupport(taps: kernelSize.height * kernelSize.width, imageChannels: outputChannels)
    }

    /// The trainable parameters: ``kernel`` then ``bias``.
    public private(set) lazy var parameters: [Parameter] = [kernel, bias]

    /// The input of the last training forward pass (shared, not copied), released by `backward`.
    private var cachedInput: Tensor?
    /// Output workspace; after `forward` it holds the output the backward pass differentiates.
    private var output = Tensor(zeros: [0])
    /// Output workspace of ``inference(_:)`` (reused when the caller has let go of the last one).
    private var inferenceOutput = Tensor(zeros: [0])
    /// The patch matrices of the current chunks, one slot per thread (X·Wᵀ forward, im2col of ∂Z backward).
    private var patches = Tensor(zeros: [0])
    /// Workspaces for ∂Z and ∂X.
    private var preactivationGradient = Tensor(zeros: [0])
    private var partialBiasSums = Tensor(zeros: [0])
    private var inputGradient = Tensor(zeros: [0])
    /// Per-thread kernel-gradient sums (direct kernels and chunk slots) and the transposed kernel.
    private var partialKernelGradients = Tensor(zeros: [0])
    private var transposedKernel = Tensor(zeros: [0])

    /// Creates a transposed convolution with freshly initialised filters and bias (Glorot uniform
    /// and zeros by default, as in Keras).
    /// - Parameters:
    ///   - inputChannels: The channels of the input images, inC.
    ///   - outputChannels: The number of filters, outC.
    ///   - kernelSize: The kernel height and width.
    ///   - stride: The upsampling factors; defaults to `(1, 1)`.
    ///   - padding: The output-size rule; defaults to ``Padding/valid`` as in Keras.
    ///   - activation: The fused activation; defaults to ``Activation/identity``.
    ///   - kernelInitializer: Defaults to Glorot uniform, Keras's default (and DCEC's).
    ///   - biasInitializer: Defaults to zeros, Keras's default.
    ///   - name: The layer's name; defaults to `conv2d_transpose`.
    ///   - generator: The source of randomness for the filters.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a non-positive channel
    ///   count, kernel size or stride, or an invalid initializer.
    public convenience init<G: RandomNumberGenerator>(
        inputChannels: Int, outputChannels: Int, kernelSize: (height: Int, width: Int),
        stride: (height: Int, width: Int) = (1, 1), padding: Padding = .valid,
        activation: Activation = .identity, kernelInitializer: Initializer = .glorotUniform,
        biasInitializer: Initializer = .zeros, name: String = "conv2d_transpose", using generator: inout G
    ) throws {
        let kernel = try makeConvolutionKernel(
            kernelSize: kernelSize, channels: (outputChannels, inputChannels), inputChannels: inputChannels,
            outputChannels: outputChannels, initializer: kernelInitializer, layer: name, using: &generator)
        try self.init(
            kernel: kernel, bias: biasInitializer.makeTensor(shape: [outputChannels], using: &generator),
            stride: stride, padding: padding, activation: activation, name: name)
    }

    /// Creates a transposed convolution with square kernels and equal strides (Glorot-uniform
    /// filters and a zero bias by default).
    /// - Parameters:
    ///   - inputChannels: The channels of the input images, inC.
    ///   - outputChannels: The number of filters, outC.
    ///   - kernelSize: The kernel height and width.
    ///   - stride: The upsampling factor in both directions; defaults to 1.
    ///   - padding: The output-size rule; defaults to ``Padding/valid`` as in Keras.
    ///   - activation: The fused activation; defaults to ``Activation/identity``.
    ///   - kernelInitializer: Defaults to Glorot uniform, Keras's default (and DCEC's).
    ///   - biasInitializer: Defaults to zeros, Keras's default.
    ///   - name: The layer's name; defaults to `conv2d_transpose`.
    ///   - generator: The source of randomness for the filters.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a non-positive channel
    ///   count, kernel size or stride, or an invalid initializer.
    public convenience init<G: RandomNumberGenerator>(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid,
        activation: Activation = .identity, kernelInitializer: Initializer = .glorotUniform,
        biasInitializer: Initializer = .zeros, name: String = "conv2d_transpose", using generator: inout G
    ) throws {
        try self.init(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: (kernelSize, kernelSize),
            stride: (stride, stride), padding: padding, activation: activation, kernelInitializer: kernelInitializer,
            biasInitializer: biasInitializer, name: name, using: &generator)
    }

    /// Creates a transposed convolution with the given filters and bias.
    /// - Parameters:
    ///   - kernel: The filters, `[KH, KW, outC, inC]` (Keras's layout).
    ///   - bias: The bias, `[outC]`; defaults to zeros.
    ///   - stride: The upsampling factors; defaults to `(1, 1)`.
    ///   - padding: The output-size rule; defaults to ``Padding/valid``.
    ///   - activation: The fused activation; defaults to ``Activation/identity``.
    ///   - name: The layer's name; defaults to `conv2d_transpose`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` when the kernel is not a
    ///   non-empty rank-4 tensor, the bias does not have `outC` elements, or a stride is not positive.
    public init(
        kernel: Tensor, bias: Tensor? = nil, stride: (height: Int, width: Int) = (1, 1),
        padding: Padding = .valid, activation: Activation = .identity, name: String = "conv2d_transpose"
    ) throws {
        let bias = try validatedConvolutionBias(
            kernel: kernel, bias: bias, filterAxis: 2, layout: "[KH, KW, outC, inC]", stride: stride, layer: name)
        self.name = name
        self.kernel = Parameter(name: "kernel", value: kernel)
        self.bias = Parameter(name: "bias", value: bias)
        kernelSize = (kernel.shape[0], kernel.shape[1])
        outputChannels = kernel.shape[2]
        inputChannels = kernel.shape[3]
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    /// The geometry of the adjoint convolution (image = this layer's output, grid = its input).
    func geometry(forInputShape shape: [Int]) throws -> ConvolutionGeometry {
        let (_, h, w, _) = try validatedImageBatch(shape, channels: inputChannels, layer: name)
        var g = ConvolutionGeometry(
            imageHeight: padding.transposedOutputSize(inputSize: h, kernelSize: kernelSize.height, stride: stride.height),
            imageWidth: padding.transposedOutputSize(inputSize: w, kernelSize: kernelSize.width, stride: stride.width),
            channels: outputChannels, kernelHeight: kernelSize.height, kernelWidth: kernelSize.width,
            strideHeight: stride.height, strideWidth: stride.width, padding: padding)
        // Keras's output sizes are chosen so the adjoint convolution visits exactly the input grid.
        precondition(g.gridHeight == h && g.gridWidth == w, "\(name): transposed geometry mismatch \(g) for \(shape)")
        g.forcesPortableDirectKernels = forcesPortableDirectKernels
        return g
    }

    /// `[N, OH, OW, outC]` for an input `[N, H, W, inC]` (see
    /// ``Padding/transposedOutputSize(inputSize:kernelSize:stride:)``).
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` when the input is not
    ///   NHWC with inC channels.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        let g = try geometry(forInputShape: inputShape)
        return [inputShape[0], g.imageHeight, g.imageWidth, outputChannels]
    }

    /// The training forward pass; caches the input and output for ``backward(_:computingInputGradient:)``.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a bad input shape.
    public func forward(_ input: Tensor) throws -> Tensor {
        cachedInput = nil
        try compute(input, into: &output)
        cachedInput = input
        return output
    }

    /// The forward pass without caching.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a bad input shape.
    public func inference(_ input: Tensor) throws -> Tensor {
        try compute(input, into: &inferenceOutput)
        return inferenceOutput
    }

    /// GEMM + col2im per chunk of images, then bias and activation in one pass.
    private func compute(_ input: Tensor, into output: inout Tensor) throws {
        let g = try geometry(forInputShape: input.shape)
        let n = input.shape[0], inC = inputChannels, outC = outputChannels
        output.prepareForOverwrite(shape: [n, g.imageHeight, g.imageWidth, outC])
        if usesDirectKernels {
            withPointer(input) { x in
                withPointer(kernel.value) { w in
                    withMutablePointer(&output) { y in
                        g.scatter(x, kernel: w, gridChannels: inC, imageCount: n, into: y, transposedKernel: &transposedKernel)
                        withPointer(bias.value) { b in
                            activation.addBiasAndApplyInParallel(y, rows: n * g.imageHeight * g.imageWidth, columns: outC, bias: b)
                        }
                    }
                }
            }
            return
        }
        output.fill(with: 0)  // col2im accumulates
        input.withUnsafeBufferPointer { x in
            kernel.value.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { y in
                    let plan = ConvolutionChunkPlan(geometry: g, batchSize: n, byteLimit: workspaceByteLimit)
                    let slotRows = plan.rowsPerSlot(g)
                    patches.prepareForOverwrite(shape: [plan.slots * slotRows, g.patchWidth])
                    patches.withUnsafeMutableBufferPointer { p in
                        plan.forEachChunk { slot, start, count, isParallel in
                            let slotPatches = p.baseAddress! + slot * slotRows * g.patchWidth
                            // patches[N·H·W, KH·KW·outC] = X · Wᵀ, then col2im into the output
                            BLAS.sgemm(
                                transposeA: false, transposeB: true, m: count * g.rowsPerImage, n: g.patchWidth, k: inC,
                                a: x.baseAddress! + start * g.rowsPerImage * inC, lda: inC, b: w.baseAddress!, ldb: inC,
                                c: slotPatches, ldc: g.patchWidth)
                            g.addColumns(
                                slotPatches, imageCount: count, into: y.baseAddress! + start * g.imageSize, inParallel: !isParallel)
                        }
                    }
                    bias.value.withUnsafeBufferPointer { b in
                        activation.addBiasAndApplyInParallel(y.baseAddress!, rows: y.count / outC, columns: outC, bias: b.baseAddress!)
                    }
                }
            }
        }
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
        let n = input.shape[0], inC = inputChannels
        let dZ = activation.backpropagateInParallel(
            outputGradient, output: output, workspace: &preactivationGradient, partialSums: &partialBiasSums,
            bias: bias)

        if computingInputGradient { inputGradient.prepareForOverwrite(shape: input.shape) }
        if usesDirectKernels {
            backwardDirect(input: input, dZ: dZ, geometry: g, computingInputGradient: computingInputGradient)
            return computingInputGradient ? inputGradient : .empty
        }
        let plan = ConvolutionChunkPlan(geometry: g, batchSize: n, byteLimit: workspaceByteLimit)
        let slotRows = plan.rowsPerSlot(g), slotFloats = slotRows * g.patchWidth, kernelCount = g.patchWidth * inC
        patches.prepareForOverwrite(shape: [plan.slots * slotRows, g.patchWidth])
        if plan.slots > 1 { partialKernelGradients.prepareForOverwrite(shape: [plan.slots, kernelCount]) }
        withPointer(input) { x in
            withPointer(dZ) { dz in
                withPointer(kernel.value) { w in
                    withMutablePointer(&patches) { p in
                        partialKernelGradients.withUnsafeMutableBufferPointer { partialBuffer in
                            inputGradient.withUnsafeMutableBufferPointer { dxBuffer in
                                kernel.accumulateGradient { dw, overwrite in
                                    plan.forEachChunk { slot, start, count, isParallel in
                                        let rows = count * g.rowsPerImage
                                        let xChunk = x + start * g.rowsPerImage * inC
                                        let slotPatches = p + slot * slotFloats
                                        g.imagesToColumns(
                                            dz + start * g.imageSize, imageCount: count, into: slotPatches, inParallel: !isParallel)
                                        // ∂W[KH·KW·outC, inC] (+)= Pᵀ · X, into the slot's partial sum when the
                                        // slots run in parallel
                                        let (target, beta) = plan.kernelGradientTarget(
                                            slot: slot, start: start, gradient: dw, overwrite: overwrite,
                                            partials: partialBuffer.baseAddress, count: kernelCount)
                                        BLAS.sgemm(
                                            transposeA: true, transposeB: false, m: g.patchWidth, n: inC, k: rows,
                                            a: slotPatches, lda: g.patchWidth, b: xChunk, ldb: inC,
                                            beta: beta, c: target, ldc: inC)
                                        guard computingInputGradient else { return }
                                        // ∂X[N·H·W, inC] = P · W
                                        BLAS.sgemm(
                                            transposeA: false, transposeB: false, m: rows, n: inC, k: g.patchWidth,
                                            a: slotPatches, lda: g.patchWidth, b: w, ldb: inC,
                                            c: dxBuffer.baseAddress! + start * g.rowsPerImage * inC, ldc: inC)
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
        cachedInput = nil
        return computingInputGradient ? inputGradient : .empty
    }

    /// The backward pass through the direct kernels: `∂W[ky, kx, o, c] (+)= Σ ∂Z[pixel, o] ·
    /// X[position, c]`, and `∂X` as the convolution of `∂Z` with the kernel.
    private func backwardDirect(input: Tensor, dZ: Tensor, geometry g: ConvolutionGeometry, computingInputGradient: Bool) {
        let n = input.shape[0], inC = inputChannels
        withPointer(input) { x in
            withPointer(dZ) { dz in
                kernel.accumulateGradient { dw, overwrite in
                    g.accumulateKernelGradient(
                        image: dz, grid: x, gridChannels: inC, imageCount: n, into: dw, overwrite: overwrite,
                        partials: &partialKernelGradients)
                }
                guard computingInputGradient else { return }
                withPointer(kernel.value) { w in
                    withMutablePointer(&inputGradient) { dx in
                        g.correlate(dz, kernel: w, gridChannels: inC, imageCount: n, into: dx)
                    }
                }
            }
        }
        cachedInput = nil
    }

    /// Drops the cached input and releases the workspaces.
    public func clearCache() {
        cachedInput = nil
        for keyPath in [
            \Conv2DTranspose.output, \.inferenceOutput, \.patches, \.preactivationGradient, \.inputGradient,
            \.partialKernelGradients, \.transposedKernel,
        ] {
            self[keyPath: keyPath] = Tensor(zeros: [0])
        }
    }
}
