import DeepClusteringCore

/// Inverted dropout (Srivastava et al. 2014, "Dropout: a simple way to prevent neural networks
/// from overfitting"; Keras `Dropout(rate)`): in training each element is zeroed with
/// probability ``rate`` and the survivors are scaled by `1/(1 − rate)`, so the expected output
/// equals the input; in inference the layer is the identity.
///
/// Any input shape `[B, …]`; the output has the input's shape.
/// - forward: draw a mask `m` with `m = 0` (probability `rate`) or `m = 1/(1 − rate)`, then `y = x ⊙ m`.
/// - backward: `dx = dy ⊙ m` with the same mask.
///
/// The mask comes from the layer's own seeded generator, so a run is reproducible: two layers
/// created with the same seed draw the same masks for the same sequence of input shapes. Mask,
/// output and input gradient live in workspaces reused across batches. Set ``freezesMask`` to
/// keep one mask across forward passes (for finite-difference gradient checks, which need the
/// same function at every probe).
///
/// The DEC paper corrupts every denoising autoencoder's input and hidden layer with dropout at
/// rate 0.2 (Xie et al. 2016, §3.2 and §4.3); see ``LayerwisePretraining``.
public final class Dropout: Layer {
    /// The layer's name (default `dropout`).
    public var name: String
    /// The probability that an element is dropped, in `[0, 1)`.
    public let rate: Float
    /// When `true`, ``forward(_:)`` reuses the last mask instead of drawing a new one (a mask is
    /// still drawn when there is none yet or the input's shape changed). Defaults to `false`.
    public var freezesMask = false

    /// The mask of the last training forward pass: `0` or `1/(1 − rate)` per element.
    public private(set) var mask = Tensor.empty
    private var generator: SeededGenerator
    /// Output workspace.
    private var output = Tensor.empty
    /// Workspace for `dx`.
    private var inputGradient = Tensor.empty
    private var hasForwardPass = false

    /// Creates the layer.
    /// - Parameters:
    ///   - rate: The probability of dropping each element, in `[0, 1)` (0 makes the layer the
    ///     identity in training too).
    ///   - seed: Seeds the mask generator; defaults to 0.
    ///   - name: The layer's name; defaults to `dropout`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a rate outside `[0, 1)`.
    public init(rate: Float, seed: UInt64 = 0, name: String = "dropout") throws {
        guard rate.isFinite, rate >= 0, rate < 1 else {
            throw LayerError.invalidConfiguration(layer: name, message: "dropout rate must be in [0, 1), found \(rate)")
        }
        self.rate = rate
        self.name = name
        generator = SeededGenerator(seed: seed)
    }

    /// No parameters.
    public var parameters: [Parameter] { [] }

    /// The input shape unchanged.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a scalar.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        try elementwiseOutputShape(inputShape, layer: name)
    }

    /// `x ⊙ m` with a freshly drawn mask (or the frozen one, see ``freezesMask``).
    /// - Parameter input: `[B, …]`.
    /// - Returns: The masked, rescaled input (a workspace of this layer).
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a scalar.
    public func forward(_ input: Tensor) throws -> Tensor {
        let shape = try outputShape(forInputShape: input.shape)
        if !freezesMask || mask.shape != shape { drawMask(shape: shape) }
        output.prepareForOverwrite(shape: shape)
        let n = input.count
        withPointer(input) { x in
            withPointer(mask) { m in
                withMutablePointer(&output) { y in
                    for i in 0..<n { y[i] = x[i] * m[i] }
                }
            }
        }
        hasForwardPass = true
        return output
    }

    /// The identity: dropout is off in inference.
    /// - Parameter input: `[B, …]`.
    /// - Returns: `input` itself (no copy).
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a scalar.
    public func inference(_ input: Tensor) throws -> Tensor {
        _ = try outputShape(forInputShape: input.shape)
        return input
    }

    /// `dx = dy ⊙ m` with the mask of the last forward pass.
    /// - Parameters:
    ///   - outputGradient: `∂L/∂y`, the shape of the last output.
    ///   - computingInputGradient: When `false`, returns an empty tensor without work.
    /// - Returns: `∂L/∂x` (a workspace of this layer).
    /// - Throws: ``LayerError/invalidBackward(layer:message:)`` without a forward pass or for a
    ///   gradient of the wrong shape.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        try checkElementwiseBackward(
            layer: name, hasForwardPass: hasForwardPass, gradient: outputGradient, outputShape: mask.shape)
        hasForwardPass = false
        guard computingInputGradient else { return .empty }
        inputGradient.prepareForOverwrite(shape: mask.shape)
        let n = mask.count
        withPointer(outputGradient) { dy in
            withPointer(mask) { m in
                withMutablePointer(&inputGradient) { dx in
                    for i in 0..<n { dx[i] = dy[i] * m[i] }
                }
            }
        }
        return inputGradient
    }

    /// Drops the workspaces (the generator keeps its position; a frozen mask is dropped too).
    public func clearCache() {
        mask = .empty
        output = .empty
        inputGradient = .empty
        hasForwardPass = false
    }

    /// Fills ``mask`` for `shape`: each element is kept with probability `1 − rate`.
    ///
    /// Each 64-bit draw gives two 24-bit uniforms `u`; an element is dropped when
    /// `u < round(rate · 2²⁴)`, so the drop probability is `rate` to within 2⁻²⁵.
    private func drawMask(shape: [Int]) {
        mask.prepareForOverwrite(shape: shape)
        let n = mask.count
        let threshold = UInt64((Double(rate) * 16_777_216).rounded())
        let keep = 1 / (1 - rate)
        withMutablePointer(&mask) { m in
            var i = 0
            while i < n {
                let bits = generator.next()
                m[i] = (bits >> 40) < threshold ? 0 : keep
                if i + 1 < n { m[i + 1] = (bits & 0xFF_FFFF) < threshold ? 0 : keep }
                i += 2
            }
        }
    }
}
