import DeepClusteringCore

/// Views each sample with a new shape, `[B, …] → [B] + targetShape` (Keras `Reshape`); no copy.
///
/// One entry of ``targetShape`` may be `-1`, inferred from the sample size. Flattening is the
/// special case ``Flatten``.
public final class Reshape: Layer {
    /// The layer's name (default `reshape`).
    public var name: String
    /// The shape of one sample after the layer (batch dimension excluded).
    public let targetShape: [Int]
    private var cachedInputShape: [Int]?

    /// Creates the layer.
    /// - Parameters:
    ///   - targetShape: The per-sample shape, batch excluded; at most one `-1`.
    ///   - name: The layer's name; defaults to `reshape`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a size below −1, a zero
    ///   size or more than one `-1`.
    public init(_ targetShape: [Int], name: String = "reshape") throws {
        guard targetShape.allSatisfy({ $0 > 0 || $0 == -1 }), targetShape.filter({ $0 == -1 }).count <= 1 else {
            throw LayerError.invalidConfiguration(
                layer: name, message: "target shape \(targetShape) must hold positive sizes and at most one -1")
        }
        self.targetShape = targetShape
        self.name = name
    }

    /// No parameters.
    public var parameters: [Parameter] { [] }

    /// `[B] + targetShape`, with a `-1` resolved.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` when the sample size
    ///   does not fit the target shape.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard let batch = inputShape.first else {
            throw LayerError.invalidInputShape(layer: name, expected: "[batch, …]", found: inputShape)
        }
        let sample = inputShape.dropFirst().reduce(1, *)
        let known = targetShape.filter { $0 != -1 }.reduce(1, *)
        var shape = targetShape
        if let unknown = shape.firstIndex(of: -1), known > 0, sample % known == 0 {
            shape[unknown] = sample / known
        }
        guard shape.reduce(1, *) == sample, !shape.contains(-1) else {
            throw LayerError.invalidInputShape(
                layer: name, expected: "[batch] + a sample of \(targetShape.map(String.init).joined(separator: "×")) elements",
                found: inputShape)
        }
        return [batch] + shape
    }

    /// The input viewed with the new shape (shares storage).
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for an incompatible input.
    public func forward(_ input: Tensor) throws -> Tensor {
        let y = try inference(input)
        cachedInputShape = input.shape
        return y
    }

    /// The input viewed with the new shape (shares storage).
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for an incompatible input.
    public func inference(_ input: Tensor) throws -> Tensor {
        try input.reshaped(to: outputShape(forInputShape: input.shape))
    }

    /// The gradient viewed with the input's shape.
    /// - Throws: ``LayerError/invalidBackward(layer:message:)`` without a forward pass or for a
    ///   gradient of the wrong size.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        guard let shape = cachedInputShape else {
            throw LayerError.invalidBackward(layer: name, message: "no forward pass to differentiate")
        }
        guard outputGradient.count == shape.reduce(1, *) else {
            throw LayerError.invalidBackward(
                layer: name, message: "gradient has shape \(outputGradient.shape), the input had \(shape)")
        }
        guard computingInputGradient else { return .empty }
        return try outputGradient.reshaped(to: shape)
    }

    /// Forgets the input shape.
    public func clearCache() { cachedInputShape = nil }
}
