import CBLAS

/// The library's GEMM entry point and its access to OpenBLAS.
///
/// Matrices are row-major. These entry points take raw pointers so layers can run GEMM on
/// sub-blocks of their workspaces (for example one chunk of an im2col buffer) without copies;
/// ``Tensor/matmul(_:transposeA:_:transposeB:into:alpha:beta:)`` is the checked, tensor-level
/// form.
public enum BLAS {
    /// `C ← alpha · op(A) · op(B) + beta · C` with FP32 results, on the library's GEMM engine
    /// (oneDNN's matmul primitive where it is loaded and the product is large, else OpenBLAS's
    /// `cblas_sgemm`; see ``backend``).
    ///
    /// `op(A)` is `m × k`, `op(B)` is `k × n` and `C` is `m × n`; `lda`, `ldb`, `ldc` are the row
    /// strides of the matrices as stored (before transposition), row-major. With `beta == 0`,
    /// `C` need not be initialised.
    /// - Parameter precision: The operand precision; `nil` (the default) uses the one set by
    ///   ``withPrecision(_:_:)`` (``GEMMPrecision/float32`` outside it). Pass
    ///   ``GEMMPrecision/float32`` for products that must stay exact to FP32 whatever the
    ///   training precision (distances computed as `‖x‖² − 2x·μ + ‖μ‖²`, for example).
    @inlinable
    public static func sgemm(
        transposeA: Bool, transposeB: Bool,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        precision: GEMMPrecision? = nil
    ) {
        guard m > 0, n > 0 else { return }
        GEMMEngine.multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, precision)
    }

    /// Products with `m·n·k` below this run single-threaded (``withSingleThreadedCalls(_:)``);
    /// 2²² by default, 0 turns it off. Set it before training, not while GEMMs run.
    ///
    /// OpenBLAS 0.3.21 splits every product from 2¹⁸ multiply-adds on across its threads. On the
    /// small products of a training step (the 10-unit embedding layers, 256×10×1152 in the
    /// reference conv autoencoder) the split saves little or nothing — measured alone on two
    /// cores, two threads ran such shapes 0.74–1.11 times the single-threaded time — and each
    /// split call wakes OpenBLAS's worker thread, which then spins on the second core for a long
    /// while (13% of all samples in a conv epoch's profile), taking it from the library's own
    /// threads. oneDNN products under the limit run on one OpenMP thread likewise.
    /// The dense autoencoder's smallest product is 256×10×2000 (5.1·10⁶), above the default.
    nonisolated(unsafe) public static var singleThreadedProductLimit = 1 << 22

    /// The engine's OpenBLAS path: `cblas_sgemm`, single-threaded under
    /// ``singleThreadedProductLimit``, with `C` cleared here for `beta == 0`.
    @usableFromInline
    static func openBLASProduct(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        var beta = beta
        if beta == 0 {
            clear(c, rows: m, columns: n, stride: ldc)
            beta = 1
        }
        if k == 0 {
            // sgemm with k = 0 is defined as C ← beta·C; make that explicit for every BLAS.
            if beta != 1 {
                for i in 0..<m {
                    for j in 0..<n { c[i * ldc + j] *= beta }
                }
            }
            return
        }
        if m * n * k < singleThreadedProductLimit {
            withSingleThreadedCalls {
                call(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            }
        } else {
            call(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
    }

    static func call(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// Sets a `rows × columns` block of row stride `stride` to zero: `C` for
    /// ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:precision:)`` with `beta == 0`.
    ///
    /// OpenBLAS 0.3.21 clears `C` for `beta == 0` in a pass of its own (`sgemm_beta`) before its
    /// kernel adds the product, and that pass is slower than `memset`: clearing `C` here and
    /// calling with `beta == 1` gives the same bits (the kernel adds onto zeros either way) and
    /// was faster at the layers' shapes (2 cores, Zen 3, best of 100–200 calls: 1274×800×64
    /// 2.07 → 1.76 ms, 1818×576×128 3.23 → 2.77 ms, 500×2000×256 4.58 → 4.26 ms, 784×500×256
    /// 1.73 → 1.60 ms, clearing included).
    static func clear(_ c: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
        if stride == columns {
            c.update(repeating: 0, count: rows * columns)
        } else {
            for row in 0..<rows { (c + row * stride).update(repeating: 0, count: columns) }
        }
    }

    /// The number of threads OpenBLAS uses for each call.
    ///
    /// OpenBLAS starts with one thread per core (or `OPENBLAS_NUM_THREADS`). Setting this
    /// changes it for the whole process. While a ``withSingleThreadedCalls(_:)`` region is open
    /// in any thread — the convolution layers open one per pass, and ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:precision:)``
    /// one per product under ``singleThreadedProductLimit`` — it reads 1, and a value set then
    /// is replaced when the last region closes; set it while no training runs.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// OpenBLAS's description of its build (version, CPU kernel, threading), for reports.
    public static var configuration: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p)
    }
}
