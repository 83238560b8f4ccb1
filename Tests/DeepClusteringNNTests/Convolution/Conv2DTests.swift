import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

@Suite struct Conv2DTests {
    /// Both algorithms: every case has at most 4 image channels, so `.automatic` runs the direct
    /// kernels and `.im2col` the GEMM path.
    @Test(arguments: ConvolutionCase.all, [ConvolutionAlgorithm.automatic, .im2col])
    func gradientsMatchFiniteDifferences(_ c: ConvolutionCase, algorithm: ConvolutionAlgorithm) throws {
        try c.checkGradients(seed: 7) { rng in
            let layer = try Conv2D(
                inputChannels: c.inputChannels, outputChannels: c.outputChannels,
                kernelSize: (height: c.kernel.0, width: c.kernel.1), stride: (height: c.stride.0, width: c.stride.1),
                padding: c.padding, activation: c.activation, using: &rng)
            layer.algorithm = algorithm
            #expect(layer.usesDirectKernels == (algorithm == .automatic))
            return layer
        }
    }

    @Test func shapesFollowKerasRules() throws {
        var rng = SeededGenerator(seed: 1)
        let same = try Conv2D(inputChannels: 1, outputChannels: 32, kernelSize: 5, stride: 2, padding: .same, using: &rng)
        #expect(try same.outputShape(forInputShape: [3, 28, 28, 1]) == [3, 14, 14, 32])
        #expect(same.kernel.value.shape == [5, 5, 1, 32])
        #expect(same.parameterCount == 5 * 5 * 32 + 32)
        let valid = try Conv2D(inputChannels: 64, outputChannels: 128, kernelSize: 3, stride: 2, using: &rng)
        #expect(try valid.outputShape(forInputShape: [2, 7, 7, 64]) == [2, 3, 3, 128])
        #expect(try valid.forward(Tensor(zeros: [2, 7, 7, 64])).shape == [2, 3, 3, 128])
        // Glorot uniform: |w| ≤ sqrt(6 / (fanIn + fanOut)), bias zero.
        let limit = (6 / Float(9 * 64 + 9 * 128)).squareRoot()
        #expect(valid.kernel.value.scalars.allSatisfy { abs($0) <= limit })
        #expect(valid.kernel.value.scalars.contains { abs($0) > limit / 2 })
        #expect(valid.bias.value.scalars.allSatisfy { $0 == 0 })
    }

    @Test func chunkedBatchesMatchOneChunk() throws {
        var rng = SeededGenerator(seed: 3)
        let layer = try Conv2D(
            inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: 2, padding: .same, activation: .relu, using: &rng)
        layer.algorithm = .im2col  // chunking applies to the patch matrix
        let x = Tensor(randomUniform: [5, 9, 8, 3], in: -1...1, using: &rng)
        let upstream = Tensor(randomNormal: [5, 5, 4, 4], using: &rng)
        var results: [(Tensor, Tensor, Tensor, Tensor)] = []
        for limit in [64 << 20, 2 * 20 * 27 * 4, 1] {  // one chunk, chunks of 2 images, one image each
            layer.workspaceByteLimit = limit
            layer.zeroGradients()
            let y = try layer.forward(x)
            let dx = try layer.backward(upstream)
            results.append((y, dx, layer.kernel.gradient, layer.bias.gradient))
        }
        for r in results.dropFirst() {
            #expect(maxAbsDifference(r.0, results[0].0) < 1e-6)
            #expect(maxAbsDifference(r.1, results[0].1) < 1e-5)
            #expect(maxAbsDifference(r.2, results[0].2) < 1e-4)
            #expect(maxAbsDifference(r.3, results[0].3) < 1e-4)
        }
        #expect(results[0].1.scalars.contains { $0 != 0 })
    }

    @Test func gradientsAccumulateAndInputGradientCanBeSkipped() throws {
        var rng = SeededGenerator(seed: 4)
        let layer = try Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: .same, activation: .tanh, using: &rng)
        let x = Tensor(randomUniform: [3, 5, 5, 2], using: &rng)
        for algorithm in [ConvolutionAlgorithm.im2col, .automatic] {
            layer.algorithm = algorithm
            try expectGradientsAccumulate(layer, input: x) { layer.workspaceByteLimit = $0 }
        }
    }

    @Test func badInputIsReported() throws {
        var rng = SeededGenerator(seed: 5)
        let layer = try Conv2D(inputChannels: 3, outputChannels: 2, kernelSize: 5, name: "conv1", using: &rng)
        #expect(throws: LayerError.self) { try layer.forward(Tensor(zeros: [1, 8, 8, 2])) }
        #expect(throws: LayerError.self) { try layer.forward(Tensor(zeros: [8, 8, 3])) }
        #expect(throws: LayerError.self) { try layer.forward(Tensor(zeros: [1, 4, 8, 3])) }
        #expect(throws: LayerError.invalidBackward(layer: "conv1", message: "no forward pass to differentiate")) {
            try layer.backward(Tensor(zeros: [1, 4, 4, 2]))
        }
        _ = try layer.forward(Tensor(zeros: [1, 8, 8, 3]))
        #expect(throws: LayerError.self) { try layer.backward(Tensor(zeros: [1, 5, 4, 2])) }
        #expect(throws: LayerError.self) {
            try Conv2D(inputChannels: 0, outputChannels: 2, kernelSize: 3, using: &rng)
        }
        #expect(throws: LayerError.self) {
            try Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3, stride: 0, using: &rng)
        }
        #expect(throws: LayerError.self) {
            try Conv2D(kernel: Tensor(zeros: [3, 3, 1, 2]), bias: Tensor(zeros: [3]))
        }
    }

    @Test func workspacesAreReusedAcrossBatches() throws {
        var rng = SeededGenerator(seed: 11)
        let layer = try Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: 2, padding: .same, activation: .relu, using: &rng)
        let x = Tensor(randomUniform: [4, 9, 8, 3], using: &rng)
        for algorithm in [ConvolutionAlgorithm.im2col, .automatic] {
            layer.algorithm = algorithm
            try expectWorkspacesReused(layer, input: x)
        }
    }

    /// Large enough for the bias gradient to be summed in parallel blocks.
    @Test(arguments: [Activation.identity, .relu])
    func biasGradientOfALargeBatch(activation: Activation) throws {
        var rng = SeededGenerator(seed: 12)
        let layer = try Conv2D(
            inputChannels: 2, outputChannels: 8, kernelSize: 1, activation: activation, using: &rng)
        let x = Tensor(randomUniform: [8, 64, 64, 2], in: -1...1, using: &rng)
        let y = try layer.forward(x)
        #expect(y.count >= 262_144)
        let upstream = Tensor(randomNormal: y.shape, using: &rng)
        layer.zeroGradients()
        _ = try layer.backward(upstream)
        var expected = [Double](repeating: 0, count: 8)
        let ys = y.scalars, gs = upstream.scalars
        for i in ys.indices where activation == .identity || ys[i] > 0 { expected[i % 8] += Double(gs[i]) }
        #expect(allClose(layer.bias.gradient.scalars, expected.map(Float.init), absolute: 1e-2, relative: 1e-4))
    }
}
