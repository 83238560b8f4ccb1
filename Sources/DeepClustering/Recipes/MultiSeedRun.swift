import Foundation

/// One recipe run once per seed on the same data, with the mean and sample standard deviation
/// of each score (ClustPy's way of reporting: results that do not hang on one seed).
///
/// ```swift
/// let runs = try DeepClusteringModel.fit(x, clusterCount: 10, recipe: .recommended, labels: y, seeds: Array(0...4))
/// print(runs.accuracy!)   // e.g. 0.9720±0.0031
/// ```
public struct MultiSeedRun {
    /// The run of one seed.
    public struct Run {
        /// The random seed.
        public let seed: UInt64
        /// The model, clustering result and pretraining losses.
        public let run: DeepClusteringRun
        /// The wall-clock time of the whole run (pretraining and clustering).
        public let seconds: Double
    }

    /// The runs in the order of the seeds.
    public let runs: [Run]

    /// The final accuracy over the seeds, `nil` without labels.
    public var accuracy: MeanAndDeviation? { scores(\.accuracy) }
    /// The final NMI over the seeds, `nil` without labels.
    public var nmi: MeanAndDeviation? { scores(\.nmi) }
    /// The final ARI over the seeds, `nil` without labels.
    public var ari: MeanAndDeviation? { scores(\.ari) }
    /// The accuracy of the k-means initialisations over the seeds, `nil` without labels.
    public var initialAccuracy: MeanAndDeviation? {
        let values = runs.compactMap { $0.run.result.initialMetrics?.accuracy }
        return values.count == runs.count ? try? MeanAndDeviation(values) : nil
    }
    /// The run time over the seeds.
    public var seconds: MeanAndDeviation { MeanAndDeviation(validated: runs.map(\.seconds)) }

    /// Creates a summary of runs.
    /// - Throws: ``DECError/invalidInput(_:)`` for no runs.
    public init(runs: [Run]) throws {
        guard !runs.isEmpty else { throw DECError.invalidInput("a multi-seed run needs at least one run") }
        self.runs = runs
    }

    /// The mean and deviation of one final score, when every run has it.
    private func scores(_ score: KeyPath<ClusteringScores, Double>) -> MeanAndDeviation? {
        let values = runs.compactMap { $0.run.result.finalMetrics?[keyPath: score] }
        return values.count == runs.count ? try? MeanAndDeviation(values) : nil
    }
}

extension DeepClusteringModel {
    /// Runs `recipe` end to end once per seed (``fit(_:clusterCount:recipe:labels:imageShape:seed:progress:)``)
    /// and summarises the scores.
    /// - Parameters:
    ///   - x: `[N, d]`, or images `[N, H, W]` / `[N, H, W, C]`.
    ///   - clusterCount: k (≥ 2).
    ///   - recipe: The method; defaults to ``DECRecipe/recommended``.
    ///   - labels: Ground truth for evaluation only, or `nil`.
    ///   - imageShape: The image shape of flat `x`, or `nil`.
    ///   - seeds: At least one seed; each run is seeded with one.
    ///   - progress: Called with each seed and every event of its run.
    /// - Returns: Every run and the mean ± sample standard deviation of the scores.
    /// - Throws: ``DECError/invalidInput(_:)`` for no seeds; the errors of a single run.
    public static func fit(
        _ x: Tensor, clusterCount: Int, recipe: DECRecipe = .recommended, labels: [Int]? = nil, imageShape: ImageShape? = nil,
        seeds: [UInt64], progress: ((UInt64, DeepClusteringEvent) -> Void)? = nil
    ) throws -> MultiSeedRun {
        guard !seeds.isEmpty else { throw DECError.invalidInput("seeds must hold at least one seed") }
        let runs = try seeds.map { seed in
            let start = Date()
            let run = try fit(x, clusterCount: clusterCount, recipe: recipe, labels: labels, imageShape: imageShape, seed: seed) {
                progress?(seed, $0)
            }
            return MultiSeedRun.Run(seed: seed, run: run, seconds: Date().timeIntervalSince(start))
        }
        return try MultiSeedRun(runs: runs)
    }
}
