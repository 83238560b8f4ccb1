import DeepClusteringCore

extension Layer {
    /// Trains the layer to map `inputs` to `targets` (or to reconstruct `inputs`) under mean
    /// squared error, with mini-batches shuffled from a seeded generator.
    ///
    /// Each step: gather the batch rows into reused tensors, forward, MSE into a reused gradient
    /// buffer, check the loss is finite, backward (skipping the first layer's input gradient),
    /// then the optimizer step, which also zeroes the gradients for the next batch
    /// (``Optimizer/stepZeroingGradients(_:)``). In steady state nothing large is allocated.
    /// - Parameters:
    ///   - inputs: `[N, …]`, one sample per row.
    ///   - targets: `[N, …]` matching the layer's output, or `nil` (the default) to reconstruct
    ///     `inputs` (an autoencoder, x → x).
    ///   - epochs: The number of passes over the data (≥ 0).
    ///   - batchSize: Samples per batch (> 0); defaults to 256 (the DEC paper's).
    ///   - optimizer: Updates ``parameters`` after each batch.
    ///   - shuffleSeed: Seeds the per-epoch shuffling (and the augmentation); defaults to 0.
    ///   - augmentation: When given, every batch is randomly shifted and rotated before it is
    ///     fed (and, when reconstructing, it is also the target), as DEC-DA pretrains; `nil`
    ///     (the default) feeds the data as it is.
    ///   - precision: The operand precision of the training's GEMMs; defaults to
    ///     ``GEMMPrecision/float32``. With ``GEMMPrecision/bfloat16`` the products' operands are
    ///     rounded to bfloat16 and accumulated in FP32; weights, gradients, optimizer state and
    ///     the loss stay FP32.
    ///   - progress: Called after every batch and every epoch (see ``TrainingEvent``).
    /// - Returns: The mean loss of each epoch.
    /// - Throws: ``TrainingError/nonFiniteLoss(epoch:batch:value:)`` when the loss is NaN or
    ///   infinite (the parameters keep their values from before that batch);
    ///   ``TrainingError/invalidArgument(message:)`` for mismatched inputs and targets, a NaN or
    ///   infinite value in either (named by sample and element), or a bad setting; layer and
    ///   optimizer errors as they arise; ``GEMMPrecisionError/unsupported(_:)`` when `precision`
    ///   cannot run on this machine.
    @discardableResult
    public func fit(
        _ inputs: Tensor, targets: Tensor? = nil, epochs: Int, batchSize: Int = 256,
        optimizer: any Optimizer, shuffleSeed: UInt64 = 0, augmentation: ImageAugmentation? = nil,
        precision: GEMMPrecision = .float32, progress: ((TrainingEvent) -> Void)? = nil
    ) throws -> [Float] {
        try BLAS.withPrecision(precision) {
            try train(inputs, targets: targets, epochs: epochs, batchSize: batchSize, optimizer: optimizer,
                      shuffleSeed: shuffleSeed, augmentation: augmentation, progress: progress)
        }
    }

