import DeepClusteringCore

extension Autoencoder {
    /// Pretrains a dense autoencoder as the DEC paper does (Xie et al. 2016, §3.2): greedy
    /// layer-wise training of a stacked denoising autoencoder, then end-to-end fine-tuning.
    ///
    /// For an autoencoder with encoder layers `E₁ … E_k` (Dense `d_{i−1} → d_i`) and decoder
    /// layers `D_k … D₁` (Dense `d_i → d_{i−1}`), such as ``dense(_:using:)`` builds:
    /// 1. Each kernel is re-initialised from ``LayerwisePretraining/kernelInitializer`` (default
    ///    N(0, 0.01²)) and each bias set to zero.
    /// 2. For `i = 1 … k`, the pair `x̃ = Dropout(h_{i−1})`, `h = E_i(x̃)`, `h̃ = Dropout(h)`,
    ///    `y = D_i(h̃)` is trained to reconstruct the **clean** `h_{i−1}` (mean squared error, SGD
    ///    with step decay; see ``fitDenoising(_:corruption:epochs:batchSize:optimizer:shuffleSeed:progress:)``),
    ///    where `h₀ = x` and `h_i = E_i(h_{i−1})` is computed without dropout once pair `i` is
    ///    trained. The activations are the layers' own: with ``dense(_:using:)`` that is ReLU
    ///    everywhere except the embedding layer `E_k` and the reconstruction `D₁`, which are
    ///    linear, as the paper prescribes.
    /// 3. The deep autoencoder `E₁ … E_k D_k … D₁` (this object: the layers were trained in
    ///    place) is fine-tuned end to end without dropout.
    ///
    /// Layer names, shapes and activations are unchanged, so checkpoints and the clustering
    /// trainers use the result exactly like an end-to-end pretrained autoencoder. Memory: besides
    /// `x`, the features `h_{i−1}` and `h_i` of the current pair (`N · (d_{i−1} + d_i)` floats;
    /// about 700 MB at the widest pair for MNIST-70k's 500→2000).
    /// The paper's corruption differs slightly from the authors' code, which leaves the raw input
    /// of the first pair and the embedding of the last pair uncorrupted; this follows the paper.
    /// - Parameters:
    ///   - x: `[N, d₀]` training samples.
    ///   - configuration: Lengths, learning rates, dropout and seed; defaults to the paper's
    ///     (``LayerwisePretraining/paper``).
    ///   - progress: Called with the stage and every batch and epoch event of that stage.
    /// - Returns: The epoch losses of every stage.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` when the autoencoder is not
    ///   a mirrored stack of ``Dense`` layers; ``TrainingError/invalidArgument(message:)`` for an
    ///   invalid configuration or `x` of the wrong shape; ``TrainingError/nonFiniteLoss(epoch:batch:value:)``
    ///   when a stage diverges.
    @discardableResult
    public func pretrainLayerwise(
        on x: Tensor, configuration: LayerwisePretraining = .paper,
        progress: ((LayerwisePretraining.Stage, TrainingEvent) -> Void)? = nil
    ) throws -> LayerwisePretraining.History {
        try configuration.validate()
        let pairs = try denseLayerPairs()
        let inputSize = pairs[0].encoder.inputSize
        guard x.rank == 2, x.shape[1] == inputSize else {
            throw TrainingError.invalidArgument(
                message: "layer-wise pretraining needs inputs of shape [N, \(inputSize)], found \(x.shape)")
        }
        var rng = SeededGenerator(seed: configuration.seed)
        if let initializer = configuration.kernelInitializer {
            for dense in pairs.flatMap({ [$0.encoder, $0.decoder] }) {
                dense.kernel.value = try initializer.makeTensor(shape: dense.kernel.value.shape, using: &rng)
                dense.bias.value.fill(with: 0)
            }
        }
        let batchesPerEpoch = x.shape[0].dividedRoundingUp(by: configuration.batchSize)
        let decayInterval = try configuration.learningRateDecayInterval.steps(batchesPerEpoch: max(batchesPerEpoch, 1))
        let warmup = try configuration.momentumWarmup.steps(batchesPerEpoch: batchesPerEpoch)
        func makeOptimizer(reconstructing width: Int) throws -> MomentumWarmup {
            let rate = configuration.learningRate * configuration.lossNormalization.learningRateMultiplier(width: width)
            let sgd = try SGD(learningRate: rate, momentum: configuration.momentum)
            let scheduled = try ScheduledOptimizer(
                sgd, schedule: .stepDecay(initial: rate, factor: configuration.learningRateDecayFactor, interval: decayInterval))
            return MomentumWarmup(scheduled, sgd: sgd, momentum: configuration.momentum, steps: warmup)
        }

        var history = LayerwisePretraining.History()
        do {  // scope: the features of each pair are released before fine-tuning
            var features = x
            for (i, pair) in pairs.enumerated() {
                let stage = LayerwisePretraining.Stage.layer(index: i, count: pairs.count)
                let corruption = try Dropout(rate: configuration.dropoutRate, seed: rng.next(), name: "input_dropout")
                let hiddenDropout = try Dropout(rate: configuration.dropoutRate, seed: rng.next(), name: "hidden_dropout")
                // A Sequential renames layers whose names collide; keep the autoencoder's names.
                let names = (pair.encoder.name, pair.decoder.name)
                defer { (pair.encoder.name, pair.decoder.name) = names }
                let model = try Sequential(name: "pair_\(i)", [pair.encoder, hiddenDropout, pair.decoder])
                let losses = try model.trainToReconstruct(
                    features, corruption: corruption, length: configuration.layerLength, batchSize: configuration.batchSize,
                    optimizer: makeOptimizer(reconstructing: pair.encoder.inputSize), shuffleSeed: rng.next(),
                    progress: progress.map { report in { report(stage, $0) } })
                model.clearCache()
                history.layerLosses.append(losses)
                if i + 1 < pairs.count {
                    features = try pair.encoder.predict(features, batchSize: configuration.batchSize)
                    pair.encoder.clearCache()
                }
            }
        }

        history.fineTuningLosses = try trainToReconstruct(
            x, corruption: nil, length: configuration.fineTuningLength, batchSize: configuration.batchSize,
            optimizer: makeOptimizer(reconstructing: inputSize), shuffleSeed: rng.next(),
            progress: progress.map { report in { report(.fineTuning, $0) } })
        clearCache()
        return history
    }

