import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

@Suite struct LayerwisePretrainingTests {
    /// A short schedule for a few hundred samples: 12 batches of 32 per epoch.
    static func shortSchedule(layerEpochs: Int, fineTuningEpochs: Int) -> LayerwisePretraining {
        var c = LayerwisePretraining()
        c.layerLength = .epochs(layerEpochs)
        c.fineTuningLength = .epochs(fineTuningEpochs)
        c.batchSize = 32
        c.learningRate = 0.01
        c.learningRateDecayInterval = .epochs(60)
        c.seed = 3
        return c
    }

    // MARK: - Denoising fit

    /// An identity Dense layer under dropout 0.5 of an all-ones input: every reconstructed element
    /// is 0 (dropped) or 2 (kept, scaled), so the squared error against the clean input is exactly 1
    /// everywhere, while against the corrupted input (or without corruption) it would be 0. With a
    /// zero learning rate nothing changes between batches.
    @Test func denoisingLossComparesWithTheCleanInput() throws {
        var rng = SeededGenerator(seed: 1)
        let identity = try Dense(inputSize: 8, outputSize: 8, using: &rng)
        identity.kernel.value = try Tensor(shape: [8, 8], scalars: (0..<64).map { $0 / 8 == $0 % 8 ? 1 : 0 })
        let x = Tensor(shape: [40, 8], repeating: 1)
        let corruption = try Dropout(rate: 0.5, seed: 2)
        var batchLosses: [Float] = []
        let history = try identity.fitDenoising(x, corruption: corruption, epochs: 2, batchSize: 16,
                                                optimizer: SGD(learningRate: 0)) { event in
            if case let .batchEnded(_, _, _, loss) = event { batchLosses.append(loss) }
        }
        #expect(history == [1, 1])
        #expect(batchLosses == Array(repeating: 1, count: 6))
        let clean = try identity.fit(x, epochs: 1, batchSize: 16, optimizer: SGD(learningRate: 0))
        #expect(clean == [0])
    }

    @Test func denoisingTrainingLearnsToUndoTheCorruption() throws {
        // Two features that always agree: a denoiser can recover a dropped one from the other,
        // which an identity map cannot; the training loss must fall well below the identity's.
        var rng = SeededGenerator(seed: 4)
        let t = Tensor(randomUniform: [256, 1], in: 0.5...1, using: &rng)
        let x = try Tensor(shape: [256, 2], scalars: t.scalars.flatMap { [$0, $0] })
        let layer = try Dense(inputSize: 2, outputSize: 2, using: &rng)
        let history = try layer.fitDenoising(x, corruption: Dropout(rate: 0.5, seed: 5), epochs: 60, batchSize: 16,
                                             optimizer: SGD(learningRate: 0.05, momentum: 0.9), shuffleSeed: 6)
        #expect(history.last! * 3 < history.first!, "\(history.first!) → \(history.last!)")
        #expect(history.last! < 0.2, "final denoising loss \(history.last!)")
    }

