import DeepClusteringCore

// One training batch of the clustering phase for a general ClusteringObjective, and the state
// the loop keeps between batches.

extension DECTrainer {
    /// One batch: forward through the encoder, the clustering layer (when a term uses `Q`) and
    /// the decoder (when reconstruction is a term), every term's value and weighted gradient,
    /// backward along the paths whose terms have a nonzero weight now, a finiteness check and
    /// the optimizer step. Every term's unweighted value (`nan` for a term weighted 0 now, which
    /// is skipped) and weight are left in `workspace.termValues` / `termWeights`.
    ///
    /// Gradients meet at the embedding: `∂L/∂z` is the sum of the clustering layer's input
    /// gradient (KL and balance terms, through `Q`), the decoder's (reconstruction) and the
    /// k-means and locality terms' direct gradients; the k-means term's centre gradient is added
    /// to the centres' after the clustering layer's.
    /// - Returns: The weighted total loss of the batch.
    func trainStep(
        _ x: Tensor, target: Tensor, embeddingTable: Tensor, rows: Range<Int>, plan: ObjectivePlan,
        parameters: [Parameter], optimizer: any Optimizer, workspace w: inout StepWorkspace, iteration: Int
    ) throws -> Float {
        guard let clustering else { throw DECError.invalidInput("the clustering layer is not initialised") }
        try x.gatherRows(at: rows, into: &w.batch)
        if let augmentation = configuration.augmentation {
            try augmentation.apply(to: w.batch, into: &w.augmented, using: &w.generator)
            swap(&w.batch, &w.augmented)
        }
        if plan.usesTarget { try target.gatherRows(at: rows, into: &w.batchTarget) }
        // Lazy zeroing: layers overwrite instead of accumulating on their first contribution.
        for p in parameters { p.zeroGradientLazily() }
        let z = try encoder.forward(w.batch)
        let q = plan.usesSoftAssignments ? try clustering.forward(z) : z
        var loss: Float = 0
        var qGradients = 0, decoderActive = false, kMeansActive = false, localityActive = false
        for (m, term) in plan.terms.enumerated() {
            let weight = term.weight.weight(atIteration: iteration)
            w.termWeights[m] = weight
            // A term weighted 0 now is skipped: not evaluated, not differentiated (a scheduled
            // reconstruction term costs no decoder pass while it is off).
            guard weight > 0 else {
                w.termValues[m] = .nan
                continue
            }
            let weighted: Float
            switch term.loss {
            case .targetDivergence:
                weighted = try klDivergence(target: w.batchTarget, predicted: q, weight: weight, gradientInto: &w.divergenceGradient)
                qGradients |= 1
            case .clusterBalance:
                weighted = try clusterBalanceDivergence(
                    softAssignments: q, prior: plan.priors[m], weight: weight, gradientInto: &w.balanceGradient)
                qGradients |= 2
            case .reconstruction:
                guard let decoder else { throw DECError.invalidConfiguration("the reconstruction term needs the decoder") }
                let reconstruction = try decoder.forward(z)
                weighted = try meanSquaredError(reconstruction, w.batch, weight: weight, gradientInto: &w.reconstructionGradient)
                decoderActive = true
            case .kMeans:
                weighted = try kMeansLoss(
                    embeddings: z, centers: clustering.clusters.value, weight: weight,
                    embeddingGradientInto: &w.kMeansGradient, centerGradientInto: &w.kMeansCenterGradient)
                kMeansActive = true
            case .localityPreservation:
                guard let graph = plan.graph else { throw DECError.invalidConfiguration("the locality term has no neighbour graph") }
                try embeddingTable.gatherRows(at: graph.neighbors(ofRows: rows), into: &w.neighbors)
                weighted = try localityPreservingLoss(embeddings: z, neighbors: w.neighbors, weight: weight, gradientInto: &w.localityGradient)
                localityActive = true
            }
            loss += weighted
            w.termValues[m] = weighted / weight
        }
        guard loss.isFinite else { throw DECError.diverged(iteration: iteration + 1, loss: loss) }

        if qGradients != 0 {
            let qGradient: Tensor
            switch qGradients {
            case 1: qGradient = w.divergenceGradient
            case 2: qGradient = w.balanceGradient
            default:
                StepWorkspace.add(w.divergenceGradient, w.balanceGradient, into: &w.qGradient)
                qGradient = w.qGradient
            }
            w.addEmbeddingGradient(try clustering.backward(qGradient, computingInputGradient: true))
        }
        if decoderActive, let decoder {
            w.addEmbeddingGradient(try decoder.backward(w.reconstructionGradient, computingInputGradient: true))
        }
        if kMeansActive {
            w.addEmbeddingGradient(w.kMeansGradient)
            let centerGradient = w.kMeansCenterGradient
            centerGradient.withUnsafeBufferPointer { source in
                clustering.clusters.accumulateGradient { g, overwrite in
                    if overwrite {
                        g.update(from: source.baseAddress!, count: source.count)
                    } else {
                        for i in source.indices { g[i] += source[i] }
                    }
                }
            }
        }
        if localityActive { w.addEmbeddingGradient(w.localityGradient) }
        if let embeddingGradient = w.takeEmbeddingGradient() {
            _ = try encoder.backward(embeddingGradient, computingInputGradient: false)
        }
        try optimizer.step(parameters)
        return loss
    }
}

