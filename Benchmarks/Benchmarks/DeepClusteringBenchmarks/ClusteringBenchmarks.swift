import Benchmark
import DeepClustering

/// One DEC training step on DEC-keras's dense encoder, built from public pieces exactly as
/// `DECTrainer`'s private `trainStep` does (DEC mode, no augmentation): gather the batch and its
/// target rows, zero the gradients lazily, encoder and clustering forward, KL(P‖Q) with its
/// gradient, clustering and encoder backward, SGD step.
final class DECStepState {
    let x: Tensor
    let target: Tensor
    let encoder: Sequential
    let clustering: ClusteringLayer
    let parameters: [Parameter]
    let optimizer: SGD
    let batchSize: Int
    var batch = Tensor(zeros: [0])
    var batchTarget = Tensor(zeros: [0])
    var qGradient = Tensor(zeros: [0])
    var batchIndex = 0

    /// - Parameters:
    ///   - sampleCount: The rows of the random data set the batches are taken from, in order.
    ///   - batchSize: DEC-keras's 256.
    init(sampleCount: Int, batchSize: Int) throws {
        var generator = SeededGenerator(seed: 50)
        encoder = try Autoencoder.dense([784, 500, 500, 2000, 10], using: &generator).encoder
        x = randomTensor([sampleCount, 784], seed: 51)
        clustering = try ClusteringLayer(clusterCount: 10, featureCount: 10, using: &generator)
        target = try targetDistribution(try clustering.inference(try encoder.predict(x, batchSize: batchSize)))
        parameters = encoder.parameters + clustering.parameters
        optimizer = try SGD(learningRate: 0.01, momentum: 0.9)  // DEC-keras's DEC optimizer
        self.batchSize = batchSize
    }

    /// One batch, the next in order (wrapping); returns the KL loss.
    func step() throws -> Float {
        let n = x.shape[0]
        let rows = batchIndex * batchSize..<min((batchIndex + 1) * batchSize, n)
        batchIndex = (batchIndex + 1) * batchSize < n ? batchIndex + 1 : 0
        try x.gatherRows(at: rows, into: &batch)
        try target.gatherRows(at: rows, into: &batchTarget)
        for parameter in parameters { parameter.zeroGradientLazily() }
        let z = try encoder.forward(batch)
        let q = try clustering.forward(z)
        let loss = try klDivergence(target: batchTarget, predicted: q, weight: 1, gradientInto: &qGradient)
        let zGradient = try clustering.backward(qGradient, computingInputGradient: true)
        _ = try encoder.backward(zGradient, computingInputGradient: false)
        try optimizer.step(parameters)
        return loss
    }
}

/// k-means on 70,000 × 784 uniform random data (MNIST's size) with k = 10, and one DEC step.
///
/// The k-means benchmark runs `KMeans(clusterCount: 10, maxIterations: 1).fit(x, startingFrom:)`
/// from fixed centres, so it measures one Lloyd iteration and no k-means++ seeding. Besides
/// the iteration (assign every row, recompute the centres) that call also checks `x` for
/// non-finite values, computes the feature variance for the tolerance, assigns the rows once more
/// so the labels match the final centres, and computes the inertia: each a pass over `x`.
func registerClusteringBenchmarks() {
    Benchmark(
        "KMeans one Lloyd iteration 70000x784 k10",
        configuration: configuration(warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20)
    ) { benchmark, state in
        for _ in benchmark.scaledIterations {
            blackHole(try state.kmeans.fit(state.x, startingFrom: state.centers).inertia)
        }
    } setup: {
        try KMeansState()
    }

    Benchmark(
        "DEC step 784-500-500-2000-10 batch 256",
        configuration: configuration(warmupIterations: 5, maxDuration: .seconds(3), maxIterations: 200)
    ) { benchmark, state in
        for _ in benchmark.scaledIterations {
            blackHole(try state.step())
        }
    } setup: {
        try DECStepState(sampleCount: 2_560, batchSize: 256)
    }
}

/// The data and the starting centres of the k-means benchmark.
final class KMeansState {
    /// k = 10, one Lloyd iteration (`initializationCount` is unused by `fit(_:startingFrom:)`).
    let kmeans: KMeans
    /// 70,000 × 784 uniform random samples.
    let x: Tensor
    /// Rows 0, 7000, …, 63000 of `x`.
    let centers: Tensor

    init() throws {
        kmeans = try KMeans(clusterCount: 10, initializationCount: 1, maxIterations: 1)
        x = randomTensor([70_000, 784], seed: 60)
        centers = try x.rows(at: (0..<10).map { $0 * 7_000 })
    }
}
