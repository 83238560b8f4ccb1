import Foundation

extension DECRecipe {
    /// How ``DECRecipe/recommended`` sizes a run from the sample count `N`.
    ///
    /// With `B = ⌈N / batch⌉` batches per epoch:
    ///
    /// | setting | rule | N = 70 000 | 10 000 | 1 797 | 178 |
    /// |---|---|---|---|---|---|
    /// | batch | 256 from 4,096 samples, else the power of two nearest `N / 16`, at least 16 | 256 | 256 | 128 | 16 |
    /// | pretraining epochs | 10,000 optimizer steps: `10 000 / B`, within 50…1000 | 50 | 250 | 667 | 833 |
    /// | update interval | `3.5·B` batches, within 5…140 | 140 | 140 | 53 | 42 |
    /// | iteration budget | 125 epochs: `125·B`, within 2,000…8,000 | 8,000 | 5,000 | 2,000 | 2,000 |
    /// | clustering objective | DEC from 4,096 samples, IDEC (γ 0.1, Adam(lr 0.001)) below | DEC | DEC | IDEC | IDEC |
    ///
    /// Pretraining is counted in optimizer steps rather than epochs: a small data set takes more
    /// passes for as many updates, and the pretraining time of any set of 4,096 samples or more
    /// is that of 10,000 batches of 256 (MNIST-70k keeps DEC-DA's 50 epochs, 13,700 steps).
    /// The target distribution is recomputed every 3.5 epochs, at most every 140 batches
    /// (DEC-keras): on MNIST-test one epoch (40 batches) between updates merged clusters where
    /// 140 did not. With augmentation the fraction of changed labels rarely falls below the
    /// tolerance, so the iteration budget ends the run; 125 epochs is where accuracy stopped
    /// rising on MNIST-test for seed 0 (not for every seed). On small data DEC's self-training
    /// overfits the encoder to its own targets (on scikit-learn's digits it fell from its k-means
    /// start), which IDEC's reconstruction term counters. Documentation/Results.md has the measurements.
    public struct SizeRule: Sendable, Equatable {
        /// The number of pretraining optimizer steps the rule aims at.
        public static let pretrainingSteps = 10_000

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

        /// Whether the clustering phase keeps the decoder's reconstruction loss for `n` samples:
        /// IDEC (γ 0.1, Adam(lr 0.001)) below 4,096 samples, DEC from there.
        public static func keepsReconstruction(sampleCount n: Int) -> Bool { n < 4096 }

        /// The iteration budget for `n` samples in batches of `batchSize`.
        public static func maxIterations(sampleCount n: Int, batchSize: Int) -> Int {
            let batches = n.dividedRoundingUp(by: batchSize)
            return min(8000, max(2000, 125 * batches))
        }
    }

    /// The pretraining optimizer ``recommended`` uses on tabular data: Adam(lr 0.001).
    ///
    /// Standardised features have unit variance, and DEC-keras's SGD(lr 1, momentum 0.9),
    /// chosen for pixels in [0, 1], can diverge on them (on scikit-learn's wine data it does
    /// in the first epoch).
    public static let tabularPretrainingOptimizer = OptimizerChoice.adam(learningRate: 0.001)

    /// The recipe as it runs on `sampleCount` samples of `imageShape` (`nil` for tabular data).
    ///
    /// A recipe with ``adaptsToData`` (``recommended``) takes the ``SizeRule`` settings,
    /// augments only image data and pretrains on tabular data with
    /// ``tabularPretrainingOptimizer``; the named recipes are returned unchanged. Either way the result
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
                r.pretraining = .endToEnd(
                    epochs: SizeRule.pretrainingEpochs(sampleCount: sampleCount, batchSize: r.batchSize),
                    optimizer: imageShape == nil ? Self.tabularPretrainingOptimizer : optimizer)
            }
            r.updateInterval = SizeRule.updateInterval(sampleCount: sampleCount, batchSize: r.batchSize)
            r.maxIterations = SizeRule.maxIterations(sampleCount: sampleCount, batchSize: r.batchSize)
            if SizeRule.keepsReconstruction(sampleCount: sampleCount) {
                r.mode = .idecDefault
                r.clusteringOptimizer = .adam(learningRate: 0.001)
            }
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
