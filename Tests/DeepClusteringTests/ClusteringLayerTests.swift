import DeepClustering
import Testing
import _TestSupport

@Suite struct ClusteringLayerTests {
    func layer(alpha: Float, seed: UInt64) throws -> (ClusteringLayer, Tensor) {
        var rng = SeededGenerator(seed: seed)
        let centers = Tensor(randomNormal: [4, 5], using: &rng)
        let z = Tensor(randomNormal: [7, 5], standardDeviation: 1.5, using: &rng)
        return (try ClusteringLayer(centers: centers, alpha: alpha), z)
    }

    @Test(arguments: [Float(1), 2.5, 0.5])
    func gradientsMatchFiniteDifferences(alpha: Float) throws {
        let (layer, z) = try layer(alpha: alpha, seed: 3)
        let report = try checkGradients(of: layer, input: z, seed: 5)
        #expect(report.inputError < 1e-2, "\(report)")
        #expect((report.parameterErrors["clusters"] ?? .infinity) < 1e-2, "\(report)")
    }

    @Test func backwardAccumulatesCentreGradientsAndCanSkipTheInputGradient() throws {
        let (layer, z) = try layer(alpha: 1, seed: 4)
        var rng = SeededGenerator(seed: 8)
        let g = Tensor(randomNormal: [7, 4], using: &rng)
        _ = try layer.forward(z)
        let dz = try layer.backward(g, computingInputGradient: true)
        let once = layer.clusters.gradient
        _ = try layer.forward(z)
        let skipped = try layer.backward(g, computingInputGradient: false)
        #expect(dz.shape == [7, 5])
        #expect(skipped.count == 0)
        #expect(maxAbsDifference(layer.clusters.gradient, once * 2) < 1e-5)
        #expect(once.scalars.contains { $0 != 0 })
    }

    @Test func rowsOfQSumToOneAndMatchTheKernelByHand() throws {
        let (layer, z) = try layer(alpha: 1, seed: 5)
        let q = try layer.forward(z)
        #expect(q.shape == [7, 4])
        for i in 0..<7 {
            let row = (0..<4).map { q[i, $0] }
            #expect(abs(row.reduce(0, +) - 1) < 1e-6)
            #expect(row.allSatisfy { $0 > 0 })
        }
        #expect(try layer.inference(z) == q)
        // z = (0, 0), μ = (1, 0), (0, 2): squared distances 1 and 4.
        let centers = try Tensor(rows: [[1, 0], [0, 2]])
        let point = Tensor(zeros: [1, 2])
        let one = try ClusteringLayer(centers: centers).forward(point)
        #expect(abs(one[0, 0] - 0.71428571) < 1e-6 && abs(one[0, 1] - 0.28571429) < 1e-6)  // (1/2, 1/5) / 0.7
        let two = try ClusteringLayer(centers: centers, alpha: 2).forward(point)
        #expect(abs(two[0, 0] - 0.73879613) < 1e-6 && abs(two[0, 1] - 0.26120387) < 1e-6)  // 1.5^-1.5, 3^-1.5
    }

    @Test func targetDistributionMatchesTheFormulaByHand() throws {
        // f = (1.4, 1.6); row 0: (0.25/1.4, 0.25/1.6) normalised = (1.6, 1.4)/3.
        let q = try Tensor(rows: [[0.5, 0.5], [0.8, 0.2], [0.1, 0.9]])
        let p = try targetDistribution(q)
        let expected: [Float] = [0.53333333, 0.46666667, 0.94814815, 0.05185185, 0.01391304, 0.98608696]
        #expect(maxAbsDifference(p.scalars, expected) < 1e-6)
        #expect(throws: ClusteringError.self) { try targetDistribution(Tensor(zeros: [4])) }
        #expect(throws: ClusteringError.self) { try targetDistribution(Tensor(rows: [[0.5, -0.1]])) }
    }

    @Test func centresAreSettableOnlyWithTheirShape() throws {
        var rng = SeededGenerator(seed: 1)
        let layer = try ClusteringLayer(clusterCount: 3, featureCount: 2, using: &rng)
        #expect(layer.parameters.map(\.name) == ["clusters"])
        #expect(layer.clusters.value.shape == [3, 2])
        let centers = try Tensor(rows: [[1, 2], [3, 4], [5, 6]])
        try layer.setCenters(centers)
        #expect(layer.clusters.value == centers)
        #expect(throws: LayerError.self) { try layer.setCenters(Tensor(zeros: [2, 2])) }
        #expect(throws: LayerError.self) { try layer.setCenters(Tensor(shape: [3, 2], repeating: .nan)) }
        #expect(throws: LayerError.self) { try ClusteringLayer(centers: centers, alpha: 0) }
        #expect(throws: LayerError.self) { try ClusteringLayer(clusterCount: 0, featureCount: 2, using: &rng) }
    }

    @Test func badInputAndBackwardWithoutForwardAreRejected() throws {
        let layer = try ClusteringLayer(centers: Tensor(zeros: [3, 2]))
        #expect(throws: LayerError.self) { try layer.backward(Tensor(zeros: [1, 3])) }
        #expect(throws: LayerError.self) { try layer.forward(Tensor(zeros: [4, 3])) }
        #expect(throws: LayerError.self) { try layer.forward(Tensor(zeros: [4])) }
        _ = try layer.forward(Tensor(zeros: [4, 2]))
        #expect(throws: LayerError.self) { try layer.backward(Tensor(zeros: [4, 2])) }
        #expect(try layer.outputShape(forInputShape: [9, 2]) == [9, 3])
    }
}
