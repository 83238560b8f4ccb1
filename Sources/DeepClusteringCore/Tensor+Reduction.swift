extension Tensor {
    /// The sum of all elements (accumulated in `Double`).
    public func sum() -> Float {
        var s = 0.0
        let p = storage.pointer
        for i in 0..<count { s += Double(p[i]) }
        return Float(s)
    }

    /// The mean of all elements; `nan` for an empty tensor.
    public func mean() -> Float {
        count == 0 ? .nan : Float(Double(sum()) / Double(count))
    }

    /// The first NaN or infinite element, as its position (row-major index, and the index split
    /// into the first dimension and the rest) and value; `nil` when every element is finite.
    ///
    /// For data `[N, …]`, `sample` is the row and `offset` the element within it: an error can
    /// then say which sample of a file is bad.
    public func firstNonFiniteElement() -> (index: Int, sample: Int, offset: Int, value: Float)? {
        guard let i = withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) else { return nil }
        let rowSize = rank == 0 ? 1 : Swift.max(1, count / Swift.max(shape[0], 1))
        return (i, i / rowSize, i % rowSize, storage.pointer[i])
    }

    /// The largest element; `nil` for an empty tensor.
    public func max() -> Float? {
        withUnsafeBufferPointer { $0.max() }
    }

    /// The smallest element; `nil` for an empty tensor.
    public func min() -> Float? {
        withUnsafeBufferPointer { $0.min() }
    }

    /// Sums over one axis, removing it from the shape.
    ///
    /// For a `[n, d]` tensor, `sum(alongAxis: 0)` is the `[d]` column sums and
    /// `sum(alongAxis: 1)` the `[n]` row sums. Negative axes count from the end.
    /// - Throws: ``TensorError/invalidArgument(operation:message:)`` for an axis outside the rank.
    public func sum(alongAxis axis: Int) throws -> Tensor {
        let a = try normalizedAxis(axis, operation: "sum(alongAxis:)")
        let outer = shape[..<a].reduce(1, *), size = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        var newShape = shape
        newShape.remove(at: a)
        let out = Tensor(zeros: newShape)
        let src = storage.pointer, dst = out.storage.pointer
        for o in 0..<outer {
            let base = o * size * inner
            let d = dst + o * inner
            for s in 0..<size {
                let row = src + base + s * inner
                for i in 0..<inner { d[i] += row[i] }
            }
        }
        return out
    }

    /// Averages over one axis, removing it from the shape (see ``sum(alongAxis:)``).
    public func mean(alongAxis axis: Int) throws -> Tensor {
        let a = try normalizedAxis(axis, operation: "mean(alongAxis:)")
        let size = shape[a]
        var s = try sum(alongAxis: a)
        s *= 1 / Float(size)
        return s
    }

    /// For each row of the last axis, the index of its largest element (the first on ties).
    ///
    /// A `[n, k]` tensor of cluster scores gives `n` cluster indices.
    /// - Throws: ``TensorError/invalidShape(operation:message:)`` for a scalar or an empty last axis.
    public func argmax() throws -> [Int] {
        guard let width = shape.last, width > 0 else {
            throw TensorError.invalidShape(operation: "argmax()", message: "needs a non-empty last axis, got \(shape)")
        }
        let rows = count / width
        let p = storage.pointer
        return (0..<rows).map { r in
            let row = p + r * width
            var best = 0
            var bestValue = row[0]
            for j in 1..<width where row[j] > bestValue {
                best = j
                bestValue = row[j]
            }
            return best
        }
    }

    func normalizedAxis(_ axis: Int, operation: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else {
            throw TensorError.invalidArgument(operation: operation, message: "axis \(axis) is out of range for shape \(shape)")
        }
        return a
    }
}
