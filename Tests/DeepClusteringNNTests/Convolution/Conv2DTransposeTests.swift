import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

@Suite struct Conv2DTransposeTests {
    /// Both algorithms: every case has at most 4 image channels, so `.automatic` runs the direct
    /// kernels and `.im2col` the GEMM path.
    @Test(arguments: ConvolutionCase.all, [ConvolutionAlgorithm.automatic, .im2col])
    func gradientsMatchFiniteDifferences(_ c: ConvolutionCase, algorithm: ConvolutionAlgorithm) throws {
        try c.checkGradients(seed: 8) { rng in
            let layer = try Conv2DTranspose(
                inputChannels: c.inputChannels, outputChannels: c.outputChannels,
                kernelSize: (height: c.kernel.0, width: c.kernel.1), stride: (height: c.stride.0, width: c.stride.1),
                padding: c.padding, activation: c.activation, using: &rng)
            layer.algorithm = algorithm
            #expect(layer.usesDirectKernels == (algorithm == .automatic))
            return layer
        }
    }

    /// The transposed convolution is the adjoint of the convolution with the same kernel:
    /// ⟨conv(z), x⟩ = ⟨z, convᵀ(x)⟩ with biases zero.
    @Test(arguments: Padding.allCases, [1, 2])
    func isTheAdjointOfConv2D(padding: Padding, stride: Int) throws {
        var rng = SeededGenerator(seed: 9)
        let kernel = Tensor(randomNormal: [3, 3, 2, 4], using: &rng)  // Conv2D: 2 → 4
        let conv = try Conv2D(kernel: kernel, stride: (stride, stride), padding: padding)
        let transposed = try Conv2DTranspose(kernel: kernel, stride: (stride, stride), padding: padding)  // 4 → 2
        let x = Tensor(randomNormal: [2, 4, 5, 4], using: &rng)
        let z = Tensor(randomNormal: try transposed.outputShape(forInputShape: x.shape), using: &rng)
        for algorithm in [ConvolutionAlgorithm.im2col, .automatic] {  // 2 image channels: direct kernels
            conv.algorithm = algorithm
            transposed.algorithm = algorithm
            #expect(conv.usesDirectKernels == (algorithm == .automatic) && transposed.usesDirectKernels == conv.usesDirectKernels)
            let y = try transposed.forward(x)
            let cz = try conv.forward(z)
            #expect(cz.shape == x.shape)
            let lhs = zip(cz.scalars, x.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let rhs = zip(z.scalars, y.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            #expect(abs(lhs - rhs) < 1e-3 * max(1, abs(lhs)), "\(algorithm)")
        }
    }

    @Test func shapesFollowKerasRules() throws {
        var rng = SeededGenerator(seed: 1)
        let deconv3 = try Conv2DTranspose(inputChannels: 128, outputChannels: 64, kernelSize: 3, stride: 2, using: &rng)
        #expect(try deconv3.outputShape(forInputShape: [2, 3, 3, 128]) == [2, 7, 7, 64])
        #expect(deconv3.kernel.value.shape == [3, 3, 64, 128])
        let deconv2 = try Conv2DTranspose(
            inputChannels: 64, outputChannels: 32, kernelSize: 5, stride: 2, padding: .same, using: &rng)
        #expect(try deconv2.forward(Tensor(zeros: [1, 7, 7, 64])).shape == [1, 14, 14, 32])
        #expect(deconv2.parameterCount == 5 * 5 * 64 * 32 + 32)
        #expect(throws: LayerError.self) { try deconv2.forward(Tensor(zeros: [1, 7, 7, 32])) }
        #expect(throws: LayerError.self) { try deconv2.backward(Tensor(zeros: [1, 7, 7, 32])) }
    }

    @Test func chunkedBatchesMatchOneChunk() throws {
        var rng = SeededGenerator(seed: 3)
        let layer = try Conv2DTranspose(
            inputChannels: 3, outputChannels: 2, kernelSize: 5, stride: 2, padding: .same, activation: .relu, using: &rng)
        layer.algorithm = .im2col  // chunking applies to the patch matrix
        let x = Tensor(randomUniform: [5, 4, 3, 3], in: -1...1, using: &rng)
        let upstream = Tensor(randomNormal: [5, 8, 6, 2], using: &rng)
        var results: [(Tensor, Tensor, Tensor, Tensor)] = []
        for limit in [64 << 20, 1] {
            layer.workspaceByteLimit = limit
            layer.zeroGradients()
            let y = try layer.forward(x)
            let dx = try layer.backward(upstream)
            results.append((y, dx, layer.kernel.gradient, layer.bias.gradient))
        }
        #expect(maxAbsDifference(results[1].0, results[0].0) < 1e-6)
        #expect(maxAbsDifference(results[1].1, results[0].1) < 1e-5)
        #expect(maxAbsDifference(results[1].2, results[0].2) < 1e-4)
        #expect(maxAbsDifference(results[1].3, results[0].3) < 1e-4)
        #expect(results[0].1.scalars.contains { $0 != 0 })
    }

    @Test func workspacesAreReusedAcrossBatches() throws {
        var rng = SeededGenerator(seed: 11)
        let layer = try Conv2DTranspose(inputChannels: 3, outputChannels: 2, kernelSize: 5, stride: 2, padding: .same, activation: .tanh, using: &rng)
        let x = Tensor(randomUniform: [4, 4, 3, 3], using: &rng)
        for algorithm in [ConvolutionAlgorithm.im2col, .automatic] {
            layer.algorithm = algorithm
            try expectWorkspacesReused(layer, input: x)
        }
    }

    @Test func gradientsAccumulateAndInputGradientCanBeSkipped() throws {
        var rng = SeededGenerator(seed: 4)
        let layer = try Conv2DTranspose(
            inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: .same, using: &rng)
        let x = Tensor(randomUniform: [3, 4, 5, 2], using: &rng)
        for algorithm in [ConvolutionAlgorithm.im2col, .automatic] {
            layer.algorithm = algorithm
            try expectGradientsAccumulate(layer, input: x) { layer.workspaceByteLimit = $0 }
        }
    }
}