    /// The encoder layers paired with the decoder layers that mirror them (`E_i` with `D_i`).
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` unless both halves are
    ///   stacks of ``Dense`` layers of equal length whose shapes mirror each other.
    func denseLayerPairs() throws -> [(encoder: Dense, decoder: Dense)] {
        func fail(_ message: String) -> LayerError {
            LayerError.invalidConfiguration(layer: name, message: "layer-wise pretraining needs a mirrored dense autoencoder: \(message)")
        }
        let k = encoder.count
        guard k > 0, decoder.count == k else {
            throw fail("the encoder has \(k) layers and the decoder \(decoder.count)")
        }
        return try (0..<k).map { i in
            guard let e = encoder[i] as? Dense, let d = decoder[k - 1 - i] as? Dense else {
                throw fail("encoder layer \(encoder[i].name) or decoder layer \(decoder[k - 1 - i].name) is not Dense")
            }
            guard d.inputSize == e.outputSize, d.outputSize == e.inputSize else {
                throw fail("\(e.name) maps \(e.inputSize)→\(e.outputSize) but \(d.name) maps \(d.inputSize)→\(d.outputSize)")
            }
            return (e, d)
        }
    }
}

/// Drives an SGD (inside `base`) whose momentum rises linearly from 0 to `momentum` over the
/// first `steps` steps (Caffe's `momentum_burnin` in the DEC authors' fork: `μ·t/steps`).
private final class MomentumWarmup: Optimizer {
    let base: any Optimizer
    let sgd: SGD
    let momentum: Float
    let steps: Int
    private var stepCount = 0

    init(_ base: any Optimizer, sgd: SGD, momentum: Float, steps: Int) {
        self.base = base
        self.sgd = sgd
        self.momentum = momentum
        self.steps = steps
    }

    var learningRate: Float {
        get { base.learningRate }
        set { base.learningRate = newValue }
    }

    func step(_ parameters: [Parameter]) throws {
        warmUp()
        try base.step(parameters)
    }

    func stepZeroingGradients(_ parameters: [Parameter]) throws {
        warmUp()
        try base.stepZeroingGradients(parameters)
    }

    var updatesInGroups: Bool { base.updatesInGroups }

    func beginStep() throws {
        warmUp()
        try base.beginStep()
    }

    func update(_ parameters: [Parameter], zeroingGradients: Bool) throws {
        try base.update(parameters, zeroingGradients: zeroingGradients)
    }

    private func warmUp() {
        sgd.momentum = stepCount < steps ? momentum * Float(stepCount) / Float(steps) : momentum
        stepCount += 1
    }
}
