import CBLAS
import COneDNN
import Foundation
import Synchronization

/// The library that runs a GEMM.
public enum GEMMBackend: String, Sendable, Equatable, CaseIterable {
    /// oneDNN's matmul primitive (`libdnnl.so.2`, loaded at run time).
    case oneDNN
    /// OpenBLAS's `cblas_sgemm`.
    case openBLAS
}

/// The one place that decides where each GEMM of the library runs and runs it.
///
/// Every product goes through ``BLAS/sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:precision:)``
/// into ``multiply(_:_:_:_:_:_:_:_:_:_:_:_:_:_:)``. With oneDNN loaded, products of at least
/// ``oneDNNMinimumProduct`` multiply-adds (and every bf16 product) run on oneDNN matmul
/// primitives, one per shape, layout, α, β, precision and thread count, created on first use and
/// kept; the rest, and everything when oneDNN is missing, runs on OpenBLAS.
///
/// Threads: oneDNN runs OpenMP, OpenBLAS its own pthreads, the library its ``SpinningWorkers``.
/// A primitive is planned for and run with ``threadCount`` OpenMP threads, or one thread inside
/// ``BLAS/withSingleThreadedCalls(_:)`` (the convolution layers' per-thread chunks) and for
/// products under ``BLAS/singleThreadedProductLimit``; the products OpenBLAS still runs are all
/// under that limit, so its worker threads stay asleep.
@usableFromInline
enum GEMMEngine {
    /// Whether `libdnnl.so.2` loaded (never, when `DEEPCLUSTERING_GEMM=openblas`).
    static let oneDNNIsLoaded: Bool = {
        if ProcessInfo.processInfo.environment["DEEPCLUSTERING_GEMM"]?.lowercased() == "openblas" { return false }
        return dc_dnnl_load() != 0
    }()

    /// Why oneDNN is not used, or an empty string.
    static var oneDNNLoadError: String {
        if ProcessInfo.processInfo.environment["DEEPCLUSTERING_GEMM"]?.lowercased() == "openblas" {
            return "DEEPCLUSTERING_GEMM=openblas"
        }
        return oneDNNIsLoaded ? "" : String(cString: dc_dnnl_load_error())
    }

    /// oneDNN's version once loaded, else `nil`.
    static var oneDNNVersion: String? { oneDNNIsLoaded ? String(cString: dc_dnnl_version()) : nil }

    /// The backend for large products: oneDNN when loaded, else OpenBLAS.
    nonisolated(unsafe) static var backend: GEMMBackend = oneDNNIsLoaded ? .oneDNN : .openBLAS

    /// The operand precision of products that do not name one on the calling thread
    /// (``BLAS/withPrecision(_:_:)``; ``Parallel/forEachChunk(count:minimumPerThread:_:)`` hands
    /// it to its helper threads).
    static var precision: GEMMPrecision {
        get { pthread_getspecific(precisionKey) == nil ? .float32 : .bfloat16 }
        set { pthread_setspecific(precisionKey, newValue == .float32 ? nil : UnsafeRawPointer(bitPattern: 1)) }
    }

    /// The thread-specific slot of ``precision``: no value for FP32, any non-null one for bf16.
    private static let precisionKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "pthread_key_create failed (\(status))")
        return key
    }()

    /// Runs `body` with ``precision`` set to `precision` on the calling thread, then restores it.
    static func withPrecision<R>(_ precision: GEMMPrecision, _ body: () throws -> R) rethrows -> R {
        let saved = self.precision
        if saved == precision { return try body() }
        self.precision = precision
        defer { self.precision = saved }
        return try body()
    }

    /// Products with fewer multiply-adds than this run on OpenBLAS even when oneDNN is loaded:
    /// there OpenBLAS was as fast or faster, single-threaded, counting oneDNN's per-call work
    /// (`Documentation/Performance.md`).
    nonisolated(unsafe) static var oneDNNMinimumProduct = 1 << 20

    /// The OpenMP threads a oneDNN product runs with outside single-threaded regions:
    /// `OMP_NUM_THREADS` when set, else one per active processor.
    static let threadCount: Int = {
        if let value = ProcessInfo.processInfo.environment["OMP_NUM_THREADS"], let count = Int(value), count > 0 {
            return count
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    /// `C ← alpha · op(A) · op(B) + beta · C`, for ``BLAS/sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:precision:)``
    /// (which has checked `m > 0`, `n > 0`), on `chosen` when given (oneDNN only where loaded;
    /// bf16 only on oneDNN), else where the engine decides.
    @usableFromInline
    static func multiply(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ precision: GEMMPrecision?, on chosen: GEMMBackend? = nil
    ) {
        let precision = precision ?? self.precision
        let product = m * n * k
        let useOneDNN = chosen.map { $0 == .oneDNN && oneDNNIsLoaded }
            ?? (backend == .oneDNN && (product >= oneDNNMinimumProduct || precision == .bfloat16))
        if useOneDNN, k > 0 {
            let singleThreaded = product < BLAS.singleThreadedProductLimit || BLAS.singleThreadedRegionIsOpen
            let key = MatmulKey(
                m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, transposeA: transposeA, transposeB: transposeB,
                alpha: alpha, beta: beta, bfloat16: precision == .bfloat16, threads: singleThreaded ? 1 : threadCount)
            if let matmul = primitives.matmul(for: key), dc_dnnl_matmul_execute(matmul, a, b, c) == 0 { return }
        }
        BLAS.openBLASProduct(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// The primitives created so far.
    static let primitives = MatmulCache()
}

/// Everything that makes one oneDNN matmul primitive differ from another.
struct MatmulKey: Hashable, Sendable {
    var m, n, k, lda, ldb, ldc: Int
    var transposeA, transposeB: Bool
    var alpha, beta: Float
    var bfloat16: Bool
    var threads: Int
}

/// oneDNN matmul primitives by ``MatmulKey``, created on first use and kept for the process
/// (a layer's shapes are fixed, so the table stays small). A key oneDNN refused maps to `nil`
/// and runs on OpenBLAS.
final class MatmulCache: Sendable {
    private struct Entry: @unchecked Sendable {
        let matmul: OpaquePointer?
    }

    private let table = Mutex<[MatmulKey: Entry]>([:])

    /// The primitive for `key`, created now if need be; `nil` when oneDNN refused it.
    func matmul(for key: MatmulKey) -> OpaquePointer? {
        table.withLock { table in
            if let entry = table[key] { return entry.matmul }
            let matmul = dc_dnnl_matmul_create(
                Int64(key.m), Int64(key.n), Int64(key.k), key.transposeA ? 1 : 0, key.transposeB ? 1 : 0,
                Int64(key.lda), Int64(key.ldb), Int64(key.ldc), key.alpha, key.beta, key.bfloat16 ? 1 : 0,
                Int32(key.threads))
            table[key] = Entry(matmul: matmul)
            return matmul
        }
    }

    /// The number of keys seen (primitives and refusals).
    var count: Int { table.withLock { $0.count } }

    /// One line per key seen, sorted: shape, transpositions, precision, threads and oneDNN's
    /// implementation (`refused` where it refused the key).
    var implementations: [String] {
        table.withLock { table in
            table.map { key, entry in
                let name = entry.matmul.map { String(cString: dc_dnnl_matmul_implementation($0)) } ?? "refused"
                return "\(key.m)x\(key.n)x\(key.k)\(key.transposeA ? " Aᵀ" : "")\(key.transposeB ? " Bᵀ" : "")"
                    + " \(key.bfloat16 ? "bf16" : "f32") threads=\(key.threads): \(name)"
            }.sorted()
        }
    }
}
