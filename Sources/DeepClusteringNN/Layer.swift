import DeepClusteringCore

/// A differentiable building block with an explicit forward and backward pass.
///
/// The contract (as in llm.c): ``forward(_:)`` computes the output for a batch and caches what
/// the backward pass needs; ``backward(_:computingInputGradient:)`` receives the gradient of the
/// loss with respect to that output, **adds** the gradients of the layer's parameters into
/// their ``Parameter/gradient`` and returns the gradient with respect to the input.
/// ``inference(_:)`` computes the output without caching (and with stochastic layers such as
/// dropout turned off).
///
/// Layers are classes because they own caches, workspaces and parameters. The first dimension
/// of every input is the batch.
public protocol Layer: AnyObject {
    /// The layer's name, unique within its container (used to reach it and in checkpoints).
    var name: String { get set }

    /// The trainable parameters, in a fixed order.
    var parameters: [Parameter] { get }

    /// The output shape (batch dimension included) for an input of `inputShape`.
    /// - Throws: An error naming the layer when the input shape is not acceptable.
    func outputShape(forInputShape inputShape: [Int]) throws -> [Int]

    /// The training-mode forward pass: computes the output and caches what
    /// ``backward(_:computingInputGradient:)`` needs.
    /// - Throws: An error naming the layer when `input` has the wrong shape.
    func forward(_ input: Tensor) throws -> Tensor

    /// The inference-mode forward pass: no caching, no stochastic behaviour.
    func inference(_ input: Tensor) throws -> Tensor

    /// The backward pass for the most recent ``forward(_:)``.
    /// - Parameters:
    ///   - outputGradient: ∂loss/∂output, the shape of the last output.
    ///   - computingInputGradient: Whether the caller needs ∂loss/∂input. The first layer of a
    ///     network passes `false` and may return an empty tensor, skipping that work.
    /// - Returns: ∂loss/∂input (the shape of the last input), or an empty tensor when not asked for.
    /// - Throws: An error when no forward pass preceded it or the gradient has the wrong shape.
    func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor

    /// The backward pass, handing each group of parameters to `parametersReady` as soon as their
    /// gradients are complete, so an optimizer can update them while they are still in cache
    /// (``Optimizer/update(_:zeroingGradients:)``) instead of in one more pass over all of them.
    ///
    /// The default runs ``backward(_:computingInputGradient:)`` and then hands over
    /// ``parameters`` (when there are any). Containers such as ``Sequential`` hand over each
    /// child's parameters right after that child's backward pass, which is correct as long as no
    /// parameter is shared between children (tied weights must use the default).
    /// - Parameters:
    ///   - outputGradient: ∂loss/∂output, as for ``backward(_:computingInputGradient:)``.
    ///   - computingInputGradient: Whether the caller needs ∂loss/∂input.
    ///   - parametersReady: Called once per group, each parameter in exactly one group.
    /// - Returns: ∂loss/∂input, or an empty tensor when not asked for.
    /// - Throws: Layer errors, and whatever `parametersReady` throws.
    func backward(
        _ outputGradient: Tensor, computingInputGradient: Bool,
        whenParametersReady parametersReady: ([Parameter]) throws -> Void
    ) throws -> Tensor

    /// Drops cached activations (after training, or to free memory).
    func clearCache()

    /// The trainable parameters with names unique within this layer, joined by dots, such as
    /// `encoder_0.kernel` for a ``Sequential`` or `kernel` for a ``Dense`` (used by checkpoints).
    ///
    /// Names are relative to the layer asked: a container prefixes each child's names with the
    /// child's ``name``. The default lists ``parameters`` under their own names.
    var namedParameters: [(name: String, parameter: Parameter)] { get }
}

extension Layer {
    /// By default inference runs the training forward pass and then drops the cache.
    public func inference(_ input: Tensor) throws -> Tensor {
        let output = try forward(input)
        clearCache()
        return output
    }

    /// Runs ``backward(_:computingInputGradient:)``, then hands over all of ``parameters``.
    public func backward(
        _ outputGradient: Tensor, computingInputGradient: Bool,
        whenParametersReady parametersReady: ([Parameter]) throws -> Void
    ) throws -> Tensor {
        let inputGradient = try backward(outputGradient, computingInputGradient: computingInputGradient)
        let own = parameters
        if !own.isEmpty { try parametersReady(own) }
        return inputGradient
    }

    /// The backward pass, always computing the input gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try backward(outputGradient, computingInputGradient: true)
    }

    /// Lists ``parameters`` under their own names (``Parameter/name``).
    public var namedParameters: [(name: String, parameter: Parameter)] {
        parameters.map { ($0.name, $0) }
    }

    /// The number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Sets every parameter gradient to zero.
    public func zeroGradients() {
        for p in parameters { p.zeroGradient() }
    }
}

/// Errors raised by layers and containers, each naming the layer involved.
public enum LayerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The input does not have a shape the layer accepts.
    case invalidInputShape(layer: String, expected: String, found: [Int])
    /// `backward` was called without a preceding `forward`, or with a gradient of the wrong shape.
    case invalidBackward(layer: String, message: String)
    /// A configuration value is invalid (for example a non-positive unit count).
    case invalidConfiguration(layer: String, message: String)
    /// No layer with that name or index exists in the container.
    case noSuchLayer(container: String, key: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .invalidInputShape(layer, expected, found):
            return "\(layer): expected input of shape \(expected), found \(found)"
        case let .invalidBackward(layer, message):
            return "\(layer): backward: \(message)"
        case let .invalidConfiguration(layer, message):
            return "\(layer): \(message)"
        case let .noSuchLayer(container, key):
            return "\(container): no layer \(key)"
        }
    }
}
