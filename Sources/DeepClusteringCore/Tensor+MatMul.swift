extension Tensor {
    /// The matrix product of two rank-2 tensors, either optionally transposed, via `cblas_sgemm`.
    ///
    /// With `a` of shape `[m, k]` (or `[k, m]` when `transposeA`) and `b` of shape `[k, n]`
    /// (or `[n, k]` when `transposeB`), the result has shape `[m, n]`.
    /// - Throws: ``TensorError/shapeMismatch(operation:message:)`` when an operand is not rank 2
    ///   or the inner dimensions differ.
    public static func matmul(
        _ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false
    ) throws -> Tensor {
        let (m, n, _) = try matmulDimensions(a, transposeA, b, transposeB)
        var c = Tensor(uninitializedShape: [m, n])
        try matmul(a, transposeA: transposeA, b, transposeB: transposeB, into: &c)
        return c
    }

    /// `self · other` (optionally transposed), see ``matmul(_:transposeA:_:transposeB:)``.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) throws -> Tensor {
        try Tensor.matmul(self, transposeA: transposeSelf, other, transposeB: transposeOther)
    }

    /// Writes `alpha · op(a) · op(b) + beta · c` into `c`, reusing `c`'s storage when possible.
    ///
    /// With `beta == 0`, `c` is reshaped to `[m, n]` and overwritten; its storage is reused when
    /// uniquely referenced and large enough, so a loop that keeps `c` allocates nothing. With
    /// `beta != 0`, `c` must already have shape `[m, n]` and is accumulated into (for example a
    /// gradient summed over several chunks).
    /// - Throws: ``TensorError/shapeMismatch(operation:message:)`` for incompatible operands or,
    ///   when accumulating, a `c` of the wrong shape.
    public static func matmul(
        _ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false,
        into c: inout Tensor, alpha: Float = 1, beta: Float = 0
    ) throws {
        let (m, n, k) = try matmulDimensions(a, transposeA, b, transposeB)
        if beta == 0 {
            // Reuse c's own shape array when it already fits (no allocation in a hot loop).
            c.prepareForOverwrite(shape: c.shape.count == 2 && c.shape[0] == m && c.shape[1] == n ? c.shape : [m, n])
        } else {
            guard c.shape == [m, n] else {
                throw TensorError.shapeMismatch(
                    operation: "matmul(into:)",
                    message: "accumulating into \(c.shape), but the product has shape [\(m), \(n)]")
            }
            c.makeUnique()
        }
        let lda = a.shape[1], ldb = b.shape[1]
        BLAS.sgemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a.storage.pointer, lda: lda, b: b.storage.pointer, ldb: ldb,
            beta: beta, c: c.storage.pointer, ldc: n)
        withExtendedLifetime(a) {}
        withExtendedLifetime(b) {}
    }

    /// Checks operand ranks and inner dimensions; returns `(m, n, k)`.
    static func matmulDimensions(
        _ a: Tensor, _ transposeA: Bool, _ b: Tensor, _ transposeB: Bool
    ) throws -> (Int, Int, Int) {
        guard a.rank == 2, b.rank == 2 else {
            throw TensorError.shapeMismatch(
                operation: "matmul", message: "operands must be rank 2, got \(a.shape) and \(b.shape)")
        }
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        guard k == kb else {
            let ta = transposeA ? "ᵀ" : "", tb = transposeB ? "ᵀ" : ""
            throw TensorError.shapeMismatch(
                operation: "matmul",
                message: "inner dimensions differ: left\(ta) is \(a.shape), right\(tb) is \(b.shape)")
        }
        return (m, n, k)
    }
}