/// What the trainer derives from a ``ClusteringObjective`` once per fit: the resolved priors,
/// the neighbour graph and which paths the terms use.
struct ObjectivePlan {
    var terms: [ClusteringObjective.Term]
    /// The prior of each balance term (by term index; empty for other terms).
    var priors: [[Float]]
    /// The input-space neighbour graph, when a locality term is present.
    var graph: NeighborGraph?
    /// Whether a term needs `Q` (the clustering layer's forward pass).
    var usesSoftAssignments: Bool
    /// Whether a term needs the target distribution `P`.
    var usesTarget: Bool

    /// Resolves `objective` for `data`, computing the neighbour graph into `graph` unless one of
    /// the right size is already there.
    init(_ objective: ClusteringObjective, clusterCount: Int, data: Tensor, graph: inout NeighborGraph?) throws {
        terms = objective.terms
        priors = try terms.map { term in
            guard case let .clusterBalance(prior) = term.loss else { return [] }
            return try prior.probabilities(clusterCount: clusterCount)
        }
        usesSoftAssignments = terms.contains { $0.loss.usesSoftAssignments }
        usesTarget = terms.contains { $0.loss == .targetDivergence }
        if let k = objective.localityNeighborCount {
            let n = data.shape[0]
            if let g = graph, g.sampleCount == n, g.neighborCount == k {
                self.graph = g
            } else {
                guard k < n else {
                    throw DECError.invalidConfiguration("the locality term asks for \(k) neighbours of each of only \(n) samples")
                }
                graph = try NeighborGraph(data, neighborCount: k)
                self.graph = graph
            }
        } else {
            self.graph = nil
        }
    }
}

/// Buffers reused across training steps so the steady state allocates nothing large.
struct StepWorkspace {
    var generator: SeededGenerator
    var batch = Tensor(zeros: [0])
    var augmented = Tensor(zeros: [0])
    var batchTarget = Tensor(zeros: [0])
    var divergenceGradient = Tensor(zeros: [0])
    var balanceGradient = Tensor(zeros: [0])
    var qGradient = Tensor(zeros: [0])
    var reconstructionGradient = Tensor(zeros: [0])
    var kMeansGradient = Tensor(zeros: [0])
    var kMeansCenterGradient = Tensor(zeros: [0])
    var neighbors = Tensor(zeros: [0])
    var localityGradient = Tensor(zeros: [0])
    var zGradient = Tensor(zeros: [0])
    /// Each term's unweighted value and weight in the last step, by term index.
    var termValues: [Float]
    var termWeights: [Float]
    /// The first gradient reaching the embedding in this step (passed on without a copy when it
    /// is the only one) and how many have arrived.
    private var firstEmbeddingGradient = Tensor(zeros: [0])
    private var embeddingGradientCount = 0
    private let empty = Tensor(zeros: [0])

    init(generator: SeededGenerator, termCount: Int) {
        self.generator = generator
        termValues = Array(repeating: .nan, count: termCount)
        termWeights = Array(repeating: 0, count: termCount)
    }

