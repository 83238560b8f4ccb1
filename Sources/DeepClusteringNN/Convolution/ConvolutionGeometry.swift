import DeepClusteringCore

// Dimension letters used throughout the convolution files (as in llm.c's banners):
//   N  images in the batch          H, W   image height and width       C  image channels
//   KH, KW  kernel height and width  SH, SW strides                     PT, PL padding top/left
//   GH, GW  grid: the positions the kernel visits (the output of a convolution, the input of a
//           transposed convolution)
// Images are NHWC. A patch matrix ("columns", im2col) has one row per grid position,
// N·GH·GW rows, and KH·KW·C columns ordered (ky, kx, c): because the image is NHWC, each kernel
// row's taps over one image row are a single contiguous run of (kxHi − kxLo)·C floats.

/// The geometry shared by a convolution and its transposed twin, and the im2col / col2im
/// transforms between an NHWC image batch and its patch matrix.
///
/// For ``Conv2D`` the image is the layer input and the grid its output; for ``Conv2DTranspose``
/// the image is the layer output and the grid its input (the transposed convolution is the
/// adjoint of this convolution).
struct ConvolutionGeometry: Equatable, Sendable {
    /// Image height, width and channels (H, W, C).
    var imageHeight: Int, imageWidth: Int, channels: Int
    /// Kernel height and width (KH, KW).
    var kernelHeight: Int, kernelWidth: Int
    /// Strides (SH, SW).
    var strideHeight: Int, strideWidth: Int
    /// Zeros implicitly added above and to the left of the image (PT, PL).
    var padTop: Int, padLeft: Int
    /// The kernel positions along each dimension (GH, GW).
    var gridHeight: Int, gridWidth: Int
    /// Whether the direct kernels run their portable C build even where the CPU has AVX2 + FMA
    /// (set by tests through a layer's `forcesPortableDirectKernels`, per layer, so that other
    /// layers running at the same time keep the automatic choice).
    var forcesPortableDirectKernels = false

    /// The number of columns of the patch matrix, KH·KW·C.
    var patchWidth: Int { kernelHeight * kernelWidth * channels }
    /// The patch-matrix rows of one image, GH·GW.
    var rowsPerImage: Int { gridHeight * gridWidth }
    /// The floats in one image, H·W·C.
    var imageSize: Int { imageHeight * imageWidth * channels }

    /// The geometry of a convolution of an `imageHeight × imageWidth × channels` image, with
    /// the grid size and padding given by `padding`'s Keras rules.
    init(
        imageHeight: Int, imageWidth: Int, channels: Int,
        kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int, padding: Padding
    ) {
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.channels = channels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        gridHeight = padding.outputSize(inputSize: imageHeight, kernelSize: kernelHeight, stride: strideHeight)
        gridWidth = padding.outputSize(inputSize: imageWidth, kernelSize: kernelWidth, stride: strideWidth)
        padTop = padding.paddingBefore(
            inputSize: imageHeight, outputSize: gridHeight, kernelSize: kernelHeight, stride: strideHeight)
        padLeft = padding.paddingBefore(
            inputSize: imageWidth, outputSize: gridWidth, kernelSize: kernelWidth, stride: strideWidth)
    }

    /// Calls `body(row, ky, imageOffset, kxLo, kxHi)` for every patch row of one image and every
    /// kernel row: taps `kxLo..<kxHi` of kernel row `ky` read the contiguous image run starting
    /// at `imageOffset` (the float offset of tap `kxLo` within the image); the other taps fall
    /// in the padding. An empty tap range (`kxLo >= kxHi`) means the whole kernel row is padding.
    @inline(__always)
    private func forEachKernelRow(_ body: (_ row: Int, _ ky: Int, _ imageOffset: Int, _ kxLo: Int, _ kxHi: Int) -> Void) {
        for gy in 0..<gridHeight {
            let iy0 = gy * strideHeight - padTop
            for gx in 0..<gridWidth {
                let ix0 = gx * strideWidth - padLeft
                let kxLo = max(0, -ix0), kxHi = min(kernelWidth, imageWidth - ix0)
                let row = gy * gridWidth + gx
                for ky in 0..<kernelHeight {
                    let iy = iy0 + ky
                    if iy < 0 || iy >= imageHeight || kxLo >= kxHi {
                        body(row, ky, 0, 0, 0)
                    } else {
                        body(row, ky, (iy * imageWidth + ix0 + kxLo) * channels, kxLo, kxHi)
                    }
                }
            }
        }
    }

    /// Writes the patch matrix of `imageCount` consecutive images (im2col).
    /// - Parameters:
    ///   - images: `imageCount` NHWC images of ``imageSize`` floats each.
    ///   - imageCount: The number of images.
    ///   - columns: Room for `imageCount·GH·GW` rows of ``patchWidth`` floats; fully overwritten.
    ///   - inParallel: Whether large batches may be split across cores (`false` inside a
    ///     thread of ``ConvolutionChunkPlan``).
    func imagesToColumns(
        _ images: UnsafePointer<Float>, imageCount: Int, into columns: UnsafeMutablePointer<Float>, inParallel: Bool = true
    ) {
        let c = channels, kw = kernelWidth, width = patchWidth
        forEachImage(imageCount, inParallel: inParallel) { n in
            let image = images + n * imageSize
            let patches = columns + n * rowsPerImage * width
            forEachKernelRow { row, ky, offset, kxLo, kxHi in
                let dst = patches + row * width + ky * kw * c
                if kxLo >= kxHi {
                    dst.update(repeating: 0, count: kw * c)
                    return
                }
                if kxLo > 0 { dst.update(repeating: 0, count: kxLo * c) }
                let run = (kxHi - kxLo) * c, from = image + offset, to = dst + kxLo * c
                if run < 32 {
                    // Few channels (a grey-scale input): a plain loop beats a memmove call.
                    for i in 0..<run { to[i] = from[i] }
                } else {
                    to.update(from: from, count: run)
                }
                if kxHi < kw { (dst + kxHi * c).update(repeating: 0, count: (kw - kxHi) * c) }
            }
        }
    }

