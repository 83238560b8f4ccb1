import DeepClusteringCore

/// Nearest-neighbour upsampling of NHWC images by integer factors (Keras's `UpSampling2D` with
/// `interpolation="nearest"`).
///
/// For an input `[N, H, W, C]` and size `(SH, SW)` the output is `[N, H·SH, W·SW, C]` with
/// `y[n, oy, ox, c] = x[n, oy / SH, ox / SW, c]` (integer division): each pixel becomes an
/// `SH × SW` block. The backward pass sums the gradient over each block. No parameters.
public final class UpSampling2D: Layer {
    /// The layer's name (default `up_sampling2d`).
    public var name: String
    /// The vertical and horizontal factors.
    public let size: (height: Int, width: Int)
    /// None: the layer has no trainable parameters.
    public var parameters: [Parameter] { [] }

    private var cachedInputShape: [Int]?
    /// Workspaces for the output and ∂X, reused when callers have let go of the last ones.
    private var output = Tensor(zeros: [0])
    private var inputGradient = Tensor(zeros: [0])

    /// Creates an upsampling layer.
    /// - Parameters:
    ///   - size: The vertical and horizontal factors; defaults to `(2, 2)` as in Keras.
    ///   - name: The layer's name; defaults to `up_sampling2d`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a non-positive factor.
    public init(size: (height: Int, width: Int) = (2, 2), name: String = "up_sampling2d") throws {
        try validatePositive(size, "upsampling size", layer: name)
        self.size = size
        self.name = name
    }

    /// Creates an upsampling layer with the same factor in both directions.
    /// - Parameters:
    ///   - size: The factor.
    ///   - name: The layer's name; defaults to `up_sampling2d`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a non-positive factor.
    public convenience init(size: Int, name: String = "up_sampling2d") throws {
        try self.init(size: (size, size), name: name)
    }

    /// `[N, H·SH, W·SW, C]` for an input `[N, H, W, C]`.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a non-NHWC input.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        let (n, h, w, c) = try validatedImageBatch(inputShape, channels: nil, layer: name)
        return [n, h * size.height, w * size.width, c]
    }

    /// Upsamples and remembers the input shape for the backward pass.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a non-NHWC input.
    public func forward(_ input: Tensor) throws -> Tensor {
        try upsample(input, into: &output)
        cachedInputShape = input.shape
        return output
    }

    /// Upsamples without caching.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a non-NHWC input.
    public func inference(_ input: Tensor) throws -> Tensor {
        var result = Tensor(zeros: [0])
        try upsample(input, into: &result)
        return result
    }

    private func upsample(_ input: Tensor, into output: inout Tensor) throws {
        let shape = try outputShape(forInputShape: input.shape)
        let rows = input.shape[0] * input.shape[1], w = input.shape[2], c = input.shape[3]
        let sh = size.height, sw = size.width, outRow = w * sw * c
        output.prepareForOverwrite(shape: shape)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                Parallel.forEachChunk(count: rows, minimumPerThread: max(1, 65_536 / max(outRow * sh, 1))) { range in
                    for r in range {
                        // One input row (n, iy) becomes SH identical output rows.
                        let src = x.baseAddress! + r * w * c, dst = y.baseAddress! + r * sh * outRow
                        for ix in 0..<w {
                            for dx in 0..<sw { (dst + (ix * sw + dx) * c).update(from: src + ix * c, count: c) }
                        }
                        for dy in 1..<max(sh, 1) { (dst + dy * outRow).update(from: dst, count: outRow) }
                    }
                }
            }
        }
    }

    /// Returns `∂X`, the sum of the output gradient over each `SH × SW` block.
    /// - Parameters:
    ///   - outputGradient: ∂loss/∂output, `[N, H·SH, W·SW, C]`.
    ///   - computingInputGradient: Whether to compute ∂loss/∂input.
    /// - Returns: ∂loss/∂input, `[N, H, W, C]`, or an empty tensor when not asked for.
    /// - Throws: ``LayerError/invalidBackward(layer:message:)`` without a preceding forward pass
    ///   or for a gradient of the wrong shape.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        let inputShape = try requireForwardCache(cachedInputShape, layer: name)
        try validateOutputGradient(outputGradient, outputShape: outputShape(forInputShape: inputShape), layer: name)
        guard computingInputGradient else { return Tensor(zeros: [0]) }
        let rows = inputShape[0] * inputShape[1], w = inputShape[2], c = inputShape[3]
        let sh = size.height, sw = size.width, outRow = w * sw * c
        inputGradient.prepareForOverwrite(shape: inputShape)
        inputGradient.fill(with: 0)
        outputGradient.withUnsafeBufferPointer { dy in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                Parallel.forEachChunk(count: rows, minimumPerThread: max(1, 65_536 / max(outRow * sh, 1))) { range in
                    for r in range {
                        let dst = dx.baseAddress! + r * w * c
                        for oy in 0..<sh {
                            let src = dy.baseAddress! + (r * sh + oy) * outRow
                            for ix in 0..<w {
                                for ddx in 0..<sw {
                                    let s = src + (ix * sw + ddx) * c, d = dst + ix * c
                                    for k in 0..<c { d[k] += s[k] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// Drops the remembered input shape and releases the workspaces.
    public func clearCache() {
        cachedInputShape = nil
        output = Tensor(zeros: [0])
        inputGradient = Tensor(zeros: [0])
    }
}
