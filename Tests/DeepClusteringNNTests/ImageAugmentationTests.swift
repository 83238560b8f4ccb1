import DeepClusteringCore
import DeepClusteringNN
import Foundation
import Testing
import _TestSupport

@Suite struct ImageAugmentationTests {
    @Test func zeroRangesGiveTheInputBack() throws {
        var rng = SeededGenerator(seed: 1)
        let batch = Tensor(randomUniform: [4, 7 * 5 * 2], using: &rng)
        let identity = try ImageAugmentation(height: 7, width: 5, channels: 2, maxShiftFraction: 0, maxRotationDegrees: 0)
        var out = Tensor(zeros: [0])
        try identity.apply(to: batch, into: &out, using: &rng)
        #expect(out == batch)
    }

    @Test func shiftsAndRotationsMoveAnImageButKeepConstantsAndAreSeeded() throws {
        // A bright 3×3 square in the middle of a 16×16 image.
        var image = Tensor(zeros: [1, 16, 16, 1])
        for y in 6..<9 { for x in 6..<9 { image[0, y, x, 0] = 1 } }
        let batch = try Tensor.concatenatingRows(Array(repeating: image, count: 8))
        let augmentation = try ImageAugmentation(height: 16, width: 16, maxShiftFraction: 0.2, maxRotationDegrees: 30)
        var a = Tensor(zeros: [0]), b = Tensor(zeros: [0])
        var g1 = SeededGenerator(seed: 9), g2 = SeededGenerator(seed: 9)
        try augmentation.apply(to: batch, into: &a, using: &g1)
        try augmentation.apply(to: batch, into: &b, using: &g2)
        #expect(a == b)
        #expect(a.shape == batch.shape)
        #expect(a != batch)
        // Bilinear resampling keeps values in [0, 1]; the square is still there (about 9 pixels
        // of mass) unless shifted partly off the border.
        #expect(a.min()! >= 0 && a.max()! <= 1)
        let masses = try a.reshaped(to: [8, 256]).sum(alongAxis: 1).scalars
        #expect(masses.allSatisfy { $0 > 4 && $0 < 13 })
        // Nearest fill: a constant image stays constant whatever the transform.
        let constant = Tensor(shape: [3, 256], repeating: 0.25)
        var c = Tensor(zeros: [0])
        try augmentation.apply(to: constant, into: &c, using: &g1)
        #expect(maxAbsDifference(c, constant) < 1e-6)
    }

    @Test func rejectsBadSettingsAndShapes() throws {
        #expect(throws: LayerError.self) { try ImageAugmentation(height: 0, width: 5) }
        #expect(throws: LayerError.self) { try ImageAugmentation(height: 5, width: 5, maxShiftFraction: 1) }
        let augmentation = try ImageAugmentation(height: 4, width: 4)
        var rng = SeededGenerator(seed: 2), out = Tensor(zeros: [0])
        #expect(throws: LayerError.self) { try augmentation.apply(to: Tensor(zeros: [2, 15]), into: &out, using: &rng) }
    }

    @Test func augmentedPretrainingStillLearns() throws {
        var rng = SeededGenerator(seed: 4)
        // Smooth 8×8 blobs at random positions: augmentation keeps them in the same family.
        var rows: [[Float]] = []
        for _ in 0..<128 {
            let cy = Float.random(in: 2...5, using: &rng), cx = Float.random(in: 2...5, using: &rng)
            rows.append((0..<64).map { i in
                let dy = Float(i / 8) - cy, dx = Float(i % 8) - cx
                return exp(-(dy * dy + dx * dx) / 4)
            })
        }
        let x = try Tensor(rows: rows)
        let ae = try Autoencoder.dense([64, 32, 4], using: &rng)
        let augmentation = try ImageAugmentation(height: 8, width: 8)
        let losses = try ae.pretrain(on: x, epochs: 40, batchSize: 32, optimizer: try Adam(learningRate: 0.01),
                                     augmentation: augmentation)
        #expect(losses.last! < losses.first! / 3)
    }
}