    /// Adds every patch-matrix entry back onto the image element it was copied from (col2im, the
    /// adjoint of ``imagesToColumns(_:imageCount:into:)``); entries in the padding are dropped.
    /// - Parameters:
    ///   - columns: `imageCount·GH·GW` rows of ``patchWidth`` floats.
    ///   - imageCount: The number of images.
    ///   - images: `imageCount` NHWC images, accumulated into (zero them first for a plain col2im).
    ///   - inParallel: Whether large batches may be split across cores (`false` inside a
    ///     thread of ``ConvolutionChunkPlan``).
    func addColumns(
        _ columns: UnsafePointer<Float>, imageCount: Int, into images: UnsafeMutablePointer<Float>, inParallel: Bool = true
    ) {
        let c = channels, kw = kernelWidth, width = patchWidth
        // Parallel over images only: patches of one image overlap, different images never do.
        forEachImage(imageCount, inParallel: inParallel) { n in
            let image = images + n * imageSize
            let patches = columns + n * rowsPerImage * width
            forEachKernelRow { row, ky, offset, kxLo, kxHi in
                guard kxLo < kxHi else { return }
                let src = patches + row * width + (ky * kw + kxLo) * c
                let dst = image + offset
                for i in 0..<((kxHi - kxLo) * c) { dst[i] += src[i] }
            }
        }
    }

    /// Calls `body(n)` for `n` in `0..<imageCount`, images split across cores when their patch
    /// matrices are large enough to pay for it (and `inParallel` allows it).
    private func forEachImage(_ imageCount: Int, inParallel: Bool, _ body: (Int) -> Void) {
        guard inParallel else {
            for n in 0..<imageCount { body(n) }
            return
        }
        Parallel.forEachChunk(count: imageCount, minimumPerThread: max(1, 32_768 / max(rowsPerImage * patchWidth, 1))) { range in
            for n in range { body(n) }
        }
    }
}

extension ConvolutionGeometry {
    /// The geometry of a `window` sliding over an NHWC input batch of `shape` (the image is the
    /// input, the grid the output), as in a convolution or pooling layer.
    /// - Parameters:
    ///   - shape: The input shape, `[N, H, W, C]`.
    ///   - channels: The required C, or `nil` to accept any.
    ///   - window: The kernel or pool size.
    ///   - stride: The steps between window positions.
    ///   - padding: The border rule.
    ///   - layer: The layer's name, for errors.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a non-NHWC input,
    ///   the wrong channel count, or an input smaller than the window with valid padding.
    static func sliding(
        overInputShape shape: [Int], channels: Int?, window: (height: Int, width: Int),
        stride: (height: Int, width: Int), padding: Padding, layer: String
    ) throws -> ConvolutionGeometry {
        let (_, h, w, c) = try validatedImageBatch(shape, channels: channels, layer: layer)
        let g = ConvolutionGeometry(
            imageHeight: h, imageWidth: w, channels: c, kernelHeight: window.height, kernelWidth: window.width,
            strideHeight: stride.height, strideWidth: stride.width, padding: padding)
        guard g.gridHeight > 0, g.gridWidth > 0 else {
            throw LayerError.invalidInputShape(
                layer: layer, expected: "images of at least \(window.height)×\(window.width) for valid padding",
                found: shape)
        }
        return g
    }
}

/// Checks that `shape` is an NHWC batch `[N, H, W, C]` (with `C == channels` unless `channels`
/// is `nil`) and returns `(N, H, W, C)`.
/// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` naming `layer`.
func validatedImageBatch(_ shape: [Int], channels: Int?, layer: String) throws -> (Int, Int, Int, Int) {
    guard shape.count == 4, channels == nil || shape[3] == channels, shape[0] >= 0, shape[1] > 0, shape[2] > 0,
          shape[3] > 0
    else {
        let c = channels.map(String.init) ?? "channels"
        throw LayerError.invalidInputShape(layer: layer, expected: "[batch, height, width, \(c)]", found: shape)
    }
    return (shape[0], shape[1], shape[2], shape[3])
}

/// Returns the value a forward pass cached, or throws when there was no forward pass.
/// - Throws: ``LayerError/invalidBackward(layer:message:)`` naming `layer`.
func requireForwardCache<T>(_ cached: T?, layer: String) throws -> T {
    guard let cached else {
        throw LayerError.invalidBackward(layer: layer, message: "no forward pass to differentiate")
    }
    return cached
}

/// Checks that an output gradient has the shape of the last output.
/// - Throws: ``LayerError/invalidBackward(layer:message:)`` naming `layer`, both shapes.
func validateOutputGradient(_ gradient: Tensor, outputShape: [Int], layer: String) throws {
    guard gradient.shape == outputShape else {
        throw LayerError.invalidBackward(
            layer: layer, message: "gradient shape \(gradient.shape) differs from output shape \(outputShape)")
    }
}

/// Checks that a kernel size, stride or factor pair is positive.
/// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` naming `layer` and `what`.
func validatePositive(_ pair: (height: Int, width: Int), _ what: String, layer: String) throws {
    guard pair.height > 0, pair.width > 0 else {
        throw LayerError.invalidConfiguration(
            layer: layer, message: "\(what) must be positive, found (\(pair.height), \(pair.width))")
    }
}
