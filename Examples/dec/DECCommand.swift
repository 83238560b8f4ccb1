// dec: Deep Embedded Clustering from the command line.
//
// Pretrains an autoencoder (or loads one), initialises cluster centres with k-means on the
// embedding, self-trains with DEC or IDEC, and writes weights, history.csv, assignments.csv,
// confusion_matrix.svg and training_curves.svg to the output directory. Defaults reproduce
// the DEC/IDEC/DCEC seeds (Keras) for the chosen architecture.

import ArgumentParser
import DeepClustering
import ExampleSupport
import Foundation

/// The autoencoder architectures of the seeds.
enum Architecture: String, ExpressibleByArgument, CaseIterable {
    /// 784-500-500-2000-10 (DEC, IDEC).
    case dense
    /// DCEC's Conv2D 32/64/128 + Dense 10 with Conv2DTranspose decoder.
    case conv
    /// The UpSampling2D variant of the convolutional autoencoder.
    case convUpsampling = "conv-upsampling"

    var usesImages: Bool { self != .dense }
}

/// DEC or IDEC.
enum Mode: String, ExpressibleByArgument, CaseIterable {
    case dec, idec
}

@main
struct DECCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dec",
        abstract: "Deep Embedded Clustering (DEC/IDEC) of a dataset, with reports.",
        discussion: """
            Defaults reproduce the seeds: dense pretraining 300 epochs SGD(lr 1, momentum 0.9), \
            conv pretraining 100 epochs Adadelta(lr 1); k-means with 20 restarts; clustering with \
            SGD(0.01, 0.9) for dense DEC, Adam otherwise; batch 256, update interval 140, tol 0.1%.
            """)

    @OptionGroup var data: DatasetOptions

    @Option(help: "Autoencoder: \(Architecture.allCases.map(\.rawValue).joined(separator: "|")).")
    var arch: Architecture = .dense

    @Option(help: "Clustering objective: dec|idec.")
    var mode: Mode = .dec

    @Option(help: "Number of clusters, or auto to choose it by silhouette on the pretrained embedding (see --cluster-search).")
    var clusters: ClusterCountArgument = .fixed(10)

    @OptionGroup var clusterSearch: ClusterCountOptions

    @OptionGroup var maps: EmbeddingMapOptions

    @Option(help: "Pretraining epochs (default: 300 dense, 100 conv).")
    var pretrainEpochs: Int?

    @OptionGroup var pretrainingOptions: PretrainingOptions

    @Option(help: "Start from these pretrained autoencoder weights (safetensors) instead of pretraining.")
    var pretrained: String?

    @Option(help: "Batch size for pretraining and clustering.")
    var batchSize: Int = 256

    @Option(help: "Most clustering iterations (batches).")
    var maxIterations: Int = 8000

    @Option(help: "Recompute the target distribution every this many iterations.")
    var updateInterval: Int = 140

    @Option(help: "Stop when fewer than this fraction of labels change between updates.")
    var tol: Double = 0.001

    @Option(help: "IDEC weight of the clustering loss (γ · KLD + MSE).")
    var gamma: Float = 0.1

    @Flag(help: "Augment images with random shifts (±10%) and rotations (±10°) in pretraining and clustering (DEC-DA).")
    var augment = false

    @OptionGroup(title: "Additional clustering losses") var losses: ObjectiveOptions

    @Option(help: "Seed for weights, shuffling and k-means.")
    var seed: UInt64 = 0

    @Option(help: "Directory for weights and reports.")
    var outputDir: String = "dec-output"

    func validate() throws {
        if let k = clusters.fixedCount, k < 2 { throw ValidationError("--clusters must be at least 2 or auto, found \(k)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, found \(batchSize)") }
        guard maxIterations >= 0 else { throw ValidationError("--max-iterations must be ≥ 0, found \(maxIterations)") }
        guard updateInterval > 0 else { throw ValidationError("--update-interval must be positive, found \(updateInterval)") }
        guard tol >= 0 else { throw ValidationError("--tol must be ≥ 0, found \(tol)") }
        guard gamma >= 0 && gamma.isFinite else { throw ValidationError("--gamma must be ≥ 0, found \(gamma)") }
        if let e = pretrainEpochs, e < 0 { throw ValidationError("--pretrain-epochs must be ≥ 0, found \(e)") }
        if let p = pretrained, !FileManager.default.fileExists(atPath: p) {
            throw ValidationError("--pretrained \(p): no such file")
        }
    }

    func run() throws {
        let start = Date()
        let report = try RunReport(directory: outputDir)
        var dataset = try data.load(images: arch.usesImages || augment)
        var augmentation: ImageAugmentation?
        if augment {
            let s = dataset.x.shape
            augmentation = try ImageAugmentation(height: s[1], width: s[2], channels: s[3])
            if !arch.usesImages { dataset.x = try dataset.x.reshaped(to: [s[0], s[1] * s[2] * s[3]]) }
        }
        let x = dataset.x
        guard (clusters.fixedCount ?? 2) <= dataset.count else {
            throw ExampleError("--clusters \(clusters.fixedCount ?? 2) exceeds the \(dataset.count) samples of \(data.displayName)")
        }
        say("data \(data.displayName) shape=\(x.shape) labels=\(dataset.labels == nil ? "none" : "yes")")
        say("openblas \(BLAS.configuration) threads=\(BLAS.threadCount)")

        // 1. The autoencoder: pretrained weights, or pretraining now.
        var rng = SeededGenerator(seed: seed)
        let autoencoder = try makeAutoencoder(inputShape: Array(x.shape.dropFirst()), using: &rng)
        say("autoencoder \(arch.rawValue) parameters=\(autoencoder.parameterCount)")
        if let pretrained {
            try autoencoder.loadParameters(from: pretrained)
            say("loaded pretrained weights from \(pretrained)")
        } else if pretrainingOptions.pretraining == .layerwise {
            try pretrainLayerwise(autoencoder, on: x, report: report)
        } else {
            try pretrain(autoencoder, on: x, augmentation: augmentation, report: report)
        }

        // 2. The number of clusters, k-means initialisation and self-training.
        let pretrainedEmbedding = clusters == .automatic || maps.enabled ? try autoencoder.encoder.predict(x, batchSize: batchSize) : nil
        let k = try clusterSearch.resolve(clusters, embedding: pretrainedEmbedding, seed: seed)
        var config = DECConfiguration(clusterCount: k, mode: mode == .dec ? .dec : .idec(clusteringWeight: gamma))
        config.batchSize = batchSize
        config.maxIterations = maxIterations
        config.updateInterval = updateInterval
        config.tolerance = tol
        config.seed = seed
        config.augmentation = augmentation
        config.objective = try losses.objective(extending: config.resolvedObjective)
        let trainer = try DECTrainer(autoencoder: autoencoder, configuration: config)
        let optimizer: any Optimizer = (arch == .dense && mode == .dec)
            ? try SGD(learningRate: 0.01, momentum: 0.9) : try Adam()
        let bar = ProgressBar(total: maxIterations, label: "\(mode.rawValue)")
        var running: Float? = nil
        let result = try trainer.fit(x, labels: dataset.labels, optimizer: optimizer,
                                     pretrainedEmbedding: pretrainedEmbedding) { event in
            switch event {
            case let .initialized(kmeans, scores):
                say("kmeans inertia=\(String(format: "%.1f", kmeans.inertia)) acc=\(formatScore(scores?.accuracy)) "
                      + "nmi=\(formatScore(scores?.nmi)) ari=\(formatScore(scores?.ari))")
            case let .batchEnded(iteration, _, loss):
                running = running.map { 0.98 * $0 + 0.02 * loss } ?? loss
                bar.update(step: iteration, loss: running.map(Double.init))
            case let .updated(u):
                // With more than one term, each term's mean unweighted loss follows (name=value;
                // name=- for a term weighted 0 since the last update, which was not evaluated).
                let terms = u.termLosses.count > 1
                    ? u.termLosses.map { " \($0.name)=" + ($0.loss.isNaN ? "-" : String(format: "%.5f", $0.loss)) }.joined() : ""
                // The first update comes before any batch: no loss yet.
                let loss = u.loss.isNaN ? "-" : String(format: "%.5f", u.loss)
                say("iter=\(u.iteration) loss=\(loss) delta_label=" + String(format: "%.5f", u.deltaLabel)
                      + " acc=\(formatScore(u.accuracy)) nmi=\(formatScore(u.nmi)) ari=\(formatScore(u.ari))" + terms)
            }
        }
        bar.finish()
        if result.converged { say("converged: fewer than \(tol) of the labels changed") }

        // 3. Reports.
        let title = "\(mode.rawValue.uppercased()) \(arch.rawValue) on \(data.displayName)"
        try trainer.save(to: report.path("dec.safetensors"), metadata: ["architecture": arch.rawValue, "dataset": data.displayName])
        try report.writeHistory(result.history)
        try report.writeAssignments(result.assignments, labels: dataset.labels)
        try report.writeTrainingCurves(result.history, title: title)
        if let labels = dataset.labels {
            try report.writeConfusionMatrix(labels: labels, assignments: result.assignments, title: title)
        }
        if let pretrainedEmbedding {
            try maps.write("embedding_initial.svg", embedding: pretrainedEmbedding, clusters: result.initialization.labels,
                           labels: dataset.labels, title: "\(title): pretrained embedding, k-means", seed: seed, report: report)
            try maps.write("embedding_final.svg", embedding: try trainer.encoder.predict(x, batchSize: batchSize),
                           clusters: result.assignments, labels: dataset.labels, title: "\(title): after clustering", seed: seed, report: report)
        }
        let s = result.finalMetrics
        say("final acc=\(formatScore(s?.accuracy)) nmi=\(formatScore(s?.nmi)) ari=\(formatScore(s?.ari)) "
              + "iterations=\(result.iterations) seconds=\(String(format: "%.1f", Date().timeIntervalSince(start)))")
    }

    func makeAutoencoder(inputShape: [Int], using rng: inout SeededGenerator) throws -> Autoencoder {
        switch arch {
        case .dense:
            return try Autoencoder.dense([inputShape.reduce(1, *), 500, 500, 2000, 10], using: &rng)
        case .conv:
            return try Autoencoder.convolutional(inputShape: inputShape, embeddingSize: 10, using: &rng)
        case .convUpsampling:
            return try Autoencoder.convolutionalUpsampling(inputShape: inputShape, embeddingSize: 10, using: &rng)
        }
    }

    func pretrain(_ autoencoder: Autoencoder, on x: Tensor, augmentation: ImageAugmentation?, report: RunReport) throws {
        let epochs = pretrainEpochs ?? (arch == .dense ? 300 : 100)
        let optimizer = try (pretrainingOptions.pretrainOptimizer ?? .seedDefault(for: arch))
            .make(learningRate: pretrainingOptions.pretrainLearningRate)
        let batches = x.shape[0].dividedRoundingUp(by: batchSize)
        var bar = ProgressBar(total: batches, label: "pretrain 1/\(epochs)", logsWhenNotInteractive: false)
        var epochLosses: [Float] = []
        try autoencoder.pretrain(on: x, epochs: epochs, batchSize: batchSize, optimizer: optimizer, shuffleSeed: seed,
                                    augmentation: augmentation) { event in
            switch event {
            case let .batchEnded(_, batch, _, loss):
                bar.update(step: batch, loss: Double(loss))
            case let .epochEnded(epoch, count, loss):
                bar.finish()
                epochLosses.append(loss)
                say(String(format: "pretrain epoch=%d/%d loss=%.6f", epoch, count, loss))
                if epoch < count { bar = ProgressBar(total: batches, label: "pretrain \(epoch + 1)/\(count)", logsWhenNotInteractive: false) }
            }
        }
        try autoencoder.saveParameters(to: report.path("autoencoder.safetensors"),
                                       metadata: ["architecture": arch.rawValue, "epochs": "\(epochs)"])
        try CSVFormat().write(rows: epochLosses.enumerated().map { ["\($0.offset + 1)", "\($0.element)"] },
                              columnNames: ["epoch", "loss"], to: report.path("pretrain_history.csv"))
    }
}

extension DECCommand {
    static func main() { runReportingErrorsOnOneLine() }
}
