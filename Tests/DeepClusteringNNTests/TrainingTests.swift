import DeepClusteringCore
import DeepClusteringNN
import Foundation
import Testing
import _TestSupport

@Suite struct TrainingTests {
    /// `n` points in 32 dimensions on a smooth 2-D manifold: x = ½ + ½·sin(A·t + c), t ∈ [−1, 1]².
    static func manifoldData(_ n: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        let a = Tensor(randomNormal: [2, 32], using: &rng)
        let c = Tensor(randomUniform: [32], in: 0...6.28, using: &rng)
        let t = Tensor(randomUniform: [n, 2], in: -1...1, using: &rng)
        return (try! Tensor.matmul(t, a) + c).map { 0.5 + 0.5 * sin($0) }
    }

    @Test func samplerVisitsEverySampleOncePerEpoch() throws {
        var sampler = try MiniBatchSampler(sampleCount: 10, batchSize: 4, seed: 3)
        #expect(sampler.batchCount == 3)
        sampler.startEpoch()
        let first = (0..<3).flatMap { Array(sampler.indices(ofBatch: $0)) }
        #expect(first.sorted() == Array(0..<10))
        #expect(sampler.indices(ofBatch: 2).count == 2)
        sampler.startEpoch()
        #expect(sampler.order != first)  // reshuffled (10! orders: a repeat is vanishingly unlikely, and seeded)
        var again = try MiniBatchSampler(sampleCount: 10, batchSize: 4, seed: 3)
        again.startEpoch()
        #expect(again.order == first)
        #expect(throws: TensorError.self) { try MiniBatchSampler(sampleCount: 10, batchSize: 0) }
    }

    @Test func hugeBatchSizesAndLengthsNeitherOverflowNorTrap() throws {
        // ⌈N / b⌉ as (N + b − 1) / b overflowed for b near Int.max (a batch size from a command line).
        #expect(try MiniBatchSampler(sampleCount: 10, batchSize: .max).batchCount == 1)
        #expect(try MiniBatchSampler(sampleCount: 0, batchSize: .max).batchCount == 0)
        #expect(try TrainingLength.epochs(3).steps(batchesPerEpoch: 274) == 822)
        #expect(try TrainingLength.iterations(.max).steps(batchesPerEpoch: 274) == .max)
        #expect(throws: TrainingError.self) { try TrainingLength.epochs(.max).steps(batchesPerEpoch: 274) }
        let x = Self.manifoldData(8, seed: 3)
        var rng = SeededGenerator(seed: 4)
        let ae = try Autoencoder.dense([32, 8, 2], using: &rng)
        let history = try ae.pretrain(on: x, epochs: 1, batchSize: .max, optimizer: SGD(learningRate: 0.1), shuffleSeed: 0)
        #expect(history.count == 1 && history[0].isFinite)
    }

    @Test func denseAutoencoderLearnsAManifold() throws {
        let x = Self.manifoldData(512, seed: 11)
        var rng = SeededGenerator(seed: 12)
        let ae = try Autoencoder.dense([32, 64, 64, 128, 4], using: &rng)
        let initial = try meanSquaredError(ae.predict(x), x).value
        var epochEvents = 0, batchEvents = 0
        let history = try ae.pretrain(on: x, epochs: 60, batchSize: 32, optimizer: Adam(learningRate: 0.002),
                                      shuffleSeed: 1) { event in
            switch event {
            case .batchEnded(_, _, let count, _): batchEvents += 1; #expect(count == 16)
            case .epochEnded: epochEvents += 1
            }
        }
        let final = try meanSquaredError(ae.predict(x), x).value
        #expect(history.count == 60 && epochEvents == 60 && batchEvents == 60 * 16)
        #expect(final * 10 <= initial, "MSE \(initial) → \(final)")
        #expect(history.last! * 10 <= history.first!, "epoch losses \(history.first!) → \(history.last!)")
        // Also 10× better than the best constant prediction (the per-feature mean): it learned
        // the manifold, not just the data's centre.
        let meanPrediction = try Tensor(shape: x.shape, scalars: Array(repeating: x.mean(alongAxis: 0).scalars, count: 512).flatMap { $0 })
        let baseline = try meanSquaredError(meanPrediction, x).value
        #expect(final * 10 <= baseline, "MSE \(final), constant-prediction MSE \(baseline)")
    }

