import DeepClusteringCore
import Foundation
import Testing

/// `BLAS.withSingleThreadedCalls` sets OpenBLAS to one thread while any region is open, in any
/// thread, and restores the count when the last one closes. Other suites open regions at the
/// same time (every small `sgemm` does), so the checks against OpenBLAS's live count below can
/// only wait for a quiet moment; the first test checks the bookkeeping itself, deterministically.
@Suite(.timeLimit(.minutes(1))) struct BLASSingleThreadedTests {
    /// Waits (up to 5 s) for regions opened by tests running alongside to close, and returns
    /// the last count it read (the expected one unless the wait timed out).
    private static func settledThreadCount(expecting value: Int) -> Int {
        let deadline = Date().addingTimeInterval(5)
        var seen = BLAS.threadCount
        while seen != value && Date() < deadline {
            usleep(1_000)
            seen = BLAS.threadCount
        }
        return seen
    }

    /// The bookkeeping alone, deterministic whatever other suites do with OpenBLAS meanwhile:
    /// the count seen when the first region opens is restored when the last one closes, and
    /// counts seen by later openings (1, set by the first) are not.
    @Test func theCountSeenByTheFirstRegionIsRestoredByTheLast() {
        var regions = SingleThreadedRegions()
        #expect(regions.open(currentThreadCount: 6) == 1)
        #expect(regions.open(currentThreadCount: 1) == nil)
        #expect(regions.open(currentThreadCount: 1) == nil)
        #expect(regions.depth == 3 && regions.saved == 6)
        #expect(regions.close() == nil)
        #expect(regions.close() == nil)
        #expect(regions.close() == 6)
        #expect(regions.depth == 0)
        // A second round saves afresh.
        #expect(regions.open(currentThreadCount: 3) == 1)
        #expect(regions.close() == 3)
    }

    @Test func oneThreadInsideNestedAndOverlappingRegions() {
        let before = Self.settledThreadCount(expecting: ProcessInfo.processInfo.activeProcessorCount)
        let inside = BLAS.withSingleThreadedCalls { () -> [Int] in
            var seen = [BLAS.threadCount]
            seen.append(BLAS.withSingleThreadedCalls { BLAS.threadCount })
            seen.append(BLAS.threadCount)  // the inner region closed, the outer one is still open
            return seen
        }
        #expect(inside == [1, 1, 1])
        // Two threads whose regions overlap: both see one thread throughout.
        let group = DispatchGroup()
        let results = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        defer { results.deallocate() }
        nonisolated(unsafe) let shared = results
        for t in 0..<2 {
            DispatchQueue.global().async(group: group) {
                shared[t] = BLAS.withSingleThreadedCalls { () -> Int in
                    usleep(20_000)
                    return BLAS.threadCount
                }
            }
        }
        group.wait()
        #expect(results[0] == 1 && results[1] == 1)
        #expect(Self.settledThreadCount(expecting: before) == before)
    }

    @Test func resultIsReturnedAndErrorsPropagate() throws {
        struct Failure: Error {}
        let before = Self.settledThreadCount(expecting: ProcessInfo.processInfo.activeProcessorCount)
        #expect(BLAS.withSingleThreadedCalls { 42 } == 42)
        #expect(throws: Failure.self) { try BLAS.withSingleThreadedCalls { throw Failure() } }
        #expect(Self.settledThreadCount(expecting: before) == before, "the count is restored after a throw")
    }

    @Test func smallProductsGiveExactResultsAndRestoreTheThreadCount() {
        // 8×5×3 = 120 multiply-adds: below the default limit, so this call opens a region.
        #expect(BLAS.singleThreadedProductLimit == 1 << 22)
        let before = Self.settledThreadCount(expecting: ProcessInfo.processInfo.activeProcessorCount)
        let a = (0..<24).map { Float($0) * 0.25 - 2 }, b = (0..<15).map { Float($0 % 7) - 3 }
        var c = [Float](repeating: .nan, count: 40)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(transposeA: false, transposeB: false, m: 8, n: 5, k: 3,
                               a: a.baseAddress!, lda: 3, b: b.baseAddress!, ldb: 5, c: c.baseAddress!, ldc: 5)
                }
            }
        }
        for i in 0..<8 {
            for j in 0..<5 {
                let expected = (0..<3).reduce(Float(0)) { $0 + a[i * 3 + $1] * b[$1 * 5 + j] }
                #expect(c[i * 5 + j] == expected, "c[\(i), \(j)]")
            }
        }
        #expect(Self.settledThreadCount(expecting: before) == before)
    }
}
