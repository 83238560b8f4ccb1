import DeepClustering
import Foundation
import Testing
import _TestSupport

/// Finite-difference gradient checks and independent value checks of the clustering losses.
@Suite struct ClusteringLossTests {
    /// Random `[rows, columns]` values in ±scale.
    func random(_ rows: Int, _ columns: Int, seed: UInt64, scale: Float = 2) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(randomUniform: [rows, columns], in: -scale...scale, using: &rng)
    }

    /// Soft assignments from a clustering layer with random centres (rows sum to 1).
    func softAssignments(_ rows: Int, clusters: Int, seed: UInt64) throws -> Tensor {
        let layer = try ClusteringLayer(centers: random(clusters, 3, seed: seed + 1))
        return try layer.inference(random(rows, 3, seed: seed))
    }

    @Test func kMeansLossValueAndGradients() throws {
        let z = random(7, 3, seed: 1), mu = random(4, 3, seed: 2)
        // Independent value: nearest centre by brute force in Double.
        var expected = 0.0
        for i in 0..<7 {
            var best = Double.infinity
            for j in 0..<4 {
                var d = 0.0
                for f in 0..<3 { let diff = Double(z[i, f] - mu[j, f]); d += diff * diff }
                best = min(best, d)
            }
            expected += best / 7
        }
        let (value, dz, dmu) = try kMeansLoss(embeddings: z, centers: mu)
        #expect(abs(Double(value) - expected) < 1e-5)
        #expect(dz.shape == [7, 3] && dmu.shape == [4, 3])
        // Finite differences with a step small enough not to change any assignment.
        let zError = checkGradient(of: { z in
            let r = try! kMeansLoss(embeddings: z, centers: mu)
            return (Double(r.value), r.embeddingGradient)
        }, at: z, epsilon: 1e-3)
        let muError = checkGradient(of: { mu in
            let r = try! kMeansLoss(embeddings: z, centers: mu)
            return (Double(r.value), r.centerGradient)
        }, at: mu, epsilon: 1e-3)
        #expect(zError < 1e-2, "∂L/∂z error \(zError)")
        #expect(muError < 1e-2, "∂L/∂μ error \(muError)")
        // The weighted write-into form scales value and both gradients, overwriting old contents.
        var gz = Tensor(shape: [7, 3], repeating: 9), gmu = Tensor(shape: [4, 3], repeating: 9)
        let weighted = try kMeansLoss(embeddings: z, centers: mu, weight: 0.5, embeddingGradientInto: &gz, centerGradientInto: &gmu)
        #expect(abs(weighted - 0.5 * value) < 1e-6)
        #expect(maxAbsDifference(gz, dz * 0.5) < 1e-6 && maxAbsDifference(gmu, dmu * 0.5) < 1e-6)
        #expect(throws: ClusteringError.self) { try kMeansLoss(embeddings: z, centers: random(4, 2, seed: 3)) }
    }

    @Test(arguments: [ClusterPrior.uniform, .zipf(exponent: 1.2), .proportions([1, 5, 2, 0.5])])
    func clusterBalanceValueAndGradient(prior: ClusterPrior) throws {
        let q = try softAssignments(9, clusters: 4, seed: 5)
        let u = try prior.probabilities(clusterCount: 4)
        #expect(abs(u.reduce(0, +) - 1) < 1e-6)
        #expect(zip(u, u.dropFirst()).allSatisfy { $0 >= $1 })
        // Independent value: G, then the prior matched to G's size ranks.
        let g = try q.mean(alongAxis: 0).scalars.map(Double.init)
        let ranks = g.indices.sorted { g[$0] > g[$1] }
        var expected = 0.0
        for (r, j) in ranks.enumerated() { expected += g[j] * log(g[j] / Double(u[r])) }
        let (value, _) = try clusterBalanceDivergence(softAssignments: q, prior: u)
        #expect(abs(Double(value) - expected) < 1e-6)
        #expect(value >= 0)
        let error = checkGradient(of: { q in
            let r = try! clusterBalanceDivergence(softAssignments: q, prior: u)
            return (Double(r.value), r.gradient)
        }, at: q, epsilon: 1e-3)
        #expect(error < 1e-2, "∂L/∂q error \(error)")
    }

    /// The weighted write-into forms the trainer uses, checked by finite differences of their
    /// own weighted values (weight 0.3), with the gradient buffer holding stale values first.
    @Test func weightedWriteIntoFormsHaveTheirOwnGradients() throws {
        let q = try softAssignments(9, clusters: 4, seed: 5)
        let u = try ClusterPrior.zipf(exponent: 1.2).probabilities(clusterCount: 4)
        let balanceError = checkGradient(of: { q in
            var g = Tensor(shape: q.shape, repeating: 7)
            let v = try! clusterBalanceDivergence(softAssignments: q, prior: u, weight: 0.3, gradientInto: &g)
            return (Double(v), g)
        }, at: q, epsilon: 1e-3)
        #expect(balanceError < 1e-2, "weighted ∂KL(G‖U)/∂q error \(balanceError)")
        let z = random(5, 3, seed: 21), neighbors = random(10, 3, seed: 22)
        let localityError = checkGradient(of: { z in
            var g = Tensor(shape: z.shape, repeating: 7)
            let v = try! localityPreservingLoss(embeddings: z, neighbors: neighbors, weight: 0.3, gradientInto: &g)
            return (Double(v), g)
        }, at: z, epsilon: 1e-3)
        #expect(localityError < 1e-2, "weighted locality ∂L/∂z error \(localityError)")
        // And the weight scales both value and gradient.
        let (value, gradient) = try localityPreservingLoss(embeddings: z, neighbors: neighbors)
        var g = Tensor(zeros: [0])
        let weighted = try localityPreservingLoss(embeddings: z, neighbors: neighbors, weight: 0.3, gradientInto: &g)
        #expect(abs(weighted - 0.3 * value) < 1e-6 && maxAbsDifference(g, gradient * 0.3) < 1e-6)
    }

    /// Through the clustering layer: the gradient with respect to the embedding and the centres
    /// of `KL(G‖U)(ClusteringLayer(z))`, checked end to end.
    @Test func clusterBalanceGradientFlowsThroughTheClusteringLayer() throws {
        let layer = try ClusteringLayer(centers: random(3, 2, seed: 11))
        let z = random(10, 2, seed: 12)
        let u = try ClusterPrior.zipf(exponent: 1).probabilities(clusterCount: 3)
        let error = try checkGradient(of: { z in
            let q = try layer.forward(z)
            let r = try clusterBalanceDivergence(softAssignments: q, prior: u)
            layer.zeroGradients()
            return (Double(r.value), try layer.backward(r.gradient, computingInputGradient: true))
        }, at: z, epsilon: 1e-3)
        #expect(error < 1e-2, "∂L/∂z error \(error)")
    }

    @Test func clusterBalanceIsZeroAtThePriorAndRejectsBadPriors() throws {
        // Every row equal to the prior: G = U, so L = 0 and the gradient is the constant 1/B.
        let u: [Float] = [0.5, 0.3, 0.2]
        let q = try Tensor(rows: Array(repeating: u, count: 4))
        let (value, gradient) = try clusterBalanceDivergence(softAssignments: q, prior: u)
        #expect(abs(value) < 1e-6)
        #expect(gradient.scalars.allSatisfy { abs($0 - 0.25) < 1e-6 })
        #expect(throws: ClusteringError.self) { try clusterBalanceDivergence(softAssignments: q, prior: [0.5, 0.5]) }
        #expect(throws: ClusteringError.self) { try clusterBalanceDivergence(softAssignments: q, prior: [0.5, 0.6, -0.1]) }
        #expect(throws: ClusteringError.self) { try clusterBalanceDivergence(softAssignments: q, prior: [0.5, 0.3, 0.3]) }
        #expect(throws: ClusteringError.self) { try ClusterPrior.zipf(exponent: -1).probabilities(clusterCount: 3) }
        #expect(throws: ClusteringError.self) { try ClusterPrior.proportions([1, 0, 2]).probabilities(clusterCount: 3) }
        #expect(throws: ClusteringError.self) { try ClusterPrior.proportions([1, 2]).probabilities(clusterCount: 3) }
        let zipf = try ClusterPrior.zipf(exponent: 2).probabilities(clusterCount: 3)
        let norm: Float = 1 + 1 / 4 + 1 / 9
        #expect(maxAbsDifference(zipf, [1 / norm, 0.25 / norm, (1.0 / 9) / norm]) < 1e-6)
        #expect(try ClusterPrior(parsing: "zipf:1.5") == .zipf(exponent: 1.5))
        #expect(try ClusterPrior(parsing: "uniform") == .uniform)
        #expect(try ClusterPrior(parsing: "proportions:10,1,1") == .proportions([10, 1, 1]))
        #expect(throws: ClusteringError.self) { try ClusterPrior(parsing: "zipf") }
        #expect(throws: ClusteringError.self) { try ClusterPrior(parsing: "gaussian:1") }
    }

    @Test func localityPreservingLossValueAndGradient() throws {
        let z = random(5, 3, seed: 21), neighbors = random(10, 3, seed: 22)  // k = 2
        var expected = 0.0
        for i in 0..<5 {
            for m in 0..<2 {
                for f in 0..<3 { let d = Double(z[i, f] - neighbors[i * 2 + m, f]); expected += d * d }
            }
        }
        expected /= 10
        let (value, _) = try localityPreservingLoss(embeddings: z, neighbors: neighbors)
        #expect(abs(Double(value) - expected) < 1e-5)
        let error = checkGradient(of: { z in
            let r = try! localityPreservingLoss(embeddings: z, neighbors: neighbors)
            return (Double(r.value), r.gradient)
        }, at: z, epsilon: 1e-3)
        #expect(error < 1e-2, "∂L/∂z error \(error)")
        #expect(throws: ClusteringError.self) { try localityPreservingLoss(embeddings: z, neighbors: random(7, 3, seed: 1)) }
        #expect(throws: ClusteringError.self) { try localityPreservingLoss(embeddings: z, neighbors: random(10, 2, seed: 1)) }
    }

    /// The GEMM-based, chunked graph equals brute force, whatever the chunk size.
    @Test(arguments: [8_388_608, 150, 1])
    func neighborGraphMatchesBruteForce(maximumChunkDistances: Int) throws {
        let x = random(60, 5, seed: 31)
        let graph = try NeighborGraph(x, neighborCount: 4, maximumChunkDistances: maximumChunkDistances)
        #expect(graph.sampleCount == 60 && graph.neighborCount == 4 && graph.indices.count == 240)
        for i in 0..<60 {
            let distances = (0..<60).map { j -> (Int, Double) in
                var d = 0.0
                for f in 0..<5 { let diff = Double(x[i, f] - x[j, f]); d += diff * diff }
                return (j, d)
            }
            let expected = distances.filter { $0.0 != i }.sorted { $0.1 < $1.1 }.prefix(4).map(\.0)
            #expect(Array(graph.neighbors(of: i)) == expected, "sample \(i)")
        }
        #expect(Array(graph.neighbors(ofRows: 2..<4)) == Array(graph.neighbors(of: 2)) + Array(graph.neighbors(of: 3)))
        #expect(throws: ClusteringError.self) { try NeighborGraph(x, neighborCount: 60) }
        #expect(throws: ClusteringError.self) { try NeighborGraph(x, neighborCount: 0) }
        #expect(throws: ClusteringError.self) { try NeighborGraph(indices: [1, 1, 0], neighborCount: 1) }
        #expect(throws: ClusteringError.self) { try NeighborGraph(indices: [1, 3, 0], neighborCount: 1) }
        #expect(try NeighborGraph(indices: graph.indices, neighborCount: 4) == graph)
    }
}
