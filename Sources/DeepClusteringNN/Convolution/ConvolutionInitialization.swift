import DeepClusteringCore

/// A convolution kernel drawn from Keras's default initializer, Glorot (Xavier) uniform:
/// `U(±sqrt(6 / (fanIn + fanOut)))` with `fanIn = KH·KW·shape[2]` and `fanOut = KH·KW·shape[3]`
/// (Keras's fans for a `[KH, KW, a, b]` kernel; their sum, and so the limit, is the same for a
/// ``Conv2D`` and a ``Conv2DTranspose`` kernel).
///
/// Kept with the convolution layers until the network core's shared initializers are available.
func glorotUniformKernel<G: RandomNumberGenerator>(shape: [Int], using generator: inout G) -> Tensor {
    precondition(shape.count == 4, "glorotUniformKernel: shape \(shape) is not [KH, KW, a, b]")
    let receptiveField = shape[0] * shape[1]
    let fanIn = receptiveField * shape[2], fanOut = receptiveField * shape[3]
    let limit = (6 / Float(max(fanIn + fanOut, 1))).squareRoot()
    return Tensor(randomUniform: shape, in: -limit...limit, using: &generator)
}

/// A Glorot-uniform `[KH, KW, a, b]` kernel after checking the layer's configuration.
/// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` naming `layer` for a
///   non-positive channel count (`inputChannels`, `outputChannels`) or kernel size.
func randomConvolutionKernel<G: RandomNumberGenerator>(
    kernelSize: (height: Int, width: Int), channels: (a: Int, b: Int),
    inputChannels: Int, outputChannels: Int, layer: String, using generator: inout G
) throws -> Tensor {
    guard inputChannels > 0, outputChannels > 0 else {
        throw LayerError.invalidConfiguration(
            layer: layer, message: "channel counts must be positive, found \(inputChannels) → \(outputChannels)")
    }
    try validatePositive(kernelSize, "kernel size", layer: layer)
    return glorotUniformKernel(shape: [kernelSize.height, kernelSize.width, channels.a, channels.b], using: &generator)
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