    @Test func divergenceStopsWithTheEpochAndBatchAndKeepsParameters() throws {
        let x = Self.manifoldData(64, seed: 13) * 100
        var rng = SeededGenerator(seed: 14)
        let ae = try Autoencoder.dense([32, 16, 4], using: &rng)
        var lastGood: [Tensor] = []
        var failure: TrainingError?
        do {
            try ae.pretrain(on: x, epochs: 50, batchSize: 16, optimizer: SGD(learningRate: 10, momentum: 0.9)) { event in
                if case .batchEnded = event { lastGood = ae.parameters.map(\.value) }
            }
        } catch let error as TrainingError {
            failure = error
        }
        guard case let .nonFiniteLoss(epoch, batch, value)? = failure else {
            Issue.record("training did not diverge as set up")
            return
        }
        #expect(!value.isFinite && epoch >= 1 && (1...4).contains(batch))
        #expect("\(failure!)".contains("epoch \(epoch), batch \(batch)"))
        #expect(zip(ae.parameters.map(\.value), lastGood).allSatisfy { $0 == $1 })
        #expect(throws: TrainingError.self) { try checkFinite(.nan, epoch: 1, batch: 1) }
    }

    @Test func nonFiniteDataIsNamedNotReportedAsDivergence() throws {
        var x = Self.manifoldData(8, seed: 13)
        x[5, 7] = .nan
        var rng = SeededGenerator(seed: 14)
        let ae = try Autoencoder.dense([32, 8, 2], using: &rng)
        let weights = ae.parameters.map(\.value)
        #expect {
            try ae.pretrain(on: x, epochs: 1, batchSize: 4, optimizer: SGD(learningRate: 0.1))
        } throws: { error in
            guard case let .invalidArgument(message)? = error as? TrainingError else { return false }
            return message.contains("inputs hold nan at sample 5, element 7")
        }
        #expect(ae.parameters.map(\.value) == weights)
        var targets = Self.manifoldData(8, seed: 2)
        targets[0, 0] = .infinity
        #expect {
            try ae.fit(Self.manifoldData(8, seed: 13), targets: targets, epochs: 1, batchSize: 4, optimizer: SGD(learningRate: 0.1))
        } throws: { "\($0)".contains("targets hold inf at sample 0, element 0") }
        #expect(Tensor(zeros: [3, 2]).firstNonFiniteElement() == nil)
    }

    @Test func predictInBatchesEqualsOneInference() throws {
        var rng = SeededGenerator(seed: 15)
        let model = try Sequential([
            Dense(inputSize: 8, outputSize: 6, activation: .sigmoid, using: &rng),
            Dense(inputSize: 6, outputSize: 3, using: &rng),
        ])
        let x = Tensor(randomUniform: [37, 8], using: &rng)
        let whole = try model.inference(x)
        let batched = try model.predict(x, batchSize: 10)
        #expect(batched.shape == [37, 3])
        #expect(maxAbsDifference(whole, batched) < 1e-6)
        #expect(throws: TrainingError.self) { try model.predict(x, batchSize: 0) }
        #expect(throws: TrainingError.self) {
            try model.fit(x, targets: Tensor(zeros: [37, 4]), epochs: 1, optimizer: SGD())
        }
    }

    /// One manual training step through a model's layers, returning the base addresses of every
    /// activation, input gradient and parameter tensor; all locals die on return, so a second call
    /// sees the same addresses only if every workspace was reused (a reallocation creates the new
    /// buffer while the old one is still alive, so it cannot land at the same address).
    static func stepAddresses(_ layers: [any Layer], _ x: Tensor, _ optimizer: any Optimizer) throws -> [UInt] {
        func address(_ t: Tensor) -> UInt { t.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
        var addresses: [UInt] = []
        var activations = [x]
        for layer in layers { activations.append(try layer.forward(activations.last!)) }
        addresses += activations.dropFirst().map(address)
        var gradient = Tensor(zeros: [0])
        _ = try meanSquaredError(activations.last!, x, gradientInto: &gradient)
        activations = []
        for (i, layer) in layers.enumerated().reversed() {
            gradient = try layer.backward(gradient, computingInputGradient: i > 0)
            if i > 0 { addresses.append(address(gradient)) }
        }
        let parameters = layers.flatMap(\.parameters)
        try optimizer.step(parameters)
        for p in parameters {
            addresses += [address(p.value), address(p.gradient)]
            p.zeroGradient()
        }
        return addresses
    }

    @Test func steadyStateTrainingStepReusesEveryBuffer() throws {
        var rng = SeededGenerator(seed: 16)
        let ae = try Autoencoder.dense([32, 64, 64, 128, 4], using: &rng)
        let layers = ae.encoder.layers + ae.decoder.layers
        let x = Tensor(randomUniform: [16, 32], using: &rng)
        let optimizer = try SGD(learningRate: 0.01, momentum: 0.9)
        let first = try Self.stepAddresses(layers, x, optimizer)
        let second = try Self.stepAddresses(layers, x, optimizer)
        let third = try Self.stepAddresses(layers, x, optimizer)
        #expect(first.count == 8 + 7 + 32)
        #expect(first == second)
        #expect(second == third)
    }
}
