import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

/// Training with bf16 GEMM operands follows FP32 training closely on small data: the same
/// losses and weights up to bf16 rounding, and the FP32 master weights actually move by the
/// small updates bf16 weights could not hold.
@Suite struct MixedPrecisionTrainingTests {
    /// A dense autoencoder (large enough that every product runs on oneDNN) trained for `epochs`
    /// epochs from a fixed seed; returns the epoch losses and the trained parameters.
    static func train(precision: GEMMPrecision, epochs: Int) throws -> (losses: [Float], parameters: [[Float]]) {
        var rng = SeededGenerator(seed: 11)
        let x = Tensor(randomUniform: [512, 96], using: &rng)
        var initialization = SeededGenerator(seed: 12)
        let ae = try Autoencoder.dense([96, 128, 64, 8], using: &initialization)
        let losses = try ae.pretrain(on: x, epochs: epochs, batchSize: 128,
                                     optimizer: SGD(learningRate: 0.1, momentum: 0.9), precision: precision)
        return (losses, ae.parameters.map(\.value.scalars))
    }

    // bf16 GEMMs need AVX512_BF16 or AMX-BF16 and oneDNN; elsewhere training in `.bfloat16`
    // is refused (bfloat16TrainingIsRefusedWithoutHardware).
    @Test(.enabled(if: GEMMPrecision.bfloat16IsSupported, "needs AVX512_BF16 or AMX-BF16 and oneDNN"))
    func bfloat16TrainingFollowsFloat32() throws {
        let single = try Self.train(precision: .float32, epochs: 3)
        let mixed = try Self.train(precision: .bfloat16, epochs: 3)
        #expect(single.losses.count == 3 && mixed.losses.count == 3)
        for (a, b) in zip(single.losses, mixed.losses) {
            #expect(abs(a - b) <= 0.02 * a, "losses \(single.losses) against \(mixed.losses)")
        }
        // Losses fall in both precisions.
        #expect(mixed.losses[2] < mixed.losses[0])
        for (p, (a, b)) in zip(single.parameters, mixed.parameters).enumerated() {
            let scale = a.map { abs($0) }.max() ?? 1
            #expect(maxAbsDifference(a, b) <= 0.02 * max(scale, 1e-3), "parameter \(p)")
        }
        // Master weights stay FP32: most trained values are not representable in bf16.
        let weights = mixed.parameters[0]
        let notBFloat16 = weights.filter { $0.bitPattern & 0xffff != 0 }.count
        #expect(notBFloat16 > weights.count / 2)
    }

    /// The convolution layers run their GEMMs on helper threads (one chunk of images each); the
    /// precision must reach them: the bf16 epoch differs from the FP32 one, by bf16 rounding only.
    @Test(.enabled(if: GEMMPrecision.bfloat16IsSupported, "needs AVX512_BF16 or AMX-BF16 and oneDNN"))
    func convolutionalTrainingRunsInTheChosenPrecision() throws {
        func epochLoss(_ precision: GEMMPrecision) throws -> Float {
            var rng = SeededGenerator(seed: 13)
            let x = Tensor(randomUniform: [64, 28, 28, 1], using: &rng)
            let ae = try Autoencoder.convolutional(inputShape: [28, 28, 1], embeddingSize: 10, using: &rng)
            let losses = try ae.pretrain(on: x, epochs: 1, batchSize: 32, optimizer: Adam(), precision: precision)
            return losses[0]
        }
        let single = try epochLoss(.float32), mixed = try epochLoss(.bfloat16)
        #expect(single != mixed)
        #expect(abs(single - mixed) <= 0.02 * single, "\(single) against \(mixed)")
    }

    @Test(.enabled(if: !GEMMPrecision.bfloat16IsSupported, "this machine runs bf16 GEMMs; nothing to refuse"))
    func bfloat16TrainingIsRefusedWithoutHardware() {
        #expect(throws: GEMMPrecisionError.self) { _ = try Self.train(precision: .bfloat16, epochs: 1) }
    }
}
