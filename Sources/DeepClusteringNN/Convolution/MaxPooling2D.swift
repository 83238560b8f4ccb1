import DeepClusteringCore

/// Max pooling over NHWC images (Keras's `MaxPooling2D`).
///
/// For an input `[N, H, W, C]`, pool `(PH, PW)` and stride `(SH, SW)` the output is
/// `[N, OH, OW, C]` with the sizes of ``Padding`` (`valid`: `floor((H − PH) / SH) + 1`; `same`:
/// `ceil(H / SH)`, padding placed as for a convolution), each element the maximum of its window
/// per channel. Padded positions never win (TensorFlow pads with −∞). The backward pass routes
/// each output gradient to the input element that was the maximum (the first one in row-major
/// window order on ties). No parameters.
public final class MaxPooling2D: Layer {
    /// The layer's name (default `max_pooling2d`).
    public var name: String
    /// The window height and width.
    public let poolSize: (height: Int, width: Int)
    /// The steps between windows.
    public let stride: (height: Int, width: Int)
    /// The border rule.
    public let padding: Padding
    /// None: the layer has no trainable parameters.
    public var parameters: [Parameter] { [] }

    private var cachedInputShape: [Int]?
    /// For every output element, the flat index of the input element that was its maximum.
    private var maximumIndices: [Int] = []
    /// Workspaces for the output and ∂X, reused when callers have let go of the last ones.
    private var output = Tensor(zeros: [0])
    private var inputGradient = Tensor(zeros: [0])

    /// Creates a max-pooling layer.
    /// - Parameters:
    ///   - poolSize: The window height and width; defaults to `(2, 2)` as in Keras.
    ///   - stride: The steps between windows; defaults to the pool size (Keras's `strides=None`).
    ///   - padding: The border rule; defaults to ``Padding/valid`` as in Keras.
    ///   - name: The layer's name; defaults to `max_pooling2d`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a non-positive pool size or stride.
    public init(
        poolSize: (height: Int, width: Int) = (2, 2), stride: (height: Int, width: Int)? = nil,
        padding: Padding = .valid, name: String = "max_pooling2d"
    ) throws {
        try validatePositive(poolSize, "pool size", layer: name)
        let stride = stride ?? poolSize
        try validatePositive(stride, "stride", layer: name)
        self.poolSize = poolSize
        self.stride = stride
        self.padding = padding
        self.name = name
    }

    /// Creates a max-pooling layer with square windows and equal strides.
    /// - Parameters:
    ///   - poolSize: The window height and width.
    ///   - stride: The step between windows; defaults to the pool size.
    ///   - padding: The border rule; defaults to ``Padding/valid``.
    ///   - name: The layer's name; defaults to `max_pooling2d`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a non-positive pool size or stride.
    public convenience init(poolSize: Int, stride: Int? = nil, padding: Padding = .valid, name: String = "max_pooling2d") throws {
        let s = stride ?? poolSize
        try self.init(poolSize: (poolSize, poolSize), stride: (s, s), padding: padding, name: name)
    }

    /// The window geometry for an input of `shape` (the image is the input, the grid the output).
    private func geometry(forInputShape shape: [Int]) throws -> ConvolutionGeometry {
        try .sliding(overInputShape: shape, channels: nil, window: poolSize, stride: stride, padding: padding, layer: name)
    }

