import Foundation
import Testing

/// The example executables reject bad input with a non-zero exit status and exactly one line on
/// standard error: no stack trace, no usage dump, nothing written to disk.
///
/// The test target depends on the `dec` and `kmeans` targets, so SwiftPM builds them beside the
/// test bundle; the tests run those binaries.
@Suite(.timeLimit(.minutes(5))) struct CommandLineErrorTests {
    struct Outcome {
        var status: Int32
        var standardError: String
        var standardOutput: String
        /// The note a tool writes when it starts again with better OpenBLAS kernels (on CPUs
        /// newer than the OpenBLAS release), taken out of `standardError`.
        var relaunchNotes: [String] = []
    }

    /// Separates the relaunch note (`BLAS.relaunchWithSuggestedCoreType`), which depends on the
    /// CPU and not on the arguments, from the rest of standard error.
    static func splittingRelaunchNotes(_ text: String) -> (notes: [String], rest: String) {
        var notes: [String] = [], rest: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.contains("starting again with OPENBLAS_CORETYPE=") { notes.append(String(line)) } else { rest.append(line) }
        }
        return (notes, rest.joined(separator: "\n"))
    }

    /// The directory holding the test bundle and the executables built with it.
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static func run(
        _ tool: String, _ arguments: [String], in workingDirectory: URL? = nil, environment: [String: String]? = nil
    ) throws -> Outcome {
        let executable = productsDirectory.appendingPathComponent(tool)
        try #require(FileManager.default.isExecutableFile(atPath: executable.path),
                     "\(tool) not found beside the test bundle in \(productsDirectory.path)")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        if let environment { process.environment = environment }
        let errorPipe = Pipe(), outputPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = outputPipe
        try process.run()
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let (notes, standardError) = splittingRelaunchNotes(String(decoding: errorData, as: UTF8.self))
        return Outcome(status: process.terminationStatus, standardError: standardError,
                       standardOutput: String(decoding: outputData, as: UTF8.self), relaunchNotes: notes)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Each case: the tool, its arguments, and a phrase the one-line message must contain.
    static let cases: [(tool: String, arguments: [String], mentions: String)] = [
        ("dec", ["--dataset", "cifar"], "cifar"),
        ("dec", ["--dataset", "idx", "--file", "/nonexistent/images.idx"], "/nonexistent/images.idx"),
        ("dec", ["--dataset", "csv"], "--file"),
        ("dec", ["--dataset", "mnist"], "--data-dir"),
        ("dec", ["--dataset", "mnist", "--data-dir", "/nonexistent-dir"], "/nonexistent-dir"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--clusters", "1"], "--clusters"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--batch-size", "0"], "--batch-size"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--batch-size", "-3"], "--batch-size"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--pretrained", "/nonexistent/ae.safetensors"], "/nonexistent/ae.safetensors"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--arch", "resnet"], "resnet"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--pretrain-optimizer", "rmsprop"], "rmsprop"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--pretraining", "layerwise", "--pretrain-optimizer", "adam"],
         "--pretrain-optimizer"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--layerwise-decay-epochs", "5"], "--layerwise-decay-epochs"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--pretrain-learning-rate", "0"], "--pretrain-learning-rate"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--pretrain-learning-rate", "nan"], "--pretrain-learning-rate"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--pretraining", "layerwise", "--layerwise-decay-epochs", "0"],
         "--layerwise-decay-epochs"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--recipe", "dec-magic"], "dec-magic"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--image-shape", "16by16"], "16by16"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--image-shape", "0x16"], "0x16"),
        ("dec", ["--dataset", "mnist-test", "--data-dir", "d", "--image-shape", "16x16"], "--image-shape"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--scale", "log"], "log"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--test-split"], "--test-split"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--seeds", "3...1"], "--seeds"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--seeds", "1,1"], "--seeds"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--seeds", "0...2", "--seed", "5"], "--seeds"),
        ("dec", ["--dataset", "npy", "--file", "x.npy", "--test-labels", "y.npy"], "--test-labels"),
        ("dec", ["--dataset", "mnist-test", "--data-dir", "d", "--test-file", "t.csv"], "--test-file"),
        ("dec", ["predict", "--dataset", "npy", "--file", "x.npy"], "--model"),
        ("dec", ["predict", "--model", "/nonexistent/model.safetensors", "--dataset", "npy", "--file", "x.npy"], "/nonexistent/model.safetensors"),
        ("kmeans", ["--dataset", "cifar"], "cifar"),
        ("kmeans", ["--dataset", "csv", "--file", "/nonexistent/data.csv"], "/nonexistent/data.csv"),
    ]

    @Test(arguments: 0..<cases.count)
    func badInputExitsWithOneLine(_ index: Int) throws {
        let (tool, arguments, mentions) = Self.cases[index]
        let outcome = try Self.run(tool, arguments)
        let lines = outcome.standardError.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(outcome.status != 0, "\(tool) \(arguments) exited 0")
        #expect(lines.count == 1, "\(tool) \(arguments) wrote \(lines.count) lines: \(outcome.standardError)")
        #expect(outcome.standardError.contains(mentions), "\(tool) \(arguments): \(outcome.standardError)")
        #expect(!outcome.standardError.contains("Stack") && !outcome.standardError.contains("Fatal error"))
    }

    /// On a CPU newer than the OpenBLAS release, the tools start again once with better kernels
    /// before doing anything; elsewhere they say nothing. Either way the run's output is whole
    /// and appears once.
    @Test func toolsStartAgainAtMostOnceBeforeAnyOutput() throws {
        for tool in ["dec", "kmeans"] {
            let outcome = try Self.run(tool, ["--help"])
            #expect(outcome.status == 0, "\(tool): \(outcome.standardError)")
            #expect(outcome.relaunchNotes.count <= 1, "\(tool): \(outcome.relaunchNotes)")
            #expect(outcome.standardOutput.components(separatedBy: "USAGE:").count == 2, "\(tool): \(outcome.standardOutput)")
            #expect(outcome.standardError.isEmpty, "\(tool): \(outcome.standardError)")
        }
    }

    /// A set `OPENBLAS_CORETYPE` is the user's choice: no relaunch. (Prescott, OpenBLAS's
    /// generic x86-64 kernels, runs on every x86-64 CPU; elsewhere OpenBLAS ignores the name.)
    /// Without oneDNN (here switched off by `DEEPCLUSTERING_GEMM=openblas`) `--precision bf16`
    /// is refused before any work, naming what is missing; a misspelt precision is refused too.
    @Test func bfloat16WithoutOneDNNIsRefused() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["DEEPCLUSTERING_GEMM"] = "openblas"
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("tiny.csv")
        try "0.1,0.2,0\n0.3,0.4,1\n0.5,0.6,0\n".write(to: csv, atomically: true, encoding: .utf8)
        let data = ["--dataset", "csv", "--file", csv.path, "--label-column", "2", "--clusters", "2",
                    "--output-dir", dir.appendingPathComponent("out").path]
        for (arguments, mentions) in [(["--precision", "bf16"], "oneDNN"), (["--precision", "fp16"], "fp16")] {
            let outcome = try Self.run("dec", data + arguments, environment: environment)
            let lines = outcome.standardError.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(outcome.status != 0, "\(arguments) exited 0")
            #expect(lines.count == 1 && outcome.standardError.contains(mentions), "\(arguments): \(outcome.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test func aSetCoreTypeIsKept() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = "Prescott"
        let outcome = try Self.run("kmeans", ["--help"], environment: environment)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.relaunchNotes.isEmpty, "\(outcome.relaunchNotes)")
    }

    @Test func moreClustersThanSamplesIsRejectedAfterLoading() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("tiny.csv")
        try "0.1,0.2,0\n0.3,0.4,1\n0.5,0.6,0\n".write(to: csv, atomically: true, encoding: .utf8)
        let output = dir.appendingPathComponent("out")
        for tool in ["dec", "kmeans"] {
            let outcome = try Self.run(tool, ["--dataset", "csv", "--file", csv.path, "--label-column", "2",
                                              "--clusters", "5", "--output-dir", output.path])
            #expect(outcome.status != 0)
            let lines = outcome.standardError.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(lines.count == 1, "\(tool): \(outcome.standardError)")
            #expect(outcome.standardError.contains("--clusters 5"), "\(tool): \(outcome.standardError)")
            // Nothing half-written is left behind: not even the output directory is created.
            #expect(!FileManager.default.fileExists(atPath: output.path), "\(tool) created \(output.path)")
        }
    }

    @Test func failedRunsLeaveNoDefaultOutputDirectory() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for tool in ["dec", "kmeans"] {
            let outcome = try Self.run(tool, ["--dataset", "idx", "--file", "/nonexistent/images.idx"], in: dir)
            #expect(outcome.status != 0)
            let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            #expect(left.isEmpty, "\(tool) left \(left) in its working directory")
        }
    }

    @Test func anOutputPathThatIsAFileIsRejectedBeforeLoading() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("taken")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try Self.run("dec", ["--dataset", "idx", "--file", "/nonexistent/images.idx",
                                           "--output-dir", file.appendingPathComponent("out").path])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains("not a directory"), "\(outcome.standardError)")
    }

    @Test func malformedDataNamesTheFileAndPlace() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("broken.csv")
        try "0.1,0.2\n0.3,abc\n".write(to: csv, atomically: true, encoding: .utf8)
        let outcome = try Self.run("dec", ["--dataset", "csv", "--file", csv.path, "--output-dir", dir.appendingPathComponent("out").path])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("abc"), "\(outcome.standardError)")
    }

    @Test func imageShapeThatDoesNotMatchTheRowsIsNamed() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("pixels.csv")
        try (0..<12).map { i in "\(i % 3),0.1,0.2,0.3,0.4,0.5,0.6" }.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let outcome = try Self.run("dec", ["--dataset", "csv", "--file", csv.path, "--label-column", "0", "--image-shape", "4x4",
                                           "--clusters", "3", "--output-dir", dir.appendingPathComponent("out").path])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("16 values per sample") && outcome.standardError.contains("holds 6"), "\(outcome.standardError)")
    }

    @Test func constantTabularColumnIsNamedUnderAutomaticScaling() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("table.csv")
        try (0..<12).map { i in "\(i),7,\(i * i)" }.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let outcome = try Self.run("dec", ["--dataset", "csv", "--file", csv.path, "--clusters", "3",
                                           "--output-dir", dir.appendingPathComponent("out").path])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("feature 1") && outcome.standardError.contains("constant"), "\(outcome.standardError)")
    }
}
