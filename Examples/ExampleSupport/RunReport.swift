import DeepClustering
import Foundation

/// Writes the files an example run leaves in its output directory: `history.csv`,
/// `assignments.csv`, `confusion_matrix.svg` (with labels) and `training_curves.svg`.
/// Every file is written atomically.
public struct RunReport {
    /// The output directory, created (with its missing parents) when the first file is written,
    /// so that a run that fails before writing anything leaves nothing behind.
    public let directory: String

    /// Checks that the directory exists and is writable, or could be created: its nearest
    /// existing ancestor must be a writable directory.
    /// - Throws: ``ExampleError`` naming the path when it is a file or not writable.
    public init(directory: String) throws {
        self.directory = directory
        let manager = FileManager.default
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        var isDirectory: ObjCBool = false
        while !manager.fileExists(atPath: url.path, isDirectory: &isDirectory) && url.path != "/" {
            url = url.deletingLastPathComponent()
        }
        guard isDirectory.boolValue else {
            throw ExampleError("cannot create output directory \(directory): \(url.path) is not a directory")
        }
        guard manager.isWritableFile(atPath: url.path) else {
            throw ExampleError("cannot create output directory \(directory): \(url.path) is not writable")
        }
    }

    /// The path of a file in the output directory, creating the directory if it is missing.
    /// - Throws: ``ExampleError`` when the directory cannot be created.
    public func path(_ name: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ExampleError("cannot create output directory \(directory): \(error.localizedDescription)")
        }
        return URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }

    /// Writes one row per update: iteration, loss terms, delta-label, the scores and the sizes
    /// of the smallest and largest cluster, then for every term of the objective its mean
    /// unweighted loss and its weight (`<term>_loss`, `<term>_weight`; empty before the first batch).
    /// - Parameters:
    ///   - history: The updates.
    ///   - heldOutScores: The scores of held-out data at each update (`test_acc`, `test_nmi`,
    ///     `test_ari` after the cluster sizes; empty without labels), or `nil` for no such columns.
    public func writeHistory(_ history: [DECUpdate], heldOutScores: [ClusteringScores?]? = nil) throws {
        func f(_ v: Float) -> String { v.isNaN ? "" : String(v) }
        func d(_ v: Double?) -> String { v.map { String(format: "%.6f", $0) } ?? "" }
        var termNames: [String] = []
        for u in history { for t in u.termLosses where !termNames.contains(t.name) { termNames.append(t.name) } }
        let rows = history.enumerated().map { i, u in
            var row = ["\(u.iteration)", f(u.loss), f(u.clusteringLoss), f(u.reconstructionLoss),
                       String(format: "%.6f", u.deltaLabel), d(u.accuracy), d(u.nmi), d(u.ari),
                       "\(u.smallestClusterSize)", "\(u.largestClusterSize)"]
            if let heldOutScores {
                let s = i < heldOutScores.count ? heldOutScores[i] : nil
                row += [d(s?.accuracy), d(s?.nmi), d(s?.ari)]
            }
            for name in termNames {
                let term = u.termLosses.first { $0.name == name }
                row += [term.map { f($0.loss) } ?? "", term.map { f($0.weight) } ?? ""]
            }
            return row
        }
        let columns = ["iteration", "loss", "clustering_loss", "reconstruction_loss", "delta_label", "acc", "nmi", "ari",
                       "min_cluster_size", "max_cluster_size"] + (heldOutScores == nil ? [] : ["test_acc", "test_nmi", "test_ari"])
            + termNames.flatMap { ["\($0)_loss", "\($0)_weight"] }
        try CSVFormat().write(rows: rows, columnNames: columns, to: path("history.csv"))
    }

    /// Writes one row per sample: its index, cluster, (with soft assignments) confidence and
    /// (when known) label; the confidence is the largest soft assignment `q` of the sample.
    /// - Parameters:
    ///   - assignments: The cluster of each sample.
    ///   - softAssignments: `Q`, `[N, k]`, or `nil` for a method without soft assignments (k-means).
    ///   - labels: The true label of each sample, or `nil`.
    ///   - name: The file's name in the output directory.
    public func writeAssignments(
        _ assignments: [Int], softAssignments: Tensor? = nil, labels: [Int]?, to name: String = "assignments.csv"
    ) throws {
        var confidences: [Float]?
        if let q = softAssignments {
            let k = q.shape[1]
            confidences = q.withUnsafeBufferPointer { p in
                (0..<q.shape[0]).map { i in p[(i * k)..<(i * k + k)].max()! }
            }
        }
        let rows = assignments.enumerated().map { i, c in
            ["\(i)", "\(c)"] + (confidences.map { ["\($0[i])"] } ?? []) + (labels.map { ["\($0[i])"] } ?? [])
        }
        let columns = ["index", "cluster"] + (confidences == nil ? [] : ["confidence"]) + (labels == nil ? [] : ["label"])
        try CSVFormat().write(rows: rows, columnNames: columns, to: path(name))
    }

    /// Writes the confusion matrix heat map (true label × cluster).
    public func writeConfusionMatrix(labels: [Int], assignments: [Int], title: String) throws {
        let counts = try confusionMatrix(labels: labels, predictions: assignments)
        try ConfusionMatrixChart(counts: counts, title: title).svg().write(to: path("confusion_matrix.svg"))
    }

    /// Writes the loss (top) and ACC/NMI/ARI (bottom, with labels) per update.
    public func writeTrainingCurves(_ history: [DECUpdate], title: String) throws {
        let trained = history.filter { !$0.loss.isNaN }
        var panels = [LineChart.Panel]()
        if !trained.isEmpty {
            var series = [LineChart.Series(name: "loss", points: trained.map { (Double($0.iteration), Double($0.loss)) }, color: "#d62728")]
            if trained.contains(where: { !$0.reconstructionLoss.isNaN }) {
                series.append(.init(name: "KL(P‖Q)", points: trained.map { (Double($0.iteration), Double($0.clusteringLoss)) }, color: "#ff7f0e"))
                series.append(.init(name: "MSE", points: trained.map { (Double($0.iteration), Double($0.reconstructionLoss)) }, color: "#9467bd"))
            }
            panels.append(.init(yLabel: "loss", series: series))
        }
        let scored = history.filter { $0.accuracy != nil }
        if !scored.isEmpty {
            panels.append(.init(yLabel: "score", series: [
                .init(name: "ACC", points: scored.map { (Double($0.iteration), $0.accuracy!) }, color: "#1f77b4"),
                .init(name: "NMI", points: scored.map { (Double($0.iteration), $0.nmi!) }, color: "#2ca02c"),
                .init(name: "ARI", points: scored.map { (Double($0.iteration), $0.ari!) }, color: "#8c564b"),
            ]))
        }
        panels.append(.init(yLabel: "delta label", series: [
            .init(name: "changed", points: history.dropFirst().map { (Double($0.iteration), $0.deltaLabel) }, color: "#7f7f7f"),
        ]))
        try LineChart(title: title, xLabel: "iteration", panels: panels).svg().write(to: path("training_curves.svg"))
    }
}

/// `0.1234` with four decimals, or `n/a`.
public func formatScore(_ v: Double?) -> String {
    v.map { String(format: "%.4f", $0) } ?? "n/a"
}
