import DeepClusteringCore

/// An encoder stack followed by a decoder stack, trained to reconstruct its input; the encoder
/// is then used on its own (DEC's pretraining, Xie et al. 2016).
///
/// ``encoder`` and ``decoder`` are ``Sequential``s that share their layers with this model, so
/// after ``pretrain(on:epochs:batchSize:optimizer:shuffleSeed:augmentation:precision:progress:)`` the encoder can be
/// handed to a clustering model as is. Any pair of stacks whose shapes chain works — the dense
/// builder ``dense(_:using:)`` or a convolutional one.
public final class Autoencoder: Layer {
    /// The model's name (default `autoencoder`).
    public var name: String
    /// Maps an input to its embedding.
    public let encoder: Sequential
    /// Maps an embedding back to input space.
    public let decoder: Sequential

    /// Creates an autoencoder from its two halves.
    /// - Parameters:
    ///   - encoder: The encoder stack (named `encoder` in ``namedParameters``, whatever its name).
    ///   - decoder: The decoder stack.
    ///   - name: The model's name; defaults to `autoencoder`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` when both halves are the
    ///   same object or share a layer.
    public init(encoder: Sequential, decoder: Sequential, name: String = "autoencoder") throws {
        let shared = encoder.layers.contains { e in decoder.layers.contains { $0 === e } }
        guard encoder !== decoder, !shared else {
            throw LayerError.invalidConfiguration(layer: name, message: "encoder and decoder must not share layers")
        }
        self.encoder = encoder
        self.decoder = decoder
        self.name = name
    }

    /// DEC-keras's dense autoencoder (`autoencoder(dims)`): for `dims = [d₀, …, dₙ]`,
    /// the encoder is Dense `d₀→d₁ … dₙ₋₂→dₙ₋₁` with ReLU, then a linear Dense `dₙ₋₁→dₙ` (the
    /// embedding); the decoder mirrors it back to `d₀` with ReLU inside and a linear output.
    ///
    /// Kernels are VarianceScaling(1/3, fan_in, uniform) = U(±sqrt(1/fan_in)), biases zero, as in
    /// DEC-keras. Layers are named as in DEC-keras: `encoder_0 … encoder_{n−1}` and
    /// `decoder_{n−1} … decoder_0`. The DEC paper uses `[784, 500, 500, 2000, 10]` for MNIST.
    /// - Parameters:
    ///   - dims: Input size followed by every layer width; at least two positive entries.
    ///   - generator: The seeded source of the initial weights.
    /// - Returns: The autoencoder.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for fewer than two or
    ///   non-positive dimensions.
    public static func dense<G: RandomNumberGenerator>(_ dims: [Int], using generator: inout G) throws -> Autoencoder {
        guard dims.count >= 2, dims.allSatisfy({ $0 > 0 }) else {
            throw LayerError.invalidConfiguration(
                layer: "Autoencoder.dense", message: "dims must hold at least two positive sizes, found \(dims)")
        }
        let initializer = Initializer.varianceScaling(scale: 1.0 / 3.0, mode: .fanIn, distribution: .uniform)
        let n = dims.count - 1
        var encoderLayers: [any Layer] = []
        for i in 0..<n {
            encoderLayers.append(try Dense(
                inputSize: dims[i], outputSize: dims[i + 1], activation: i < n - 1 ? .relu : .identity,
                kernelInitializer: initializer, name: "encoder_\(i)", using: &generator))
        }
        var decoderLayers: [any Layer] = []
        for i in stride(from: n, to: 0, by: -1) {
            decoderLayers.append(try Dense(
                inputSize: dims[i], outputSize: dims[i - 1], activation: i > 1 ? .relu : .identity,
                kernelInitializer: initializer, name: "decoder_\(i - 1)", using: &generator))
        }
        return try Autoencoder(
            encoder: Sequential(name: "encoder", encoderLayers), decoder: Sequential(name: "decoder", decoderLayers))
    }

    /// The encoder's parameters followed by the decoder's.
    public var parameters: [Parameter] { encoder.parameters + decoder.parameters }

