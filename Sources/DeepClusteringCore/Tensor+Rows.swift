extension Tensor {
    /// Copies the rows at `indices` (along the first dimension) into a new tensor, e.g. one
    /// shuffled mini-batch of a dataset.
    /// - Throws: ``TensorError/indexOutOfRange(operation:index:bound:)`` for a bad index.
    public func rows<C: Collection>(at indices: C) throws -> Tensor where C.Element == Int {
        var out = Tensor(zeros: [])
        try gatherRows(at: indices, into: &out)
        return out
    }

    /// Copies the rows at `indices` into `destination`, reusing its storage when possible (no
    /// allocation in a training loop that keeps its batch tensor).
    /// - Throws: ``TensorError/indexOutOfRange(operation:index:bound:)`` for a bad index, or
    ///   ``TensorError/invalidShape(operation:message:)`` for a scalar.
    @inlinable
    public func gatherRows<C: Collection>(at indices: C, into destination: inout Tensor) throws where C.Element == Int {
        guard rank >= 1 else {
            throw TensorError.invalidShape(operation: "gatherRows(at:into:)", message: "a scalar has no rows")
        }
        let n = shape[0], width = rowWidth
        for i in indices where i < 0 || i >= n {
            throw TensorError.indexOutOfRange(operation: "gatherRows(at:into:)", index: i, bound: n)
        }
        let rowCount = indices.count
        if destination.shape.count == shape.count, destination.shape.first == rowCount,
           destination.shape.dropFirst().elementsEqual(shape.dropFirst()) {
            destination.prepareForOverwrite(shape: destination.shape)  // no new shape array per batch
        } else {
            var newShape = shape
            newShape[0] = rowCount
            destination.prepareForOverwrite(shape: newShape)
        }
        let src = storage.pointer, dst = destination.storage.pointer
        for (r, i) in indices.enumerated() {
            (dst + r * width).update(from: src + i * width, count: width)
        }
    }

    /// Copies a contiguous range of rows into a new tensor.
    /// - Throws: ``TensorError/indexOutOfRange(operation:index:bound:)`` when the range exceeds
    ///   the first dimension.
    public func rows(in range: Range<Int>) throws -> Tensor {
        guard rank >= 1 else {
            throw TensorError.invalidShape(operation: "rows(in:)", message: "a scalar has no rows")
        }
        guard range.lowerBound >= 0, range.upperBound <= shape[0] else {
            throw TensorError.indexOutOfRange(
                operation: "rows(in:)", index: range.lowerBound < 0 ? range.lowerBound : range.upperBound,
                bound: shape[0])
        }
        var newShape = shape
        newShape[0] = range.count
        let out = Tensor(uninitializedShape: newShape)
        let width = rowWidth
        out.storage.pointer.update(from: storage.pointer + range.lowerBound * width, count: range.count * width)
        return out
    }

    /// Stacks tensors along the first dimension; all must agree in their other dimensions.
    /// - Throws: ``TensorError/shapeMismatch(operation:message:)`` when they do not.
    public static func concatenatingRows(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first, first.rank >= 1 else {
            throw TensorError.invalidArgument(operation: "concatenatingRows", message: "needs at least one tensor of rank ≥ 1")
        }
        let tail = Array(first.shape.dropFirst())
        var rows = 0
        for (i, p) in parts.enumerated() {
            guard p.rank == first.rank, Array(p.shape.dropFirst()) == tail else {
                throw TensorError.shapeMismatch(
                    operation: "concatenatingRows", message: "part \(i) has shape \(p.shape), part 0 has \(first.shape)")
            }
            rows += p.shape[0]
        }
        let out = Tensor(uninitializedShape: [rows] + tail)
        var offset = 0
        for p in parts {
            (out.storage.pointer + offset).update(from: p.storage.pointer, count: p.count)
            offset += p.count
        }
        return out
    }
}
