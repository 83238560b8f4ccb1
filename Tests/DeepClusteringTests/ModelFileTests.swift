import DeepClustering
import Foundation
import Testing

/// `model.safetensors`: a model written by `save(to:)` and read by `init(contentsOf:)` assigns
/// exactly as before, and files that are not such a model are refused with one line.
@Suite struct ModelFileTests {
    /// 8x8 grey-scale 8-bit images `[count, 8, 8, 1]` of three classes: class `c` lights the
    /// 4x4 quadrant `c` (top left, top right, bottom left) above noise.
    static func quadrantImages(count: Int, seed: UInt64) throws -> (x: Tensor, labels: [Int]) {
        var rng = SeededGenerator(seed: seed)
        var pixels: [Float] = [], labels: [Int] = []
        for i in 0..<count {
            let c = i % 3
            for r in 0..<8 {
                for col in 0..<8 {
                    let lit = (r / 4) * 2 + col / 4 == c
                    pixels.append(Float((lit ? 200 : 0) + Int.random(in: 0...50, using: &rng)))
                }
            }
            labels.append(c)
        }
        return (try Tensor(shape: [count, 8, 8, 1], scalars: pixels), labels)
    }

    /// A short recipe of `kind`: a small network, one pretraining epoch, a few iterations.
    static func shortRecipe(_ kind: DECRecipe.Architecture) -> DECRecipe {
        var r = kind == .dense ? DECRecipe.decKeras : DECRecipe.dcecKeras
        r.name = "test-\(kind.rawValue)"
        r.architecture = kind
        r.hiddenSizes = [16, 16]
        r.embeddingSize = 4
        r.pretraining = .endToEnd(epochs: 1, optimizer: .adam(learningRate: 0.001))
        r.batchSize = 16
        r.maxIterations = 6
        r.updateInterval = 3
        r.kmeansRestarts = 2
        r.scaling = kind == .dense ? .standard : .minMax
        return r
    }

    /// A trained model of `kind`: dense on tabular blobs (standardised per feature), the
    /// convolutional kinds on 8-bit images (divided by 255); with its training data.
    static func trainedModel(_ kind: DECRecipe.Architecture) throws -> (run: DeepClusteringRun, x: Tensor) {
        let x = kind == .dense
            ? try generatedBlobs(clusters: 3, perCluster: 16, dimension: 5, seed: 8).points
            : try quadrantImages(count: 48, seed: 3).x
        return (try DeepClusteringModel.fit(x, clusterCount: 3, recipe: shortRecipe(kind), seed: 5), x)
    }

    /// Trains a model of `kind`, saves it to a temporary file and hands both to `body`.
    static func withSavedModel(
        _ kind: DECRecipe.Architecture, _ body: (_ run: DeepClusteringRun, _ x: Tensor, _ path: String) throws -> Void
    ) throws {
        let (run, x) = try trainedModel(kind)
        let path = temporaryPath("model.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try run.model.save(to: path)
        try body(run, x, path)
    }

    /// Whether `a` and `b` have the same shape and the same bits in every element (one Bool,
    /// so that a failure does not diff thousands of elements).
    func identical(_ a: Tensor, _ b: Tensor) -> Bool {
        a.shape == b.shape && a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern)
    }

