import DeepClustering
import Foundation
import Testing
import _TestSupport

/// DECTrainer driven by a general ClusteringObjective.
@Suite struct ClusteringObjectiveTrainingTests {
    func smallConfiguration(_ objective: ClusteringObjective?, mode: DECMode = .dec, iterations: Int = 6) -> DECConfiguration {
        var config = DECConfiguration(clusterCount: 3, mode: mode)
        config.objective = objective
        config.batchSize = 16
        config.updateInterval = 4
        config.maxIterations = iterations
        config.tolerance = 0
        config.kmeansInitializationCount = 2
        return config
    }

    /// IDEC through the objective equals an independent re-implementation of the original IDEC
    /// step (γ·KLD(P‖Q) + MSE, gradients summed at the embedding) run by hand with the layers,
    /// losses and optimizer: same parameters after several batches and a target update.
    @Test func idecThroughTheObjectiveEqualsTheHandWrittenIDECStep() throws {
        let (x, _) = try blobs(perCluster: 20)
        let gamma: Float = 0.1
        let iterations = 6
        let config = smallConfiguration(.idec(clusteringWeight: gamma), iterations: iterations)
        let ae = try pretrainedAutoencoder(x)
        let reference = try pretrainedAutoencoder(x)
        let trainer = try DECTrainer(autoencoder: ae, configuration: config)
        let result = try trainer.fit(x, optimizer: try Adam(learningRate: 0.01))

        // The reference: the original trainer loop, written out.
        let kmeans = try KMeans(clusterCount: 3, initializationCount: 2, seed: config.seed).fit(try reference.encoder.predict(x))
        let clustering = try ClusteringLayer(centers: kmeans.centers)
        let parameters = reference.encoder.parameters + clustering.parameters + reference.decoder.parameters
        let optimizer = try Adam(learningRate: 0.01)
        let n = x.shape[0]
        var target = Tensor(zeros: [0]), losses: [Float] = []
        for t in 0..<iterations {
            if t % config.updateInterval == 0 {
                target = try targetDistribution(try clustering.inference(try reference.encoder.predict(x)))
            }
            let batchesPerPass = (n + config.batchSize - 1) / config.batchSize
            let start = (t % batchesPerPass) * config.batchSize, end = min(start + config.batchSize, n)
            let batch = try x.rows(in: start..<end), p = try target.rows(in: start..<end)
            for p in parameters { p.zeroGradient() }
            let z = try reference.encoder.forward(batch)
            let q = try clustering.forward(z)
            var gq = Tensor(zeros: [0]), gr = Tensor(zeros: [0])
            let kl = try klDivergence(target: p, predicted: q, weight: gamma, gradientInto: &gq)
            let mse = try meanSquaredError(try reference.decoder.forward(z), batch, gradientInto: &gr)
            losses.append(kl + mse)
            let gz = try clustering.backward(gq) + reference.decoder.backward(gr)
            _ = try reference.encoder.backward(gz, computingInputGradient: false)
            try optimizer.step(parameters)
        }
        let trained = ae.encoder.parameters + trainer.clustering!.parameters + ae.decoder.parameters
        for (a, b) in zip(trained, parameters) {
            #expect(maxAbsDifference(a.value, b.value) < 1e-5, "\(a.name)")
        }
        // The per-term report: KLD unweighted with weight γ, reconstruction with weight 1.
        let last = result.history.last!
        #expect(last.termLosses.map(\.name) == ["kld", "reconstruction"])
        #expect(last.termLosses.map(\.weight) == [gamma, 1])
        #expect(abs(last.termLosses[0].loss - last.clusteringLoss) < 1e-7)
        #expect(abs(last.termLosses[1].loss - last.reconstructionLoss) < 1e-7)
        #expect(abs(last.loss - (losses[4] + losses[5]) / 2) < 1e-4)
    }

    /// `mode: .idec(γ)` and `objective: .idec(clusteringWeight: γ)` train identically.
    @Test func modeAndObjectiveGiveTheSameRun() throws {
        let (x, _) = try blobs(perCluster: 20)
        func run(_ config: DECConfiguration) throws -> [Tensor] {
            let ae = try pretrainedAutoencoder(x)
            let trainer = try DECTrainer(autoencoder: ae, configuration: config)
            try trainer.fit(x, optimizer: try Adam(learningRate: 0.01))
            return (ae.encoder.parameters + ae.decoder.parameters + trainer.clustering!.parameters).map(\.value)
        }
        let viaMode = try run(smallConfiguration(nil, mode: .idec(clusteringWeight: 0.3)))
        let viaObjective = try run(smallConfiguration(.idec(clusteringWeight: 0.3)))
        #expect(viaMode == viaObjective)
    }

