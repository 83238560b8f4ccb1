/// Defaults shared by the convolution layers.
public enum ConvolutionDefaults {
    /// The default bound on a layer's patch matrix (im2col workspace), in bytes: 4 MiB.
    ///
    /// Measured on DCEC's convolutional autoencoder at batch 256 (two cores, 1 MiB L2 per
    /// core, 32 MiB L3): chunks of 2–8 MiB ran the six convolution layers' forward and backward
    /// passes about 20% faster than one 40 MB patch matrix per batch, because the patches are
    /// still in cache when the GEMM (or col2im) reads them.
    public static let workspaceByteLimit = 4 << 20
}