    @Test func corruptionMustKeepTheShape() throws {
        var rng = SeededGenerator(seed: 7)
        let model = try Sequential([Flatten(), Dense(inputSize: 6, outputSize: 6, using: &rng)])
        #expect(throws: TrainingError.self) {
            try model.fitDenoising(Tensor(zeros: [4, 2, 3]), corruption: Flatten(), epochs: 1, optimizer: SGD())
        }
    }

    // MARK: - Layer-wise pretraining

    @Test func layerwisePretrainingReconstructsAManifold() throws {
        let dims = [32, 16, 8, 4]
        let x = TrainingTests.manifoldData(384, seed: 8)
        var rng = SeededGenerator(seed: 9)
        let reference = try Autoencoder.dense(dims, using: &rng)

        // The initial network: the same initialisation with zero-length stages.
        let untrained = try Autoencoder.dense(dims, using: &rng)
        let none = try untrained.pretrainLayerwise(on: x, configuration: Self.shortSchedule(layerEpochs: 0, fineTuningEpochs: 0))
        #expect(none.layerLosses == [[], [], []] && none.fineTuningLosses.isEmpty)
        let initial = try meanSquaredError(untrained.predict(x), x).value

        let ae = try Autoencoder.dense(dims, using: &rng)
        var stages: [LayerwisePretraining.Stage] = []
        let history = try ae.pretrainLayerwise(on: x, configuration: Self.shortSchedule(layerEpochs: 40, fineTuningEpochs: 120)) { stage, event in
            if case .epochEnded = event, stages.last != stage { stages.append(stage) }
        }
        let final = try meanSquaredError(ae.predict(x), x).value
        #expect(final * 10 <= initial, "MSE \(initial) → \(final)")
        #expect(stages == [.layer(index: 0, count: 3), .layer(index: 1, count: 3), .layer(index: 2, count: 3), .fineTuning])
        #expect(history.layerLosses.map(\.count) == [40, 40, 40] && history.fineTuningLosses.count == 120)
        for (i, losses) in history.layerLosses.enumerated() {
            #expect(losses.last! < losses.first!, "layer \(i): \(losses.first!) → \(losses.last!)")
        }
        #expect(history.fineTuningLosses.last! < history.fineTuningLosses.first!)

        // Same parameter names, shapes and activations as the end-to-end builder.
        #expect(ae.namedParameters.map(\.name) == reference.namedParameters.map(\.name))
        #expect(ae.namedParameters.map(\.parameter.value.shape) == reference.namedParameters.map(\.parameter.value.shape))
        let activations = { (a: Autoencoder) in (a.encoder.layers + a.decoder.layers).map { ($0 as! Dense).activation } }
        #expect(activations(ae) == activations(reference))
    }

    @Test func kernelsStartFromTheConfiguredNormal() throws {
        var rng = SeededGenerator(seed: 10)
        let ae = try Autoencoder.dense([64, 32, 16], using: &rng)
        try ae.pretrainLayerwise(on: Tensor(zeros: [8, 64]), configuration: Self.shortSchedule(layerEpochs: 0, fineTuningEpochs: 0))
        let kernels = ae.namedParameters.filter { $0.name.hasSuffix("kernel") }.flatMap { $0.parameter.value.scalars }
        let biases = ae.namedParameters.filter { $0.name.hasSuffix("bias") }.flatMap { $0.parameter.value.scalars }
        // 5,120 draws of N(0, 0.01²): the sample standard deviation has a standard error of
        // 0.01/sqrt(2·5120) ≈ 1e-4 and the mean 1.4e-4; both bounds are over 5 standard errors.
        let n = Double(kernels.count)
        let mean = kernels.reduce(0.0) { $0 + Double($1) } / n
        let std = (kernels.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n).squareRoot()
        #expect(abs(mean) < 1e-3 && abs(std - 0.01) < 6e-4, "mean \(mean), std \(std)")
        #expect(biases.allSatisfy { $0 == 0 })
    }

    @Test func iterationLengthsStopInsideAnEpoch() throws {
        var rng = SeededGenerator(seed: 11)
        let ae = try Autoencoder.dense([32, 8, 4], using: &rng)
        var config = Self.shortSchedule(layerEpochs: 0, fineTuningEpochs: 0)
        config.layerLength = .iterations(30)      // 12 batches per epoch: 2½ epochs
        config.fineTuningLength = .iterations(5)
        var batches: [LayerwisePretraining.Stage: Int] = [:]
        let history = try ae.pretrainLayerwise(on: TrainingTests.manifoldData(384, seed: 12),
                                               configuration: config) { stage, event in
            if case .batchEnded = event { batches[stage, default: 0] += 1 }
        }
        #expect(batches == [.layer(index: 0, count: 2): 30, .layer(index: 1, count: 2): 30, .fineTuning: 5])
        #expect(history.layerLosses.map(\.count) == [3, 3] && history.fineTuningLosses.count == 1)
    }

    @Test func stepDecayScheduleDrivesTheOptimizer() throws {
        let schedule = LearningRateSchedule.stepDecay(initial: 1, factor: 0.1, interval: 2)
        let rates = (0..<5).map { schedule.learningRate(afterSteps: $0) }
        #expect(zip(rates, [1, 1, 0.1, 0.1, 0.01] as [Float]).allSatisfy { abs($0 - $1) < 1e-7 }, "\(rates)")
        let p = Parameter(name: "p", value: Tensor(zeros: [1]))
        let optimizer = try ScheduledOptimizer(SGD(), schedule: schedule)
        var values: [Float] = []
        for _ in 0..<5 {
            p.gradient = Tensor(shape: [1], repeating: 1)
            try optimizer.stepZeroingGradients([p])
            values.append(p.value.scalars[0])
        }
        let expected: [Float] = [-1, -2, -2.1, -2.2, -2.21]
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(values)")
        #expect(optimizer.stepCount == 5)
        #expect(throws: OptimizerError.self) { try ScheduledOptimizer(SGD(), schedule: .stepDecay(initial: 1, factor: 0.1, interval: 0)) }
        #expect(throws: OptimizerError.self) { try ScheduledOptimizer(SGD(), schedule: .stepDecay(initial: 1, factor: 0, interval: 5)) }
    }

    @Test func sgdMomentumSetBetweenStepsIsValidated() throws {
        let sgd = try SGD(learningRate: 0.1, momentum: 0.5)
        let p = Parameter(name: "p", value: Tensor(zeros: [1]))
        sgd.momentum = 1
        #expect(throws: OptimizerError.self) { try sgd.step([p]) }
        sgd.momentum = 0.9
        try sgd.step([p])
    }

    @Test func invalidSettingsAndArchitecturesAreRejected() throws {
        var rng = SeededGenerator(seed: 13)
        let ae = try Autoencoder.dense([8, 4], using: &rng)
        let x = Tensor(zeros: [10, 8])
        var config = LayerwisePretraining()
        config.dropoutRate = 1
        #expect(throws: TrainingError.self) { try ae.pretrainLayerwise(on: x, configuration: config) }
        config = LayerwisePretraining()
        config.learningRateDecayInterval = .epochs(0)
        #expect(throws: TrainingError.self) { try ae.pretrainLayerwise(on: x, configuration: config) }
        #expect(throws: TrainingError.self) { try ae.pretrainLayerwise(on: Tensor(zeros: [10, 9])) }
        let unmirrored = try Autoencoder(
            encoder: Sequential(name: "encoder", [Dense(inputSize: 8, outputSize: 4, using: &rng)]),
            decoder: Sequential(name: "decoder", [Dense(inputSize: 4, outputSize: 6, using: &rng)]))
        #expect(throws: LayerError.self) { try unmirrored.pretrainLayerwise(on: x) }
    }
}
