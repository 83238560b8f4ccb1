import Foundation

/// Trains a deep clustering model the way DEC (Xie et al. 2016) and IDEC (Guo et al. 2017) do:
/// k-means on the pretrained embedding initialises the cluster centres, then the encoder and
/// the centres are trained together on `KL(P‖Q)` against a sharpened target `P` that is
/// recomputed every ``DECConfiguration/updateInterval`` batches.
///
/// ```swift
/// let ae = try Autoencoder.dense([784, 500, 500, 2000, 10], using: &rng)
/// try ae.pretrain(on: x, epochs: 300, batchSize: 256, optimizer: SGD(learningRate: 1, momentum: 0.9))
/// let dec = try DECTrainer(encoder: ae.encoder, configuration: DECConfiguration(clusterCount: 10))
/// let result = try dec.fit(x, labels: y, optimizer: SGD(learningRate: 0.01, momentum: 0.9))
/// let clusters = try dec.predict(otherImages)
/// ```
///
/// The loop follows DEC-keras exactly: at iteration `t` with `t % updateInterval == 0`, compute
/// `Q` for the whole dataset, `P = targetDistribution(Q)`, the assignments `argmax Q`, the
/// fraction of assignments that changed (`deltaLabel`) and, with labels, ACC/NMI/ARI; stop when
/// `t > 0` and `deltaLabel < tolerance`. Otherwise train on the next batch, batches being taken
/// in order (the last, partial batch included) and wrapping around. IDEC also trains the decoder
/// on `γ·KL + MSE`. More generally the trainer minimises the configuration's
/// ``DECConfiguration/resolvedObjective``, a scheduled weighted sum of ``ClusteringLossTerm``s
/// (DEC and IDEC are two instances; see ``ClusteringObjective``). The trainer shares the encoder (and decoder) objects it is given: training
/// updates them in place.
public final class DECTrainer {
    /// The network from inputs to the embedding.
    public let encoder: any Layer
    /// The decoder from the embedding back to inputs (used by ``DECMode/idec(clusteringWeight:)``).
    public let decoder: (any Layer)?
    /// The settings of the clustering phase.
    public let configuration: DECConfiguration
    /// The Student's t clustering layer, created by ``fit(_:labels:optimizer:pretrainedEmbedding:progress:)`` (or by
    /// loading a checkpoint); `nil` before.
    public private(set) var clustering: ClusteringLayer?
    /// The input-space neighbour graph of the locality term: computed by
    /// ``fit(_:labels:optimizer:pretrainedEmbedding:progress:)`` when the objective has that term and no graph for
    /// the data's sample count and neighbour count is set; set it beforehand to reuse one.
    public var neighborGraph: NeighborGraph?
    /// The operand precision of the clustering phase's GEMMs; ``GEMMPrecision/float32`` by
    /// default. With ``GEMMPrecision/bfloat16`` the encoder's and decoder's products take bf16
    /// operands with FP32 accumulation; weights, centres, optimizer state, soft assignments,
    /// the target distribution, losses and the k-means initialisation stay FP32.
    public var precision: GEMMPrecision = .float32

    /// Creates a trainer.
    /// - Parameters:
    ///   - encoder: The pretrained encoder (its output is the embedding, `[N, d]`).
    ///   - decoder: The pretrained decoder; required for IDEC, ignored by DEC.
    ///   - configuration: The settings; see ``DECConfiguration``.
    /// - Throws: ``DECError/invalidConfiguration(_:)`` for a bad setting or an objective with
    ///   a reconstruction term (IDEC) without decoder.
    public init(encoder: any Layer, decoder: (any Layer)? = nil, configuration: DECConfiguration) throws {
        try configuration.validate()
        if configuration.resolvedObjective.terms.contains(where: { $0.loss == .reconstruction }) && decoder == nil {
            throw DECError.invalidConfiguration("IDEC trains on the reconstruction loss and needs the decoder")
        }
        self.encoder = encoder
        self.decoder = decoder
        self.configuration = configuration
    }

