/// A dense, row-major, `Float` (32-bit) tensor with copy-on-write storage.
///
/// `Tensor` is a value type: assigning it shares storage and the first mutation of a shared
/// tensor copies it, exactly like `Array`. Images are stored NHWC (`[batch, height, width,
/// channels]`) and convolution filters `[kernelHeight, kernelWidth, inChannels, outChannels]`.
///
/// ```swift
/// var rng = SeededGenerator(seed: 42)
/// let x = Tensor(randomUniform: [256, 784], using: &rng)
/// let w = Tensor(randomNormal: [784, 500], standardDeviation: 0.05, using: &rng)
/// let y = try x.matmul(w)            // [256, 500], through cblas_sgemm
/// ```
///
/// Shapes of user tensors are checked at the public API: operations that combine tensors
/// throw ``TensorError`` naming the operation and both shapes. The elementwise operators
/// (`+`, `-`, `*`, `/`) treat a mismatch as a programmer error and stop with the same message,
/// as `Array` does for an index out of range.
public struct Tensor: Sendable {
    /// The size of each dimension, outermost first.
    public internal(set) var shape: [Int]
    /// The number of elements (the product of ``shape``; 1 for a scalar).
    public internal(set) var count: Int
    @usableFromInline var storage: TensorStorage

    @usableFromInline
    init(storage: TensorStorage, shape: [Int], count: Int) {
        self.storage = storage
        self.shape = shape
        self.count = count
    }

    /// Creates a tensor of `shape` whose elements are uninitialised (for the library's own
    /// writers, which overwrite every element).
    @usableFromInline
    init(uninitializedShape shape: [Int]) {
        let count = Tensor.validatedCount(shape)
        self.init(storage: TensorStorage(capacity: count), shape: shape, count: count)
    }

    /// The number of dimensions.
    @inlinable public var rank: Int { shape.count }

    /// The product of the sizes of `shape`, stopping with a message for a negative size.
    @usableFromInline
    static func validatedCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "Tensor: negative dimension in shape \(shape)")
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            precondition(!overflow, "Tensor: element count of shape \(shape) overflows Int")
            n = p
        }
        return n
    }

    /// The product of the sizes of `shape`, or a thrown error naming `operation` for a negative
    /// size or an overflowing product.
    public static func elementCount(of shape: [Int], operation: String) throws -> Int {
        var n = 1
        for d in shape {
            guard d >= 0 else {
                throw TensorError.invalidShape(operation: operation, message: "negative dimension in \(shape)")
            }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw TensorError.invalidShape(operation: operation, message: "element count of \(shape) overflows")
            }
            n = p
        }
        return n
    }

    /// Makes the storage unique before a write (the copy in copy-on-write).
    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(count: count)
        }
    }

    /// Prepares this tensor to be completely overwritten with a new `shape`, reusing its storage
    /// when that is uniquely referenced and large enough.
    ///
    /// This is how layers and training loops keep workspaces without allocating per batch: the
    /// storage is reallocated only if another tensor still shares it or it is too small.
    /// After the call the contents are unspecified; the caller must write every element.
    /// - Parameter newShape: The new shape.
    public mutating func prepareForOverwrite(shape newShape: [Int]) {
        let n = Tensor.validatedCount(newShape)
        if !isKnownUniquelyReferenced(&storage) || storage.capacity < n {
            storage = TensorStorage(capacity: n)
        }
        if shape != newShape { shape = newShape }
        count = n
    }

    /// Calls `body` with a buffer over the elements in row-major order.
    @inlinable
    public func withUnsafeBufferPointer<R>(
        _ body: (UnsafeBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Calls `body` with a mutable buffer over the elements in row-major order, copying shared
    /// storage first.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// The elements in row-major order.
    public var scalars: [Float] {
        withUnsafeBufferPointer { Array($0) }
    }

    /// The single element of a one-element tensor (of any rank).
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements, not 1")
        return storage.pointer[0]
    }

    /// The row-major offset of a multi-dimensional index, stopping on an out-of-range index.
    @inlinable
    func offset(of indices: [Int]) -> Int {
        precondition(indices.count == shape.count,
                     "Tensor subscript: \(indices.count) indices for a tensor of rank \(shape.count)")
        var offset = 0
        for (i, (index, size)) in zip(indices, shape).enumerated() {
            precondition(index >= 0 && index < size,
                         "Tensor subscript: index \(index) out of range 0..<\(size) in dimension \(i)")
            offset = offset * size + index
        }
        return offset
    }

    /// Accesses one element by its multi-dimensional index, e.g. `t[2, 3]`.
    @inlinable
    public subscript(indices: Int...) -> Float {
        get { storage.pointer[offset(of: indices)] }
        set {
            let o = offset(of: indices)
            makeUnique()
            storage.pointer[o] = newValue
        }
    }

    /// The number of rows (the size of the first dimension; 1 for a scalar).
    @inlinable public var rowCount: Int { shape.first ?? 1 }

    /// The number of elements in one row (everything after the first dimension).
    @inlinable public var rowWidth: Int { shape.isEmpty ? 1 : (shape[0] == 0 ? shape.dropFirst().reduce(1, *) : count / shape[0]) }
}

extension Tensor: Equatable {
    /// Two tensors are equal when they have the same shape and the same elements.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        guard lhs.shape == rhs.shape else { return false }
        if lhs.storage === rhs.storage { return true }
        return lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { b in a.elementsEqual(b) } }
    }
}

extension Tensor: CustomStringConvertible {
    /// A short description: the shape and up to the first eight elements.
    public var description: String {
        let head = withUnsafeBufferPointer { $0.prefix(8).map { "\($0)" } }
        let more = count > 8 ? ", …" : ""
        return "Tensor(shape: \(shape), [\(head.joined(separator: ", "))\(more)])"
    }
}
