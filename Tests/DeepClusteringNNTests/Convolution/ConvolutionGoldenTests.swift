import DeepClusteringCore
import DeepClusteringNN
import Foundation
import Testing
import _TestSupport

/// Forward and backward values of Conv2D and Conv2DTranspose against
/// `Fixtures/conv_fixtures.json`, written by `Fixtures/make_conv_fixtures.py` (direct numpy loops
/// with TensorFlow's semantics, cross-checked there against Keras layers and tf.GradientTape).
@Suite struct ConvolutionGoldenTests {
    struct FixtureTensor: Decodable {
        var shape: [Int]
        var data: [Float]
        func tensor() throws -> Tensor { try Tensor(shape: shape, scalars: data) }
    }

    struct Case: Decodable {
        var name: String
        var stride: [Int]
        var padding: String
        var activation: String
        var input, kernel, bias, outputGradient, output, inputGradient, kernelGradient, biasGradient: FixtureTensor
    }

    struct Fixture: Decodable {
        var conv2d: [Case]
        var conv2d_transpose: [Case]
    }

    static func load() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "conv_fixtures", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// Runs forward and backward on `layer` and compares all four tensors with the fixture.
    func compare(_ layer: some Layer, kernel: Parameter, bias: Parameter, with c: Case) throws {
        let output = try layer.forward(c.input.tensor())
        #expect(output.shape == c.output.shape, "\(c.name): output shape")
        #expect(maxAbsDifference(output, try c.output.tensor()) < 1e-5, "\(c.name): output")
        layer.zeroGradients()
        let inputGradient = try layer.backward(c.outputGradient.tensor())
        #expect(maxAbsDifference(inputGradient, try c.inputGradient.tensor()) < 1e-4, "\(c.name): input gradient")
        #expect(maxAbsDifference(kernel.gradient, try c.kernelGradient.tensor()) < 1e-4, "\(c.name): kernel gradient")
        #expect(maxAbsDifference(bias.gradient, try c.biasGradient.tensor()) < 1e-4, "\(c.name): bias gradient")
        let inference = try layer.inference(c.input.tensor())
        #expect(inference == output, "\(c.name): inference differs from forward")
    }

    static func parameters(of c: Case) throws -> (stride: (Int, Int), padding: Padding, activation: Activation) {
        (
            (c.stride[0], c.stride[1]),
            try #require(Padding(rawValue: c.padding)),
            try #require(c.activation == "linear" ? .identity : Activation(rawValue: c.activation))  // Keras's name
        )
    }

    @Test func conv2DMatchesReference() throws {
        let fixture = try Self.load()
        #expect(fixture.conv2d.count >= 6)
        for c in fixture.conv2d {
            let (stride, padding, activation) = try Self.parameters(of: c)
            // im2col in one chunk, im2col one image per chunk, and the direct kernels where they apply
            for (limit, algorithm) in [(64 << 20, ConvolutionAlgorithm.im2col), (1, .im2col), (64 << 20, .automatic)] {
                let layer = try Conv2D(
                    kernel: c.kernel.tensor(), bias: c.bias.tensor(), stride: stride, padding: padding,
                    activation: activation)
                layer.workspaceByteLimit = limit
                layer.algorithm = algorithm
                try compare(layer, kernel: layer.kernel, bias: layer.bias, with: c)
            }
        }
    }

    @Test func conv2DTransposeMatchesReference() throws {
        let fixture = try Self.load()
        #expect(fixture.conv2d_transpose.count >= 6)
        for c in fixture.conv2d_transpose {
            let (stride, padding, activation) = try Self.parameters(of: c)
            // im2col in one chunk, im2col one image per chunk, and the direct kernels where they apply
            for (limit, algorithm) in [(64 << 20, ConvolutionAlgorithm.im2col), (1, .im2col), (64 << 20, .automatic)] {
                let layer = try Conv2DTranspose(
                    kernel: c.kernel.tensor(), bias: c.bias.tensor(), stride: stride, padding: padding,
                    activation: activation)
                layer.workspaceByteLimit = limit
                layer.algorithm = algorithm
                try compare(layer, kernel: layer.kernel, bias: layer.bias, with: c)
            }
        }
    }
}
