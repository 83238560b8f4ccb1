import Synchronization

extension BLAS {
    /// The state of ``withSingleThreadedCalls(_:)`` across threads: how many such regions are
    /// open, and the thread count to restore when the last one closes.
    private static let singleThreadedRegions = Mutex<(depth: Int, saved: Int)>((0, 1))

    /// Runs `body` with OpenBLAS at one thread per call, for code that runs several GEMMs side
    /// by side on its own threads (each call then stays on the thread that made it).
    ///
    /// OpenBLAS's thread count is process-wide. Regions may overlap across threads: the first to
    /// open saves ``threadCount`` and sets it to 1, the last to close restores it. Meanwhile
    /// every GEMM in the process runs single-threaded, and a ``threadCount`` set by other code
    /// during a region is replaced by the saved value when the region closes.
    /// - Parameter body: The work; its GEMMs run on the calling thread.
    /// - Returns: What `body` returns.
    public static func withSingleThreadedCalls<R>(_ body: () throws -> R) rethrows -> R {
        singleThreadedRegions.withLock { state in
            if state.depth == 0 {
                state.saved = threadCount
                threadCount = 1
            }
            state.depth += 1
        }
        defer {
            singleThreadedRegions.withLock { state in
                state.depth -= 1
                if state.depth == 0 { threadCount = state.saved }
            }
        }
        return try body()
    }
}