    /// Creates a trainer for the encoder and decoder of a pretrained autoencoder.
    public convenience init(autoencoder: Autoencoder, configuration: DECConfiguration) throws {
        try self.init(encoder: autoencoder.encoder, decoder: autoencoder.decoder, configuration: configuration)
    }

    /// The parameters the clustering phase trains: encoder, centres and, when the objective has
    /// a reconstruction term (IDEC), decoder.
    public var trainableParameters: [Parameter] {
        var p = encoder.parameters + (clustering?.parameters ?? [])
        if configuration.resolvedObjective.usesReconstruction, let decoder { p += decoder.parameters }
        return p
    }

    /// Initialises the centres with k-means on the embedding of `x` and then self-trains.
    /// - Parameters:
    ///   - x: The data, `[N, …]` as the encoder expects it.
    ///   - labels: Ground-truth classes for evaluation only (never used for training); `nil`
    ///     when unknown.
    ///   - optimizer: Updates ``trainableParameters`` (seed: SGD(0.01, momentum 0.9) for dense
    ///     DEC, Adam for IDEC and the convolutional models).
    ///   - pretrainedEmbedding: The encoder's current output for `x`, `[N, d]`, when the caller
    ///     has already computed it (for a cluster-count search or a map); `nil` computes it here.
    ///     It is used only for the k-means initialisation.
    ///   - progress: Called after initialisation, after every batch and at every update.
    /// - Returns: The assignments, the k-means initialisation and the history of updates.
    /// - Throws: ``DECError/invalidInput(_:)`` for unusable data (a NaN or infinite value is named
    ///   by sample and element), ``DECError/diverged(iteration:loss:)``
    ///   when the loss stops being finite, ``GEMMPrecisionError/unsupported(_:)`` when
    ///   ``precision`` cannot run on this machine, and layer, optimizer and k-means errors as
    ///   they arise.
    @discardableResult
    public func fit(
        _ x: Tensor, labels: [Int]? = nil, optimizer: any Optimizer, pretrainedEmbedding: Tensor? = nil,
        progress: ((DECEvent) -> Void)? = nil
    ) throws -> DECResult {
        try BLAS.withPrecision(precision) {
            try train(x, labels: labels, optimizer: optimizer, pretrainedEmbedding: pretrainedEmbedding, progress: progress)
        }
    }

