import CDirectConvolution
import DeepClusteringCore

// The direct (no im2col) convolution kernels of CDirectConvolution, split across cores by images.
// Image and grid as in ConvolutionGeometry.swift; the kernel is [KH, KW, C, F] with C the image's
// channels and F the grid's (a Conv2D's [KH, KW, inC, outC], a Conv2DTranspose's [KH, KW, outC, inC]).

extension ConvolutionGeometry {
    /// Whether the direct kernels handle a kernel of `taps` (KH·KW) positions over images of
    /// `imageChannels` channels.
    static func directKernelsSupport(taps: Int, imageChannels: Int) -> Bool {
        var g = dc_geometry()
        g.kernelHeight = taps
        g.kernelWidth = 1
        g.channels = imageChannels
        g.gridChannels = 1
        return withUnsafePointer(to: g) { dc_supports($0) != 0 }
    }

    /// Whether the direct kernels run their AVX2 + FMA build for a grid of `gridChannels` (F).
    func runsAVX2DirectKernels(gridChannels: Int) -> Bool {
        withUnsafePointer(to: direct(gridChannels: gridChannels)) { dc_runs_avx2_kernels($0) != 0 }
    }

    /// This geometry with `gridChannels` (F) for the C kernels.
    func direct(gridChannels: Int) -> dc_geometry {
        dc_geometry(
            imageHeight: imageHeight, imageWidth: imageWidth, channels: channels,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideHeight: strideHeight, strideWidth: strideWidth,
            padTop: padTop, padLeft: padLeft, gridHeight: gridHeight, gridWidth: gridWidth, gridChannels: gridChannels,
            portableOnly: forcesPortableDirectKernels ? 1 : 0)
    }

    /// The fewest images worth giving a thread: about 64 k multiply-adds.
    private func imagesPerThread(gridChannels: Int) -> Int {
        max(1, 65_536 / max(rowsPerImage * patchWidth * gridChannels, 1))
    }

    /// `grid[n, gy, gx, f] = Σ image[n, pixel, c] · kernel[ky, kx, c, f]` for `imageCount` images
    /// (a Conv2D's forward pass, a Conv2DTranspose's input gradient); overwrites `grid`.
    func correlate(
        _ image: UnsafePointer<Float>, kernel: UnsafePointer<Float>, gridChannels: Int, imageCount: Int,
        into grid: UnsafeMutablePointer<Float>
    ) {
        withUnsafePointer(to: direct(gridChannels: gridChannels)) { g in
            Parallel.forEachChunk(count: imageCount, minimumPerThread: imagesPerThread(gridChannels: gridChannels)) { range in
                dc_correlate(g, image, kernel, grid, range.lowerBound, range.count)
            }
        }
    }

    /// The adjoint of ``correlate(_:kernel:gridChannels:imageCount:into:)``: adds every grid
    /// row's products with the kernel onto the pixels it met (a Conv2DTranspose's forward pass,
    /// a Conv2D's input gradient); overwrites `image`.
    /// - Parameter transposedKernel: A workspace for the kernel as an `[F, KH·KW·C]` matrix.
    func scatter(
        _ grid: UnsafePointer<Float>, kernel: UnsafePointer<Float>, gridChannels: Int, imageCount: Int,
        into image: UnsafeMutablePointer<Float>, transposedKernel: inout Tensor
    ) {
        withUnsafePointer(to: direct(gridChannels: gridChannels)) { g in
            transposedKernel.prepareForOverwrite(shape: [gridChannels, dc_transposed_kernel_width(g)])
            withMutablePointer(&transposedKernel) { dc_transpose_kernel(g, kernel, $0) }
            withPointer(transposedKernel) { transposed in
                Parallel.forEachChunk(count: imageCount, minimumPerThread: imagesPerThread(gridChannels: gridChannels)) { range in
                    dc_scatter(g, grid, transposed, image, range.lowerBound, range.count)
                }
            }
        }
    }

    /// `gradient[ky, kx, c, f] (+)= Σ image[n, pixel, c] · grid[n, gy, gx, f]` over `imageCount`
    /// images: each thread sums its block of images into its own row of `partials`, and the rows
    /// are then added in order, so the result depends only on the thread count.
    /// - Parameters:
    ///   - overwrite: Whether to replace `gradient` instead of adding to it.
    ///   - partials: A workspace for the per-thread sums.
    func accumulateKernelGradient(
        image: UnsafePointer<Float>, grid: UnsafePointer<Float>, gridChannels: Int, imageCount: Int,
        into gradient: UnsafeMutablePointer<Float>, overwrite: Bool, partials: inout Tensor
    ) {
        let size = patchWidth * gridChannels
        let parts = max(1, min(Parallel.threadCount, imageCount / imagesPerThread(gridChannels: gridChannels)))
        partials.prepareForOverwrite(shape: [parts, size])
        partials.fill(with: 0)
        withMutablePointer(&partials) { sums in
            withUnsafePointer(to: direct(gridChannels: gridChannels)) { g in
                Parallel.forEachChunk(count: parts, minimumPerThread: 1) { range in
                    for part in range {
                        let lo = imageCount * part / parts, hi = imageCount * (part + 1) / parts
                        dc_accumulate_kernel_gradient(g, image, grid, sums + part * size, lo, hi - lo)
                    }
                }
            }
            if overwrite { gradient.update(repeating: 0, count: size) }
            for part in 0..<parts {
                let row = sums + part * size
                for i in 0..<size { gradient[i] += row[i] }
            }
        }
    }
}
