import DeepClusteringCore

/// A fully connected layer, `y = f(x·W + b)`, with the activation `f` fused into the bias add.
///
/// Dimension letters: B batch, I ``inputSize``, O ``outputSize``.
/// - input `x`: `[B, I]`; kernel `W`: `[I, O]` (Keras layout); bias `b`: `[O]`; output `[B, O]`.
/// - forward: one GEMM `y ← x·W` into the output workspace, then one pass `y ← f(y + b)`.
/// - backward: one pass `dz ← dy ⊙ f′(y)` that also sums `db += Σ_B dz`; then
///   `dW += xᵀ·dz` (GEMM with β = 1, accumulating; β = 0 when the gradient was zeroed lazily by
///   ``Parameter/zeroGradientLazily()``, which saves reading and clearing it) and, when asked,
///   `dx ← dz·Wᵀ`.
///
/// The input is cached by reference (no copy) and released by ``backward(_:computingInputGradient:)``,
/// which therefore may be called once per ``forward(_:)``. Output, pre-activation gradient and
/// input gradient live in workspaces reused across batches (reallocated only when a batch is
/// larger than any before, or when a caller still holds the previous result).
public final class Dense: Layer {
    /// The layer's name (default `dense`; a ``Sequential`` makes duplicates unique).
    public var name: String
    /// The number of input features `I`.
    public let inputSize: Int
    /// The number of output units `O`.
    public let outputSize: Int
    /// The activation fused with the bias add.
    public let activation: Activation
    /// The kernel `W`, shape `[inputSize, outputSize]`.
    public let kernel: Parameter
    /// The bias `b`, shape `[outputSize]`.
    public let bias: Parameter

    /// The input of the last training forward pass (shared with the caller, not copied).
    private var cachedInput: Tensor?
    /// Output workspace; after `forward` it holds `f(x·W + b)` for the backward pass.
    private var output = Tensor.empty
    /// Workspace for `dy ⊙ f′(y)` (unused for the identity activation).
    private var preactivationGradient = Tensor.empty
    /// Workspace for `dx`.
    private var inputGradient = Tensor.empty
    /// Workspace: per-thread column sums of `∂z` for the bias gradient.
    private var biasGradientParts = Tensor.empty

    /// Creates a dense layer with freshly initialised parameters.
    /// - Parameters:
    ///   - inputSize: The number of input features `I` (> 0).
    ///   - outputSize: The number of units `O` (> 0).
    ///   - activation: Fused activation; defaults to `.identity` (linear), as in Keras.
    ///   - kernelInitializer: Defaults to Glorot uniform, Keras's default.
    ///   - biasInitializer: Defaults to zeros, Keras's default.
    ///   - name: The layer's name; defaults to `dense`.
    ///   - generator: The seeded source of the initial values.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a non-positive size or
    ///   an invalid initializer.
    public init<G: RandomNumberGenerator>(
        inputSize: Int, outputSize: Int, activation: Activation = .identity,
        kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
        name: String = "dense", using generator: inout G
    ) throws {
        guard inputSize > 0, outputSize > 0 else {
            throw LayerError.invalidConfiguration(
                layer: name, message: "inputSize and outputSize must be positive, found \(inputSize) and \(outputSize)")
        }
        self.name = name
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.activation = activation
        kernel = Parameter(name: "kernel", value: try kernelInitializer.makeTensor(shape: [inputSize, outputSize], using: &generator))
        bias = Parameter(name: "bias", value: try biasInitializer.makeTensor(shape: [outputSize], using: &generator))
    }

    /// `[kernel, bias]`.
    public private(set) lazy var parameters: [Parameter] = [kernel, bias]

