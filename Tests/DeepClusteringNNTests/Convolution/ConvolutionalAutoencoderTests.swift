import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

/// The seed's two convolutional autoencoders: layer-by-layer shapes and parameter counts as
/// Keras reports them for the same architectures (Keras 3.15; printed by
/// `Fixtures/keras_reference_values.py`), and a training step that lowers the reconstruction loss.
@Suite struct ConvolutionalAutoencoderTests {
    /// The output shape (without the batch) after every layer, encoder then decoder.
    func layerShapes(_ ae: Autoencoder, input: [Int]) throws -> [[Int]] {
        var shape = [2] + input
        var shapes: [[Int]] = []
        for layer in ae.encoder.layers + ae.decoder.layers {
            shape = try layer.outputShape(forInputShape: shape)
            shapes.append(Array(shape.dropFirst()))
        }
        return shapes
    }

    @Test func transposedConvolutionModelMatchesTheSeedOnMNIST() throws {
        var rng = SeededGenerator(seed: 42)
        let ae = try Autoencoder.convolutional(inputShape: [28, 28, 1], using: &rng)
        #expect(try layerShapes(ae, input: [28, 28, 1]) == [
            [14, 14, 32], [7, 7, 64], [3, 3, 128], [1152], [10],
            [1152], [3, 3, 128], [7, 7, 64], [14, 14, 32], [28, 28, 1],
        ])
        #expect(ae.parameterCount == 275_979)
        #expect(ae.encoder.layers.map(\.name) == ["conv1", "conv2", "conv3", "flatten", "embedding"])
        let x = Tensor(randomUniform: [3, 28, 28, 1], using: &rng)
        #expect(try ae.encode(x).shape == [3, 10])
        #expect(try ae.forward(x).shape == [3, 28, 28, 1])
    }

    @Test func transposedConvolutionModelHandlesOtherSeedSizes() throws {
        var rng = SeededGenerator(seed: 1)
        // Keras 3.15 parameter counts for the same architecture on these inputs.
        for (shape, count) in [([20, 20, 3], 265_741), ([32, 32, 1], 294_795)] {
            let ae = try Autoencoder.convolutional(inputShape: shape, using: &rng)
            #expect(try ae.outputShape(forInputShape: [2] + shape) == [2] + shape)
            #expect(ae.parameterCount == count, "\(shape)")
        }
        #expect(throws: LayerError.self) { try Autoencoder.convolutional(inputShape: [30, 30, 1], using: &rng) }
        #expect(throws: LayerError.self) { try Autoencoder.convolutional(inputShape: [28, 32, 1], using: &rng) }
        #expect(throws: LayerError.self) { try Autoencoder.convolutional(inputShape: [28, 28], using: &rng) }
        #expect(throws: LayerError.self) {
            try Autoencoder.convolutional(inputShape: [28, 28, 1], filters: [32, 64], using: &rng)
        }
    }

    @Test func upsamplingModelMatchesTheSeedOnMNIST() throws {
        var rng = SeededGenerator(seed: 42)
        let ae = try Autoencoder.convolutionalUpsampling(inputShape: [28, 28, 1], using: &rng)
        #expect(try layerShapes(ae, input: [28, 28, 1]) == [
            [14, 14, 16], [7, 7, 8], [4, 4, 8], [128], [10],
            [128], [4, 4, 8], [4, 4, 8], [8, 8, 8], [8, 8, 8], [16, 16, 8], [14, 14, 16], [28, 28, 16], [28, 28, 1],
        ])
        #expect(ae.parameterCount == 7_083)
        let y = try ae.forward(Tensor(randomUniform: [2, 28, 28, 1], using: &rng))
        #expect(y.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(throws: LayerError.self) { try Autoencoder.convolutionalUpsampling(inputShape: [30, 30, 1], using: &rng) }
    }

    @Test func convolutionKernelsAreGlorotUniform() throws {
        var rng = SeededGenerator(seed: 3)
        let ae = try Autoencoder.convolutional(inputShape: [28, 28, 1], using: &rng)
        let conv2 = try #require(try ae.encoder.layer(named: "conv2") as? Conv2D)
        let limit = (6 / Float(25 * 32 + 25 * 64)).squareRoot()
        #expect(conv2.kernel.value.scalars.allSatisfy { abs($0) <= limit })
        #expect(conv2.kernel.value.scalars.contains { abs($0) > 0.9 * limit })
    }

    @Test func aFewStepsLowerTheReconstructionLoss() throws {
        var rng = SeededGenerator(seed: 5)
        let ae = try Autoencoder.convolutional(inputShape: [12, 12, 1], filters: [4, 8, 8], embeddingSize: 4, using: &rng)
        let x = Tensor(randomUniform: [16, 12, 12, 1], using: &rng)
        let losses = try ae.pretrain(on: x, epochs: 8, batchSize: 8, optimizer: Adadelta())
        #expect(losses.count == 8)
        #expect(losses.last! < losses.first!)
    }
}
