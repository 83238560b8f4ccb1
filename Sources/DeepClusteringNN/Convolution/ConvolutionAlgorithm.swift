/// How a ``Conv2D`` or ``Conv2DTranspose`` computes its products.
public enum ConvolutionAlgorithm: Sendable, Equatable {
    /// Direct kernels (no patch matrix) when the image side is thin — at most 4 image channels
    /// (the input channels of a ``Conv2D``, the output channels of a ``Conv2DTranspose``) and at
    /// most 64 kernel taps, as in the first and last layers of an autoencoder on grey-scale or RGB
    /// images — and im2col + GEMM otherwise.
    ///
    /// For such layers the patch matrix holds only KH·KW·C floats per row, so im2col + GEMM
    /// spends more time copying patches than multiplying; the direct kernels read the image in
    /// place and use AVX2 + FMA where the CPU has them.
    case automatic
    /// Always im2col + GEMM (the reference path; the two agree up to rounding).
    case im2col
}
