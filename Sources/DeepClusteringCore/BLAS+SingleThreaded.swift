import Synchronization

extension BLAS {
    /// The state of ``withSingleThreadedCalls(_:)`` across threads: how many such regions are
    /// open, and the thread count to restore when the last one closes.
    fileprivate static let singleThreadedRegions = Mutex(SingleThreadedRegions())

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
        singleThreadedRegions.withLock { regions in
            if let count = regions.open(currentThreadCount: threadCount) { threadCount = count }
        }
        defer {
            singleThreadedRegions.withLock { regions in
                if let count = regions.close() { threadCount = count }
            }
        }
        return try body()
    }
}

extension BLAS {
    /// Whether a ``withSingleThreadedCalls(_:)`` region is open in any thread (the GEMM engine
    /// then plans oneDNN products for one thread as well).
    static var singleThreadedRegionIsOpen: Bool {
        singleThreadedRegions.withLock { $0.depth > 0 }
    }
}

/// The bookkeeping of ``BLAS/withSingleThreadedCalls(_:)``, apart from OpenBLAS so that it can be
/// tested deterministically: how many regions are open and the thread count to restore.
package struct SingleThreadedRegions: Equatable, Sendable {
    /// The number of open regions.
    package private(set) var depth = 0
    /// The thread count saved when the first region opened.
    package private(set) var saved = 1

    package init() {}

    /// Opens a region while OpenBLAS runs `currentThreadCount` threads.
    /// - Returns: The count to set (1) when this is the first open region, else `nil`.
    package mutating func open(currentThreadCount: Int) -> Int? {
        depth += 1
        guard depth == 1 else { return nil }
        saved = currentThreadCount
        return 1
    }

    /// Closes a region.
    /// - Returns: The count to restore when this was the last open region, else `nil`.
    package mutating func close() -> Int? {
        precondition(depth > 0, "more regions closed than opened")
        depth -= 1
        return depth == 0 ? saved : nil
    }
}