    @Test(arguments: DECRecipe.Architecture.allCases)
    func reloadedModelAssignsBitIdentically(_ kind: DECRecipe.Architecture) throws {
        try Self.withSavedModel(kind) { run, x, path in
            let loaded = try DeepClusteringModel(contentsOf: path)

            #expect(loaded.architecture == run.model.architecture)
            #expect(loaded.architecture.kind == kind)
            #expect(loaded.recipe == run.model.recipe)
            #expect(loaded.scaler == run.model.scaler)
            #expect(loaded.imageShape == run.model.imageShape)
            #expect(loaded.provenance == run.model.provenance)
            #expect(loaded.provenance.sampleCount == 48 && loaded.provenance.seed == 5)
            #expect(loaded.provenance.dataFingerprint == ModelProvenance.fingerprint(of: x))
            #expect(loaded.trainer?.configuration == run.model.trainer?.configuration)

            let predicted = try loaded.predict(x)
            #expect(predicted == run.result.assignments, "\(zip(predicted, run.result.assignments).count { $0 != $1 }) assignments differ")
            #expect(identical(try loaded.softAssignments(x), try run.model.softAssignments(x)))
            #expect(identical(try loaded.embed(x), try run.model.embed(x)))
            // New data: the training data shifted, scaled again with the stored statistics.
            let shifted = x + 3
            #expect(identical(try loaded.softAssignments(shifted), try run.model.softAssignments(shifted)))
            // Every parameter, bit for bit.
            let saved = run.model.autoencoder.parameterTensors(), read = loaded.autoencoder.parameterTensors()
            #expect(saved.keys.sorted() == read.keys.sorted())
            for (name, value) in saved { #expect(identical(value, read[name]!), "\(name)") }
        }
    }

    @Test func theFileDescribesItselfInJSON() throws {
        try Self.withSavedModel(.convolutional) { _, _, path in
            let file = try SafeTensors(contentsOf: path)
            #expect(file.metadata["format"] == "DeepClustering model")
            #expect(file.metadata["format_version"] == "1")
            let architecture = try #require(file.metadata["architecture"])
            #expect(architecture.contains("\"input_shape\":[8,8,1]") && architecture.contains("\"filters\":[32,64,128]"))
            let layers = try #require(file.metadata["layers"])
            #expect(layers.contains("\"name\":\"decoder.deconv1\"") && layers.contains("\"kind\":\"Conv2DTranspose\""))
            #expect(layers.contains("\"padding\":\"same\"") && layers.contains("\"activation\":\"relu\""))
            #expect(file.metadata["preprocessing"]?.contains("\"image_shape\":{\"channels\":1,\"height\":8,\"width\":8}") == true)
            #expect(file.metadata["clustering"]?.contains("\"cluster_count\":3") == true)
            #expect(file.metadata["provenance"]?.contains("\"library_version\":\"\(DeepClusteringLibrary.version)\"") == true)
            #expect(file.tensors["clustering.clusters"]?.shape == [3, 4])
            #expect(file.tensors["encoder.conv1.kernel"]?.shape == [5, 5, 1, 32])
        }
    }

    @Test func theDataFingerprintIsTheSHA256OfTheLittleEndianValues() throws {
        // hashlib.sha256(struct.pack('<4f', 1.0, -2.5, 0.1, 7e-30)).hexdigest()
        let x = try Tensor(shape: [2, 2], scalars: [1, -2.5, 0.1, 7e-30])
        #expect(ModelProvenance.fingerprint(of: x) == "sha256:d044447e05174188183317054067e8e5e7dc815c4047733dd752868185fd6dbd")
        #expect(ModelProvenance.fingerprint(of: try x.reshaped(to: [1, 4])) == ModelProvenance.fingerprint(of: x))
    }

    @Test func aModelBeforeClusteringHasNothingToSave() throws {
        let x = try generatedBlobs(clusters: 3, perCluster: 4, dimension: 5, seed: 1).points
        let model = try DeepClusteringModel(recipe: Self.shortRecipe(.dense), trainingData: x)
        #expect(throws: DECError.self) { try model.save(to: temporaryPath("never.safetensors")) }
    }

    // MARK: - Refusals

    /// Expects reading `bytes` as a model to throw an error of one line and returns it.
    func refusal(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> any Error {
        let path = temporaryPath("bad.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try DeepClusteringModel(contentsOf: path)
        } catch {
            let text = "\(error)"
            #expect(!text.contains("\n"), "more than one line: \(text)", sourceLocation: sourceLocation)
            #expect(text.contains(path), "the message does not name the file: \(text)", sourceLocation: sourceLocation)
            return error
        }
        Issue.record("the file was accepted", sourceLocation: sourceLocation)
        return CancellationError()
    }

    /// The bytes of a saved model with its metadata (and tensors) changed by `change`.
    func edited(_ file: SafeTensors, _ change: (inout SafeTensors) -> Void) throws -> [UInt8] {
        var copy = file
        change(&copy)
        return try copy.serialized()
    }

    @Test func truncatedFilesAreRefused() throws {
        var saved: [UInt8] = []
        try Self.withSavedModel(.dense) { _, _, path in saved = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
        let bytes = saved
        // Inside the length field, inside the JSON header, inside the tensor data, one byte short.
        for length in [0, 5, 100, bytes.count / 2, bytes.count - 1] {
            let error = try refusal(Array(bytes.prefix(length)))
            #expect(error is DataError, "\(length) bytes: \(error)")
        }
    }

    @Test func foreignSafetensorsAreRefused() throws {
        let weights = SafeTensors(tensors: ["linear.weight": Tensor(zeros: [2, 3])], metadata: ["format": "pt"])
        let error = try refusal(try weights.serialized())
        guard case .notAModelFile(_, "pt")? = error as? ModelFileError else {
            Issue.record("expected notAModelFile naming the format, found \(error)")
            return
        }
        let plain = try refusal(try SafeTensors(tensors: ["w": Tensor(zeros: [1])]).serialized())
        #expect("\(plain)".contains("not a DeepClustering model file"))
    }

    @Test func newerVersionsAndOtherArchitecturesAreRefused() throws {
        var saved: SafeTensors?
        try Self.withSavedModel(.dense) { _, _, path in saved = try SafeTensors(contentsOf: path) }
        let file = try #require(saved)

        let newer = try refusal(try edited(file) { $0.metadata["format_version"] = "2" })
        #expect("\(newer)".contains("version 2 is newer"), "\(newer)")
        guard case .newerFormat(_, 2, 1)? = newer as? ModelFileError else {
            Issue.record("expected newerFormat, found \(newer)")
            return
        }
        let unknown = try refusal(try edited(file) {
            $0.metadata["architecture"] = $0.metadata["architecture"]!.replacingOccurrences(of: "\"kind\":\"dense\"", with: "\"kind\":\"resnet\"")
        })
        #expect("\(unknown)".contains("unknown kind 'resnet'"), "\(unknown)")
        let otherLayers = try refusal(try edited(file) {
            $0.metadata["layers"] = $0.metadata["layers"]!.replacingOccurrences(of: "\"activation\":\"relu\"", with: "\"activation\":\"tanh\"")
        })
        #expect("\(otherLayers)".contains("unsupported architecture") && "\(otherLayers)".contains("tanh"), "\(otherLayers)")
        let wrongScaling = try refusal(try edited(file) {
            $0.metadata["preprocessing"] = $0.metadata["preprocessing"]!.replacingOccurrences(of: "\"feature_count\":5", with: "\"feature_count\":6")
        })
        #expect("\(wrongScaling)".contains("preprocessing") && "\(wrongScaling)".contains("6 features"), "\(wrongScaling)")
        let missingEntry = try refusal(try edited(file) { $0.metadata["clustering"] = nil })
        #expect("\(missingEntry)".contains("'clustering': missing"), "\(missingEntry)")
        let missingCentres = try refusal(try edited(file) { $0.tensors["clustering.clusters"] = nil })
        #expect("\(missingCentres)".contains("clustering.clusters"), "\(missingCentres)")
    }
}
