import DeepClusteringCore

/// A freshly initialised `[KH, KW, a, b]` convolution kernel, after checking the layer's
/// configuration. Keras's fans for such a kernel are `KH·KW·a` and `KH·KW·b` (see
/// ``Initializer/fans(of:)``); for Glorot uniform, Keras's default, only their sum matters, so a
/// ``Conv2D`` and a ``Conv2DTranspose`` kernel get the same limit.
/// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` naming `layer` for a
///   non-positive channel count (`inputChannels`, `outputChannels`) or kernel size, or an
///   invalid initializer.
func makeConvolutionKernel<G: RandomNumberGenerator>(
    kernelSize: (height: Int, width: Int), channels: (a: Int, b: Int),
    inputChannels: Int, outputChannels: Int, initializer: Initializer, layer: String, using generator: inout G
) throws -> Tensor {
    guard inputChannels > 0, outputChannels > 0 else {
        throw LayerError.invalidConfiguration(
            layer: layer, message: "channel counts must be positive, found \(inputChannels) → \(outputChannels)")
    }
    try validatePositive(kernelSize, "kernel size", layer: layer)
    return try initializer.makeTensor(shape: [kernelSize.height, kernelSize.width, channels.a, channels.b], using: &generator)
}

/// Checks a given kernel (`[KH, KW, ·, ·]`, described by `layout`), bias and stride and returns
/// the bias (zeros of `kernel.shape[filterAxis]` when `nil`).
/// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` naming `layer` when the kernel
///   is not a non-empty rank-4 tensor, the bias has the wrong shape or a stride is not positive.
func validatedConvolutionBias(
    kernel: Tensor, bias: Tensor?, filterAxis: Int, layout: String, stride: (height: Int, width: Int), layer: String
) throws -> Tensor {
    guard kernel.rank == 4, kernel.count > 0 else {
        throw LayerError.invalidConfiguration(layer: layer, message: "kernel must have shape \(layout), found \(kernel.shape)")
    }
    let filters = kernel.shape[filterAxis]
    let bias = bias ?? Tensor(zeros: [filters])
    guard bias.shape == [filters] else {
        throw LayerError.invalidConfiguration(layer: layer, message: "bias must have shape [\(filters)], found \(bias.shape)")
    }
    try validatePositive(stride, "stride", layer: layer)
    return bias
}