    /// `encoder.<layer>.<parameter>` and `decoder.<layer>.<parameter>` names.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        encoder.namedParameters.map { ("encoder.\($0.name)", $0.parameter) }
            + decoder.namedParameters.map { ("decoder.\($0.name)", $0.parameter) }
    }

    /// The decoder's output shape for the encoder's output.
    /// - Throws: The first layer error for an unacceptable shape.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        try decoder.outputShape(forInputShape: encoder.outputShape(forInputShape: inputShape))
    }

    /// The reconstruction `decoder(encoder(x))`, caching for the backward pass.
    /// - Throws: The first layer error met.
    public func forward(_ input: Tensor) throws -> Tensor {
        try decoder.forward(encoder.forward(input))
    }

    /// The reconstruction without caching.
    /// - Throws: The first layer error met.
    public func inference(_ input: Tensor) throws -> Tensor {
        try decoder.inference(encoder.inference(input))
    }

    /// Back through the decoder, then the encoder.
    /// - Throws: The first layer error met.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        try backward(outputGradient, computingInputGradient: computingInputGradient) { _ in }
    }

    /// Back through the decoder, then the encoder, handing each layer's parameters over as soon
    /// as that layer's backward pass is done.
    /// - Throws: The first layer error met, or what `parametersReady` throws.
    public func backward(
        _ outputGradient: Tensor, computingInputGradient: Bool,
        whenParametersReady parametersReady: ([Parameter]) throws -> Void
    ) throws -> Tensor {
        let g = try decoder.backward(outputGradient, computingInputGradient: true, whenParametersReady: parametersReady)
        return try encoder.backward(g, computingInputGradient: computingInputGradient, whenParametersReady: parametersReady)
    }

    /// Clears both halves' caches.
    public func clearCache() {
        encoder.clearCache()
        decoder.clearCache()
    }

    /// Trains the autoencoder to reconstruct `x` under mean squared error (DEC's pretraining);
    /// see ``Layer/fit(_:targets:epochs:batchSize:optimizer:shuffleSeed:augmentation:precision:progress:)``.
    /// - Parameters:
    ///   - x: `[N, …]` samples.
    ///   - epochs: Passes over the data (the DEC-keras seed uses 300 for MNIST).
    ///   - batchSize: Defaults to 256.
    ///   - optimizer: For example `SGD(learningRate: 1, momentum: 0.9)` (DEC-keras) or `Adam()`.
    ///   - shuffleSeed: Seeds the shuffling; defaults to 0.
    ///   - augmentation: Random shifts and rotations applied to every batch (DEC-DA's
    ///     pretraining), or `nil` (the default) for the data as it is.
    ///   - precision: The operand precision of the GEMMs; defaults to ``GEMMPrecision/float32``
    ///     (``GEMMPrecision/bfloat16``: bf16 operands, FP32 accumulation, weights and state).
    ///   - progress: Called after every batch and epoch.
    /// - Returns: The mean reconstruction loss of each epoch.
    /// - Throws: ``TrainingError`` when the loss diverges or arguments are invalid;
    ///   ``GEMMPrecisionError/unsupported(_:)`` when `precision` cannot run on this machine.
    @discardableResult
    public func pretrain(
        on x: Tensor, epochs: Int, batchSize: Int = 256, optimizer: any Optimizer,
        shuffleSeed: UInt64 = 0, augmentation: ImageAugmentation? = nil,
        precision: GEMMPrecision = .float32, progress: ((TrainingEvent) -> Void)? = nil
    ) throws -> [Float] {
        try fit(x, targets: nil, epochs: epochs, batchSize: batchSize, optimizer: optimizer,
                shuffleSeed: shuffleSeed, augmentation: augmentation, precision: precision, progress: progress)
    }

    /// The embeddings of `x`, computed batch by batch by the encoder.
    /// - Parameters:
    ///   - x: `[N, …]` samples.
    ///   - batchSize: Defaults to 256.
    /// - Returns: `[N, embedding size]`.
    /// - Throws: Layer errors for an unacceptable shape.
    public func encode(_ x: Tensor, batchSize: Int = 256) throws -> Tensor {
        try encoder.predict(x, batchSize: batchSize)
    }
}
