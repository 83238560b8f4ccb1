import DeepClusteringCore

// Small helpers the layers share for their workspaces and shape checks.

extension Tensor {
    /// A shared empty tensor, returned by `backward` when no input gradient was asked for.
    static let empty = Tensor(zeros: [0])
}

/// Reads the base address of a tensor's elements for the duration of `body`.
@inline(__always)
func withPointer<R>(_ t: Tensor, _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
    try t.withUnsafeBufferPointer { try body($0.baseAddress!) }
}

/// Writes through the base address of a tensor's elements for the duration of `body`
/// (copying shared storage first, as any mutation of a tensor does).
@inline(__always)
func withMutablePointer<R>(_ t: inout Tensor, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    try t.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
}

/// The output shape of an elementwise layer: the input's, which must have a batch dimension.
/// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` for a scalar.
func elementwiseOutputShape(_ inputShape: [Int], layer: String) throws -> [Int] {
    guard !inputShape.isEmpty else {
        throw LayerError.invalidInputShape(layer: layer, expected: "[batch, …]", found: inputShape)
    }
    return inputShape
}

/// Checks a backward call of an elementwise layer: a forward pass preceded it and the gradient
/// has the output's shape.
/// - Throws: ``LayerError/invalidBackward(layer:message:)`` otherwise.
func checkElementwiseBackward(layer: String, hasForwardPass: Bool, gradient: Tensor, outputShape: [Int]) throws {
    guard hasForwardPass else {
        throw LayerError.invalidBackward(layer: layer, message: "no forward pass to differentiate")
    }
    try validateOutputGradient(gradient, outputShape: outputShape, layer: layer)
}
