import ArgumentParser
import DeepClustering
import ExampleSupport
import Foundation

/// The t-SNE maps `dec` writes: `embedding_initial.svg` (pretrained embedding, k-means
/// clusters) and `embedding_final.svg` (after clustering).
struct EmbeddingMapOptions: ParsableArguments {
    @Option(help: "Points in the t-SNE maps embedding_initial.svg and embedding_final.svg (seeded sample; 0 = no maps).")
    var mapSample: Int = 5_000

    func validate() throws {
        guard mapSample >= 0 else { throw ValidationError("--map-sample must be ≥ 0, found \(mapSample)") }
    }

    /// Whether maps are written.
    var enabled: Bool { mapSample > 0 }

    /// Writes the t-SNE map of `embedding` coloured by `clusters` (and `labels`) to `file` in
    /// the report directory, printing how long it took.
    func write(
        _ file: String, embedding: Tensor, clusters: [Int], labels: [Int]?, title: String, seed: UInt64, report: RunReport
    ) throws {
        guard enabled else { return }
        let start = Date()
        let chart = try EmbeddingMapChart.tSNE(
            of: embedding, clusters: clusters, labels: labels, sampleSize: mapSample,
            tsne: try TSNE(seed: seed), title: title)
        try chart.svg().write(to: report.path(file))
        say(String(format: "wrote %@ (t-SNE of %d points, %.1f s)", file, chart.points.shape[0], Date().timeIntervalSince(start)))
    }
}
