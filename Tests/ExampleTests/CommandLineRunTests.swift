import Foundation
import Testing

/// The example executables' success paths end to end on tiny generated CSV files, with settings
/// small enough that each run takes seconds: `dec train` writes every report with its
/// documented columns, `dec predict` reproduces the training run's `assignments.csv`, and
/// `kmeans` succeeds.
@Suite(.timeLimit(.minutes(5))) struct CommandLineRunTests {
    typealias CLI = CommandLineErrorTests

    /// Short settings: a pretraining of two Adam epochs, twenty DEC iterations (the recommended
    /// recipe would run IDEC on so few samples), no maps.
    static let tiny = ["--pretrain-epochs", "2", "--pretrain-optimizer", "adam", "--max-iterations", "20",
                       "--batch-size", "16", "--map-sample", "0", "--mode", "dec"]

    /// `name` in `directory`: three blobs of `count / 3` points in 4 dimensions with noise
    /// drawn from `seed`, centres `8·separation` apart, label in the last column when `labelled`.
    static func blobsFile(
        labelled: Bool, in directory: URL, count: Int = 90, seed: UInt64 = 7, separation: Double = 1, name: String = "blobs.csv"
    ) throws -> URL {
        var generator = SplitMix(seed: seed)
        let centres: [[Double]] = [[0, 0, 0, 0], [8, 8, 0, 0], [0, 8, 8, 8]]
        let rows = (0..<count).map { i in
            let values = centres[i % 3].map { String(format: "%.3f", $0 * separation + generator.nextNoise()) }
            return (values + (labelled ? ["\(i % 3)"] : [])).joined(separator: ",")
        }
        let url = directory.appendingPathComponent(name)
        try write(rows.joined(separator: "\n") + "\n", to: url)
        return url
    }

    /// A deterministic noise source for the generated files (uniform in ±1.5).
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func nextNoise() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return (Double(z >> 11) / Double(1 << 53) - 0.5) * 3
        }
    }

    static func write(_ text: String, to url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    static func lines(of url: URL) throws -> [Substring] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    }

    /// The line of standard output that starts with `prefix`.
    static func line(startingWith prefix: String, in outcome: CLI.Outcome) -> Substring? {
        outcome.standardOutput.split(separator: "\n").first { $0.hasPrefix(prefix) }
    }

    /// Runs `dec predict` with the `model.safetensors` of `trained` on `data` into `output`,
    /// requiring success, and checks that it wrote `trained`'s `assignments.csv` byte for byte.
    static func predictReproducesAssignments(
        of trained: URL, data: [String], output: URL, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLI.Outcome {
        let outcome = try CLI.run("dec", ["predict", "--model", trained.appendingPathComponent("model.safetensors").path]
                                      + data + ["--output-dir", output.path])
        try #require(outcome.status == 0, "dec predict: \(outcome.standardError)", sourceLocation: sourceLocation)
        let original = try Data(contentsOf: trained.appendingPathComponent("assignments.csv"))
        #expect(try Data(contentsOf: output.appendingPathComponent("assignments.csv")) == original, sourceLocation: sourceLocation)
        return outcome
    }

    @Test func decTrainWritesEveryReportAndPredictReproducesTheAssignments() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try Self.blobsFile(labelled: true, in: dir)
        let data = ["--dataset", "csv", "--file", csv.path, "--label-column", "4"]
        let trained = dir.appendingPathComponent("trained")
        // No subcommand: `dec …` is `dec train …`.
        let train = try CLI.run("dec", data + ["--clusters", "3"] + Self.tiny + ["--output-dir", trained.path])
        try #require(train.status == 0, "dec: \(train.standardError)")

        for file in ["model.safetensors", "autoencoder.safetensors", "dec.safetensors", "history.csv", "assignments.csv",
                     "pretrain_history.csv", "confusion_matrix.svg", "training_curves.svg"] {
            #expect(FileManager.default.fileExists(atPath: trained.appendingPathComponent(file).path), "no \(file)")
        }
        let history = try Self.lines(of: trained.appendingPathComponent("history.csv"))
        let columns = "iteration,loss,clustering_loss,reconstruction_loss,delta_label,acc,nmi,ari,"
            + "min_cluster_size,max_cluster_size,kld_loss,kld_weight"
        #expect(history.first.map(String.init) == columns)
        #expect(history.count >= 3, "\(history)")  // iteration 0 and at least one update after training
        for row in history.dropFirst() {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields.count == 12, "\(row)")
            if fields.count == 12, let smallest = Int(fields[8]), let largest = Int(fields[9]) {
                #expect(smallest >= 1 && smallest <= 30 && largest >= 30 && largest <= 90, "\(row)")
            } else {
                Issue.record("no cluster sizes in \(row)")
            }
        }
        let assignments = try Self.lines(of: trained.appendingPathComponent("assignments.csv"))
        #expect(assignments.first == "index,cluster,confidence,label")
        #expect(assignments.count == 91)
        for row in assignments.dropFirst() {
            let fields = row.split(separator: ",")
            let confidence = fields.count == 4 ? Double(fields[2]) : nil
            #expect(confidence.map { $0 >= 1.0 / 3 && $0 <= 1 } == true, "\(row)")
        }
        #expect(try Self.lines(of: trained.appendingPathComponent("pretrain_history.csv")).first == "epoch,loss")
        let trainFinal = try #require(Self.line(startingWith: "final ", in: train))
        #expect(trainFinal.contains(" iterations=") && trainFinal.hasSuffix(" clusters_used=3"), "\(trainFinal)")

        // dec predict with the model file alone reproduces the assignments, byte for byte.
        let predict = try Self.predictReproducesAssignments(of: trained, data: data, output: dir.appendingPathComponent("predicted"))
        let predictFinal = try #require(Self.line(startingWith: "final ", in: predict))
        // The same scores, printed the same way.
        let scores = { (line: Substring) in line.split(separator: " ").prefix(4).joined(separator: " ") }
        #expect(scores(predictFinal) == scores(trainFinal), "\(predictFinal) vs \(trainFinal)")
        #expect(predictFinal.hasSuffix(" clusters_used=3"), "\(predictFinal)")
    }

    @Test func heldOutDataAreScoredAtEveryUpdate() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try Self.blobsFile(labelled: true, in: dir)
        let test = try Self.blobsFile(labelled: true, in: dir, count: 45, seed: 8, name: "held-out.csv")
        let out = dir.appendingPathComponent("out")
        let train = try CLI.run("dec", ["--dataset", "csv", "--file", csv.path, "--label-column", "4", "--test-file", test.path,
                                        "--clusters", "3"] + Self.tiny + ["--output-dir", out.path])
        try #require(train.status == 0, "dec: \(train.standardError)")
        let updates = train.standardOutput.split(separator: "\n").filter { $0.hasPrefix("iter=") }
        #expect(!updates.isEmpty && updates.allSatisfy { $0.contains(" test_acc=1.0000 test_nmi=1.0000 test_ari=1.0000") }, "\(updates)")
        #expect(Self.line(startingWith: "test acc=1.0000 nmi=1.0000 ari=1.0000 samples=45 clusters_used=3", in: train) != nil,
                "\(train.standardOutput)")
        let history = try Self.lines(of: out.appendingPathComponent("history.csv"))
        let columns = history.first?.split(separator: ",").map(String.init) ?? []
        #expect(Array(columns.prefix(13).suffix(5)) == ["min_cluster_size", "max_cluster_size", "test_acc", "test_nmi", "test_ari"], "\(columns)")
        #expect(history.count == updates.count + 1)
        #expect(history.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[10] == "1.000000" }, "\(history)")
        // The held-out assignments are what dec predict writes for the held-out file.
        let predicted = dir.appendingPathComponent("predicted")
        let predict = try CLI.run("dec", ["predict", "--model", out.appendingPathComponent("model.safetensors").path,
                                          "--dataset", "csv", "--file", test.path, "--label-column", "4", "--output-dir", predicted.path])
        try #require(predict.status == 0, "dec predict: \(predict.standardError)")
        #expect(try Data(contentsOf: predicted.appendingPathComponent("assignments.csv"))
            == Data(contentsOf: out.appendingPathComponent("test_assignments.csv")))
    }

    @Test func withoutLabelsTheMapIsColouredByClusterOnly() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try Self.blobsFile(labelled: false, in: dir)
        let out = dir.appendingPathComponent("out")
        let data = ["--dataset", "csv", "--file", csv.path]
        let train = try CLI.run("dec", ["train"] + data + ["--clusters", "3"] + Self.tiny.dropLast(2)
                                    + ["--map-sample", "40", "--output-dir", out.path])
        try #require(train.status == 0, "dec train: \(train.standardError)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("confusion_matrix.svg").path))
        for map in ["embedding_initial.svg", "embedding_final.svg"] {
            let svg = try String(contentsOf: out.appendingPathComponent(map), encoding: .utf8)
            #expect(svg.contains("coloured by cluster"), "\(map)")
            #expect(!svg.contains("true label") && !svg.contains(">label "), "\(map) has a label panel")
        }
        #expect(try Self.lines(of: out.appendingPathComponent("assignments.csv")).first == "index,cluster,confidence")
        let final = try #require(Self.line(startingWith: "final ", in: train))
        #expect(final.hasPrefix("final acc=n/a nmi=n/a ari=n/a") && final.hasSuffix(" clusters_used=3"), "\(final)")

        let predict = try Self.predictReproducesAssignments(of: out, data: data, output: dir.appendingPathComponent("predicted"))
        #expect(Self.line(startingWith: "final ", in: predict) == nil)
        #expect(Self.line(startingWith: "assigned samples=90 ", in: predict) != nil, "\(predict.standardOutput)")
    }

    @Test func predictRefusesDataAndFilesThatDoNotFitTheModel() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 8x8 images of three classes (a lit quadrant), label in column 0.
        var generator = SplitMix(seed: 3)
        let rows = (0..<48).map { i -> String in
            let pixels = (0..<64).map { p in ((p / 8) / 4) * 2 + (p % 8) / 4 == i % 3 ? 200 + generator.nextNoise() * 10 : 20 + generator.nextNoise() * 10 }
            return (["\(i % 3)"] + pixels.map { String(format: "%.0f", $0) }).joined(separator: ",")
        }
        let csv = dir.appendingPathComponent("images.csv")
        try Self.write(rows.joined(separator: "\n") + "\n", to: csv)
        let out = dir.appendingPathComponent("out")
        let train = try CLI.run("dec", ["--dataset", "csv", "--file", csv.path, "--label-column", "0", "--image-shape", "8x8",
                                        "--recipe", "dec-keras", "--scale", "auto", "--clusters", "3"] + Self.tiny + ["--output-dir", out.path])
        try #require(train.status == 0, "dec: \(train.standardError)")
        let model = out.appendingPathComponent("model.safetensors")

        func refusal(_ arguments: [String], mentions: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let failed = dir.appendingPathComponent("failed")
            let outcome = try CLI.run("dec", ["predict"] + arguments + ["--output-dir", failed.path])
            #expect(outcome.status != 0, "\(arguments) succeeded", sourceLocation: sourceLocation)
            #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)", sourceLocation: sourceLocation)
            #expect(outcome.standardError.contains(mentions), "\(outcome.standardError)", sourceLocation: sourceLocation)
            #expect(!outcome.standardError.contains("Fatal error"), sourceLocation: sourceLocation)
            #expect(!FileManager.default.fileExists(atPath: failed.path), "a failed run created \(failed.path)", sourceLocation: sourceLocation)
        }
        let images = ["--dataset", "csv", "--file", csv.path, "--label-column", "0"]
        // Another image shape of the same width, and rows of another width.
        try refusal(["--model", model.path] + images + ["--image-shape", "4x16"], mentions: "trained on 8x8x1 images")
        let narrow = dir.appendingPathComponent("narrow.csv")
        try Self.write(rows.map { $0.split(separator: ",").prefix(40).joined(separator: ",") }.joined(separator: "\n"), to: narrow)
        try refusal(["--model", model.path, "--dataset", "csv", "--file", narrow.path, "--label-column", "0"],
                    mentions: "takes 64 values per sample")
        // A truncated model file, a file of plain weights, no file.
        let bytes = try Data(contentsOf: model)
        let truncated = dir.appendingPathComponent("truncated.safetensors")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        try refusal(["--model", truncated.path] + images, mentions: truncated.path)
        try refusal(["--model", out.appendingPathComponent("autoencoder.safetensors").path] + images,
                    mentions: "not a DeepClustering model file")
        try refusal(["--model", dir.appendingPathComponent("missing.safetensors").path] + images, mentions: "missing.safetensors")
        // The model reads the same images flat (no --image-shape) as it read them shaped.
        _ = try Self.predictReproducesAssignments(of: out, data: images, output: dir.appendingPathComponent("flat"))
    }

    @Test func aCollapsingClusterIsReportedAtEveryUpdate() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Two blobs of 30 and a far pair: with --clusters 3 the pair is a cluster of 2 samples,
        // under a tenth of the fair share 62/3.
        var generator = SplitMix(seed: 5)
        var rows = (0..<60).map { i in (0..<3).map { _ in String(format: "%.3f", Double(i % 2 * 6) + generator.nextNoise()) }.joined(separator: ",") }
        rows += ["60,-60,60", "61,-61,60"]
        let csv = dir.appendingPathComponent("collapse.csv")
        try Self.write(rows.joined(separator: "\n") + "\n", to: csv)
        let out = dir.appendingPathComponent("out")
        let train = try CLI.run("dec", ["--dataset", "csv", "--file", csv.path, "--clusters", "3"] + Self.tiny + ["--output-dir", out.path])
        try #require(train.status == 0, "dec: \(train.standardError)")
        let updates = train.standardOutput.split(separator: "\n").filter { $0.hasPrefix("iter=") }
        let warnings = train.standardOutput.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        #expect(!updates.isEmpty && warnings.count == updates.count, "\(train.standardOutput)")
        #expect(warnings.first?.hasPrefix("warning: iter=0: cluster ") == true, "\(warnings)")
        #expect(warnings.allSatisfy { $0.hasSuffix("holds 2 samples, under 10% of the fair share N/k = 20.7") }, "\(warnings)")
        let history = try Self.lines(of: out.appendingPathComponent("history.csv"))
        #expect(history.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[8] == "2" }, "\(history)")
    }

    @Test func seedsRunIntoTheirOwnDirectoriesAndAreSummarised() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Overlapping blobs, so that the seeds' scores differ.
        let csv = try Self.blobsFile(labelled: true, in: dir, separation: 0.3)
        let out = dir.appendingPathComponent("out")
        let outcome = try CLI.run("dec", ["--dataset", "csv", "--file", csv.path, "--label-column", "4", "--clusters", "3",
                                          "--seeds", "0,1,2"] + Self.tiny + ["--output-dir", out.path])
        try #require(outcome.status == 0, "dec: \(outcome.standardError)")
        for s in 0..<3 {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("seed-\(s)/model.safetensors").path))
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("seed-\(s)/history.csv").path))
        }
        let summary = try Self.lines(of: out.appendingPathComponent("summary.csv"))
        #expect(summary.first == "seed,acc,nmi,ari,iterations,seconds,kmeans_acc")
        let rows = summary.dropFirst().map { $0.split(separator: ",").map(String.init) }
        try #require(rows.count == 3 && rows.allSatisfy { $0.count == 7 }, "\(summary)")
        #expect(rows.map { $0[0] } == ["0", "1", "2"])
        // Each row is its run's final line.
        let finals = outcome.standardOutput.split(separator: "\n").filter { $0.hasPrefix("final ") }
        try #require(finals.count == 3, "\(outcome.standardOutput)")
        for (row, final) in zip(rows, finals) {
            #expect(final.hasPrefix("final acc=\(String(format: "%.4f", Double(row[1])!)) "), "\(row) vs \(final)")
        }
        // The summary line: means and sample standard deviations of the rows.
        func meanAndDeviation(_ column: Int, digits: Int) -> String {
            let v = rows.map { Double($0[column])! }
            let mean = v.reduce(0, +) / 3
            let sd = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
            return String(format: "%.\(digits)f±%.\(digits)f", mean, sd)
        }
        let line = try #require(Self.line(startingWith: "summary ", in: outcome))
        #expect(line.hasPrefix("summary seeds=3 acc=\(meanAndDeviation(1, digits: 4)) nmi=\(meanAndDeviation(2, digits: 4)) "
                               + "ari=\(meanAndDeviation(3, digits: 4)) seconds="), "\(line)")
        #expect(Set(rows.map { $0[1] }).count > 1, "the seeds gave the same accuracy \(rows.map { $0[1] }); the test needs harder data")
    }

    @Test func kmeansSucceeds() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try Self.blobsFile(labelled: true, in: dir)
        let out = dir.appendingPathComponent("out")
        let outcome = try CLI.run("kmeans", ["--dataset", "csv", "--file", csv.path, "--label-column", "4", "--clusters", "3",
                                             "--output-dir", out.path])
        try #require(outcome.status == 0, "kmeans: \(outcome.standardError)")
        let assignments = try Self.lines(of: out.appendingPathComponent("assignments.csv"))
        #expect(assignments.first == "index,cluster,label" && assignments.count == 91)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("confusion_matrix.svg").path))
        let final = try #require(Self.line(startingWith: "final ", in: outcome))
        #expect(final.hasPrefix("final acc=1.0000 nmi=1.0000 ari=1.0000"), "\(final)")
    }
}
