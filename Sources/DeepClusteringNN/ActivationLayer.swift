import DeepClusteringCore

/// An elementwise activation as a layer of its own (Keras `Activation('relu')`), for inputs of
/// any shape `[B, …]`; the output has the input's shape.
///
/// Prefer the fused `activation:` option of ``Dense`` after a dense layer (one pass instead of
/// two); this layer is for places without one, such as after a convolution.
public final class ActivationLayer: Layer {
    /// The layer's name (default: the activation's name, e.g. `relu`).
    public var name: String
    /// The activation applied.
    public let activation: Activation

    /// Output workspace; holds `f(x)` from the last forward pass for the backward pass.
    private var output = Tensor.empty
    private var hasForwardPass = false
    /// Workspace for `dx`.
    private var inputGradient = Tensor.empty

    /// Creates the layer.
    /// - Parameters:
    ///   - activation: The function to apply.
    ///   - name: The layer's name; defaults to the activation's raw value (`relu`, `tanh`, …).
    public init(_ activation: Activation, name: String? = nil) {
        self.activation = activation
        self.name = name ?? activation.rawValue
    }

    /// No parameters.
    public var parameters: [Parameter] { [] }

    /// The input shape unchanged.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a scalar.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        try elementwiseOutputShape(inputShape, layer: name)
    }

    /// `f(x)` elementwise; keeps the output for the backward pass.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a scalar.
    public func forward(_ input: Tensor) throws -> Tensor {
        try compute(input)
        hasForwardPass = true
        return output
    }

    /// `f(x)` elementwise, without enabling a backward pass.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a scalar.
    public func inference(_ input: Tensor) throws -> Tensor {
        try compute(input)
        hasForwardPass = false
        return output
    }

    private func compute(_ input: Tensor) throws {
        let shape = try outputShape(forInputShape: input.shape)
        output.prepareForOverwrite(shape: shape)
        let activation = self.activation, n = input.count
        withPointer(input) { x in
            withMutablePointer(&output) { y in activation.apply(x, into: y, count: n) }
        }
    }

    /// `dx = dy ⊙ f′(y)`.
    /// - Throws: ``LayerError/invalidBackward(layer:message:)`` without a forward pass or for a
    ///   gradient whose shape differs from the output's.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        try checkElementwiseBackward(
            layer: name, hasForwardPass: hasForwardPass, gradient: outputGradient, outputShape: output.shape)
        hasForwardPass = false
        guard computingInputGradient else { return .empty }
        inputGradient.prepareForOverwrite(shape: output.shape)
        let activation = self.activation, n = output.count
        withPointer(outputGradient) { dy in
            withPointer(output) { y in
                withMutablePointer(&inputGradient) { dx in
                    activation.multiplyByDerivative(dy, output: y, into: dx, rows: 1, columns: n, biasGradient: nil)
                }
            }
        }
        return inputGradient
    }

    /// Drops the workspaces.
    public func clearCache() {
        output = .empty
        inputGradient = .empty
        hasForwardPass = false
    }
}
