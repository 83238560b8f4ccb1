import DeepClusteringCore

extension Layer {
    /// Trains the layer as a denoising autoencoder (Vincent et al. 2010, "Stacked denoising
    /// autoencoders"): each batch is corrupted before the forward pass, and the mean squared
    /// error compares the reconstruction of the **corrupted** batch with the **clean** batch.
    ///
    /// ```swift
    /// // The DEC paper's corruption: dropout at rate 0.2 on the input.
    /// try autoencoder.fitDenoising(x, corruption: Dropout(rate: 0.2, seed: 1), epochs: 50,
    ///                              optimizer: SGD(learningRate: 0.1, momentum: 0.9))
    /// ```
    ///
    /// Otherwise as ``fit(_:targets:epochs:batchSize:optimizer:shuffleSeed:augmentation:precision:progress:)``
    /// with `targets: nil`: seeded shuffling, no allocation per batch, a thrown error on a
    /// non-finite loss.
    /// - Parameters:
    ///   - inputs: `[N, …]`, one sample per row; the layer's output must have the same shape.
    ///   - corruption: A layer run in training mode on every batch (its ``Layer/forward(_:)``),
    ///     never differentiated — typically ``Dropout``; it must keep the input's shape.
    ///   - epochs: The number of passes over the data (≥ 0).
    ///   - batchSize: Samples per batch (> 0); defaults to 256.
    ///   - optimizer: Updates ``parameters`` after each batch.
    ///   - shuffleSeed: Seeds the per-epoch shuffling; defaults to 0.
    ///   - progress: Called after every batch and every epoch.
    /// - Returns: The mean loss (against the clean input) of each epoch.
    /// - Throws: ``TrainingError/invalidArgument(message:)`` when the corruption changes the
    ///   shape or the layer cannot reconstruct `inputs`; otherwise as ``fit(_:targets:epochs:batchSize:optimizer:shuffleSeed:augmentation:precision:progress:)``.
    @discardableResult
    public func fitDenoising(
        _ inputs: Tensor, corruption: any Layer, epochs: Int, batchSize: Int = 256,
        optimizer: any Optimizer, shuffleSeed: UInt64 = 0, progress: ((TrainingEvent) -> Void)? = nil
    ) throws -> [Float] {
        try trainToReconstruct(inputs, corruption: corruption, length: .epochs(epochs), batchSize: batchSize,
                  optimizer: optimizer, shuffleSeed: shuffleSeed, progress: progress)
    }

    /// Reconstruction training for a number of epochs or of iterations, with an optional
    /// corruption (``fitDenoising(_:corruption:epochs:batchSize:optimizer:shuffleSeed:progress:)``).
    func trainToReconstruct(
        _ inputs: Tensor, corruption: (any Layer)?, length: TrainingLength, batchSize: Int,
        optimizer: any Optimizer, shuffleSeed: UInt64, progress: ((TrainingEvent) -> Void)?
    ) throws -> [Float] {
        if let corruption {
            let shape = try corruption.outputShape(forInputShape: inputs.shape)
            guard shape == inputs.shape else {
                throw TrainingError.invalidArgument(
                    message: "corruption \(corruption.name) maps \(inputs.shape) to \(shape); it must keep the shape")
            }
        }
        guard batchSize > 0, inputs.rank >= 1 else {
            throw TrainingError.invalidArgument(
                message: "need batchSize > 0 and inputs with a batch dimension, found \(batchSize) and \(inputs.shape)")
        }
        let batchCount = inputs.shape[0].dividedRoundingUp(by: batchSize)
        let steps = try length.steps(batchesPerEpoch: batchCount)
        let epochs = batchCount == 0 ? 0 : steps.dividedRoundingUp(by: batchCount)
        let history = try train(inputs, targets: nil, epochs: epochs, batchSize: batchSize, optimizer: optimizer,
                                shuffleSeed: shuffleSeed, augmentation: nil, corruption: corruption,
                                stepLimit: steps, progress: progress)
        corruption?.clearCache()
        return history
    }
}
