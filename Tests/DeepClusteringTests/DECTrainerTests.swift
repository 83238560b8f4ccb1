import DeepClustering
import Foundation
import Testing
import _TestSupport

/// Three well-separated Gaussian blobs in 8 dimensions, 120 samples each, in shuffled order.
func blobs(seed: UInt64 = 5, perCluster: Int = 120, dimensions: Int = 8) throws -> (Tensor, [Int]) {
    var rng = SeededGenerator(seed: seed)
    let centers = (0..<3).map { _ in (0..<dimensions).map { _ in Float.random(in: -4...4, using: &rng) } }
    var rows: [[Float]] = [], labels: [Int] = []
    for c in 0..<3 {
        for _ in 0..<perCluster {
            rows.append(centers[c].map { $0 + 0.5 * rng.nextStandardNormal() })
            labels.append(c)
        }
    }
    let order = Array(rows.indices).shuffled(using: &rng)
    return (try Tensor(rows: order.map { rows[$0] }), order.map { labels[$0] })
}

/// A small pretrained dense autoencoder 8-16-2 on the blobs.
func pretrainedAutoencoder(_ x: Tensor, seed: UInt64 = 3) throws -> Autoencoder {
    var rng = SeededGenerator(seed: seed)
    let ae = try Autoencoder.dense([8, 16, 3], using: &rng)
    try ae.pretrain(on: x, epochs: 60, batchSize: 32, optimizer: try Adam(learningRate: 0.01))
    return ae
}

@Suite struct DECTrainerTests {
    @Test func clustersBlobsAndStopsOnTolerance() throws {
        let (x, y) = try blobs()
        let ae = try pretrainedAutoencoder(x)
        var config = DECConfiguration(clusterCount: 3)
        config.batchSize = 64
        config.updateInterval = 20
        config.maxIterations = 2000
        config.kmeansInitializationCount = 5
        let dec = try DECTrainer(encoder: ae.encoder, configuration: config)
        let result = try dec.fit(x, labels: y, optimizer: try SGD(learningRate: 0.01, momentum: 0.9))
        #expect(try clusteringAccuracy(labels: y, predictions: result.assignments) > 0.99)
        #expect(result.finalMetrics!.accuracy > 0.99)
        // Stopped by the tolerance rule: the last update saw fewer than 0.1% changes.
        #expect(result.converged)
        #expect(result.iterations < config.maxIterations)
        #expect(result.iterations % config.updateInterval == 0)
        #expect(result.history.last!.deltaLabel < config.tolerance)
        #expect(result.history.first!.iteration == 0 && result.history.first!.loss.isNaN)
        #expect(try dec.predict(x) == result.assignments)
        let q = try dec.softAssignments(x)
        let rowSums = try q.sum(alongAxis: 1).scalars
        #expect(rowSums.allSatisfy { abs($0 - 1) < 1e-5 })
    }

    @Test func runsToMaxIterationsWhenToleranceIsZero() throws {
        let (x, _) = try blobs(perCluster: 40)
        let ae = try pretrainedAutoencoder(x)
        var config = DECConfiguration(clusterCount: 3)
        config.batchSize = 50
        config.updateInterval = 7
        config.maxIterations = 30
        config.tolerance = 0
        config.kmeansInitializationCount = 2
        let dec = try DECTrainer(encoder: ae.encoder, configuration: config)
        var batches = 0
        let result = try dec.fit(x, optimizer: try SGD(learningRate: 0.01, momentum: 0.9)) { event in
            if case .batchEnded = event { batches += 1 }
        }
        #expect(!result.converged)
        #expect(result.iterations == 30 && batches == 30)
        // Updates at 0, 7, 14, 21, 28 and a final evaluation at 30; no labels, no metrics.
        #expect(result.history.map(\.iteration) == [0, 7, 14, 21, 28, 30])
        #expect(result.history.allSatisfy { $0.accuracy == nil })
    }

