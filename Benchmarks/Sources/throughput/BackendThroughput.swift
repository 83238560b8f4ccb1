@_spi(Benchmarks) import DeepClusteringCore
import DeepClustering

/// `--model backends`: single products on OpenBLAS and on oneDNN side by side, from tiny ones to
/// the convolutions' chunk shapes, one thread each (inside `BLAS.withSingleThreadedCalls`, as
/// products under `BLAS.singleThreadedProductLimit` and the convolutions' chunks run), best of
/// five rounds; prints `backends shape=m×n×k… openblas_gflops=… onednn_gflops=… ratio=…`
/// (ratio = OpenBLAS time ÷ oneDNN time, above 1 where oneDNN is faster). It shows where the
/// engine's size threshold for oneDNN belongs.
func backendThroughput() {
    let shapes: [(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool)] = [
        (16, 16, 16, false, false), (32, 32, 32, false, false), (64, 64, 64, false, false),
        (64, 64, 64, true, false), (100, 100, 100, false, true), (128, 128, 128, false, false),
        (256, 10, 1152, false, false), (1152, 10, 256, true, false), (256, 1152, 10, false, true),
        (25088, 25, 32, false, false), (25, 32, 25088, true, false), (1274, 64, 800, false, false),
        (800, 64, 1274, true, false), (1274, 800, 64, false, true),
    ]
    var rng = SeededGenerator(seed: 3)
    for s in shapes {
        let a = (0..<(s.m * s.k)).map { _ in rng.nextUnitFloat() - 0.5 }
        let b = (0..<(s.k * s.n)).map { _ in rng.nextUnitFloat() - 0.5 }
        var c = [Float](repeating: 0, count: s.m * s.n)
        let flops = gemmFlops(s.m, s.n, s.k)
        let repetitions = max(5, min(20_000, Int(2e9 / flops)))
        func best(_ backend: GEMMBackend) -> Double {
            var best = Double.infinity
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        BLAS.withSingleThreadedCalls {
                            for _ in 0..<5 {
                                let start = now()
                                for _ in 0..<repetitions {
                                    BLAS.sgemm(
                                        on: backend, transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k,
                                        a: a.baseAddress!, lda: s.transposeA ? s.m : s.k, b: b.baseAddress!,
                                        ldb: s.transposeB ? s.k : s.n, c: c.baseAddress!, ldc: s.n, precision: .float32)
                                }
                                best = min(best, (now() - start) / Double(repetitions))
                            }
                        }
                    }
                }
            }
            return best
        }
        let openBLAS = best(.openBLAS), oneDNN = best(.oneDNN)
        let label = "\(s.m)x\(s.n)x\(s.k)\(s.transposeA ? " Aᵀ" : "")\(s.transposeB ? " Bᵀ" : "")"
        print(String(format: "backends shape=%@ mnk=%d openblas_gflops=%.1f onednn_gflops=%.1f ratio=%.2f",
                     label, s.m * s.n * s.k, flops / openBLAS * 1e-9, flops / oneDNN * 1e-9, openBLAS / oneDNN))
    }
}
