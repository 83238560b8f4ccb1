/// One layer of a stored network as a model file lists it (the `layers` metadata entry): its
/// dotted name, kind, output shape and settings, so that a reader in any language sees the
/// whole network and the loader can check that the architecture builds the same layers today.
struct LayerRecord: Sendable, Equatable, Codable, CustomStringConvertible {
    /// `encoder.conv1`, `decoder.decoder_0`, …
    var name: String
    /// The layer type's name: `Dense`, `Conv2D`, `Conv2DTranspose`, `UpSampling2D`, `Flatten`,
    /// `Reshape`, ….
    var kind: String
    /// The output shape of one sample (no batch dimension).
    var outputShape: [Int]
    /// The fused activation (`relu`, `identity`, …), for layers that have one.
    var activation: String?
    /// `same` or `valid`, for convolutions.
    var padding: String?
    /// `[kH, kW]` for convolutions.
    var kernelSize: [Int]?
    /// `[sH, sW]` for convolutions, the factors for upsampling.
    var stride: [Int]?

    /// For example `encoder.conv1 Conv2D 5x5 stride 2x2 same relu → [14, 14, 32]`.
    var description: String {
        let parts: [String?] = [
            name, kind, kernelSize.map { $0.map(String.init).joined(separator: "x") },
            stride.map { "stride " + $0.map(String.init).joined(separator: "x") }, padding, activation, "→ \(outputShape)",
        ]
        return parts.compactMap { $0 }.joined(separator: " ")
    }

    /// The records of every layer of `autoencoder` (encoder, then decoder) for one sample of
    /// `inputShape`.
    /// - Throws: Layer errors when a layer does not accept the shape it receives.
    static func records(of autoencoder: Autoencoder, inputShape: [Int]) throws -> [LayerRecord] {
        var shape = [1] + inputShape
        var out: [LayerRecord] = []
        for (prefix, stack) in [("encoder", autoencoder.encoder), ("decoder", autoencoder.decoder)] {
            for layer in stack.layers {
                shape = try layer.outputShape(forInputShape: shape)
                out.append(LayerRecord(layer, name: "\(prefix).\(layer.name)", outputShape: Array(shape.dropFirst())))
            }
        }
        return out
    }

    /// The record of `layer`; its kind is the layer type's name.
    init(_ layer: any Layer, name: String, outputShape: [Int]) {
        self.name = name
        self.outputShape = outputShape
        kind = String(describing: type(of: layer))
        switch layer {
        case let dense as Dense:
            activation = dense.activation.rawValue
        case let conv as Conv2D:
            describeConvolution(conv.activation, conv.padding, conv.kernelSize, conv.stride)
        case let conv as Conv2DTranspose:
            describeConvolution(conv.activation, conv.padding, conv.kernelSize, conv.stride)
        case let up as UpSampling2D:
            stride = [up.size.height, up.size.width]
        default:
            break
        }
    }

    /// Sets the settings of a convolution.
    private mutating func describeConvolution(
        _ activation: Activation, _ padding: Padding, _ kernel: (height: Int, width: Int), _ stride: (height: Int, width: Int)
    ) {
        self.activation = activation.rawValue
        self.padding = padding.rawValue
        kernelSize = [kernel.height, kernel.width]
        self.stride = [stride.height, stride.width]
    }
}
