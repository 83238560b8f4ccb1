// What `dec train --seeds` keeps of each run, and the summary it writes from them.

import DeepClustering
import ExampleSupport

/// The scores of the run with one seed, as `summary.csv` lists them.
struct SeedOutcome {
    var seed: UInt64
    var scores: ClusteringScores?
    var initialScores: ClusteringScores?
    var iterations: Int
    var seconds: Double

    /// Writes `summary.csv` (seed, acc, nmi, ari, iterations, seconds, kmeans_acc; one row per
    /// seed) and prints `summary seeds=N acc=M±SD nmi=M±SD ari=M±SD seconds=M±SD` (sample
    /// standard deviations; `n/a` without labels).
    static func summarize(_ outcomes: [SeedOutcome], report: RunReport) throws {
        func score(_ v: Double?) -> String { v.map { String(format: "%.6f", $0) } ?? "" }
        let rows = outcomes.map { o in
            ["\(o.seed)", score(o.scores?.accuracy), score(o.scores?.nmi), score(o.scores?.ari), "\(o.iterations)",
             String(format: "%.3f", o.seconds), score(o.initialScores?.accuracy)]
        }
        try CSVFormat().write(
            rows: rows, columnNames: ["seed", "acc", "nmi", "ari", "iterations", "seconds", "kmeans_acc"], to: report.path("summary.csv"))
        func summary(_ values: [Double?], digits: Int = 4) throws -> String {
            let known = values.compactMap { $0 }
            guard known.count == values.count else { return "n/a" }
            return try MeanAndDeviation(known).formatted(digits: digits)
        }
        let acc = try summary(outcomes.map { $0.scores?.accuracy }), nmi = try summary(outcomes.map { $0.scores?.nmi })
        let ari = try summary(outcomes.map { $0.scores?.ari }), seconds = try summary(outcomes.map(\.seconds), digits: 1)
        say("summary seeds=\(outcomes.count) acc=\(acc) nmi=\(nmi) ari=\(ari) seconds=\(seconds)")
    }
}
