import DeepClusteringCore

/// Flattens each sample, `[B, d₁, …, dₙ] → [B, d₁·…·dₙ]` (Keras `Flatten`); no copy.
///
/// With NHWC images the flattened order is height, width, channel — Keras's order with
/// `channels_last`, so weights of a following ``Dense`` line up with Keras's.
public final class Flatten: Layer {
    /// The layer's name (default `flatten`).
    public var name: String
    private let reshape: Reshape

    /// Creates the layer.
    /// - Parameter name: The layer's name; defaults to `flatten`.
    public init(name: String = "flatten") {
        self.name = name
        // [-1] is always a valid target shape.
        reshape = try! Reshape([-1], name: name)
    }

    /// No parameters.
    public var parameters: [Parameter] { [] }

    /// `[B, product of the other dimensions]`.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a scalar.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard let batch = inputShape.first else {
            throw LayerError.invalidInputShape(layer: name, expected: "[batch, …]", found: inputShape)
        }
        return [batch, inputShape.dropFirst().reduce(1, *)]
    }

    /// The input viewed as `[B, -1]` (shares storage).
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a scalar.
    public func forward(_ input: Tensor) throws -> Tensor {
        reshape.name = name
        _ = try outputShape(forInputShape: input.shape)
        return try reshape.forward(input)
    }

    /// The input viewed as `[B, -1]` (shares storage).
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a scalar.
    public func inference(_ input: Tensor) throws -> Tensor {
        try input.reshaped(to: outputShape(forInputShape: input.shape))
    }

    /// The gradient viewed with the input's shape.
    /// - Throws: ``LayerError/invalidBackward(layer:message:)`` without a forward pass or for a
    ///   gradient of the wrong size.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        reshape.name = name
        return try reshape.backward(outputGradient, computingInputGradient: computingInputGradient)
    }

    /// Forgets the input shape.
    public func clearCache() { reshape.clearCache() }
}