    /// The training loop behind ``fit(_:targets:epochs:batchSize:optimizer:shuffleSeed:augmentation:precision:progress:)``
    /// and ``fitDenoising(_:corruption:epochs:batchSize:optimizer:shuffleSeed:progress:)``.
    ///
    /// - Parameters:
    ///   - corruption: When given, applied in training mode to each (clean) batch before the
    ///     forward pass and never differentiated; the loss still compares with the clean batch
    ///     (or `targets`).
    ///   - stepLimit: When given, training stops after this many batches in all (inside an epoch
    ///     if need be; that epoch's loss is the mean over the samples it saw) and `epochs` must be
    ///     `⌈stepLimit / batchCount⌉`.
    func train(
        _ inputs: Tensor, targets: Tensor?, epochs: Int, batchSize: Int, optimizer: any Optimizer,
        shuffleSeed: UInt64, augmentation: ImageAugmentation?, corruption: (any Layer)? = nil,
        stepLimit: Int? = nil, progress: ((TrainingEvent) -> Void)?
    ) throws -> [Float] {
        guard epochs >= 0, batchSize > 0 else {
            throw TrainingError.invalidArgument(message: "need epochs ≥ 0 and batchSize > 0, found \(epochs) and \(batchSize)")
        }
        guard inputs.rank >= 1 else { throw TrainingError.invalidArgument(message: "inputs must have a batch dimension") }
        let n = inputs.shape[0]
        let expectedOutput = try outputShape(forInputShape: inputs.shape)
        if let targets {
            guard targets.shape == expectedOutput else {
                throw TrainingError.invalidArgument(
                    message: "targets have shape \(targets.shape), the layer's output for \(inputs.shape) is \(expectedOutput)")
            }
        } else {
            guard expectedOutput == inputs.shape else {
                throw TrainingError.invalidArgument(
                    message: "cannot reconstruct inputs \(inputs.shape): the layer's output is \(expectedOutput)")
            }
        }
        // Bad data is named as such, not reported later as a diverging loss.
        for (tensor, what) in [(inputs, "inputs"), (targets, "targets")] {
            if let bad = tensor?.firstNonFiniteElement() {
                throw TrainingError.invalidArgument(
                    message: "\(what) hold \(bad.value) at sample \(bad.sample), element \(bad.offset); the data must be finite")
            }
        }
        var sampler = try MiniBatchSampler(sampleCount: n, batchSize: batchSize, seed: shuffleSeed)
        let parameters = self.parameters
        var batch = Tensor(zeros: [0]), batchTargets = Tensor(zeros: [0]), lossGradient = Tensor(zeros: [0])
        var augmented = Tensor(zeros: [0])
        var augmentationGenerator = SeededGenerator(seed: shuffleSeed ^ 0xA5A5_5A5A_D1CE_0001)
        for p in parameters { p.zeroGradient() }
        var history: [Float] = []
        history.reserveCapacity(epochs)
        var stepsLeft = stepLimit ?? Int.max
        for epoch in stride(from: 1, through: epochs, by: 1) where stepsLeft > 0 {
            sampler.startEpoch()
            var epochSum = 0.0, seen = 0
            for b in 0..<min(sampler.batchCount, stepsLeft) {
                let indices = sampler.indices(ofBatch: b)
                try inputs.gatherRows(at: indices, into: &batch)
                if let augmentation {
                    try augmentation.apply(to: batch, into: &augmented, using: &augmentationGenerator)
                    swap(&batch, &augmented)
                }
                if let targets { try targets.gatherRows(at: indices, into: &batchTargets) }
                let loss: Float
                do {
                    let prediction = try forward(corruption == nil ? batch : corruption!.forward(batch))
                    loss = try meanSquaredError(prediction, targets == nil ? batch : batchTargets, gradientInto: &lossGradient)
                }
                try checkFinite(loss, epoch: epoch, batch: b + 1)
                // Each layer's parameters are updated right after its own backward pass, while
                // its weights and gradients are still in cache (when the optimizer supports it).
                if optimizer.updatesInGroups {
                    try optimizer.beginStep()
                    _ = try backward(lossGradient, computingInputGradient: false) { group in
                        try optimizer.update(group, zeroingGradients: true)
                    }
                } else {
                    _ = try backward(lossGradient, computingInputGradient: false)
                    try optimizer.stepZeroingGradients(parameters)
                }
                epochSum += Double(loss) * Double(indices.count)
                seen += indices.count
                progress?(.batchEnded(epoch: epoch, batch: b + 1, batchCount: sampler.batchCount, loss: loss))
            }
            stepsLeft -= sampler.batchCount
            let epochLoss = seen > 0 ? Float(epochSum / Double(seen)) : 0
            history.append(epochLoss)
            progress?(.epochEnded(epoch: epoch, epochCount: epochs, loss: epochLoss))
        }
        return history
    }

    /// Runs the inference pass over a whole dataset batch by batch, writing into one output tensor
    /// (only one batch's activations exist at a time).
    /// - Parameters:
    ///   - inputs: `[N, …]`.
    ///   - batchSize: Samples per batch (> 0); defaults to 256.
    /// - Returns: The outputs, `outputShape(forInputShape: inputs.shape)`.
    /// - Throws: ``TrainingError/invalidArgument(message:)`` for a bad batch size or input rank;
    ///   layer errors as they arise.
    public func predict(_ inputs: Tensor, batchSize: Int = 256) throws -> Tensor {
        guard batchSize > 0, inputs.rank >= 1 else {
            throw TrainingError.invalidArgument(
                message: "predict needs batchSize > 0 and inputs with a batch dimension, found \(batchSize) and \(inputs.shape)")
        }
        let n = inputs.shape[0]
        let shape = try outputShape(forInputShape: inputs.shape)
        var output = Tensor(zeros: shape)
        let width = n > 0 ? output.count / n : 0
        var batch = Tensor(zeros: [0])
        var start = 0
        while start < n {
            let end = min(start + batchSize, n)
            try inputs.gatherRows(at: start..<end, into: &batch)
            let y = try inference(batch)
            guard y.count == (end - start) * width else {
                throw LayerError.invalidInputShape(layer: name, expected: "output \(shape) for batches", found: y.shape)
            }
            withPointer(y) { src in
                withMutablePointer(&output) { dst in (dst + start * width).update(from: src, count: y.count) }
            }
            start = end
        }
        return output
    }
}