    /// The clustering phase behind ``fit(_:labels:optimizer:pretrainedEmbedding:progress:)``, in
    /// the precision already set.
    private func train(
        _ x: Tensor, labels: [Int]?, optimizer: any Optimizer, pretrainedEmbedding: Tensor?,
        progress: ((DECEvent) -> Void)?
    ) throws -> DECResult {
        let config = configuration
        guard x.rank >= 2 else { throw DECError.invalidInput("data must be [N, …] with N samples, found \(x.shape)") }
        let n = x.shape[0]
        guard n >= config.clusterCount else {
            throw DECError.invalidInput("\(config.clusterCount) clusters need at least as many samples, found \(n)")
        }
        if let bad = x.firstNonFiniteElement() {
            throw DECError.invalidInput("the data holds \(bad.value) at sample \(bad.sample), element \(bad.offset); it must be finite")
        }
        if let labels, labels.count != n {
            throw DECError.invalidInput("\(n) samples but \(labels.count) labels")
        }
        if let labels, let bad = labels.first(where: { $0 < 0 }) {
            throw DECError.invalidInput("labels must be ≥ 0, found \(bad)")
        }
        let objective = config.resolvedObjective
        if objective.usesReconstruction, let decoder {
            let reconstructed = try decoder.outputShape(forInputShape: try encoder.outputShape(forInputShape: x.shape))
            guard reconstructed == x.shape else {
                throw DECError.invalidInput("the decoder reconstructs \(reconstructed), the data is \(x.shape)")
            }
        }

        // Initialisation: k-means (n_init restarts) on the pretrained embedding.
        let embedding = try pretrainedEmbedding ?? encoder.predict(x, batchSize: config.batchSize)
        guard embedding.rank == 2 else {
            throw DECError.invalidInput("the encoder must output [N, d] embeddings, found \(embedding.shape)")
        }
        if pretrainedEmbedding != nil {
            let expected = try encoder.outputShape(forInputShape: x.shape)
            guard embedding.shape == expected else {
                throw DECError.invalidInput("the pretrained embedding has shape \(embedding.shape), the encoder outputs \(expected) for this data")
            }
        }
        let kmeans = try KMeans(
            clusterCount: config.clusterCount, initializationCount: config.kmeansInitializationCount,
            seed: config.seed
        ).fit(embedding)
        let clustering = try ClusteringLayer(centers: kmeans.centers, alpha: config.alpha)
        self.clustering = clustering
        let initialScores = try labels.map { try ClusteringScores(labels: $0, predictions: kmeans.labels) }
        progress?(.initialized(kmeans, initialScores))

        let plan = try ObjectivePlan(objective, clusterCount: config.clusterCount, data: x, graph: &neighborGraph)
        var state = LoopState(previous: kmeans.labels, termNames: plan.terms.map(\.loss.name))
        let parameters = trainableParameters
        var workspace = StepWorkspace(
            generator: SeededGenerator(seed: config.seed ^ 0xDEC0_DA7A_0000_0001), termCount: plan.terms.count)
        var target = Tensor(zeros: [0])
        var embeddingTable = Tensor(zeros: [0])
        var index = 0
        var iteration = 0
        var converged = false
        while true {
            if iteration % config.updateInterval == 0 || iteration == config.maxIterations {
                let (z, q) = try embedAndAssign(x)
                target = try targetDistribution(q)
                if plan.graph != nil { embeddingTable = z }
                let update = try state.evaluate(q: q, iteration: iteration, labels: labels)
                progress?(.updated(update))
                if iteration > 0 && iteration % config.updateInterval == 0 && update.deltaLabel < config.tolerance {
                    converged = true
                    break
                }
            }
            if iteration == config.maxIterations { break }

            // DEC-keras's batch order: in order, the last partial batch included, then wrap. When N
            // is a multiple of the batch size DEC-keras's rule would next yield an empty batch
            // (start = N); wrap to the first batch instead.
            if index * config.batchSize >= n { index = 0 }
            let start = index * config.batchSize
            let end = min(start + config.batchSize, n)
            index = (index + 1) * config.batchSize <= n ? index + 1 : 0
            let loss = try trainStep(
                x, target: target, embeddingTable: embeddingTable, rows: start..<end, plan: plan,
                parameters: parameters, optimizer: optimizer, workspace: &workspace, iteration: iteration)
            state.accumulate(loss: loss, terms: workspace.termValues, weights: workspace.termWeights)
            iteration += 1
            progress?(.batchEnded(iteration: iteration, maxIterations: config.maxIterations, loss: loss))
        }
        return DECResult(
            assignments: state.previous, initialization: kmeans, initialMetrics: initialScores,
            history: state.history, iterations: iteration, converged: converged)
    }

    /// The soft assignments `Q` (`[N, k]`, rows summing to 1) of `x` under the current model.
    /// - Throws: ``DECError/invalidInput(_:)`` before the model is initialised; layer errors for
    ///   data of the wrong shape.
    public func softAssignments(_ x: Tensor) throws -> Tensor {
        try embedAndAssign(x).q
    }

    /// The embedding `Z` (`[N, d]`) of `x` and its soft assignments `Q` (`[N, k]`).
    func embedAndAssign(_ x: Tensor) throws -> (z: Tensor, q: Tensor) {
        guard let clustering else {
            throw DECError.invalidInput("the model has no cluster centres yet: call fit or load a checkpoint first")
        }
        let z = try encoder.predict(x, batchSize: configuration.batchSize)
        return (z, try clustering.inference(z))
    }

    /// The cluster of each sample of `x` (the argmax of its soft assignment).
    /// - Throws: As ``softAssignments(_:)``.
    public func predict(_ x: Tensor) throws -> [Int] {
        try softAssignments(x).argmax()
    }

    /// Replaces the clustering layer (used when loading a checkpoint).
    func installClustering(_ layer: ClusteringLayer) {
        clustering = layer
    }
}
