import Foundation

extension BLAS {
    /// Where the large products run: ``GEMMBackend/oneDNN`` when `libdnnl.so.2` loaded at the
    /// first GEMM, ``GEMMBackend/openBLAS`` otherwise (or when the environment sets
    /// `DEEPCLUSTERING_GEMM=openblas`). Products under the engine's size threshold always run on
    /// OpenBLAS.
    public static var backend: GEMMBackend { GEMMEngine.backend }

    /// One line naming the GEMM engine in use, for reports: the backend with its version, and
    /// why oneDNN is not used when it is not.
    public static var engineDescription: String {
        if backend == .oneDNN, let version = GEMMEngine.oneDNNVersion {
            let policy = ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"]?.lowercased() ?? "default"
            return "oneDNN \(version) matmul (OpenBLAS below \(GEMMEngine.oneDNNMinimumProduct) multiply-adds, \(GEMMEngine.threadCount) OpenMP threads, wait policy \(policy))"
        }
        let reason = GEMMEngine.oneDNNIsLoaded ? "oneDNN loaded but not selected" : "oneDNN not used: \(GEMMEngine.oneDNNLoadError)"
        return "OpenBLAS (\(reason))"
    }

    /// Runs `body` with every GEMM that does not name its precision in `precision`.
    ///
    /// The setting belongs to the calling thread and to the parallel loops it starts
    /// (``Parallel/forEachChunk(count:minimumPerThread:_:)`` runs its chunks in it), so trainings
    /// on different threads may use different precisions. It is restored when `body` returns;
    /// calls nest.
    /// - Parameters:
    ///   - precision: The operand precision for the duration.
    ///   - body: The work.
    /// - Returns: What `body` returns.
    /// - Throws: ``GEMMPrecisionError/unsupported(_:)`` when `precision` cannot run here (see
    ///   ``GEMMPrecision/checkSupported()``), before running `body`; and what `body` throws.
    public static func withPrecision<R>(_ precision: GEMMPrecision, _ body: () throws -> R) throws -> R {
        try precision.checkSupported()
        return try GEMMEngine.withPrecision(precision, body)
    }

    /// The precision the calling thread's GEMMs use when they do not name one (set by
    /// ``withPrecision(_:_:)``).
    public static var precision: GEMMPrecision { GEMMEngine.precision }

    /// Selects the backend for large products (``GEMMBackend/oneDNN`` only when it loaded), for
    /// side-by-side measurements in one process. Call it while no GEMM runs.
    /// - Returns: The backend now in use.
    @_spi(Benchmarks) @discardableResult
    public static func selectBackend(_ backend: GEMMBackend) -> GEMMBackend {
        GEMMEngine.backend = backend == .oneDNN && !GEMMEngine.oneDNNIsLoaded ? .openBLAS : backend
        return GEMMEngine.backend
    }

    /// ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:precision:)`` on a given
    /// backend whatever the product's size (``GEMMBackend/oneDNN`` only where it loaded;
    /// OpenBLAS always computes in FP32), to compare the backends on the same shapes.
    @_spi(Benchmarks)
    public static func sgemm(
        on backend: GEMMBackend, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int, precision: GEMMPrecision? = nil
    ) {
        guard m > 0, n > 0 else { return }
        GEMMEngine.multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, precision, on: backend)
    }

    /// The number of oneDNN matmul primitives created (or refused) so far, one per shape,
    /// layout, α, β, precision and thread count.
    @_spi(Benchmarks)
    public static var cachedPrimitiveCount: Int { GEMMEngine.primitives.count }

    /// The oneDNN primitives created so far, one line each: shape, transpositions, precision,
    /// threads and the implementation oneDNN chose.
    @_spi(Benchmarks)
    public static var oneDNNImplementations: [String] { GEMMEngine.primitives.implementations }
}
