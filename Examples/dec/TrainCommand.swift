// dec train: Deep Embedded Clustering of a dataset, with reports.
//
// Pretrains an autoencoder (or loads one), initialises cluster centres with k-means on the
// embedding, self-trains with DEC or IDEC, and writes model.safetensors (the whole model),
// autoencoder.safetensors, dec.safetensors, history.csv, assignments.csv, confusion_matrix.svg
// and training_curves.svg to the output directory. Defaults reproduce --recipe's settings
// (recommended by default; dec-keras is the reference Keras implementation).

import ArgumentParser
import DeepClustering
import ExampleSupport
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train DEC/IDEC/DCEC/DEC-DA on a dataset and write the model and reports.",
        discussion: """
            The default recipe, recommended, adapts to the data (dense DEC-DA for images, sized by the \
            sample count). --recipe dec-keras runs the reference Keras implementation's settings: dense \
            pretraining 300 epochs SGD(lr 1, momentum 0.9); k-means with 20 restarts; clustering with \
            SGD(0.01, 0.9); batch 256, update interval 140, tol 0.1%. The output directory receives \
            model.safetensors, which dec predict reads.
            """)

    @OptionGroup var data: DatasetOptions

    @OptionGroup(title: "Recipe") var recipeOptions: RecipeOptions

    @Option(help: "Number of clusters, or auto to choose it by silhouette on the pretrained embedding (see --cluster-search).")
    var clusters: ClusterCountArgument = .fixed(10)

    @OptionGroup var clusterSearch: ClusterCountOptions

    @OptionGroup var maps: EmbeddingMapOptions

    @OptionGroup(title: "Held-out data") var heldOutOptions: HeldOutOptions

    @OptionGroup var pretrainingOptions: PretrainingOptions

    @Option(help: "Start from these pretrained autoencoder weights (safetensors) instead of pretraining.")
    var pretrained: String?

    @OptionGroup(title: "Additional clustering losses") var losses: ObjectiveOptions

    @Option(help: "Seed for weights, shuffling, k-means and augmentation.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp(
        "Run once per seed, A...B or a list A,B,C, each into OUTPUT-DIR/seed-S, and summarise (summary.csv, mean ± sd).",
        discussion: "Replaces --seed. The summary line reads summary seeds=N acc=M±SD nmi=M±SD ari=M±SD seconds=M±SD (sample standard deviation)."))
    var seeds: SeedList?

    @Option(help: "Directory for weights and reports.")
    var outputDir: String = "dec-output"

    func validate() throws {
        try heldOutOptions.validate(for: data)
        if seeds != nil && seed != 0 { throw ValidationError("--seeds replaces --seed: give one of them") }
        if let k = clusters.fixedCount, k < 2 { throw ValidationError("--clusters must be at least 2 or auto, found \(k)") }
        if let p = pretrained, !FileManager.default.fileExists(atPath: p) {
            throw ValidationError("--pretrained \(p): no such file")
        }
    }

    func run() throws {
        let start = Date()
        let report = try RunReport(directory: outputDir)
        let (dataset, imageShape) = try data.loadWithImageShape(split: heldOutOptions.trainingSplit)
        guard (clusters.fixedCount ?? 2) <= dataset.count else {
            throw ExampleError("--clusters \(clusters.fixedCount ?? 2) exceeds the \(dataset.count) samples of \(data.displayName)")
        }
        say("data \(data.displayName) shape=\(dataset.x.shape) image=\(imageShape.map(\.description) ?? "none") labels=\(dataset.labels == nil ? "none" : "yes")")
        let heldOut = try heldOutOptions.load(like: data)
        if let heldOut { say("held-out data \(heldOut.name) shape=\(heldOut.dataset.x.shape) labels=\(heldOut.dataset.labels == nil ? "none" : "yes")") }
        guard let seeds else {
            try train(dataset, imageShape: imageShape, heldOut: heldOut, seed: seed, report: report, start: start)
            return
        }
        var outcomes: [SeedOutcome] = []
        for s in seeds.values {
            say("seed \(s)")
            let seedReport = try RunReport(directory: URL(fileURLWithPath: outputDir).appendingPathComponent("seed-\(s)").path)
            outcomes.append(try train(dataset, imageShape: imageShape, heldOut: heldOut, seed: s, report: seedReport, start: Date()))
        }
        try SeedOutcome.summarize(outcomes, report: report)
    }

    /// Trains one model with `seed` and writes its reports; returns its scores.
    @discardableResult
    func train(
        _ dataset: LabeledDataset, imageShape: ImageShape?, heldOut: (dataset: LabeledDataset, imageShape: ImageShape?, name: String)?,
        seed: UInt64, report: RunReport, start: Date
    ) throws -> SeedOutcome {
        let recipe = try recipeOptions.resolve(sampleCount: dataset.count, imageShape: imageShape, pretraining: pretrainingOptions)
        let model = try DeepClusteringModel(recipe: recipe, trainingData: dataset.x, imageShape: imageShape, seed: seed)
        let x = try model.prepare(dataset.x, source: data.displayName)
        let testX = try heldOut.map { try model.prepare($0.dataset, imageShape: $0.imageShape, source: $0.name) }
        say("recipe \(model.recipe)")
        say("scaling \(describe(model.scaler))")
        say("openblas \(BLAS.configuration) threads=\(BLAS.threadCount)")
        say("gemm \(BLAS.engineDescription)")

        // 1. The autoencoder: pretrained weights, or pretraining now.
        let autoencoder = model.autoencoder
        say("autoencoder \(recipe.architecture.rawValue) parameters=\(autoencoder.parameterCount)")
        if let pretrained {
            try autoencoder.loadParameters(from: pretrained)
            say("loaded pretrained weights from \(pretrained)")
        } else {
            try pretrain(model, on: x, report: report)
        }

        // 2. The number of clusters, k-means initialisation and self-training.
        let pretrainedEmbedding = clusters == .automatic || maps.enabled ? try autoencoder.encoder.predict(x, batchSize: recipe.batchSize) : nil
        let k = try clusterSearch.resolve(clusters, embedding: pretrainedEmbedding, seed: seed)
        let objective = try losses.objective(extending: model.configuration(clusterCount: k).resolvedObjective)
        let modeName = recipe.mode == .dec ? "dec" : "idec"
        let bar = ProgressBar(total: recipe.maxIterations, label: modeName)
        var running: Float? = nil
        var heldOutScores: [ClusteringScores?] = [], heldOutFailure: (any Error)?
        let result = try model.cluster(x, clusterCount: k, labels: dataset.labels, objective: objective,
                                       pretrainedEmbedding: pretrainedEmbedding) { event in
            guard case let .clustering(event) = event else { return }
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
                // Held-out data, assigned by the model as it is at this update.
                var test = ""
                if let testX, let heldOut, heldOutFailure == nil {
                    do {
                        let predictions = try model.trainer!.predict(testX)
                        let scores = try heldOut.dataset.labels.map { try ClusteringScores(labels: $0, predictions: predictions) }
                        heldOutScores.append(scores)
                        test = " test_acc=\(formatScore(scores?.accuracy)) test_nmi=\(formatScore(scores?.nmi)) test_ari=\(formatScore(scores?.ari))"
                    } catch {
                        heldOutFailure = error
                    }
                }
                say("iter=\(u.iteration) loss=\(loss) delta_label=" + String(format: "%.5f", u.deltaLabel)
                      + " acc=\(formatScore(u.accuracy)) nmi=\(formatScore(u.nmi)) ari=\(formatScore(u.ari))" + test + terms)
                if let warning = u.collapseWarning() { say("warning: \(warning)") }
            }
        }
        bar.finish()
        if let heldOutFailure { throw heldOutFailure }
        if result.converged { say("converged: fewer than \(recipe.tolerance) of the labels changed") }

        // 3. Reports.
        let trainer = model.trainer!
        let title = "\(modeName.uppercased()) \(recipe.architecture.rawValue) on \(data.displayName)"
        try trainer.save(to: report.path("dec.safetensors"),
                         metadata: ["architecture": recipe.architecture.rawValue, "dataset": data.displayName, "recipe": recipe.name])
        try model.save(to: report.path("model.safetensors"))
        try report.writeHistory(result.history, heldOutScores: heldOut == nil ? nil : heldOutScores)
        try report.writeAssignments(result.assignments, softAssignments: try trainer.softAssignments(x), labels: dataset.labels)
        if let testX, let heldOut {
            let q = try trainer.softAssignments(testX)
            let assignments = try q.argmax()
            try report.writeAssignments(assignments, softAssignments: q, labels: heldOut.dataset.labels, to: "test_assignments.csv")
            let s = try heldOut.dataset.labels.map { try ClusteringScores(labels: $0, predictions: assignments) }
            say("test acc=\(formatScore(s?.accuracy)) nmi=\(formatScore(s?.nmi)) ari=\(formatScore(s?.ari)) "
                  + "samples=\(assignments.count) clusters_used=\(Set(assignments).count)")
        }
        try report.writeTrainingCurves(result.history, title: title)
        if let labels = dataset.labels {
            try report.writeConfusionMatrix(labels: labels, assignments: result.assignments, title: title)
        }
        if let pretrainedEmbedding {
            try maps.write("embedding_initial.svg", embedding: pretrainedEmbedding, clusters: result.initialization.labels,
                           labels: dataset.labels, title: "\(title): pretrained embedding, k-means", seed: seed, report: report)
            try maps.write("embedding_final.svg", embedding: try trainer.encoder.predict(x, batchSize: recipe.batchSize),
                           clusters: result.assignments, labels: dataset.labels, title: "\(title): after clustering", seed: seed, report: report)
        }
        let s = result.finalMetrics, seconds = Date().timeIntervalSince(start)
        say("final acc=\(formatScore(s?.accuracy)) nmi=\(formatScore(s?.nmi)) ari=\(formatScore(s?.ari)) "
              + "iterations=\(result.iterations) seconds=\(String(format: "%.1f", seconds)) "
              + "clusters_used=\(Set(result.assignments).count)")
        return SeedOutcome(seed: seed, scores: s, initialScores: result.initialMetrics, iterations: result.iterations, seconds: seconds)
    }

    /// The scaling in words, e.g. `standard per feature (13 features)`.
    func describe(_ scaler: FeatureScaler) -> String {
        switch scaler.kind {
        case .identity: return "none (values as they are)"
        case .global: return "\(scaler.scaling.rawValue): (x − \(scaler.offsets[0])) × \(scaler.factors[0]) for every value"
        case .perFeature: return "\(scaler.scaling.rawValue) per feature (\(scaler.featureCount) features)"
        case .unitNorm: return "unit-norm per sample"
        }
    }

    /// Pretrains `model` as its recipe says and writes `autoencoder.safetensors` and
    /// `pretrain_history.csv` (epoch, loss; stage, epoch, loss for layer-wise pretraining).
    func pretrain(_ model: DeepClusteringModel, on x: Tensor, report: RunReport) throws {
        let recipe = model.recipe
        let batches = x.shape[0].dividedRoundingUp(by: recipe.batchSize)
        var bar: ProgressBar?
        var rows: [[String]] = []
        var metadata = ["architecture": recipe.architecture.rawValue, "recipe": recipe.name]
        switch recipe.pretraining {
        case let .endToEnd(epochs, optimizer):
            metadata["epochs"] = "\(epochs)"
            metadata["optimizer"] = "\(optimizer)"
        case let .layerwise(config):
            metadata["pretraining"] = "layerwise"
            metadata["layer_length"] = "\(config.layerLength)"
            metadata["fine_tuning_length"] = "\(config.fineTuningLength)"
            metadata["learning_rate"] = "\(config.learningRate)"
            metadata["learning_rate_decay_interval"] = "\(config.learningRateDecayInterval)"
        }
        try model.pretrain(x) { event in
            switch event {
            case let .pretraining(.batchEnded(epoch, batch, _, loss)):
                if batch == 1 { bar = ProgressBar(total: batches, label: "pretrain \(epoch)", logsWhenNotInteractive: false) }
                bar?.update(step: batch, loss: Double(loss))
            case let .pretraining(.epochEnded(epoch, count, loss)):
                bar?.finish()
                rows.append(["\(epoch)", "\(loss)"])
                say(String(format: "pretrain epoch=%d/%d loss=%.6f", epoch, count, loss))
            case let .layerwisePretraining(stage, .batchEnded(epoch, batch, _, loss)):
                if batch == 1 { bar = ProgressBar(total: batches, label: "\(stage) epoch \(epoch)", logsWhenNotInteractive: false) }
                bar?.update(step: batch, loss: Double(loss))
            case let .layerwisePretraining(stage, .epochEnded(epoch, count, loss)):
                bar?.finish()
                rows.append(["\(stage)", "\(epoch)", "\(loss)"])
                say(String(format: "pretrain %@ epoch=%d/%d loss=%.6f", "\(stage)", epoch, count, loss))
            case .clustering:
                break
            }
        }
        try model.autoencoder.saveParameters(to: report.path("autoencoder.safetensors"), metadata: metadata)
        let columns = rows.first?.count == 3 ? ["stage", "epoch", "loss"] : ["epoch", "loss"]
        try CSVFormat().write(rows: rows, columnNames: columns, to: report.path("pretrain_history.csv"))
    }

}
