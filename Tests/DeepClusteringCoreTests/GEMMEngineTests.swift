@_spi(Benchmarks) @testable import DeepClusteringCore
import Testing

/// The GEMM engine (`BLAS.sgemm`) against a Double-precision triple loop for every transposition,
/// odd and strided shapes, α and β; oneDNN against OpenBLAS on the same operands; bf16 operands
/// against the exact product of the rounded operands.
@Suite struct GEMMEngineTests {
    /// One product's operands, stored with padded row strides, and `C` with a NaN-filled margin.
    struct Problem {
        let m, n, k: Int
        let transposeA, transposeB: Bool
        let lda, ldb, ldc: Int
        let a, b, c0: [Float]

        init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, padding: Int, seed: UInt64) {
            self.m = m
            self.n = n
            self.k = k
            self.transposeA = transposeA
            self.transposeB = transposeB
            var rng = SeededGenerator(seed: seed)
            let lda = (transposeA ? m : k) + padding, ldb = (transposeB ? k : n) + padding, ldc = n + padding
            self.lda = lda
            self.ldb = ldb
            self.ldc = ldc
            a = (0..<((transposeA ? k : m) * lda)).map { _ in rng.nextUnitFloat() * 2 - 1 }
            b = (0..<((transposeB ? n : k) * ldb)).map { _ in rng.nextUnitFloat() * 2 - 1 }
            c0 = (0..<(m * ldc)).map { $0 % ldc < n ? rng.nextUnitFloat() * 2 - 1 : .nan }
        }

        func elementA(_ i: Int, _ p: Int) -> Float { transposeA ? a[p * lda + i] : a[i * lda + p] }
        func elementB(_ p: Int, _ j: Int) -> Float { transposeB ? b[j * ldb + p] : b[p * ldb + j] }

