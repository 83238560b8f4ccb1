import Foundation

extension DECRecipe {
    /// How ``DECRecipe/recommended`` sizes a run from the sample count `N`.
    ///
    /// With `B = ⌈N / batch⌉` batches per epoch:
    ///
    /// | setting | rule | N = 70 000 | 10 000 | 1 797 | 178 |
    /// |---|---|---|---|---|---|
    /// | batch | 256 from 4,096 samples, else the power of two nearest `N / 16`, at least 16 | 256 | 256 | 128 | 16 |
    /// | pretraining epochs | 12,000 optimizer steps: `12 000 / B`, within 50…1000 | 50 | 300 | 800 | 1000 |
    /// | update interval | `3.5·B` batches, within 5…140 | 140 | 140 | 53 | 42 |
    /// | iteration budget | 200 epochs: `200·B`, within 2,000…8,000 | 8,000 | 8,000 | 3,000 | 2,400 |
    ///
    /// Pretraining is measured in optimizer steps rather than epochs: the autoencoder needs
    /// about as many updates on 10,000 images as on 70,000 (DEC-keras's 300 epochs of MNIST-test
    /// and DEC-DA's 50 epochs of MNIST-70k are both about 12,000 steps), so a small data set
    /// takes more passes, and the pretraining time of any set of 4,096 samples or more is that of
    /// 12,000 batches of 256. The target distribution is recomputed every 3.5 epochs on small
    /// data and every 140 batches (DEC-keras) on large.
    public struct SizeRule: Sendable, Equatable {
        /// The number of pretraining optimizer steps the rule aims at.
        public static let pretrainingSteps = 12_000

        /// The batch size for `n` samples.
        public static func batchSize(sampleCount n: Int) -> Int {
            if n >= 4096 { return 256 }
            let target = Double(max(n, 1)) / 16
            let exponent = max(4, Int((log2(max(target, 1))).rounded()))
            return 1 << min(exponent, 8)
        }

        /// The pretraining epochs for `n` samples in batches of `batchSize`.
        public static func pretrainingEpochs(sampleCount n: Int, batchSize: Int) -> Int {
            let batches = max(1, n.dividedRoundingUp(by: batchSize))
            return min(1000, max(50, Int((Double(pretrainingSteps) / Double(batches)).rounded())))
        }

        /// The update interval for `n` samples in batches of `batchSize`.
        public static func updateInterval(sampleCount n: Int, batchSize: Int) -> Int {
            let batches = n.dividedRoundingUp(by: batchSize)
            return min(140, max(5, Int((3.5 * Double(batches)).rounded())))
        }

        /// The iteration budget for `n` samples in batches of `batchSize`.
        public static func maxIterations(sampleCount n: Int, batchSize: Int) -> Int {
            let batches = n.dividedRoundingUp(by: batchSize)
            return min(8000, max(2000, 200 * batches))
        }
    }

    /// The recipe as it runs on `sampleCount` samples of `imageShape` (`nil` for tabular data).
    ///
    /// A recipe with ``adaptsToData`` (``recommended``) takes the ``SizeRule`` settings and
    /// augments only image data; the named recipes are returned unchanged. Either way the result
    /// is validated against the data.
    /// - Throws: ``DECError/invalidConfiguration(_:)`` when the recipe needs images (a
    ///   convolutional architecture, augmentation) and `imageShape` is `nil`, or for an invalid
    ///   setting.
    public func resolved(sampleCount: Int, imageShape: ImageShape?) throws -> DECRecipe {
        var r = self
        if adaptsToData {
            r.adaptsToData = false
            r.augmentsPretraining = imageShape != nil
            r.augmentsClustering = imageShape != nil
            r.batchSize = SizeRule.batchSize(sampleCount: sampleCount)
            if case let .endToEnd(_, optimizer) = pretraining {
                r.pretraining = .endToEnd(epochs: SizeRule.pretrainingEpochs(sampleCount: sampleCount, batchSize: r.batchSize), optimizer: optimizer)
            }
            r.updateInterval = SizeRule.updateInterval(sampleCount: sampleCount, batchSize: r.batchSize)
            r.maxIterations = SizeRule.maxIterations(sampleCount: sampleCount, batchSize: r.batchSize)
        }
        try r.validate()
        if imageShape == nil {
            if r.architecture.needsImages {
                throw DECError.invalidConfiguration(
                    "recipe \(name): the \(r.architecture.rawValue) autoencoder needs images; give the data's image shape (--image-shape HxW or HxWxC)")
            }
            if r.augmentsPretraining || r.augmentsClustering {
                throw DECError.invalidConfiguration(
                    "recipe \(name): augmentation shifts and rotates images; give the data's image shape (--image-shape HxW or HxWxC)")
            }
        }
        return r
    }
}
