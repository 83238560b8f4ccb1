import Foundation

extension DECRecipe {
    /// How ``DECRecipe/recommended`` sizes a run from the sample count `N`.
    ///
    /// With `r = √(70 000 / N)` (1 on MNIST-70k) and `B = ⌈N / batch⌉` batches per epoch:
    ///
    /// | setting | rule | N = 70 000 | 10 000 | 1 797 | 178 |
    /// |---|---|---|---|---|---|
    /// | batch | 256 from 4,096 samples, else the power of two nearest `N / 16`, at least 16 | 256 | 256 | 128 | 16 |
    /// | pretraining epochs | `50·r`, within 50…1000 | 50 | 132 | 312 | 992 |
    /// | update interval | `0.75·B` batches, within 5…140 | 140 | 30 | 11 | 9 |
    /// | iteration budget | `30·r` epochs of `B` batches, within 2,000…20,000 | 8,220 | 3,175 | 2,809 | 7,139 |
    ///
    /// Small data sets get more passes because a pass is fewer optimizer steps; the budget of
    /// samples seen still shrinks with `N` (3.5 M pretraining samples on MNIST-70k, 1.3 M on
    /// MNIST-test), which keeps a run of 10,000 images within a few minutes on two cores.
    public struct SizeRule: Sendable, Equatable {
        /// The batch size for `n` samples.
        public static func batchSize(sampleCount n: Int) -> Int {
            if n >= 4096 { return 256 }
            let target = Double(max(n, 1)) / 16
            let exponent = max(4, Int((log2(max(target, 1))).rounded()))
            return 1 << min(exponent, 8)
        }

        /// `√(70 000 / n)`.
        static func ratio(sampleCount n: Int) -> Double { (70_000 / Double(max(n, 1))).squareRoot() }

        /// The pretraining epochs for `n` samples.
        public static func pretrainingEpochs(sampleCount n: Int) -> Int {
            min(1000, max(50, Int((50 * ratio(sampleCount: n)).rounded())))
        }

        /// The update interval for `n` samples in batches of `batchSize`.
        public static func updateInterval(sampleCount n: Int, batchSize: Int) -> Int {
            let batches = n.dividedRoundingUp(by: batchSize)
            return min(140, max(5, Int((0.75 * Double(batches)).rounded())))
        }

        /// The iteration budget for `n` samples in batches of `batchSize`.
        public static func maxIterations(sampleCount n: Int, batchSize: Int) -> Int {
            let batches = n.dividedRoundingUp(by: batchSize)
            let epochs = 30 * ratio(sampleCount: n)
            return min(20_000, max(2_000, Int((epochs * Double(batches)).rounded())))
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
                r.pretraining = .endToEnd(epochs: SizeRule.pretrainingEpochs(sampleCount: sampleCount), optimizer: optimizer)
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
