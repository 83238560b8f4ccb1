import CBLAS
@_spi(Benchmarks) import DeepClusteringCore
import Testing

/// The GEMM engine's OpenBLAS path (`BLAS.sgemm(on: .openBLAS, …)`, where every product runs
/// when oneDNN is missing and small ones always do) with `beta == 0` clears `C` itself and
/// calls OpenBLAS with `beta == 1`; the
/// result must be bit for bit what OpenBLAS's own `beta == 0` path gives, whatever `C` held
/// (NaN included), and entries beyond `n` in a strided `C` must stay untouched.
///
/// Both calls run at one OpenBLAS thread: some kernel families (OpenBLAS 0.3.21's `prescott`)
/// round differently with one thread and with two, and `BLAS.sgemm` runs small products
/// single-threaded, so comparing across thread counts would test the threading, not the clearing.
@Suite struct SGEMMClearingTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func betaZeroMatchesOpenBLASBitForBit(transposeA: Bool, transposeB: Bool) {
        var rng = SeededGenerator(seed: 21)
        for (m, n, k, padding) in [(1, 1, 1, 0), (3, 5, 2, 3), (37, 29, 11, 0), (300, 200, 64, 7), (256, 500, 130, 0)] {
            let ldc = n + padding
            let a = (0..<(m * k)).map { _ in rng.nextUnitFloat() - 0.5 }
            let b = (0..<(k * n)).map { _ in rng.nextUnitFloat() - 0.5 }
            let lda = transposeA ? m : k, ldb = transposeB ? k : n
            var ours = [Float](repeating: .nan, count: m * ldc)
            var reference = ours
            BLAS.withSingleThreadedCalls {
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        ours.withUnsafeMutableBufferPointer { c in
                            BLAS.sgemm(
                                on: .openBLAS, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.75,
                                a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, beta: 0,
                                c: c.baseAddress!, ldc: ldc)
                        }
                        reference.withUnsafeMutableBufferPointer { c in
                            cblas_sgemm(
                                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                                transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), 0.75,
                                a.baseAddress!, Int32(lda), b.baseAddress!, Int32(ldb), 0, c.baseAddress!, Int32(ldc))
                        }
                    }
                }
            }
            var differing = 0, nonFinite = 0, paddingWritten = 0
            for row in 0..<m {
                for column in 0..<ldc {
                    let i = row * ldc + column
                    if column < n {
                        if ours[i].bitPattern != reference[i].bitPattern { differing += 1 }
                        if !ours[i].isFinite { nonFinite += 1 }
                    } else if !ours[i].isNaN {
                        paddingWritten += 1
                    }
                }
            }
            let shape = "\(m)×\(n)×\(k), ldc \(ldc)"
            #expect(differing == 0, "\(differing) entries differ from OpenBLAS's beta = 0 result (\(shape))")
            #expect(nonFinite == 0, "\(nonFinite) entries kept C's NaN (\(shape))")
            #expect(paddingWritten == 0, "\(paddingWritten) entries beyond n were written (\(shape))")
        }
    }
}