    /// Every term reports its unweighted mean and scheduled weight; a term whose weight is 0
    /// is skipped: it trains nothing and reports `nan` when it was off for a whole interval
    /// (here: the k-means term, off for iterations 0–3).
    @Test func everyTermIsReportedWithItsScheduledWeight() throws {
        let (x, _) = try blobs(perCluster: 20)
        let ae = try pretrainedAutoencoder(x)
        let objective = ClusteringObjective.idec(clusteringWeight: 0.1)
            .adding(.kMeans, weight: .step(atIteration: 4, from: 0, to: 0.5))
            .adding(.clusterBalance(prior: .uniform), weight: .linearRamp(from: 0, to: 1, over: 8))
            .adding(.localityPreservation(neighborCount: 3), weight: .constant(0.2))
        let trainer = try DECTrainer(autoencoder: ae, configuration: smallConfiguration(objective, iterations: 8))
        let result = try trainer.fit(x, optimizer: try Adam(learningRate: 0.01))
        #expect(trainer.neighborGraph?.neighborCount == 3 && trainer.neighborGraph?.sampleCount == x.shape[0])
        #expect(result.history.map(\.iteration) == [0, 4, 8])
        let names = ["kld", "reconstruction", "kmeans", "balance", "locality"]
        for update in result.history.dropFirst() {
            #expect(update.termLosses.map(\.name) == names)
        }
        // Off for the whole first interval: not evaluated. The balance term, off only at
        // iteration 0, reports its mean over iterations 1–3.
        #expect(result.history[1].termLosses[2].loss.isNaN)
        #expect(result.history[1].termLosses.enumerated().allSatisfy { $0.offset == 2 || ($0.element.loss.isFinite && $0.element.loss >= 0) })
        #expect(result.history[2].termLosses.allSatisfy { $0.loss.isFinite && $0.loss >= 0 })
        // Weights at the last batch of each interval (iterations 3 and 7).
        #expect(result.history[1].termLosses.map(\.weight) == [0.1, 1, 0, 0.375, 0.2])
        #expect(result.history[2].termLosses.map(\.weight) == [0.1, 1, 0.5, 0.875, 0.2])
        // The total is about the weighted sum of the terms (the weights reported are the last
        // batch's, so with ramps the two differ; see the test below for the exact identity).
        for update in result.history.dropFirst() {
            let weighted = update.termLosses.reduce(Float(0)) { $0 + ($1.weight > 0 ? $1.weight * $1.loss : 0) }
            #expect(update.loss > 0 && abs(update.loss - weighted) < 0.2 * update.loss)
        }
        #expect(result.history.first!.termLosses.isEmpty)
    }

    /// With constant weights the reported total is exactly the weighted sum of the reported
    /// terms: a dropped term or a wrong weight would show.
    @Test func withConstantWeightsTheTotalIsTheWeightedSumOfTheTerms() throws {
        let (x, _) = try blobs(perCluster: 20)
        let ae = try pretrainedAutoencoder(x)
        let objective = ClusteringObjective.idec(clusteringWeight: 0.1)
            .adding(.kMeans, weight: .constant(0.5))
            .adding(.clusterBalance(prior: .uniform), weight: .constant(0.7))
            .adding(.localityPreservation(neighborCount: 3), weight: .constant(0.2))
        let trainer = try DECTrainer(autoencoder: ae, configuration: smallConfiguration(objective, iterations: 8))
        let result = try trainer.fit(x, optimizer: try Adam(learningRate: 0.01))
        #expect(result.history.count == 3)
        for update in result.history.dropFirst() {
            #expect(update.termLosses.map(\.weight) == [0.1, 1, 0.5, 0.7, 0.2])
            let weighted = update.termLosses.reduce(0.0) { $0 + Double($1.weight) * Double($1.loss) }
            #expect(update.loss > 0 && abs(Double(update.loss) - weighted) <= 1e-4 * Double(update.loss),
                    "total \(update.loss), weighted sum \(weighted)")
        }
    }

    /// DCN-style: the k-means term alone (with reconstruction against collapse) trains the
    /// centres by its gradient and lowers the k-means loss of the embedding.
    @Test func theKMeansTermTrainsCentresAndEmbeddingTowardEachOther() throws {
        let (x, _) = try blobs(perCluster: 30)
        let ae = try pretrainedAutoencoder(x)
        let objective = ClusteringObjective(terms: [
            .init(.kMeans, weight: .constant(1)), .init(.reconstruction, weight: .constant(1)),
        ])
        var config = smallConfiguration(objective, iterations: 150)
        config.batchSize = 32
        config.updateInterval = 30
        let trainer = try DECTrainer(autoencoder: ae, configuration: config)
        let result = try trainer.fit(x, optimizer: try Adam(learningRate: 0.005))
        let before = try kMeansLoss(embeddings: try ae.encoder.predict(x), centers: result.initialization.centers).value
        let after = try kMeansLoss(embeddings: try ae.encoder.predict(x), centers: trainer.clustering!.clusters.value).value
        #expect(trainer.clustering!.clusters.value != result.initialization.centers)
        #expect(after < 0.8 * before, "k-means loss \(before) → \(after)")
    }

    @Test func badObjectivesAreRefused() throws {
        let (x, _) = try blobs(perCluster: 5)
        let ae = try pretrainedAutoencoder(x)
        // Reconstruction needs the decoder.
        #expect(throws: DECError.self) {
            try DECTrainer(encoder: ae.encoder, configuration: smallConfiguration(.idec(clusteringWeight: 0.1)))
        }
        // More neighbours than samples.
        let trainer = try DECTrainer(
            encoder: ae.encoder, configuration: smallConfiguration(.dec.adding(.localityPreservation(neighborCount: 20), weight: .constant(1))))
        #expect(throws: DECError.self) { try trainer.fit(x, optimizer: try SGD()) }
    }
}