    /// `[N, OH, OW, C]` for an input `[N, H, W, C]`.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a non-NHWC input or
    ///   (valid padding) one smaller than the window.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        let g = try geometry(forInputShape: inputShape)
        return [inputShape[0], g.gridHeight, g.gridWidth, inputShape[3]]
    }

    /// Pools and remembers where each maximum came from.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a bad input shape.
    public func forward(_ input: Tensor) throws -> Tensor {
        try pool(input, into: &output, recordingIndices: true)
        cachedInputShape = input.shape
        return output
    }

    /// Pools without caching.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a bad input shape.
    public func inference(_ input: Tensor) throws -> Tensor {
        var result = Tensor(zeros: [0])
        try pool(input, into: &result, recordingIndices: false)
        return result
    }

    private func pool(_ input: Tensor, into output: inout Tensor, recordingIndices: Bool) throws {
        let g = try geometry(forInputShape: input.shape)
        let n = input.shape[0], c = g.channels
        output.prepareForOverwrite(shape: [n, g.gridHeight, g.gridWidth, c])
        if recordingIndices && maximumIndices.count != output.count {
            maximumIndices = [Int](repeating: 0, count: output.count)
        }
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                maximumIndices.withUnsafeMutableBufferPointer { indices in
                    let record = recordingIndices ? indices.baseAddress : nil
                    Parallel.forEachChunk(count: n, minimumPerThread: max(1, 16_384 / max(y.count / max(n, 1), 1))) { range in
                        for image in range {
                            poolImage(g, x.baseAddress! + image * g.imageSize, imageOffset: image * g.imageSize,
                                      into: y.baseAddress! + image * g.rowsPerImage * c,
                                      indices: record.map { $0 + image * g.rowsPerImage * c })
                        }
                    }
                }
            }
        }
    }

    /// Pools one image; `indices` (if given) receives flat batch indices of the maxima.
    private func poolImage(
        _ g: ConvolutionGeometry, _ x: UnsafePointer<Float>, imageOffset: Int,
        into y: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int>?
    ) {
        let c = g.channels
        for gy in 0..<g.gridHeight {
            let yLo = max(gy * g.strideHeight - g.padTop, 0)
            let yHi = min(gy * g.strideHeight - g.padTop + g.kernelHeight, g.imageHeight)
            for gx in 0..<g.gridWidth {
                let xLo = max(gx * g.strideWidth - g.padLeft, 0)
                let xHi = min(gx * g.strideWidth - g.padLeft + g.kernelWidth, g.imageWidth)
                let out = y + (gy * g.gridWidth + gx) * c
                let best = indices.map { $0 + (gy * g.gridWidth + gx) * c }
                // The window always holds at least one real pixel; start from its first one.
                let first = (yLo * g.imageWidth + xLo) * c
                out.update(from: x + first, count: c)
                if let best { for k in 0..<c { best[k] = imageOffset + first + k } }
                for iy in yLo..<yHi {
                    for ix in xLo..<xHi {
                        let offset = (iy * g.imageWidth + ix) * c
                        let p = x + offset
                        for k in 0..<c where p[k] > out[k] {
                            out[k] = p[k]
                            best?[k] = imageOffset + offset + k
                        }
                    }
                }
            }
        }
    }

    /// Returns `∂X`: each output gradient added to the input element that was its window's maximum.
    /// - Parameters:
    ///   - outputGradient: ∂loss/∂output, `[N, OH, OW, C]`.
    ///   - computingInputGradient: Whether to compute ∂loss/∂input.
    /// - Returns: ∂loss/∂input, `[N, H, W, C]`, or an empty tensor when not asked for.
    /// - Throws: ``LayerError/invalidBackward(layer:message:)`` without a preceding forward pass
    ///   or for a gradient of the wrong shape.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        let inputShape = try requireForwardCache(cachedInputShape, layer: name)
        try validateOutputGradient(outputGradient, outputShape: outputShape(forInputShape: inputShape), layer: name)
        guard computingInputGradient else { return Tensor(zeros: [0]) }
        inputGradient.prepareForOverwrite(shape: inputShape)
        inputGradient.fill(with: 0)
        outputGradient.withUnsafeBufferPointer { dy in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                maximumIndices.withUnsafeBufferPointer { indices in
                    for i in 0..<dy.count { dx[indices[i]] += dy[i] }
                }
            }
        }
        return inputGradient
    }

    /// Drops the remembered input shape and maximum positions.
    public func clearCache() {
        cachedInputShape = nil
        output = Tensor(zeros: [0])
        inputGradient = Tensor(zeros: [0])
        maximumIndices = []
    }
}
