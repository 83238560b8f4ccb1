import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

/// Records the `computingInputGradient` flag it was called with (a test double).
final class FlagRecorder: Layer {
    var name = "recorder"
    var parameters: [Parameter] { [] }
    var lastFlag: Bool?
    func outputShape(forInputShape inputShape: [Int]) throws -> [Int] { inputShape }
    func forward(_ input: Tensor) throws -> Tensor { input }
    func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        lastFlag = computingInputGradient
        return outputGradient
    }
    func clearCache() {}
}

@Suite struct SequentialTests {
    @Test func namesAreMadeUniqueAndReachable() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try Sequential(name: "mlp", [
            Dense(inputSize: 4, outputSize: 3, activation: .relu, using: &rng),
            Dense(inputSize: 3, outputSize: 3, using: &rng),
            Dense(inputSize: 3, outputSize: 2, using: &rng),
        ])
        #expect(model.layers.map(\.name) == ["dense", "dense_1", "dense_2"])
        #expect(model["dense_1"] === model[1])
        #expect(model["nope"] == nil)
        #expect(throws: LayerError.self) { try model.layer(named: "nope") }
        #expect(throws: LayerError.self) { try model.layer(at: 3) }
        #expect(model.namedParameters.map(\.name) == [
            "dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias", "dense_2.kernel", "dense_2.bias",
        ])
        #expect(model.parameterCount == 4 * 3 + 3 + 3 * 3 + 3 + 3 * 2 + 2)
        #expect(try model.outputShape(forInputShape: [7, 4]) == [7, 2])
        #expect(throws: LayerError.self) { try model.outputShape(forInputShape: [7, 5]) }
    }

    @Test func aLayerObjectMayAppearOnce() throws {
        var rng = SeededGenerator(seed: 1)
        let dense = try Dense(inputSize: 2, outputSize: 2, using: &rng)
        #expect(throws: LayerError.self) { try Sequential([dense, dense]) }
    }

    @Test func firstLayerIsToldWhetherTheInputGradientIsNeeded() throws {
        let first = FlagRecorder(), second = FlagRecorder()
        let model = try Sequential([first, second])
        let x = Tensor(zeros: [2, 3])
        _ = try model.forward(x)
        _ = try model.backward(x, computingInputGradient: false)
        #expect(first.lastFlag == false)
        #expect(second.lastFlag == true)
        _ = try model.backward(x, computingInputGradient: true)
        #expect(first.lastFlag == true)
    }

    @Test func autoencoderLayoutMatchesTheSeed() throws {
        var rng = SeededGenerator(seed: 3)
        let ae = try Autoencoder.dense([784, 500, 500, 2000, 10], using: &rng)
        #expect(ae.encoder.layers.map(\.name) == ["encoder_0", "encoder_1", "encoder_2", "encoder_3"])
        #expect(ae.decoder.layers.map(\.name) == ["decoder_3", "decoder_2", "decoder_1", "decoder_0"])
        let activations = (ae.encoder.layers + ae.decoder.layers).map { ($0 as! Dense).activation }
        #expect(activations == [.relu, .relu, .relu, .identity, .relu, .relu, .relu, .identity])
        // Encoder 784·500+500 + 500·500+500 + 500·2000+2000 + 2000·10+10 = 1,665,010;
        // decoder 10·2000+2000 + 2000·500+500 + 500·500+500 + 500·784+784 = 1,665,784.
        #expect(ae.parameterCount == 1_665_010 + 1_665_784)
        #expect(ae.namedParameters.first?.name == "encoder.encoder_0.kernel")
        #expect(ae.namedParameters.last?.name == "decoder.decoder_0.bias")
        #expect(Set(ae.namedParameters.map(\.name)).count == 16)
        // VarianceScaling(1/3, fan_in, uniform): U(±sqrt(1/fan_in)); biases zero.
        let first = ae.encoder[0] as! Dense
        let limit = (1 / Float(784)).squareRoot()
        #expect(first.kernel.value.scalars.allSatisfy { abs($0) <= limit })
        #expect(first.kernel.value.scalars.map(abs).max()! > 0.95 * limit)
        #expect(first.bias.value.scalars.allSatisfy { $0 == 0 })
    }

    @Test func encoderSharedWithAnotherModelSharesParameters() throws {
        var rng = SeededGenerator(seed: 5)
        let ae = try Autoencoder.dense([6, 4, 2], using: &rng)
        let encoder = ae.encoder
        let x = Tensor(randomUniform: [3, 6], using: &rng)
        let before = try encoder.predict(x)
        try ae.pretrain(on: x, epochs: 2, batchSize: 3, optimizer: SGD(learningRate: 0.5))
        let after = try encoder.predict(x)
        #expect(maxAbsDifference(before, after) > 0)
        #expect(try ae.encode(x) == after)
        #expect(ae.encoder.parameters[0] === (encoder[0] as! Dense).kernel)
    }

    @Test func autoencoderRejectsSharedHalves() throws {
        var rng = SeededGenerator(seed: 5)
        let half = try Sequential([Dense(inputSize: 2, outputSize: 2, using: &rng)])
        #expect(throws: LayerError.self) { try Autoencoder(encoder: half, decoder: half) }
    }

    @Test func backwardWithoutForwardIsAnError() throws {
        var rng = SeededGenerator(seed: 5)
        let dense = try Dense(inputSize: 2, outputSize: 2, using: &rng)
        #expect(throws: LayerError.self) { try dense.backward(Tensor(zeros: [1, 2])) }
        _ = try dense.forward(Tensor(zeros: [1, 2]))
        #expect(throws: LayerError.self) { try dense.backward(Tensor(zeros: [1, 3])) }
        #expect(throws: LayerError.self) { try dense.forward(Tensor(zeros: [1, 3])) }
        #expect(throws: LayerError.self) { try Dense(inputSize: 0, outputSize: 2, using: &rng) }
        #expect(throws: LayerError.self) { try Reshape([0, 2]) }
        #expect(throws: LayerError.self) { try Reshape([3]).forward(Tensor(zeros: [2, 4])) }
    }
}
