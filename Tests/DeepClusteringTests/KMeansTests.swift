import DeepClustering
import Testing

/// `Fixtures/kmeans_blobs.json`: touching blobs and scikit-learn's best-of-20 inertia on them.
struct KMeansFixture: Decodable {
    var clusterCount: Int
    var points: [[Float]]
    var labels: [Int]
    var sklearnInertia: Double
    var sklearnIterations: Int
}

@Suite struct KMeansTests {
    /// `clusters` well-separated Gaussian blobs in `dimension` dimensions, with their true labels.
    func blobs(clusters: Int, perCluster: Int, dimension: Int, seed: UInt64) throws -> (Tensor, [Int]) {
        var rng = SeededGenerator(seed: seed)
        let centers = (0..<clusters).map { _ in (0..<dimension).map { _ in Float.random(in: -50...50, using: &rng) } }
        var rows: [[Float]] = []
        var labels: [Int] = []
        for i in 0..<(clusters * perCluster) {
            let c = (i * 7) % clusters  // interleaved, so the order reveals nothing
            rows.append(centers[c].map { $0 + rng.nextStandardNormal() })
            labels.append(c)
        }
        return (try Tensor(rows: rows), labels)
    }

    /// The direct sum of squared distances to the assigned centres.
    func inertia(_ x: Tensor, _ result: KMeansResult) -> Double {
        let d = x.shape[1]
        let xs = x.scalars, cs = result.centers.scalars
        var total = 0.0
        for (i, l) in result.labels.enumerated() {
            for c in 0..<d {
                let diff = Double(xs[i * d + c]) - Double(cs[l * d + c])
                total += diff * diff
            }
        }
        return total
    }

    @Test func recoversWellSeparatedBlobs() throws {
        let (x, truth) = try blobs(clusters: 6, perCluster: 50, dimension: 8, seed: 3)
        let result = try KMeans(clusterCount: 6, seed: 11).fit(x)
        #expect(try clusteringAccuracy(labels: truth, predictions: result.labels) == 1.0)
        #expect(result.centers.shape == [6, 8])
        #expect(result.labels.count == 300)
        #expect(abs(result.inertia - inertia(x, result)) <= 1e-6 * result.inertia)
        #expect(try result.predict(x) == result.labels)
    }

    @Test func inertiaIsWithinHalfAPercentOfScikitLearn() throws {
        let fixture = try loadFixture("kmeans_blobs", as: KMeansFixture.self)
        let x = try Tensor(rows: fixture.points)
        let result = try KMeans(clusterCount: fixture.clusterCount, initializationCount: 20, seed: 5).fit(x)
        #expect(result.inertia <= fixture.sklearnInertia * 1.005, "\(result.inertia) vs \(fixture.sklearnInertia)")
        #expect(result.inertia >= fixture.sklearnInertia * 0.995, "\(result.inertia) vs \(fixture.sklearnInertia)")
        #expect(abs(result.inertia - inertia(x, result)) <= 1e-6 * result.inertia)
        // Labels are the nearest centres of the final centres, and the centres are the means.
        #expect(try result.predict(x) == result.labels)
        // Converged well before the cap of 300 (scikit-learn needed `sklearnIterations`, 4, on
        // these separated blobs; a broken convergence test would run to the cap).
        #expect(result.iterations >= 1 && result.iterations <= 10 * fixture.sklearnIterations, "\(result.iterations)")
    }

    @Test func sameSeedGivesIdenticalResultsAndOtherSeedsMayDiffer() throws {
        let fixture = try loadFixture("kmeans_blobs", as: KMeansFixture.self)
        let x = try Tensor(rows: fixture.points)
        let a = try KMeans(clusterCount: 7, initializationCount: 3, seed: 42).fit(x)
        let b = try KMeans(clusterCount: 7, initializationCount: 3, seed: 42).fit(x)
        #expect(a.centers == b.centers)
        #expect(a.labels == b.labels)
        #expect(a.inertia == b.inertia && a.iterations == b.iterations)
        // One restart per seed: different seeds reach different local optima here.
        let inertias = try (0..<6).map { try KMeans(clusterCount: 7, initializationCount: 1, seed: $0).fit(x).inertia }
        #expect(Set(inertias).count > 1)
    }

    @Test func moreRestartsNeverIncreaseInertia() throws {
        let fixture = try loadFixture("kmeans_blobs", as: KMeansFixture.self)
        let x = try Tensor(rows: fixture.points)
        // The first restart of both runs uses the same split stream, so the best of 8 is at
        // most the first.
        let one = try KMeans(clusterCount: 7, initializationCount: 1, seed: 9).fit(x)
        let eight = try KMeans(clusterCount: 7, initializationCount: 8, seed: 9).fit(x)
        #expect(eight.inertia <= one.inertia * (1 + 1e-9))
    }

