import DeepClustering
import Foundation

/// The t-SNE line: the exact-gradient t-SNE `dec` draws its embedding maps with, on 5,000
/// points of a 10-D embedding (ten seeded Gaussian blobs), default configuration (perplexity
/// 30, 1000 iterations). Prints the whole fit and, measured separately, the perplexity
/// calibration of `P` alone.
func tsneThroughput() throws {
    let n = 5_000, d = 10, blobs = 10
    var rng = SeededGenerator(seed: 11)
    let centers = (0..<(blobs * d)).map { _ in Float.random(in: -10...10, using: &rng) }
    var scalars = [Float](repeating: 0, count: n * d)
    for i in 0..<n {
        for f in 0..<d { scalars[i * d + f] = centers[(i % blobs) * d + f] + rng.nextStandardNormal() }
    }
    let x = try Tensor(shape: [n, d], scalars: scalars)
    var start = now()
    _ = try TSNE.conditionalProbabilities(x, perplexity: 30)
    let affinities = now() - start
    start = now()
    let result = try TSNE(seed: 0).fit(x)
    let seconds = now() - start
    print(String(format: "tsne seconds=%.2f affinities_s=%.2f kl=%.4f", seconds, affinities, result.klDivergence)
          + "  (n \(n), d \(d), 1000 iterations, threads \(Parallel.threadCount))")
}
