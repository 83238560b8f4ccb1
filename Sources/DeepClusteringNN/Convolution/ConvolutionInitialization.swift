import DeepClusteringCore

/// A convolution kernel drawn from Keras's default initializer, Glorot (Xavier) uniform:
/// `U(±sqrt(6 / (fanIn + fanOut)))` with `fanIn = KH·KW·shape[2]` and `fanOut = KH·KW·shape[3]`
/// (Keras's fans for a `[KH, KW, a, b]` kernel; their sum, and so the limit, is the same for a
/// ``Conv2D`` and a ``Conv2DTranspose`` kernel).
///
/// Kept with the convolution layers until the network core's shared initializers are available.
func glorotUniformKernel<G: RandomNumberGenerator>(shape: [Int], using generator: inout G) -> Tensor {
    let receptiveField = shape[0] * shape[1]
    let fanIn = receptiveField * shape[2], fanOut = receptiveField * shape[3]
    let limit = (6 / Float(max(fanIn + fanOut, 1))).squareRoot()
    return Tensor(randomUniform: shape, in: -limit...limit, using: &generator)
}
