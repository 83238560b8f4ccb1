// kmeans: the DEC baseline, k-means (k-means++ init, 20 restarts) on the features scaled as
// `dec` scales them (--scale), with the same reports as `dec` (assignments.csv, confusion_matrix.svg).

import ArgumentParser
import DeepClustering
import ExampleSupport
import Foundation

@main
struct KMeansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans",
        abstract: "k-means on the features of a dataset (the DEC papers' baseline), with reports.")

    @OptionGroup var data: DatasetOptions

    @Option(help: "Number of clusters.")
    var clusters: Int = 10

    @Option(help: "k-means++ restarts; the run with the lowest inertia is kept.")
    var initCount: Int = 20

    @Option(help: "Most Lloyd iterations per restart.")
    var maxIterations: Int = 300

    @Option(help: "Feature scaling: \(FeatureScaling.allCases.map(\.rawValue).joined(separator: "|")); auto keeps data in [0, 1], divides 8-bit images by 255, standardises tabular features (as dec).")
    var scale: FeatureScaling = .automatic

    @Option(help: "Seed for the k-means++ initialisations.")
    var seed: UInt64 = 0

    @Option(help: "Directory for reports.")
    var outputDir: String = "kmeans-output"

    func validate() throws {
        guard clusters >= 2 else { throw ValidationError("--clusters must be at least 2, found \(clusters)") }
        guard initCount >= 1 else { throw ValidationError("--init-count must be at least 1, found \(initCount)") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1, found \(maxIterations)") }
    }

    func run() throws {
        let start = Date()
        let report = try RunReport(directory: outputDir)
        let (dataset, imageShape) = try data.loadWithImageShape()
        let scaler = try FeatureScaler.fit(dataset.x, scaling: scale, isImageData: imageShape != nil, source: data.displayName)
        let x = try scaler.transform(dataset.x, source: data.displayName).reshaped(to: [dataset.count, dataset.x.rowWidth])
        guard clusters <= dataset.count else {
            throw ExampleError("--clusters \(clusters) exceeds the \(dataset.count) samples of \(data.displayName)")
        }
        say("data \(data.displayName) shape=\(dataset.x.shape) labels=\(dataset.labels == nil ? "none" : "yes") scaling=\(scaler.scaling.rawValue)")
        let result = try KMeans(clusterCount: clusters, initializationCount: initCount, maxIterations: maxIterations, seed: seed)
            .fit(x)
        let seconds = Date().timeIntervalSince(start)
        say(String(format: "kmeans inertia=%.1f iterations=%d", result.inertia, result.iterations))
        try report.writeAssignments(result.labels, labels: dataset.labels)
        var scores: ClusteringScores?
        if let labels = dataset.labels {
            scores = try ClusteringScores(labels: labels, predictions: result.labels)
            try report.writeConfusionMatrix(labels: labels, assignments: result.labels, title: "k-means on \(data.displayName)")
        }
        say("final acc=\(formatScore(scores?.accuracy)) nmi=\(formatScore(scores?.nmi)) ari=\(formatScore(scores?.ari)) "
              + "iterations=\(result.iterations) seconds=\(String(format: "%.1f", seconds))")
    }
}

extension KMeansCommand {
    static func main() { runReportingErrorsOnOneLine() }
}
