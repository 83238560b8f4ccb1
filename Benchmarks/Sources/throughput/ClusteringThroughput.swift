import DeepClustering
import Foundation

/// The k-means line: k = 10 with 20 k-means++ restarts on the whole 70,000 × 784 dataset (the
/// DEC paper's pixel baseline, scikit-learn's `KMeans(n_clusters=10, n_init=20)`).
func kmeansThroughput(_ x: Tensor) throws {
    let start = now()
    let result = try KMeans(clusterCount: 10, initializationCount: 20, seed: 0).fit(x)
    let seconds = now() - start
    print(String(format: "kmeans seconds=%.3f inertia=%.1f", seconds, result.inertia)
          + "  (k 10, n_init 20, best restart's iterations \(result.iterations))")
}

/// The DEC line: 1,000 iterations of the dense DEC clustering phase as DEC-keras runs it (batch
/// 256, SGD(0.01, 0.9), KLD, the target recomputed over the whole dataset every 140 batches),
/// timed from the end of the k-means initialisation to the end of batch 1,000 — the same span
/// the Keras workload times (eight full predictions, at iterations 0, 140, …, 980).
func decThroughput(_ x: Tensor) throws {
    var rng = SeededGenerator(seed: 7)
    let autoencoder = try Autoencoder.dense([x.shape[1], 500, 500, 2000, 10], using: &rng)
    var config = DECConfiguration(clusterCount: 10)
    config.maxIterations = 1000
    config.tolerance = 0
    config.kmeansInitializationCount = 1
    let trainer = try DECTrainer(encoder: autoencoder.encoder, configuration: config)
    trainer.precision = BLAS.precision
    var start = 0.0, end = 0.0
    try trainer.fit(x, optimizer: try SGD(learningRate: 0.01, momentum: 0.9)) { event in
        switch event {
        case .initialized: start = now()
        case let .batchEnded(iteration, _, _) where iteration == config.maxIterations: end = now()
        default: break
        }
    }
    print(String(format: "dec seconds=%.3f iterations=%d", end - start, config.maxIterations))
}