    /// Run to strict convergence (tolerance 0), the centres are the means of their members.
    /// On the touching blobs of the fixture this takes several iterations in which rows change
    /// cluster, so it checks the incrementally maintained sums of the bounded iterations.
    @Test(arguments: [5, 7, 12])
    func centresAreTheMeansOfTheirClustersWhenConverged(clusters: Int) throws {
        let fixture = try loadFixture("kmeans_blobs", as: KMeansFixture.self)
        let x = try Tensor(rows: fixture.points)
        let d = x.shape[1]
        let result = try KMeans(clusterCount: clusters, initializationCount: 2, tolerance: 0, seed: 1).fit(x)
        #expect(result.iterations > 2 && result.iterations < 300)
        let xs = x.scalars
        for j in 0..<clusters {
            let members = result.labels.indices.filter { result.labels[$0] == j }
            #expect(!members.isEmpty)
            for c in 0..<d {
                let mean = members.reduce(0.0) { $0 + Double(xs[$1 * d + c]) } / Double(members.count)
                #expect(abs(Double(result.centers[j, c]) - mean) < 1e-4)
            }
        }
    }

    @Test func duplicatePointsWithAsManyClustersAsPointsGiveZeroInertia() throws {
        // Five distinct points, k = 5: every point must end up its own centre.
        let x = try Tensor(rows: [[0, 0], [0, 0], [1, 1], [5, 5], [9, 0], [9, 0], [3, 7]])
        let result = try KMeans(clusterCount: 5, initializationCount: 4, seed: 2).fit(x)
        #expect(result.inertia < 1e-9)
        #expect(Set(result.labels).count == 5)
    }

    @Test func emptyClusterIsReseededWithTheFarthestPoint() throws {
        // The third starting centre is far from every point, so it is empty after the first
        // assignment and must move to the point farthest from its centre, (20, 0).
        let x = try Tensor(rows: [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0]])
        let start = try Tensor(rows: [[0, 0], [10, 10], [1000, 1000]])
        let result = try KMeans(clusterCount: 3).fit(x, startingFrom: start)
        #expect(Set(result.labels).count == 3)
        #expect(result.labels[6] == 2)
        #expect(result.centers[2, 0] == 20 && result.centers[2, 1] == 0)
        #expect(abs(result.inertia - inertia(x, result)) <= 1e-6 * result.inertia)
        #expect(throws: ClusteringError.self) {
            try KMeans(clusterCount: 3).fit(x, startingFrom: Tensor(zeros: [2, 2]))
        }
    }

    /// Both assignment paths (the fused kernel for few clusters, GEMM for many) give the
    /// nearest centre, with odd row counts and dimensions that are not a multiple of four.
    @Test(arguments: [(3, 7), (10, 13), (23, 5), (40, 9)])
    func predictionIsTheNearestCentre(clusters: Int, dimension: Int) throws {
        var rng = SeededGenerator(seed: UInt64(clusters * 100 + dimension))
        let x = Tensor(randomNormal: [301, dimension], using: &rng)
        let model = try KMeans(clusterCount: clusters, initializationCount: 1, maxIterations: 5, seed: 4).fit(x)
        let points = Tensor(randomNormal: [157, dimension], using: &rng)
        let predicted = try model.predict(points)
        let p = points.scalars, c = model.centers.scalars
        for i in 0..<157 {
            let distances = (0..<clusters).map { j in
                (0..<dimension).reduce(0.0) { s, f in
                    let diff = Double(p[i * dimension + f]) - Double(c[j * dimension + f])
                    return s + diff * diff
                }
            }
            let nearest = distances.min()!
            // Ties within float rounding may go either way.
            #expect(distances[predicted[i]] <= nearest + 1e-4, "row \(i)")
        }
        #expect(model.labels == (try model.predict(x)))
    }

    @Test func singleClusterIsTheMean() throws {
        let x = try Tensor(rows: [[1, 2], [3, 4], [5, 9]])
        let result = try KMeans(clusterCount: 1).fit(x)
        #expect(result.labels == [0, 0, 0])
        #expect(abs(result.centers[0, 0] - 3) < 1e-6 && abs(result.centers[0, 1] - 5) < 1e-6)
    }

    @Test func badConfigurationAndInputAreRejected() throws {
        #expect(throws: ClusteringError.self) { try KMeans(clusterCount: 0) }
        #expect(throws: ClusteringError.self) { try KMeans(clusterCount: 2, initializationCount: 0) }
        #expect(throws: ClusteringError.self) { try KMeans(clusterCount: 2, maxIterations: 0) }
        #expect(throws: ClusteringError.self) { try KMeans(clusterCount: 2, tolerance: -1) }
        let kmeans = try KMeans(clusterCount: 3)
        #expect(throws: ClusteringError.self) { try kmeans.fit(Tensor(zeros: [2, 4])) }  // k > n
        #expect(throws: ClusteringError.self) { try kmeans.fit(Tensor(zeros: [12])) }  // rank 1
        #expect(throws: ClusteringError.self) { try kmeans.fit(Tensor(zeros: [2, 3, 4])) }  // rank 3
        var x = Tensor(zeros: [5, 2])
        x[3, 1] = .nan
        do {
            _ = try kmeans.fit(x)
            Issue.record("a NaN input was accepted")
        } catch {
            #expect("\(error)".contains("x[3, 1] is nan"), "\(error)")
        }
        var rng = SeededGenerator(seed: 99)
        let model = try kmeans.fit(Tensor(randomUniform: [6, 2], using: &rng))
        #expect(throws: ClusteringError.self) { try model.predict(Tensor(zeros: [4, 3])) }
    }
}

