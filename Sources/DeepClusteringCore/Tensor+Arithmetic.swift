// Elementwise arithmetic with three operand forms:
//   - two tensors of the same shape;
//   - a tensor and a rank-1 tensor whose length equals the last dimension: the vector is added
//     to every row (row-wise broadcast, e.g. a bias vector over a batch);
//   - a tensor and a `Float` scalar.
// Incompatible shapes are a programmer error and stop with a message naming both shapes.

extension Tensor {
    /// How `rhs` combines with `lhs`: elementwise or broadcast over rows.
    @usableFromInline
    static func broadcastWidth(_ lhs: Tensor, _ rhs: Tensor, _ op: String) -> Int {
        if lhs.shape == rhs.shape { return 0 }
        if rhs.rank == 1, let last = lhs.shape.last, rhs.count == last { return last }
        preconditionFailure(
            "Tensor \(op): shapes \(lhs.shape) and \(rhs.shape) are neither equal nor a row broadcast "
                + "(a rank-1 right operand whose length is the left operand's last dimension)")
    }

    @inlinable
    static func combine(_ lhs: Tensor, _ rhs: Tensor, _ op: String, _ f: (Float, Float) -> Float) -> Tensor {
        let width = broadcastWidth(lhs, rhs, op)
        let out = Tensor(uninitializedShape: lhs.shape)
        let a = lhs.storage.pointer, b = rhs.storage.pointer, c = out.storage.pointer
        if width == 0 {
            for i in 0..<lhs.count { c[i] = f(a[i], b[i]) }
        } else if width > 0 {
            var i = 0
            while i < lhs.count {
                for j in 0..<width { c[i + j] = f(a[i + j], b[j]) }
                i += width
            }
        }
        withExtendedLifetime(lhs) {}
        withExtendedLifetime(rhs) {}
        return out
    }

    @inlinable
    mutating func combineInPlace(_ rhs: Tensor, _ op: String, _ f: (Float, Float) -> Float) {
        let width = Tensor.broadcastWidth(self, rhs, op)
        makeUnique()
        let a = storage.pointer, b = rhs.storage.pointer
        if width == 0 {
            for i in 0..<count { a[i] = f(a[i], b[i]) }
        } else if width > 0 {
            var i = 0
            while i < count {
                for j in 0..<width { a[i + j] = f(a[i + j], b[j]) }
                i += width
            }
        }
        withExtendedLifetime(rhs) {}
    }

    /// Applies `transform` to every element.
    @inlinable
    public func map(_ transform: (Float) throws -> Float) rethrows -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let a = storage.pointer, c = out.storage.pointer
        for i in 0..<count { c[i] = try transform(a[i]) }
        return out
    }

    /// Elementwise sum; `rhs` may be a row vector broadcast over the rows of `lhs`.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { combine(lhs, rhs, "+", +) }
    /// Elementwise difference; `rhs` may be a row vector broadcast over the rows of `lhs`.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { combine(lhs, rhs, "-", -) }
    /// Elementwise product; `rhs` may be a row vector broadcast over the rows of `lhs`.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { combine(lhs, rhs, "*", *) }
    /// Elementwise quotient; `rhs` may be a row vector broadcast over the rows of `lhs`.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { combine(lhs, rhs, "/", /) }

    /// Adds `rhs` (same shape, or a row vector) in place.
    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs.combineInPlace(rhs, "+=", +) }
    /// Subtracts `rhs` (same shape, or a row vector) in place.
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs.combineInPlace(rhs, "-=", -) }
    /// Multiplies by `rhs` (same shape, or a row vector) in place.
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs.combineInPlace(rhs, "*=", *) }
    /// Divides by `rhs` (same shape, or a row vector) in place.
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs.combineInPlace(rhs, "/=", /) }

    /// Adds a scalar to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }
    /// Subtracts a scalar from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 - rhs } }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
    /// Divides every element by a scalar.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 / rhs } }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
    /// Negates every element.
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

    /// Multiplies every element by a scalar in place.
    public static func *= (lhs: inout Tensor, rhs: Float) {
        lhs.makeUnique()
        let p = lhs.storage.pointer
        for i in 0..<lhs.count { p[i] *= rhs }
    }

    /// Adds `alpha · x` to this tensor in place (BLAS `axpy`); shapes must be equal.
    public mutating func add(_ x: Tensor, scaledBy alpha: Float = 1) {
        precondition(x.shape == shape, "Tensor.add(_:scaledBy:): shapes \(shape) and \(x.shape) differ")
        makeUnique()
        let a = storage.pointer, b = x.storage.pointer
        for i in 0..<count { a[i] += alpha * b[i] }
        withExtendedLifetime(x) {}
    }

    /// Sets every element to `value`, keeping the storage.
    public mutating func fill(with value: Float) {
        makeUnique()
        storage.pointer.update(repeating: value, count: count)
    }

    /// The elementwise square.
    public func squared() -> Tensor { map { $0 * $0 } }
}
