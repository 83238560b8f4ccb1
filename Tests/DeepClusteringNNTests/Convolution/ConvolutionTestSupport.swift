import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

/// One small convolution configuration for gradient checks.
struct ConvolutionCase: Sendable, CustomStringConvertible {
    var height: Int, width: Int, inputChannels: Int, outputChannels: Int
    var kernel: (Int, Int)
    var stride: (Int, Int)
    var padding: Padding
    var activation: Activation

    var description: String {
        "\(height)x\(width)x\(inputChannels)→\(outputChannels) k\(kernel) s\(stride) \(padding) \(activation)"
    }

    /// Strides 1 and 2 × both paddings × odd, even and mixed sizes with several channel counts;
    /// smooth activations only (finite differences across a ReLU kink are meaningless).
    static let all: [ConvolutionCase] = {
        let shapes: [(Int, Int, Int, Int, (Int, Int), Activation)] = [
            (5, 5, 1, 2, (3, 3), .identity),
            (6, 6, 3, 4, (3, 3), .tanh),
            (7, 4, 2, 3, (3, 2), .identity),
            (4, 5, 2, 1, (2, 2), .sigmoid),
        ]
        var cases: [ConvolutionCase] = []
        for s in [1, 2] {
            for padding in Padding.allCases {
                for (h, w, inC, outC, k, activation) in shapes {
                    cases.append(ConvolutionCase(
                        height: h, width: w, inputChannels: inC, outputChannels: outC, kernel: k,
                        stride: (s, s), padding: padding, activation: activation))
                }
            }
        }
        cases.append(ConvolutionCase(
            height: 7, width: 6, inputChannels: 2, outputChannels: 2, kernel: (3, 3), stride: (2, 1),
            padding: .same, activation: .identity))
        return cases
    }()

    /// Checks a layer built by `make` (a random bias is set) on a random batch of two images
    /// against finite differences: input, kernel and bias gradients.
    func checkGradients(seed: UInt64, _ make: (inout SeededGenerator) throws -> some Layer) throws {
        var rng = SeededGenerator(seed: seed)
        let layer = try make(&rng)
        let bias = try #require(layer.parameters.last)
        bias.value = Tensor(randomUniform: [outputChannels], in: -0.3...0.3, using: &rng)
        let x = Tensor(randomUniform: [2, height, width, inputChannels], in: -1...1, using: &rng)
        let report = try _TestSupport.checkGradients(of: layer, input: x)
        #expect(report.maxError < 1e-2, "\(self): \(report)")
        #expect(report.parameterErrors.keys.sorted() == ["bias", "kernel"])
    }
}

/// A tensor whose elements are a random permutation of `0.1·(0..<count) − offset`: all distinct
/// and at least 0.1 apart, so finite differences of a maximum never cross a tie.
func distinctValues(_ shape: [Int], seed: UInt64) throws -> Tensor {
    var rng = SeededGenerator(seed: seed)
    let count = shape.reduce(1, *)
    let values = (0..<count).map { Float($0) * 0.1 - Float(count) * 0.05 }.shuffled(using: &rng)
    return try Tensor(shape: shape, scalars: values)
}

/// Expects two training steps of `layer` on `input` to return their output and input gradient
/// in the same buffers, the results of the first step having been dropped (as a training loop
/// does). Between the steps, tensors of the same sizes are allocated: had the layer freed its
/// buffers, these would take their place and the second step's addresses would differ.
func expectWorkspacesReused(_ layer: some Layer, input: Tensor) throws {
    let first = try stepAddresses(layer, input: input, seed: 1)
    let blockers = [Tensor(zeros: try layer.outputShape(forInputShape: input.shape)), Tensor(zeros: input.shape)]
    let second = try stepAddresses(layer, input: input, seed: 2)
    #expect(first == second)
    #expect(!first.contains(nil))
    #expect(blockers.allSatisfy { b in b.withUnsafeBufferPointer { !first.contains($0.baseAddress) } })
}

/// The addresses of the output and input gradient of one training step of `layer`; both results
/// are dropped on return.
private func stepAddresses(_ layer: some Layer, input: Tensor, seed: UInt64) throws -> [UnsafePointer<Float>?] {
    var rng = SeededGenerator(seed: seed)
    let y = try layer.forward(input)
    let dx = try layer.backward(Tensor(randomNormal: y.shape, using: &rng))
    return [y.withUnsafeBufferPointer { $0.baseAddress }, dx.withUnsafeBufferPointer { $0.baseAddress }]
}

/// Expects a convolution's parameter gradients to add up over two backward passes, to restart
/// after a lazy zeroing (``Parameter/zeroGradientLazily()``, also for an empty batch), and the
/// input gradient to be skippable — with the batch in one chunk and with one image per chunk (`setWorkspaceLimit`).
func expectGradientsAccumulate(
    _ layer: some Layer, input: Tensor, setWorkspaceLimit: (Int) -> Void
) throws {
    var rng = SeededGenerator(seed: 99)
    let upstream = Tensor(randomNormal: try layer.outputShape(forInputShape: input.shape), using: &rng)
    for limit in [64 << 20, 1] {
        setWorkspaceLimit(limit)
        layer.zeroGradients()
        _ = try layer.forward(input)
        _ = try layer.backward(upstream)
        let once = layer.parameters.map(\.gradient)
        _ = try layer.forward(input)
        let skipped = try layer.backward(upstream, computingInputGradient: false)
        #expect(skipped.count == 0)
        for (p, g) in zip(layer.parameters, once) {
            #expect(maxAbsDifference(p.gradient, g * 2) < 1e-4, "\(p.name), limit \(limit)")
        }
        for p in layer.parameters { p.zeroGradientLazily() }
        _ = try layer.forward(input)
        _ = try layer.backward(upstream)
        for (p, g) in zip(layer.parameters, once) {
            #expect(maxAbsDifference(p.gradient, g) < 1e-5, "\(p.name) after lazy zeroing, limit \(limit)")
        }
        // An empty batch after a lazy zeroing leaves zero gradients, not the previous step's.
        for p in layer.parameters { p.zeroGradientLazily() }
        let empty = Tensor(zeros: [0] + input.shape.dropFirst())
        _ = try layer.forward(empty)
        _ = try layer.backward(Tensor(zeros: [0] + upstream.shape.dropFirst()))
        for p in layer.parameters {
            #expect(p.gradient.scalars.allSatisfy { $0 == 0 }, "\(p.name) after an empty batch, limit \(limit)")
        }
    }
}