    /// A pretrained embedding handed in (as `dec` does after a cluster-count search) gives the
    /// same run as computing it inside; one of the wrong shape is rejected before training.
    @Test func acceptsThePretrainedEmbeddingAlreadyComputed() throws {
        let (x, _) = try blobs(perCluster: 20)
        func run(passingEmbedding: Bool) throws -> DECResult {
            let ae = try pretrainedAutoencoder(x)
            var config = DECConfiguration(clusterCount: 3)
            config.batchSize = 30
            config.updateInterval = 5
            config.maxIterations = 10
            config.kmeansInitializationCount = 2
            let dec = try DECTrainer(encoder: ae.encoder, configuration: config)
            let z = passingEmbedding ? try ae.encoder.predict(x, batchSize: 30) : nil
            return try dec.fit(x, optimizer: try SGD(learningRate: 0.01, momentum: 0.9), pretrainedEmbedding: z)
        }
        let inside = try run(passingEmbedding: false), passed = try run(passingEmbedding: true)
        #expect(inside.assignments == passed.assignments)
        // Compared field by field: the nan losses (iteration 0; reconstruction in DEC) never
        // compare equal.
        #expect(inside.history.map(\.iteration) == passed.history.map(\.iteration))
        #expect(inside.history.map(\.deltaLabel) == passed.history.map(\.deltaLabel))
        #expect(inside.history.dropFirst().map(\.loss) == passed.history.dropFirst().map(\.loss))
        #expect(inside.initialization.labels == passed.initialization.labels)

        let ae = try pretrainedAutoencoder(x)
        let dec = try DECTrainer(encoder: ae.encoder, configuration: DECConfiguration(clusterCount: 3))
        #expect(throws: DECError.self) {
            try dec.fit(x, optimizer: try SGD(), pretrainedEmbedding: Tensor(zeros: [x.shape[0] - 1, 3]))
        }
    }

    /// The first IDEC batch's reported loss equals γ·KLD(P‖Q) + MSE(x̂, x) computed
    /// independently from the initial model with the loss functions.
    @Test(arguments: [Float(0.1), 1.0])
    func idecWeightsClusteringAndReconstructionLosses(gamma: Float) throws {
        let (x, _) = try blobs(perCluster: 30)
        let ae = try pretrainedAutoencoder(x)
        var config = DECConfiguration(clusterCount: 3, mode: .idec(clusteringWeight: gamma))
        config.batchSize = x.shape[0]
        config.kmeansInitializationCount = 3
        config.updateInterval = 1
        config.maxIterations = 0
        let initOnly = try DECTrainer(autoencoder: ae, configuration: config)
        try initOnly.fit(x, optimizer: try Adam())
        let q = try initOnly.softAssignments(x)
        let p = try targetDistribution(q)
        let kld = try klDivergence(target: p, predicted: q).value
        let mse = try meanSquaredError(try ae.predict(x), x).value
        let expected = gamma * kld + mse

        config.maxIterations = 1
        let oneStep = try DECTrainer(autoencoder: ae, configuration: config)
        let result = try oneStep.fit(x, optimizer: try Adam())
        let reported = result.history[1]
        #expect(abs(reported.loss - expected) < 1e-5 * max(1, expected))
        #expect(abs(reported.clusteringLoss - kld) < 1e-5)
        #expect(abs(reported.reconstructionLoss - mse) < 1e-5)
    }

    @Test func idecTrainsTheDecoderAndDecDoesNot() throws {
        let (x, _) = try blobs(perCluster: 30)
        for mode in [DECMode.dec, .idecDefault] {
            let ae = try pretrainedAutoencoder(x)
            let before = ae.decoder.parameters.map(\.value)
            var config = DECConfiguration(clusterCount: 3, mode: mode)
            config.maxIterations = 5
            config.kmeansInitializationCount = 2
            let dec = try DECTrainer(autoencoder: ae, configuration: config)
            try dec.fit(x, optimizer: try Adam())
            let changed = zip(before, ae.decoder.parameters.map(\.value)).contains { $0 != $1 }
            #expect(changed == mode.usesReconstruction)
        }
    }

    @Test func saveThenLoadGivesIdenticalPredictions() throws {
        let (x, _) = try blobs(perCluster: 40)
        let ae = try pretrainedAutoencoder(x)
        var config = DECConfiguration(clusterCount: 3)
        config.maxIterations = 50
        config.kmeansInitializationCount = 2
        let dec = try DECTrainer(encoder: ae.encoder, configuration: config)
        try dec.fit(x, optimizer: try SGD(learningRate: 0.01, momentum: 0.9))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dec-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try dec.save(to: path, metadata: ["architecture": "dense 8-16-3"])

        let (stored, metadata) = try DECTrainer.configuration(storedIn: path)
        #expect(stored == config)
        #expect(metadata["architecture"] == "dense 8-16-3")
        var rng = SeededGenerator(seed: 99)  // different weights until loaded
        let fresh = try Autoencoder.dense([8, 16, 3], using: &rng)
        let restored = try DECTrainer(encoder: fresh.encoder, configuration: stored)
        #expect(throws: DECError.self) { try restored.predict(x) }
        try restored.load(from: path)
        #expect(try restored.predict(x) == dec.predict(x))
        #expect(maxAbsDifference(try restored.softAssignments(x), try dec.softAssignments(x)) == 0)

        // A model of another shape is refused with every mismatch named.
        let other = try DECTrainer(encoder: try Autoencoder.dense([8, 12, 3], using: &rng).encoder, configuration: stored)
        #expect(throws: DataError.self) { try other.load(from: path) }

        // A failed load changes nothing: a NaN centre, a mis-shaped decoder tensor or a NaN weight
        // is found before the encoder is overwritten.
        let file = try SafeTensors(contentsOf: path)
        let untouched = try Autoencoder.dense([8, 16, 3], using: &rng)  // never loaded: its own weights
        let weights = untouched.encoder.parameters.map(\.value)
        let target = try DECTrainer(autoencoder: untouched, configuration: stored)
        var nanCentre = file
        nanCentre.tensors["clustering.clusters"]![0, 1] = .nan
        var badDecoder = file
        badDecoder.tensors["decoder.extra"] = Tensor(zeros: [2])
        for (name, value) in fresh.decoder.parameterTensors(prefix: "decoder") { badDecoder.tensors[name] = value }
        badDecoder.tensors[badDecoder.tensors.keys.first { $0.hasPrefix("decoder.") && !$0.hasSuffix("extra") }!] = Tensor(zeros: [1])
        var nanWeight = file
        let firstEncoderName = file.tensors.keys.sorted().first { $0.hasPrefix("encoder.") }!
        nanWeight.tensors[firstEncoderName] = nanWeight.tensors[firstEncoderName]!.map { $0 == 0 ? $0 : .infinity }
        for (label, bad) in [("NaN centre", nanCentre), ("decoder shape", badDecoder), ("infinite weight", nanWeight)] {
            let badPath = path + ".\(label.filter(\.isLetter)).safetensors"
            defer { try? FileManager.default.removeItem(atPath: badPath) }
            try bad.write(to: badPath)
            #expect(throws: (any Error).self, "\(label)") { try target.load(from: badPath) }
            #expect(untouched.encoder.parameters.map(\.value) == weights, "\(label) changed the encoder")
            #expect(target.clustering == nil, "\(label) installed centres")
        }
    }

    @Test func badInputAndDivergenceAreReportedClearly() throws {
        let (x, y) = try blobs(perCluster: 10)
        let ae = try pretrainedAutoencoder(x)
        #expect(throws: DECError.self) { try DECTrainer(encoder: ae.encoder, configuration: .init(clusterCount: 1)) }
        #expect(throws: DECError.self) { try DECTrainer(encoder: ae.encoder, configuration: .init(clusterCount: 3, mode: .idecDefault)) }
        let dec = try DECTrainer(encoder: ae.encoder, configuration: .init(clusterCount: 3))
        #expect(throws: DECError.self) { try dec.fit(x, labels: Array(y.dropLast()), optimizer: try SGD()) }
        #expect(throws: DECError.self) { try dec.fit(try x.rows(in: 0..<2), optimizer: try SGD()) }
        var withNaN = x
        withNaN[3, 1] = .nan
        #expect { try dec.fit(withNaN, optimizer: try SGD()) } throws: { "\($0)".contains("nan at sample 3, element 1") }

        var config = DECConfiguration(clusterCount: 3)
        config.kmeansInitializationCount = 1
        config.maxIterations = 200
        config.tolerance = 0
        let exploding = try DECTrainer(encoder: ae.encoder, configuration: config)
        #expect {
            try exploding.fit(x, optimizer: try SGD(learningRate: 1e12, momentum: 0.9))
        } throws: { error in
            guard case let DECError.diverged(iteration, _) = error else { return false }
            return iteration > 0 && ae.encoder.parameters.allSatisfy { $0.value.scalars.allSatisfy(\.isFinite) }
        }
    }

    /// With augmentation (DEC-DA) the model trains on shifted/rotated samples: the run is still
    /// deterministic for a seed and differs from the unaugmented one.
    @Test func augmentedTrainingIsSeededAndChangesTheModel() throws {
        let (x, _) = try blobs(perCluster: 40)
        func run(augmented: Bool) throws -> Tensor {
            let ae = try pretrainedAutoencoder(x)
            var config = DECConfiguration(clusterCount: 3)
            config.maxIterations = 20
            config.kmeansInitializationCount = 2
            config.augmentation = augmented ? try ImageAugmentation(height: 2, width: 4) : nil
            let dec = try DECTrainer(encoder: ae.encoder, configuration: config)
            let result = try dec.fit(x, optimizer: try SGD(learningRate: 0.01, momentum: 0.9))
            #expect(result.assignments.count == x.shape[0])
            return try dec.softAssignments(x)
        }
        let a = try run(augmented: true), b = try run(augmented: true), plain = try run(augmented: false)
        #expect(a == b)
        #expect(a != plain)
    }

    /// With N a multiple of the batch size no empty batch is ever trained on: every batch
    /// reported has a finite loss and the iteration count is exact.
    @Test func neverTrainsOnAnEmptyBatch() throws {
        let (x, _) = try blobs(perCluster: 32)  // 96 samples
        let ae = try pretrainedAutoencoder(x)
        var config = DECConfiguration(clusterCount: 3)
        config.batchSize = 32
        config.maxIterations = 10
        config.tolerance = 0
        config.kmeansInitializationCount = 1
        let dec = try DECTrainer(encoder: ae.encoder, configuration: config)
        var losses: [Float] = []
        try dec.fit(x, optimizer: try SGD(learningRate: 0.01, momentum: 0.9)) { event in
            if case let .batchEnded(_, _, loss) = event { losses.append(loss) }
        }
        #expect(losses.count == 10)
        #expect(losses.allSatisfy { $0.isFinite && $0 > 0 })
    }
}
