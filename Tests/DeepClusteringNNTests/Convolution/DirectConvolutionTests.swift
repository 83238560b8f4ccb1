import DeepClusteringCore
@testable import DeepClusteringNN
import Testing
import _TestSupport

/// The direct kernels (``ConvolutionAlgorithm/automatic`` on thin image sides) against im2col +
/// GEMM on the same layer: forward output, kernel, bias and input gradients, for the AVX2 + FMA
/// kernels (where the CPU has them) and for the portable ones (forced on the layer under test
/// only, so suites running at the same time keep the automatic choice).
@Suite struct DirectConvolutionTests {
    /// A thin layer configuration: image side `imageChannels`, grid side `gridChannels`.
    struct Case: Sendable, CustomStringConvertible {
        var height: Int, width: Int, imageChannels: Int, gridChannels: Int
        var kernel: Int, stride: (Int, Int), padding: Padding
        var description: String {
            "\(height)x\(width)x\(imageChannels)↔\(gridChannels) k\(kernel) s\(stride) \(padding)"
        }
        static let all: [Case] = [
            // The seed's first and last layers on MNIST (AVX2 path: 32 filters).
            Case(height: 28, width: 28, imageChannels: 1, gridChannels: 32, kernel: 5, stride: (2, 2), padding: .same),
            // RGB, valid padding, unequal strides, 16 filters.
            Case(height: 11, width: 9, imageChannels: 3, gridChannels: 16, kernel: 3, stride: (2, 1), padding: .valid),
            // A filter count that is not a multiple of 8 (portable path) and more filters than one block.
            Case(height: 9, width: 10, imageChannels: 2, gridChannels: 13, kernel: 4, stride: (1, 1), padding: .same),
            Case(height: 12, width: 12, imageChannels: 4, gridChannels: 40, kernel: 3, stride: (3, 3), padding: .same),
            // Three vectors of filters; seven interior columns, so an interior position next to the border.
            Case(height: 7, width: 9, imageChannels: 1, gridChannels: 24, kernel: 3, stride: (1, 1), padding: .same),
            // 40 filters (a block of 32 and one of 8) on an odd grid width (unpaired last column).
            Case(height: 6, width: 7, imageChannels: 2, gridChannels: 40, kernel: 3, stride: (1, 1), padding: .valid),
            // Strides larger than the kernel (pixels no tap reads).
            Case(height: 10, width: 11, imageChannels: 1, gridChannels: 8, kernel: 2, stride: (3, 3), padding: .valid),
            // One row; an image smaller than the kernel.
            Case(height: 1, width: 7, imageChannels: 1, gridChannels: 16, kernel: 3, stride: (1, 2), padding: .same),
            Case(height: 3, width: 3, imageChannels: 2, gridChannels: 8, kernel: 5, stride: (1, 1), padding: .same),
        ]
    }

