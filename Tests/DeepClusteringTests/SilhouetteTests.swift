import DeepClustering
import Testing

/// `Fixtures/silhouette_cases.json` (from `make_silhouette_fixture.py`): point sets, labels and
/// scikit-learn 1.9's `silhouette_score` / `silhouette_samples`.
struct SilhouetteFixture: Decodable {
    struct Case: Decodable {
        var name: String
        var points: [[Float]]
        var labels: [Int]
        var score: Double
        var samples: [Double]?
    }
    var cases: [Case]
    var latticeScore: Double
    var latticeCount: Int
}

@Suite struct SilhouetteTests {
    let fixture: SilhouetteFixture

    init() throws {
        fixture = try loadFixture("silhouette_cases", as: SilhouetteFixture.self)
    }

    @Test func scoresAndSamplesMatchScikitLearn() throws {
        #expect(fixture.cases.count == 6)
        for c in fixture.cases {
            let x = try Tensor(rows: c.points)
            let score = try silhouetteScore(x, labels: c.labels)
            #expect(abs(score - c.score) < 1e-5, "\(c.name): \(score) vs scikit-learn \(c.score)")
            if let expected = c.samples {
                let samples = try silhouetteSamples(x, labels: c.labels)
                let worst = zip(samples, expected).map { abs($0 - $1) }.max() ?? .infinity
                #expect(samples.count == expected.count && worst < 1e-4, "\(c.name): samples differ by \(worst)")
            }
        }
    }

    @Test func singletonClusterScoresZero() throws {
        let c = try #require(fixture.cases.first { $0.name == "singleton cluster" })
        let samples = try silhouetteSamples(try Tensor(rows: c.points), labels: c.labels)
        #expect(samples[17] == 0)
        #expect(samples.filter { $0 != 0 }.count == samples.count - 1)
    }

    /// 4,200 points need two distance blocks of at most 16 M values.
    @Test func largeInputSpanningSeveralBlocksMatchesScikitLearn() throws {
        let n = fixture.latticeCount
        var scalars: [Float] = []
        for i in 0..<n {
            for f in 0..<3 {
                scalars.append(Float((i * 7919 + f * 104_729) % 1000) / 100 + (i % 5 == f ? 12 : 0))
            }
        }
        let x = try Tensor(shape: [n, 3], scalars: scalars)
        let score = try silhouetteScore(x, labels: (0..<n).map { $0 % 5 })
        #expect(abs(score - fixture.latticeScore) < 1e-5, "\(score) vs scikit-learn \(fixture.latticeScore)")
    }

    @Test func sampleAtLeastAsLargeAsTheDataGivesTheFullScore() throws {
        for c in fixture.cases {
            let x = try Tensor(rows: c.points)
            let full = try silhouetteScore(x, labels: c.labels)
            for size in [c.labels.count, c.labels.count + 7] {
                let sampled = try silhouetteScore(x, labels: c.labels, sampleSize: size, seed: 3)
                #expect(abs(sampled - full) < 1e-12, "\(c.name) sampleSize \(size): \(sampled) vs \(full)")
                #expect(abs(sampled - c.score) < 1e-5)
            }
        }
    }

    @Test func samplingIsSeededAndEstimatesTheFullScore() throws {
        let c = try #require(fixture.cases.first { $0.name == "touching blobs, k-means labels" })
        let x = try Tensor(rows: c.points)
        let a = try silhouetteScore(x, labels: c.labels, sampleSize: 120, seed: 1)
        let b = try silhouetteScore(x, labels: c.labels, sampleSize: 120, seed: 1)
        let other = try silhouetteScore(x, labels: c.labels, sampleSize: 120, seed: 2)
        #expect(a == b)
        #expect(a != other)
        #expect(abs(a - c.score) < 0.1 && abs(other - c.score) < 0.1)
    }

    @Test func rejectsUnusableInput() throws {
        let x = try Tensor(rows: [[0, 0], [1, 1], [5, 5], [6, 6]])
        #expect(throws: ClusteringError.self) { try silhouetteScore(x, labels: [0, 0, 0, 0]) }      // one cluster
        #expect(throws: ClusteringError.self) { try silhouetteScore(x, labels: [0, 1, 2, 3]) }      // n clusters
        #expect(throws: ClusteringError.self) { try silhouetteScore(x, labels: [0, 1, 1]) }         // length
        #expect(throws: ClusteringError.self) { try silhouetteScore(x, labels: [0, 0, 1, 1], sampleSize: 1) }
        #expect(throws: ClusteringError.self) { try silhouetteSamples(Tensor([1, 2, 3, 4]), labels: [0, 0, 1, 1]) }
        #expect(throws: ClusteringError.self) {
            try silhouetteScore(try Tensor(rows: [[0, .nan], [1, 1], [5, 5]]), labels: [0, 1, 1])
        }
        // By hand: a = √2 for every point; b = mean distance to the other pair.
        let b0 = (50.0.squareRoot() + 72.0.squareRoot()) / 2, b1 = (32.0.squareRoot() + 50.0.squareRoot()) / 2
        let expected = ((1 - 2.0.squareRoot() / b0) + (1 - 2.0.squareRoot() / b1)) / 2
        #expect(abs(try silhouetteScore(x, labels: [0, 0, 1, 1]) - expected) < 1e-6)
    }
}

@Suite struct ClusterCountSelectionTests {
    @Test func picksTheTrueNumberOfWellSeparatedBlobs() throws {
        for (clusters, seed) in [(3, UInt64(1)), (6, 2)] {
            let (x, _) = try generatedBlobs(clusters: clusters, perCluster: 60, dimension: 8, seed: seed)
            var seen: [Int] = []
            let selection = try chooseClusterCount(
                for: x, in: 2...9, kmeansInitializationCount: 3, silhouetteSampleSize: 200, seed: 7
            ) { seen.append($0.clusterCount) }
            #expect(selection.clusterCount == clusters, "scores: \(selection.candidates.map { ($0.clusterCount, $0.silhouette) })")
            #expect(seen == Array(2...9))
            #expect(selection.candidates.map(\.clusterCount) == Array(2...9))
            // Both timings are recorded (a candidate left at 0 would mean a phase went untimed).
            #expect(selection.candidates.allSatisfy { $0.kmeansSeconds > 0 && $0.silhouetteSeconds > 0 })
            let best = selection.candidates.map(\.silhouette).max()!
            #expect(selection.best.silhouette == best)
        }
    }

    @Test func rejectsBadRangesAndTooFewSamples() throws {
        let (x, _) = try generatedBlobs(clusters: 3, perCluster: 5, dimension: 2, seed: 4)  // 15 rows
        #expect(throws: ClusteringError.self) { try chooseClusterCount(for: x, in: 1...4) }
        #expect(throws: ClusteringError.self) { try chooseClusterCount(for: x, in: 2...15) }
        #expect(throws: ClusteringError.self) { try chooseClusterCount(for: x, in: 2...6, silhouetteSampleSize: 6) }
        #expect(throws: ClusteringError.self) { try chooseClusterCount(for: x, in: 2...4, kmeansInitializationCount: 0) }
        #expect(throws: ClusteringError.self) { try chooseClusterCount(for: x, in: 2...4, silhouetteSampleSize: 2) }
        #expect(try chooseClusterCount(for: x, in: 2...14).candidates.count == 13)
    }
}
