@testable import DeepClusteringCore
import Dispatch
import Foundation
import Testing

/// `Parallel.forEachChunk` runs on persistent spinning helpers when they are free and on
/// Dispatch otherwise; every path must visit each index exactly once.
@Suite(.timeLimit(.minutes(1))) struct ParallelTests {
    /// Calls `forEachChunk` and returns how often each index was visited.
    private static func visits(count: Int, minimumPerThread: Int) -> [Int] {
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
        hits.initialize(repeating: 0, count: max(count, 1))
        defer { hits.deallocate() }
        nonisolated(unsafe) let shared = hits
        Parallel.forEachChunk(count: count, minimumPerThread: minimumPerThread) { range in
            for i in range { shared[i] += 1 }
        }
        return Array(UnsafeBufferPointer(start: hits, count: count))
    }

    @Test func everyIndexOnceForManyShapes() {
        for count in [0, 1, 2, 3, 7, 64, 1_000, 65_537] {
            for minimum in [1, 2, 100, 65_536] {
                for _ in 0..<20 {
                    let hits = Self.visits(count: count, minimumPerThread: minimum)
                    #expect(hits.allSatisfy { $0 == 1 }, "count \(count), minimumPerThread \(minimum)")
                }
            }
        }
    }

    /// On more than one processor the loops do run on the spinning helpers (not only on the
    /// Dispatch fallback, which would pass the other tests as well).
    @Test func loopsRunOnTheHelpers() throws {
        guard ProcessInfo.processInfo.activeProcessorCount > 1 else {
            #expect(SpinningWorkers.shared == nil)
            return
        }
        let workers = try #require(SpinningWorkers.shared)
        // This test's own job, run directly: `run` returns false (running nothing) while another
        // test's loop holds the helpers, so keep trying for a while (within the suite's
        // one-minute limit). When it runs, chunk 0 runs here and chunk 1 on another thread: a helper.
        let threads = UnsafeMutablePointer<pthread_t>.allocate(capacity: 2)
        defer { threads.deallocate() }
        nonisolated(unsafe) let shared = threads
        let deadline = Date().addingTimeInterval(45)
        var ran = false
        while !ran && Date() < deadline {
            ran = workers.run(chunks: 2) { chunk in shared[chunk] = pthread_self() }
            if !ran { usleep(1_000) }
        }
        #expect(ran, "the helpers were busy for 45 s")
        if ran {
            #expect(pthread_equal(threads[0], pthread_self()) != 0)
            #expect(pthread_equal(threads[1], pthread_self()) == 0, "chunk 1 ran on the calling thread")
        }
    }

    /// A chunk that starts a parallel loop of its own (the helpers are busy with the outer one).
    @Test func nestedLoopsComplete() {
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        hits.initialize(repeating: 0, count: 64)
        defer { hits.deallocate() }
        nonisolated(unsafe) let shared = hits
        for _ in 0..<50 {
            Parallel.forEachChunk(count: 8, minimumPerThread: 1) { outer in
                for o in outer {
                    Parallel.forEachChunk(count: 8, minimumPerThread: 1) { inner in
                        for i in inner { shared[o * 8 + i] += 1 }
                    }
                }
            }
        }
        #expect(UnsafeBufferPointer(start: hits, count: 64).allSatisfy { $0 == 50 })
    }

    /// Jobs separated by more than the helpers' spinning window: they sleep and must be woken.
    @Test func jobsAfterIdlePausesComplete() {
        for _ in 0..<5 {
            Thread.sleep(forTimeInterval: 0.02)
            #expect(Self.visits(count: 10_000, minimumPerThread: 1).allSatisfy { $0 == 1 })
        }
    }

    /// Several threads start parallel loops at once (only one gets the helpers; the others use
    /// Dispatch), and a chunk starts a parallel loop of its own.
    @Test func concurrentAndNestedCallersComplete() {
        let callers = 8
        let results = UnsafeMutablePointer<Bool>.allocate(capacity: callers)
        results.initialize(repeating: false, count: callers)
        defer { results.deallocate() }
        nonisolated(unsafe) let shared = results
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            var ok = true
            for _ in 0..<200 {
                ok = ok && Self.visits(count: 4_096, minimumPerThread: 1).allSatisfy { $0 == 1 }
            }
            let nestedHits = UnsafeMutablePointer<Int>.allocate(capacity: 64)
            nestedHits.initialize(repeating: 0, count: 64)
            nonisolated(unsafe) let nested = nestedHits
            Parallel.forEachChunk(count: 8, minimumPerThread: 1) { outer in
                for o in outer {
                    Parallel.forEachChunk(count: 8, minimumPerThread: 1) { inner in
                        for i in inner { nested[o * 8 + i] += 1 }
                    }
                }
            }
            ok = ok && UnsafeBufferPointer(start: nestedHits, count: 64).allSatisfy { $0 == 1 }
            nestedHits.deallocate()
            shared[caller] = ok
        }
        #expect(UnsafeBufferPointer(start: results, count: callers).allSatisfy { $0 })
    }
}