    /// Runs forward + backward with `algorithm` and returns (output, ∂x, ∂kernel, ∂bias).
    private func run(_ layer: some Layer, algorithm: ConvolutionAlgorithm, input: Tensor, upstream: Tensor) throws -> [Tensor] {
        if let conv = layer as? Conv2D { conv.algorithm = algorithm; #expect(conv.usesDirectKernels == (algorithm == .automatic)) }
        if let conv = layer as? Conv2DTranspose { conv.algorithm = algorithm; #expect(conv.usesDirectKernels == (algorithm == .automatic)) }
        for p in layer.parameters { p.zeroGradient() }
        let y = try layer.forward(input)
        let dx = try layer.backward(upstream, computingInputGradient: true)
        return [y, dx] + layer.parameters.map(\.gradient)
    }

    private func expectAgreement(_ layer: some Layer, input: Tensor, seed: UInt64, label: String) throws {
        var rng = SeededGenerator(seed: seed)
        let upstream = Tensor(randomUniform: try layer.outputShape(forInputShape: input.shape), in: -1...1, using: &rng)
        let reference = try run(layer, algorithm: .im2col, input: input, upstream: upstream)
        let direct = try run(layer, algorithm: .automatic, input: input, upstream: upstream)
        for (name, (a, b)) in zip(["output", "input gradient", "kernel gradient", "bias gradient"], zip(direct, reference)) {
            let scale = max(1, b.scalars.map(abs).max() ?? 0)
            #expect(maxAbsDifference(a, b) <= 1e-5 * scale, "\(label) \(name): \(maxAbsDifference(a, b)) (scale \(scale))")
            #expect(b.scalars.contains { $0 != 0 }, "\(label) \(name) is all zero")
        }
    }

    @Test(arguments: Case.all, [false, true])
    func conv2DMatchesIm2col(_ c: Case, portableOnly: Bool) throws {
        var rng = SeededGenerator(seed: 21)
        let layer = try Conv2D(
            inputChannels: c.imageChannels, outputChannels: c.gridChannels, kernelSize: c.kernel,
            stride: 1, padding: c.padding, activation: .relu, using: &rng)
        let strided = try Conv2D(
            kernel: layer.kernel.value, bias: Tensor(randomUniform: [c.gridChannels], in: -0.2...0.2, using: &rng),
            stride: (height: c.stride.0, width: c.stride.1), padding: c.padding, activation: .relu)
        let x = Tensor(randomUniform: [5, c.height, c.width, c.imageChannels], in: -1...1, using: &rng)
        strided.forcesPortableDirectKernels = portableOnly
        let geometry = try strided.geometry(forInputShape: x.shape)
        if portableOnly { #expect(!geometry.runsAVX2DirectKernels(gridChannels: c.gridChannels)) }
        try expectAgreement(strided, input: x, seed: 22, label: "\(c)")
    }

    @Test(arguments: Case.all, [false, true])
    func conv2DTransposeMatchesIm2col(_ c: Case, portableOnly: Bool) throws {
        var rng = SeededGenerator(seed: 23)
        let layer = try Conv2DTranspose(
            inputChannels: c.gridChannels, outputChannels: c.imageChannels, kernelSize: c.kernel,
            stride: 1, padding: c.padding, using: &rng)
        let strided = try Conv2DTranspose(
            kernel: layer.kernel.value, bias: Tensor(randomUniform: [c.imageChannels], in: -0.2...0.2, using: &rng),
            stride: (height: c.stride.0, width: c.stride.1), padding: c.padding, activation: .tanh)
        let grid = try Conv2D(
            inputChannels: c.imageChannels, outputChannels: 1, kernelSize: (height: c.kernel, width: c.kernel),
            stride: (height: c.stride.0, width: c.stride.1), padding: c.padding, using: &rng)
            .outputShape(forInputShape: [1, c.height, c.width, c.imageChannels])
        let x = Tensor(randomUniform: [5, grid[1], grid[2], c.gridChannels], in: -1...1, using: &rng)
        strided.forcesPortableDirectKernels = portableOnly
        let geometry = try strided.geometry(forInputShape: x.shape)
        if portableOnly { #expect(!geometry.runsAVX2DirectKernels(gridChannels: c.gridChannels)) }
        try expectAgreement(strided, input: x, seed: 24, label: "\(c)")
    }

    @Test func wideImagesUseIm2col() throws {
        var rng = SeededGenerator(seed: 25)
        #expect(try Conv2D(inputChannels: 5, outputChannels: 8, kernelSize: 3, using: &rng).usesDirectKernels == false)
        #expect(try Conv2D(inputChannels: 1, outputChannels: 8, kernelSize: 9, using: &rng).usesDirectKernels == false)
        #expect(try Conv2D(inputChannels: 4, outputChannels: 8, kernelSize: 8, using: &rng).usesDirectKernels)
        #expect(try Conv2DTranspose(inputChannels: 64, outputChannels: 32, kernelSize: 5, using: &rng).usesDirectKernels == false)
        #expect(try Conv2DTranspose(inputChannels: 32, outputChannels: 1, kernelSize: 5, using: &rng).usesDirectKernels)
    }
}
