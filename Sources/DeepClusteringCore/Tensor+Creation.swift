extension Tensor {
    /// Creates a tensor of `shape` with every element zero.
    /// - Parameter shape: The size of each dimension; `[]` is a scalar.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, repeating: 0)
    }

    /// Creates a tensor of `shape` with every element equal to `value`.
    public init(shape: [Int], repeating value: Float) {
        let n = Tensor.validatedCount(shape)
        self.init(storage: TensorStorage(count: n, repeating: value), shape: shape, count: n)
    }

    /// Creates a rank-0 tensor holding one value.
    public init(_ value: Float) {
        self.init(shape: [], repeating: value)
    }

    /// Creates a rank-1 tensor from an array.
    public init(_ scalars: [Float]) {
        self.init(uninitializedShape: [scalars.count])
        scalars.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: scalars.count) }
    }

    /// Creates a rank-2 tensor from rows of equal length.
    /// - Throws: ``TensorError/invalidShape(operation:message:)`` for ragged rows.
    public init(rows: [[Float]]) throws {
        let width = rows.first?.count ?? 0
        for (i, row) in rows.enumerated() where row.count != width {
            throw TensorError.invalidShape(
                operation: "Tensor(rows:)", message: "row \(i) has \(row.count) elements, row 0 has \(width)")
        }
        try self.init(shape: [rows.count, width], scalars: rows.flatMap { $0 })
    }

    /// Creates a tensor of `shape` from elements in row-major order.
    /// - Throws: ``TensorError/invalidShape(operation:message:)`` when the number of scalars
    ///   differs from the product of `shape`.
    public init<C: Collection>(shape: [Int], scalars: C) throws where C.Element == Float {
        let n = try Tensor.elementCount(of: shape, operation: "Tensor(shape:scalars:)")
        guard scalars.count == n else {
            throw TensorError.invalidShape(
                operation: "Tensor(shape:scalars:)",
                message: "shape \(shape) needs \(n) elements, got \(scalars.count)")
        }
        self.init(uninitializedShape: shape)
        _ = UnsafeMutableBufferPointer(start: storage.pointer, count: n).initialize(from: scalars)
    }

    /// Creates a tensor of `shape` whose elements are drawn uniformly from `range`.
    /// - Parameters:
    ///   - shape: The size of each dimension.
    ///   - range: The interval to draw from; defaults to `0...1`.
    ///   - generator: The source of randomness, e.g. a ``SeededGenerator``.
    public init<G: RandomNumberGenerator>(
        randomUniform shape: [Int], in range: ClosedRange<Float> = 0...1, using generator: inout G
    ) {
        self.init(uninitializedShape: shape)
        let low = range.lowerBound, width = range.upperBound - range.lowerBound
        let p = storage.pointer
        for i in 0..<count {
            p[i] = low + width * generator.nextUnitFloat()
        }
    }

    /// Creates a tensor of `shape` whose elements are drawn from a normal distribution
    /// (Box–Muller transform on the generator's uniform draws).
    /// - Parameters:
    ///   - shape: The size of each dimension.
    ///   - mean: The mean of the distribution; defaults to 0.
    ///   - standardDeviation: The standard deviation; defaults to 1.
    ///   - generator: The source of randomness.
    public init<G: RandomNumberGenerator>(
        randomNormal shape: [Int], mean: Float = 0, standardDeviation: Float = 1, using generator: inout G
    ) {
        self.init(uninitializedShape: shape)
        let p = storage.pointer
        for i in 0..<count {
            p[i] = mean + standardDeviation * generator.nextStandardNormal()
        }
    }

    /// Returns the same elements viewed with a new shape (no copy).
    /// - Parameter newShape: The new shape; one dimension may be `-1`, inferred from the count.
    /// - Throws: ``TensorError/invalidShape(operation:message:)`` when the counts differ.
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        var shape = newShape
        if let unknown = shape.firstIndex(of: -1) {
            let known = shape.enumerated().filter { $0.offset != unknown }.map(\.element)
            let rest = try Tensor.elementCount(of: known, operation: "reshaped(to:)")
            guard rest > 0, count % rest == 0, shape.filter({ $0 == -1 }).count == 1 else {
                throw TensorError.invalidShape(
                    operation: "reshaped(to:)", message: "cannot infer -1 in \(newShape) for \(count) elements")
            }
            shape[unknown] = count / rest
        }
        let n = try Tensor.elementCount(of: shape, operation: "reshaped(to:)")
        guard n == count else {
            throw TensorError.invalidShape(
                operation: "reshaped(to:)",
                message: "cannot view \(self.shape) (\(count) elements) as \(newShape) (\(n) elements)")
        }
        return Tensor(storage: storage, shape: shape, count: count)
    }

    /// Changes the shape in place without touching the elements.
    /// - Throws: ``TensorError/invalidShape(operation:message:)`` when the counts differ.
    public mutating func reshape(to newShape: [Int]) throws {
        self = try reshaped(to: newShape)
    }
}
