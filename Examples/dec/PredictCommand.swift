// dec predict: assigns a dataset to the clusters of a model that dec train wrote.

import ArgumentParser
import DeepClustering
import ExampleSupport
import Foundation

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Assign a dataset to the clusters of a trained model (the model.safetensors dec train writes).",
        discussion: """
            The data are read with the same options as dec train and scaled as the training data were. \
            Writes assignments.csv (index, cluster, confidence = the largest soft assignment, and label \
            when the data have labels) and, with labels, prints final acc=… nmi=… ari=….
            """)

    @Option(help: "The model file (model.safetensors in a dec train output directory).")
    var model: String

    @OptionGroup var data: DatasetOptions

    @Option(help: "Directory for assignments.csv.")
    var outputDir: String = "dec-predictions"

    func validate() throws {
        guard FileManager.default.fileExists(atPath: model) else { throw ValidationError("--model \(model): no such file") }
    }

    func run() throws {
        let start = Date()
        let report = try RunReport(directory: outputDir)
        let trained = try DeepClusteringModel(contentsOf: model)
        let (dataset, imageShape) = try data.loadWithImageShape()
        say("model \(model) \(trained.architecture) k=\(trained.trainer!.configuration.clusterCount) recipe=\(trained.recipe.name) "
              + "trained on \(trained.provenance.sampleCount) samples")
        say("data \(data.displayName) shape=\(dataset.x.shape) labels=\(dataset.labels == nil ? "none" : "yes")")
        let q = try trained.trainer!.softAssignments(trained.prepare(dataset, imageShape: imageShape, source: data.displayName))
        let clusters = try q.argmax()
        try report.writeAssignments(clusters, softAssignments: q, labels: dataset.labels)
        let scores = try dataset.labels.map { try ClusteringScores(labels: $0, predictions: clusters) }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        if let scores {
            say("final acc=\(formatScore(scores.accuracy)) nmi=\(formatScore(scores.nmi)) ari=\(formatScore(scores.ari)) "
                  + "samples=\(clusters.count) seconds=\(seconds) clusters_used=\(Set(clusters).count)")
        } else {
            say("assigned samples=\(clusters.count) seconds=\(seconds) clusters_used=\(Set(clusters).count)")
        }
    }
}
