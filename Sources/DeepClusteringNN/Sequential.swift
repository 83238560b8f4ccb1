import DeepClusteringCore

/// A stack of layers applied in order; itself a ``Layer``, so stacks nest (an autoencoder is an
/// encoder stack followed by a decoder stack).
///
/// Layers are reached by index (`model[0]`) or by name (`model["encoder_0"]`,
/// ``layer(named:)``). Because layers are classes, a stack taken out of a model — say the
/// encoder of an ``Autoencoder`` — shares its layers and parameters with it: training one trains
/// the other, which is how DEC reuses a pretrained encoder.
///
/// ```swift
/// var rng = SeededGenerator(seed: 1)
/// let mlp = try Sequential(name: "mlp", [
///     Dense(inputSize: 784, outputSize: 500, activation: .relu, using: &rng),
///     Dense(inputSize: 500, outputSize: 10, using: &rng),
/// ])
/// mlp.namedParameters.map(\.name)   // ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]
/// ```
public final class Sequential: Layer {
    /// The container's name (its prefix in an enclosing container's ``namedParameters``).
    public var name: String
    /// The layers, first applied first.
    public private(set) var layers: [any Layer]

    /// Creates a stack.
    ///
    /// Names are made unique as tf.keras does: a layer whose name is already taken is renamed
    /// by appending `_1`, `_2`, … (the first `dense` stays `dense`, the next becomes `dense_1`).
    /// - Parameters:
    ///   - name: The container's name; defaults to `sequential`.
    ///   - layers: The layers in order.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` when the same layer object
    ///   appears twice (its parameters would be listed twice).
    public init(name: String = "sequential", _ layers: [any Layer]) throws {
        self.name = name
        self.layers = []
        for layer in layers { try append(layer) }
    }

    /// Appends a layer, renaming it if its name is taken (see ``init(name:_:)``).
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` when the layer is already
    ///   in this stack.
    public func append(_ layer: any Layer) throws {
        guard !layers.contains(where: { $0 === layer }) else {
            throw LayerError.invalidConfiguration(
                layer: name, message: "layer \(layer.name) is already in the stack (a layer object may appear once)")
        }
        let taken = Set(layers.map(\.name))
        if taken.contains(layer.name) {
            var k = 1
            while taken.contains("\(layer.name)_\(k)") { k += 1 }
            layer.name = "\(layer.name)_\(k)"
        }
        layers.append(layer)
    }

    /// The number of layers.
    public var count: Int { layers.count }

    /// The layer at `index` (stops on an index out of range, like `Array`).
    public subscript(index: Int) -> any Layer { layers[index] }

    /// The layer named `name`, or `nil`.
    public subscript(name: String) -> (any Layer)? { layers.first { $0.name == name } }

    /// The layer named `name`.
    /// - Throws: ``LayerError/noSuchLayer(container:key:)`` when there is none.
    public func layer(named name: String) throws -> any Layer {
        guard let layer = self[name] else {
            throw LayerError.noSuchLayer(container: self.name, key: "named \(name) (layers: \(layers.map(\.name)))")
        }
        return layer
    }

    /// The layer at `index`.
    /// - Throws: ``LayerError/noSuchLayer(container:key:)`` for an index out of range.
    public func layer(at index: Int) throws -> any Layer {
        guard layers.indices.contains(index) else {
            throw LayerError.noSuchLayer(container: name, key: "at index \(index) (it has \(layers.count))")
        }
        return layers[index]
    }

    /// Every layer's parameters, in layer order.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    /// Every layer's named parameters, each prefixed with the layer's name and a dot
    /// (`encoder_0.kernel`).
    public var namedParameters: [(name: String, parameter: Parameter)] {
        layers.flatMap { layer in layer.namedParameters.map { ("\(layer.name).\($0.name)", $0.parameter) } }
    }

    /// The shape after every layer in turn.
    /// - Throws: The first layer's error for an input it does not accept.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        try layers.reduce(inputShape) { try $1.outputShape(forInputShape: $0) }
    }

    /// Runs every layer's training forward pass in order.
    /// - Throws: The first layer error met.
    public func forward(_ input: Tensor) throws -> Tensor {
        var x = input
        for layer in layers { x = try layer.forward(x) }
        return x
    }

    /// Runs every layer's inference pass in order.
    /// - Throws: The first layer error met.
    public func inference(_ input: Tensor) throws -> Tensor {
        var x = input
        for layer in layers { x = try layer.inference(x) }
        return x
    }

    /// Runs the backward passes in reverse order; the first layer is told whether the caller
    /// needs the input gradient, so a network's first GEMM for `dx` is skipped when not.
    /// - Throws: The first layer error met.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        try backward(outputGradient, computingInputGradient: computingInputGradient) { _ in }
    }

    /// The backward pass, handing each layer's parameters over right after that layer's own
    /// backward pass (recursively for nested containers).
    /// - Throws: The first layer error met, or what `parametersReady` throws.
    public func backward(
        _ outputGradient: Tensor, computingInputGradient: Bool,
        whenParametersReady parametersReady: ([Parameter]) throws -> Void
    ) throws -> Tensor {
        var g = outputGradient
        for (i, layer) in layers.enumerated().reversed() {
            g = try layer.backward(
                g, computingInputGradient: i > 0 || computingInputGradient, whenParametersReady: parametersReady)
        }
        return g
    }

    /// Clears every layer's cache.
    public func clearCache() {
        for layer in layers { layer.clearCache() }
    }
}