    /// Adds one contribution to `∂L/∂z`.
    mutating func addEmbeddingGradient(_ g: Tensor) {
        switch embeddingGradientCount {
        case 0:
            firstEmbeddingGradient = g
        case 1:
            Self.add(firstEmbeddingGradient, g, into: &zGradient)
            firstEmbeddingGradient = empty
        default:
            precondition(g.shape == zGradient.shape, "embedding gradients of shapes \(g.shape) and \(zGradient.shape)")
            g.withUnsafeBufferPointer { b in
                zGradient.withUnsafeMutableBufferPointer { c in
                    for i in c.indices { c[i] += b[i] }
                }
            }
        }
        embeddingGradientCount += 1
    }

    /// The summed `∂L/∂z` of this step (`nil` when nothing reached the embedding), resetting
    /// the sum for the next step.
    mutating func takeEmbeddingGradient() -> Tensor? {
        defer {
            embeddingGradientCount = 0
            firstEmbeddingGradient = empty
        }
        switch embeddingGradientCount {
        case 0: return nil
        case 1: return firstEmbeddingGradient
        default: return zGradient
        }
    }

    /// `c = a + b` elementwise, reusing `c`'s storage.
    static func add(_ a: Tensor, _ b: Tensor, into c: inout Tensor) {
        precondition(a.shape == b.shape, "embedding gradients of shapes \(a.shape) and \(b.shape)")
        c.prepareForOverwrite(shape: a.shape)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    for i in c.indices { c[i] = a[i] + b[i] }
                }
            }
        }
    }
}

/// The running sums between updates and the evaluation at each update.
struct LoopState {
    var previous: [Int]
    var history: [DECUpdate] = []
    let termNames: [String]
    var lossSum = 0.0
    var termSums: [Double]
    /// The batches each term was evaluated in (terms weighted 0 are skipped).
    var termCounts: [Int]
    var termWeights: [Float]
    var batches = 0

    init(previous: [Int], termNames: [String]) {
        self.previous = previous
        self.termNames = termNames
        termSums = Array(repeating: 0, count: termNames.count)
        termCounts = Array(repeating: 0, count: termNames.count)
        termWeights = Array(repeating: 0, count: termNames.count)
    }

    mutating func accumulate(loss: Float, terms: [Float], weights: [Float]) {
        lossSum += Double(loss)
        // Element by element: sharing `weights`' buffer would make the next step copy it.
        for m in terms.indices {
            if !terms[m].isNaN {
                termSums[m] += Double(terms[m])
                termCounts[m] += 1
            }
            termWeights[m] = weights[m]
        }
        batches += 1
    }

    mutating func evaluate(q: Tensor, iteration: Int, labels: [Int]?) throws -> DECUpdate {
        let assignments = try q.argmax()
        let changed = zip(assignments, previous).reduce(0) { $0 + ($1.0 != $1.1 ? 1 : 0) }
        let scores = try labels.map { try ClusteringScores(labels: $0, predictions: assignments) }
        let b = Double(batches)
        let means = termSums.indices.map { termCounts[$0] > 0 ? Float(termSums[$0] / Double(termCounts[$0])) : Float.nan }
        func mean(_ name: String) -> Float {
            termNames.firstIndex(of: name).map { means[$0] } ?? .nan
        }
        var update = DECUpdate(
            iteration: iteration,
            loss: batches > 0 ? Float(lossSum / b) : .nan,
            clusteringLoss: mean("kld"),
            reconstructionLoss: mean("reconstruction"),
            deltaLabel: Double(changed) / Double(max(assignments.count, 1)),
            accuracy: scores?.accuracy, nmi: scores?.nmi, ari: scores?.ari)
        update.clusterSizes = [Int](repeating: 0, count: q.shape[1])
        for a in assignments { update.clusterSizes[a] += 1 }
        if batches > 0 {
            update.termLosses = termNames.indices.map { DECTermLoss(name: termNames[$0], loss: means[$0], weight: termWeights[$0]) }
        }
        history.append(update)
        previous = assignments
        lossSum = 0; batches = 0
        for m in termSums.indices { termSums[m] = 0; termCounts[m] = 0 }
        return update
    }
}