    /// `[B, outputSize]` for an input `[B, inputSize]`.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` otherwise.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == inputSize else {
            throw LayerError.invalidInputShape(layer: name, expected: "[batch, \(inputSize)]", found: inputShape)
        }
        return [inputShape[0], outputSize]
    }

    /// Computes `f(x·W + b)` and caches `x` (by reference) for the backward pass.
    /// - Parameter input: `[B, inputSize]`.
    /// - Returns: `[B, outputSize]` (the layer's output workspace; copy-on-write protects it).
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a wrong shape.
    public func forward(_ input: Tensor) throws -> Tensor {
        try compute(input)
        cachedInput = input
        return output
    }

    /// Computes `f(x·W + b)` without caching the input.
    ///
    /// It reuses the output workspace, so it ends any pending backward pass (a later
    /// ``backward(_:computingInputGradient:)`` throws rather than use overwritten activations).
    /// - Parameter input: `[B, inputSize]`.
    /// - Returns: `[B, outputSize]`.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a wrong shape.
    public func inference(_ input: Tensor) throws -> Tensor {
        try compute(input)
        cachedInput = nil
        return output
    }

    /// `output ← f(x·W + b)`: one GEMM, then one fused bias + activation pass.
    private func compute(_ input: Tensor) throws {
        let shape = try outputShape(forInputShape: input.shape)
        let b = shape[0], i = inputSize, o = outputSize
        output.prepareForOverwrite(shape: shape)
        let activation = self.activation
        withPointer(input) { x in
            withPointer(kernel.value) { w in
                withPointer(bias.value) { bias in
                    withMutablePointer(&output) { y in
                        BLAS.sgemm(transposeA: false, transposeB: false, m: b, n: o, k: i,
                                   a: x, lda: i, b: w, ldb: o, beta: 0, c: y, ldc: o)
                        activation.addBiasAndApplyInParallel(y, rows: b, columns: o, bias: bias)
                    }
                }
            }
        }
    }

    /// Accumulates `dW += xᵀ·dz`, `db += Σ_B dz` with `dz = dy ⊙ f′(y)`, and returns `dx = dz·Wᵀ`.
    /// - Parameters:
    ///   - outputGradient: `∂L/∂y`, shape `[B, outputSize]`.
    ///   - computingInputGradient: When `false` the `dx` GEMM is skipped and an empty tensor returned.
    /// - Returns: `∂L/∂x`, shape `[B, inputSize]` (a workspace of this layer).
    /// - Throws: ``LayerError/invalidBackward(layer:message:)`` without a preceding forward
    ///   pass (each forward allows one backward) or for a gradient of the wrong shape.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        guard let input = cachedInput else {
            throw LayerError.invalidBackward(layer: name, message: "no forward pass to differentiate (each forward allows one backward)")
        }
        guard outputGradient.shape == output.shape else {
            throw LayerError.invalidBackward(
                layer: name, message: "gradient has shape \(outputGradient.shape), the output had \(output.shape)")
        }
        cachedInput = nil
        let b = input.shape[0], i = inputSize, o = outputSize
        let dz = activation.backpropagateInParallel(
            outputGradient, output: output, workspace: &preactivationGradient, partialSums: &biasGradientParts,
            bias: bias)
        withPointer(input) { x in
            withPointer(dz) { g in
                kernel.accumulateGradient { dw, overwrite in
                    BLAS.sgemm(transposeA: true, transposeB: false, m: i, n: o, k: b,
                               a: x, lda: i, b: g, ldb: o, beta: overwrite ? 0 : 1, c: dw, ldc: o)
                }
            }
        }
        guard computingInputGradient else { return .empty }
        inputGradient.prepareForOverwrite(shape: [b, i])
        withPointer(dz) { g in
            withPointer(kernel.value) { w in
                withMutablePointer(&inputGradient) { dx in
                    BLAS.sgemm(transposeA: false, transposeB: true, m: b, n: i, k: o,
                               a: g, lda: o, b: w, ldb: o, beta: 0, c: dx, ldc: i)
                }
            }
        }
        return inputGradient
    }

    /// Drops the cached input and the workspaces.
    public func clearCache() {
        cachedInput = nil
        output = .empty
        preactivationGradient = .empty
        biasGradientParts = .empty
        inputGradient = .empty
    }
}
