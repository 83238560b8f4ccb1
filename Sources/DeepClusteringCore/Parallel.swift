import Dispatch
import Foundation

/// Splitting large elementwise work across cores.
///
/// GEMM is threaded by OpenBLAS itself; the library's own loops run in parallel only when the
/// work is large enough to pay for handing it to another thread (tens of thousands of elements).
/// Chunks run on persistent helper threads that keep polling for work for half a millisecond
/// after each job (as OpenBLAS's workers do), so the loops between two GEMMs of a training step
/// start at once; a loop started while the helpers are busy (from another thread, or from
/// inside a chunk) runs on Dispatch instead. Chunks are contiguous and their boundaries depend
/// only on `count` and the thread count, so results are deterministic.
public enum Parallel {
    /// The number of worker threads used for the library's own loops (defaults to the number of
    /// active processors). Set it before any parallel work starts: it is read without
    /// synchronisation by every loop. Values above the processor count run on Dispatch.
    nonisolated(unsafe) public static var threadCount: Int = ProcessInfo.processInfo.activeProcessorCount

    /// Calls `body` on disjoint contiguous sub-ranges covering `0..<count`, in parallel when
    /// `count` is at least `minimumPerThread` times two.
    /// - Parameters:
    ///   - count: The number of iterations.
    ///   - minimumPerThread: The least work worth giving one thread.
    ///   - body: Called once per chunk with its range; must be safe to run concurrently.
    public static func forEachChunk(
        count: Int, minimumPerThread: Int = 65_536, _ body: (Range<Int>) -> Void
    ) {
        let chunks = Swift.min(threadCount, count / Swift.max(minimumPerThread, 1))
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        // The chunks' GEMMs run in the caller's precision whichever thread runs them.
        let precision = GEMMEngine.precision
        let chunk = { (c: Int) in
            GEMMEngine.withPrecision(precision) { body(count * c / chunks..<count * (c + 1) / chunks) }
        }
        if let workers = SpinningWorkers.shared, workers.run(chunks: chunks, chunk) { return }
        withoutActuallyEscaping(chunk) { chunk in
            nonisolated(unsafe) let work = chunk
            DispatchQueue.concurrentPerform(iterations: chunks) { work($0) }
        }
    }
}