        /// `alpha · op(A)·op(B) + beta · C0` in Double (operands mapped by `round` first), and
        /// `Σ_p |a_ip·b_pj|` per entry for error bounds.
        func reference(alpha: Float, beta: Float, round: (Float) -> Float = { $0 }) -> (values: [Double], magnitudes: [Double]) {
            var values = [Double](repeating: 0, count: m * n), magnitudes = values
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0, magnitude = 0.0
                    for p in 0..<k {
                        let product = Double(round(elementA(i, p))) * Double(round(elementB(p, j)))
                        sum += product
                        magnitude += abs(product)
                    }
                    values[i * n + j] = Double(alpha) * sum + (beta == 0 ? 0 : Double(beta) * Double(c0[i * ldc + j]))
                    magnitudes[i * n + j] = magnitude
                }
            }
            return (values, magnitudes)
        }

        /// Runs `gemm` on copies of the operands and returns `C` (margin included).
        func run(
            _ gemm: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
        ) -> [Float] {
            var c = c0
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in gemm(a.baseAddress!, b.baseAddress!, c.baseAddress!) }
                }
            }
            return c
        }

        /// The largest `|c − reference| / (Σ|a·b| + |C0| + 1)` over the `m × n` block; `.infinity`
        /// when the margin beyond column `n` was written.
        func relativeError(_ c: [Float], _ reference: (values: [Double], magnitudes: [Double]), beta: Float) -> Double {
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<ldc {
                    let value = c[i * ldc + j]
                    if j >= n {
                        if !value.isNaN { return .infinity }
                        continue
                    }
                    let scale = reference.magnitudes[i * n + j] + (beta == 0 ? 0 : abs(Double(c0[i * ldc + j]))) + 1
                    worst = max(worst, abs(Double(value) - reference.values[i * n + j]) / scale)
                }
            }
            return worst
        }
    }

    static let transpositions = [(false, false), (true, false), (false, true), (true, true)]
    /// Odd shapes on both sides of the engine's oneDNN threshold (2²⁰ multiply-adds), vectors,
    /// a single row and column, and one larger than the single-threaded limit (2²²).
    static let shapes: [(m: Int, n: Int, k: Int, padding: Int)] = [
        (1, 1, 1, 0), (1, 37, 5, 2), (29, 1, 13, 0), (3, 5, 2, 3), (67, 71, 59, 0), (67, 71, 59, 5),
        (131, 97, 45, 1), (101, 103, 107, 2), (257, 129, 130, 0), (2, 300, 513, 4),
    ]
    static let scalings: [(alpha: Float, beta: Float)] = [(1, 0), (1, 1), (0.75, 0), (-2, 2.5)]

    /// Calls `body` with a problem for every shape and scaling, and their description.
    static func forEachProblem(
        transposeA: Bool, transposeB: Bool, seed: UInt64, _ body: (Problem, Float, Float, String) -> Void
    ) {
        for (index, shape) in shapes.enumerated() {
            for (alpha, beta) in scalings {
                let p = Problem(m: shape.m, n: shape.n, k: shape.k, transposeA: transposeA, transposeB: transposeB,
                                padding: shape.padding, seed: seed + UInt64(index))
                body(p, alpha, beta, "\(shape) α=\(alpha) β=\(beta)")
            }
        }
    }

    /// `C` after the product on `backend` (the engine's choice when `nil`) in `precision`.
    static func product(
        _ p: Problem, alpha: Float, beta: Float, on backend: GEMMBackend? = nil, precision: GEMMPrecision? = nil
    ) -> [Float] {
        p.run { a, b, c in
            if let backend {
                BLAS.sgemm(on: backend, transposeA: p.transposeA, transposeB: p.transposeB, m: p.m, n: p.n, k: p.k,
                           alpha: alpha, a: a, lda: p.lda, b: b, ldb: p.ldb, beta: beta, c: c, ldc: p.ldc,
                           precision: precision)
            } else {
                BLAS.sgemm(transposeA: p.transposeA, transposeB: p.transposeB, m: p.m, n: p.n, k: p.k, alpha: alpha,
                           a: a, lda: p.lda, b: b, ldb: p.ldb, beta: beta, c: c, ldc: p.ldc, precision: precision)
            }
        }
    }

    @Test(arguments: transpositions)
    func engineMatchesDoubleReference(transposeA: Bool, transposeB: Bool) {
        Self.forEachProblem(transposeA: transposeA, transposeB: transposeB, seed: 0) { p, alpha, beta, label in
            let c = Self.product(p, alpha: alpha, beta: beta)
            let error = p.relativeError(c, p.reference(alpha: alpha, beta: beta), beta: beta)
            // FP32 accumulation over at most 513 terms: a few units of 2⁻²⁴ per term.
            #expect(error < 1e-5, "\(label): relative error \(error)")
        }
    }

    @Test(.enabled(if: GEMMEngine.oneDNNIsLoaded, "oneDNN (libdnnl.so.2) is not loaded: not installed, or DEEPCLUSTERING_GEMM=openblas"), arguments: transpositions)
    func oneDNNMatchesOpenBLAS(transposeA: Bool, transposeB: Bool) {
        Self.forEachProblem(transposeA: transposeA, transposeB: transposeB, seed: 100) { p, alpha, beta, label in
            let reference = p.reference(alpha: alpha, beta: beta)
            for backend in GEMMBackend.allCases {
                let c = Self.product(p, alpha: alpha, beta: beta, on: backend, precision: .float32)
                let error = p.relativeError(c, reference, beta: beta)
                #expect(error < 1e-5, "\(backend) \(label): relative error \(error)")
            }
        }
    }

    /// bf16 rounding of one value as the hardware does it (to nearest, ties to even).
    static func bfloat16(_ x: Float) -> Float {
        let bits = x.bitPattern
        let rounded = (bits &+ 0x7fff &+ ((bits >> 16) & 1)) & 0xffff_0000
        return Float(bitPattern: rounded)
    }

    // bf16 GEMMs need AVX512_BF16 or AMX-BF16 and oneDNN; elsewhere `.bfloat16` is refused
    // (refusalNamesWhatIsMissing) and there is nothing to compare.
    @Test(.enabled(if: GEMMPrecision.bfloat16IsSupported, "needs AVX512_BF16 or AMX-BF16 and oneDNN"), arguments: transpositions)
    func bfloat16IsTheExactProductOfRoundedOperands(transposeA: Bool, transposeB: Bool) {
        Self.forEachProblem(transposeA: transposeA, transposeB: transposeB, seed: 200) { p, alpha, beta, label in
            let c = Self.product(p, alpha: alpha, beta: beta, precision: .bfloat16)
            // Against the product of the rounded operands, accumulated in FP32.
            let error = p.relativeError(c, p.reference(alpha: alpha, beta: beta, round: Self.bfloat16), beta: beta)
            #expect(error < 1e-5, "\(label): relative error \(error) against rounded operands")
            // Against FP32 within bf16 tolerance: each operand off by at most 2⁻⁹ relative.
            let exact = p.relativeError(c, p.reference(alpha: alpha, beta: beta), beta: beta)
            #expect(exact < Double(abs(alpha)) * 2 * 0x1p-8 + 1e-5, "\(label): \(exact) against FP32")
        }
    }

    @Test(.enabled(if: GEMMPrecision.bfloat16IsSupported, "needs AVX512_BF16 or AMX-BF16 and oneDNN"))
    func precisionScopeReachesUnnamedProductsOnly() throws {
        let p = Problem(m: 64, n: 48, k: 96, transposeA: false, transposeB: false, padding: 0, seed: 300)
        func product(_ precision: GEMMPrecision?) -> [Float] { Self.product(p, alpha: 1, beta: 0, precision: precision) }
        let single = product(.float32), half = product(.bfloat16)
        #expect(single != half)
        try BLAS.withPrecision(.bfloat16) {
            #expect(BLAS.precision == .bfloat16)
            #expect(product(nil) == half)
            #expect(product(.float32) == single)
        }
        #expect(BLAS.precision == .float32)
        #expect(product(nil) == single)
    }

    /// The precision belongs to the calling thread and follows it into the parallel loops it
    /// starts (the convolution layers run their GEMMs on helper threads).
    @Test(.enabled(if: GEMMPrecision.bfloat16IsSupported, "needs AVX512_BF16 or AMX-BF16 and oneDNN"))
    func precisionFollowsIntoParallelChunks() throws {
        let seen = UnsafeMutablePointer<GEMMPrecision>.allocate(capacity: 2)
        seen.initialize(repeating: .float32, count: 2)
        defer { seen.deallocate() }
        nonisolated(unsafe) let shared = seen
        try BLAS.withPrecision(.bfloat16) {
            Parallel.forEachChunk(count: 2, minimumPerThread: 1) { range in
                for i in range { shared[i] = BLAS.precision }
            }
        }
        #expect(seen[0] == .bfloat16 && seen[1] == .bfloat16)
        Parallel.forEachChunk(count: 2, minimumPerThread: 1) { range in
            for i in range { shared[i] = BLAS.precision }
        }
        #expect(seen[0] == .float32 && seen[1] == .float32)
    }

    @Test(.enabled(if: !GEMMPrecision.bfloat16IsSupported, "this machine runs bf16 GEMMs; nothing to refuse"))
    func refusalNamesWhatIsMissing() {
        #expect(throws: GEMMPrecisionError.self) { try GEMMPrecision.bfloat16.checkSupported() }
        do {
            _ = try BLAS.withPrecision(.bfloat16) { Issue.record("ran the body in an unsupported precision") }
        } catch {
            let message = "\(error)"
            #expect(message.contains("AVX512_BF16") || message.contains("oneDNN"), "\(message)")
        }
        #expect(BLAS.precision == .float32)
    }

    @Test func float32IsAlwaysSupported() throws {
        try GEMMPrecision.float32.checkSupported()
        #expect(try BLAS.withPrecision(.float32) { 7 } == 7)
        #expect(!BLAS.engineDescription.isEmpty)
    }

    /// The convolution layers run products side by side on their own threads inside a
    /// single-threaded region; each thread's results must be what one call alone gives.
    @Test func concurrentSingleThreadedProductsMatchSequentialOnes() {
        let problems = (0..<2).map {
            Problem(m: 200, n: 64, k: 150, transposeA: $0 == 1, transposeB: false, padding: 0, seed: 400 + UInt64($0))
        }
        func run(_ p: Problem) -> [Float] { Self.product(p, alpha: 1, beta: 0) }
        let sequential = BLAS.withSingleThreadedCalls { problems.map(run) }
        for _ in 0..<20 {
            let results = UnsafeMutablePointer<[Float]>.allocate(capacity: 2)
            results.initialize(repeating: [], count: 2)
            nonisolated(unsafe) let shared = results
            BLAS.withSingleThreadedCalls {
                Parallel.forEachChunk(count: 2, minimumPerThread: 1) { range in
                    for i in range { shared[i] = run(problems[i]) }
                }
            }
            #expect(results[0] == sequential[0] && results[1] == sequential[1])
            results.deinitialize(count: 2)
            results.deallocate()
        }
    }

    @Test(.enabled(if: GEMMEngine.oneDNNIsLoaded, "oneDNN (libdnnl.so.2) is not loaded: not installed, or DEEPCLUSTERING_GEMM=openblas"))
    func primitivesAreCreatedOncePerShape() {
        let p = Problem(m: 123, n: 77, k: 211, transposeA: true, transposeB: true, padding: 3, seed: 500)
        func run() -> [Float] { Self.product(p, alpha: 0.5, beta: 0.25, on: .oneDNN, precision: .float32) }
        let first = run().map(\.bitPattern)
        let key = MatmulKey(m: 123, n: 77, k: 211, lda: p.lda, ldb: p.ldb, ldc: p.ldc, transposeA: true, transposeB: true,
                            alpha: 0.5, beta: 0.25, bfloat16: false, threads: 1)
        let matmul = GEMMEngine.primitives.matmul(for: key)
        #expect(matmul != nil)
        #expect(run().map(\.bitPattern) == first)
        #expect(GEMMEngine.primitives.matmul(for: key) == matmul)
    }
}
