import Foundation
import Synchronization

/// Persistent helper threads for ``Parallel/forEachChunk(count:minimumPerThread:_:)`` that stay
/// awake between jobs for a short while, the way OpenBLAS's own workers do.
///
/// Training alternates GEMMs (threaded by OpenBLAS) with the library's elementwise loops every
/// fraction of a millisecond. Between two GEMMs OpenBLAS's workers keep spinning, so a helper
/// that has to be woken (a dispatch worker) is often placed beside the caller and runs after it
/// instead of beside it: measured on 2 cores, the dense autoencoder's epoch spent 0.25 s of its
/// 5 s with the main thread waiting for woken helpers. A helper that is already running picks a
/// job up within microseconds. Helpers spin (yielding the processor) for ``spinSeconds`` after
/// their last job, then sleep on a condition until the next one.
///
/// A/B on 2 cores (`throughput`, the same build with and without these helpers, alternating,
/// 3–4 runs each): epoch/sgemm dense 1.135 against 1.210 and conv 1.221 against 1.283 with
/// OpenBLAS's AVX-512 kernels; 1.111 against 1.124 and 1.187 against 1.210 with its Haswell
/// kernels.
///
/// One job runs at a time; a caller that finds the workers busy (another thread's job, or a
/// chunk that starts a parallel loop of its own) falls back to Dispatch.
final class SpinningWorkers: @unchecked Sendable {
    /// Helpers for the processors beyond the caller's; `nil` on a single processor.
    static let shared: SpinningWorkers? = {
        let helpers = ProcessInfo.processInfo.activeProcessorCount - 1
        return helpers > 0 ? SpinningWorkers(helperCount: helpers) : nil
    }()

    /// How long a helper keeps polling for work after its last job before it sleeps.
    ///
    /// Measured on 2 cores (`throughput --model conv`, OpenBLAS's AVX-512 kernels, one run each
    /// in turn, twice): 0.5 ms gave ratios 1.215 and 1.242, 5 ms 1.244 and 1.307, 50 µs 1.243
    /// and 1.247, Dispatch's helpers 1.344 and 1.316. The dense epoch could not tell them apart.
    static let spinSeconds = 0.0005

    /// The number of helper threads; a job has at most `helperCount + 1` chunks.
    let helperCount: Int
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    private let wakeUp = NSCondition()
    // Written by the caller before `generation` is released, read by helpers after acquiring it.
    nonisolated(unsafe) private var job: ((Int) -> Void)?
    // The job sequence number, touched only by the caller holding `busy`.
    nonisolated(unsafe) private var sequence = 0

    private init(helperCount: Int) {
        self.helperCount = helperCount
        for index in 0..<helperCount {
            let thread = Thread { [unowned self] in self.serve(chunk: index + 1) }
            thread.name = "DeepClustering.worker.\(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(c)` for `c` in `0..<chunks`, chunk 0 on the calling thread and the others on
    /// the helpers, and returns when all are done.
    /// - Returns: `false` (having run nothing) when the workers are busy or `chunks` exceeds
    ///   `helperCount + 1`.
    func run(chunks: Int, _ body: (Int) -> Void) -> Bool {
        guard chunks <= helperCount + 1, chunks < 1 << Self.chunkBits,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        withoutActuallyEscaping(body) { body in
            job = body
            // Only the helpers with a chunk report back; the others skip this generation
            // without reading `job`, so an idle (even sleeping) helper never delays the caller.
            pending.store(chunks - 1, ordering: .relaxed)
            sequence += 1
            generation.store(sequence << Self.chunkBits | chunks, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wakeUp.lock()
                wakeUp.broadcast()
                wakeUp.unlock()
            }
            body(0)
            var polls = 0
            while pending.load(ordering: .acquiring) > 0 {
                polls += 1
                if polls & 63 == 0 { sched_yield() }
            }
            job = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    /// A generation is `sequence << chunkBits | chunks`: each helper learns from the value it
    /// acquired whether it has a chunk, so it never reads a later job's chunk count.
    private static let chunkBits = 20

    /// A helper's loop: wait for a new generation, run its chunk if it has one and report, repeat.
    private func serve(chunk: Int) {
        var seen = 0
        while true {
            seen = waitForJob(after: seen)
            guard chunk < seen & (1 << Self.chunkBits - 1) else { continue }
            if let job { job(chunk) }
            pending.subtract(1, ordering: .releasing)
        }
    }

    /// Polls for a generation newer than `seen`, then sleeps once ``spinSeconds`` pass idle.
    private func waitForJob(after seen: Int) -> Int {
        var polls = 0
        var deadline = 0.0
        while true {
            let current = generation.load(ordering: .acquiring)
            if current != seen { return current }
            polls += 1
            if polls & 63 != 0 { continue }
            sched_yield()
            let now = ProcessInfo.processInfo.systemUptime
            if deadline == 0 { deadline = now + Self.spinSeconds; continue }
            guard now > deadline else { continue }
            wakeUp.lock()
            sleepers.add(1, ordering: .sequentiallyConsistent)
            while generation.load(ordering: .sequentiallyConsistent) == seen { wakeUp.wait() }
            sleepers.subtract(1, ordering: .sequentiallyConsistent)
            wakeUp.unlock()
            polls = 0
            deadline = 0
        }
    }
}
