import DeepClusteringCore
import DeepClusteringNN
import Foundation
import Testing

/// `ConvolutionChunkPlan` shares a batch among threads in contiguous, balanced runs and cuts each
/// run into chunks under the workspace limit; every image is visited exactly once.
@Suite struct ConvolutionChunkPlanTests {
    /// The chunks a plan visits, in the order of each slot (the slots may run concurrently).
    private static func chunks(of plan: ConvolutionChunkPlan) -> [(slot: Int, start: Int, count: Int, parallel: Bool)] {
        let lock = NSLock()
        nonisolated(unsafe) var visited: [(slot: Int, start: Int, count: Int, parallel: Bool)] = []
        plan.forEachChunk { slot, start, count, isParallel in
            lock.withLock { visited.append((slot, start, count, isParallel)) }
        }
        return visited.sorted { ($0.slot, $0.start) < ($1.slot, $1.start) }
    }

    @Test func everyImageOnceInBalancedContiguousShares() {
        for batch in [0, 1, 2, 3, 5, 112, 256] {
            for threads in [1, 2, 3, 4] {
                for bytesPerImage in [1, 100, 156_800] {
                    for limit in [1, 400, 4 << 20] {
                        let plan = ConvolutionChunkPlan(
                            batchSize: batch, bytesPerImage: bytesPerImage, byteLimit: limit, threads: threads)
                        let what = "batch \(batch), threads \(threads), bytes \(bytesPerImage), limit \(limit)"
                        let visited = Self.chunks(of: plan)
                        #expect(plan.slots == max(1, min(threads, batch)), "\(what)")
                        #expect(visited.map(\.count).reduce(0, +) == batch, "\(what)")
                        #expect(visited.count == plan.chunkCount, "\(what)")
                        var next = 0
                        for chunk in visited {
                            #expect(chunk.start == next, "\(what): chunks must tile the batch in order")
                            #expect(chunk.count >= 1 && chunk.count <= plan.imagesPerChunk, "\(what)")
                            #expect(plan.images(ofSlot: chunk.slot).contains(chunk.start), "\(what)")
                            #expect(chunk.start + chunk.count <= plan.images(ofSlot: chunk.slot).upperBound, "\(what)")
                            #expect(chunk.parallel == (plan.slots > 1), "\(what)")
                            next += chunk.count
                        }
                        let shares = (0..<plan.slots).map { plan.images(ofSlot: $0).count }
                        #expect((shares.max() ?? 0) - (shares.min() ?? 0) <= 1, "\(what): shares \(shares)")
                        // A chunk holds more than one image only when they fit under the limit.
                        #expect(plan.imagesPerChunk == 1 || plan.imagesPerChunk * bytesPerImage <= limit, "\(what)")
                        let oncePerSlot = (0..<plan.slots).allSatisfy { s in visited.filter { $0.slot == s }.count <= 1 }
                        #expect(plan.hasOneChunkPerSlot == oncePerSlot, "\(what)")
                    }
                }
            }
        }
    }

    @Test func theSeedsMiddleLayerAtBatch256() {
        // conv2 of the seed's autoencoder: 7·7 positions × 5·5·32 columns × 4 bytes per image.
        let plan = ConvolutionChunkPlan(batchSize: 256, bytesPerImage: 49 * 800 * 4, byteLimit: 4 << 20, threads: 2)
        #expect(plan.slots == 2)
        #expect(plan.imagesPerChunk == 26)
        #expect(plan.images(ofSlot: 0) == 0..<128)
        #expect(plan.images(ofSlot: 1) == 128..<256)
        #expect(Self.chunks(of: plan).map(\.count) == [26, 26, 26, 26, 24, 26, 26, 26, 26, 24])
        #expect(!plan.hasOneChunkPerSlot)
        let single = ConvolutionChunkPlan(batchSize: 256, bytesPerImage: 49 * 800 * 4, byteLimit: 4 << 20, threads: 1)
        #expect(single.slots == 1 && Self.chunks(of: single).allSatisfy { !$0.parallel })
    }

    @Test func slotsRunWithSingleThreadedBLASAndGradientsAddInSlotOrder() {
        let plan = ConvolutionChunkPlan(batchSize: 6, bytesPerImage: 4, byteLimit: 8, threads: 2)
        let lock = NSLock()
        nonisolated(unsafe) var blasThreads: [Int] = []
        plan.forEachChunk { _, _, _, _ in
            let t = BLAS.threadCount
            lock.withLock { blasThreads.append(t) }
        }
        #expect(blasThreads.count == 4 && blasThreads.allSatisfy { $0 == 1 })
        var partials: [Float] = [1, 2, 3, 10, 20, 30]
        var gradient: [Float] = [100, 100, 100]
        partials.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                plan.addSlotGradients(p.baseAddress!, count: 3, into: g.baseAddress!, overwrite: false)
            }
        }
        #expect(gradient == [111, 122, 133])
        partials.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                plan.addSlotGradients(p.baseAddress!, count: 3, into: g.baseAddress!, overwrite: true)
            }
        }
        #expect(gradient == [11, 22, 33])
    }
}
