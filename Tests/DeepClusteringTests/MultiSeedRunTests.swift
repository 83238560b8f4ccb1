import DeepClustering
import Testing

/// A recipe over several seeds: every run kept, scores summarised as mean ± sample standard
/// deviation.
@Suite struct MultiSeedRunTests {
    @Test func meanAndSampleDeviation() throws {
        let three = try MeanAndDeviation([0.9, 0.95, 1.0])
        #expect(abs(three.mean - 0.95) < 1e-12)
        #expect(abs(three.standardDeviation - 0.05) < 1e-12)  // sqrt((0.05² + 0 + 0.05²) / 2)
        #expect(three.count == 3 && three.description == "0.9500±0.0500")
        let two = try MeanAndDeviation([2, 5])
        #expect(two.mean == 3.5 && abs(two.standardDeviation - 4.5.squareRoot()) < 1e-12)  // sqrt(2·1.5² / 1)
        #expect(two.formatted(digits: 1) == "3.5±2.1")
        let one = try MeanAndDeviation([0.7])
        #expect(one.mean == 0.7 && one.standardDeviation == 0)
        #expect(throws: DECError.self) { try MeanAndDeviation([]) }
        #expect(throws: DECError.self) { try MeanAndDeviation([1, .nan]) }
    }

    @Test func everySeedRunsAndTheScoresAreSummarised() throws {
        let (x, labels) = try generatedBlobs(clusters: 3, perCluster: 10, dimension: 4, range: 3, seed: 4)
        let runs = try DeepClusteringModel.fit(
            x, clusterCount: 3, recipe: ModelFileTests.shortRecipe(.dense), labels: labels, seeds: [3, 1, 4])
        #expect(runs.runs.map(\.seed) == [3, 1, 4])
        #expect(runs.runs.map(\.run.model.seed) == [3, 1, 4])
        let accuracies = runs.runs.map { $0.run.result.finalMetrics!.accuracy }
        let expected = try MeanAndDeviation(accuracies)
        #expect(runs.accuracy == expected)
        #expect(runs.nmi == (try MeanAndDeviation(runs.runs.map { $0.run.result.finalMetrics!.nmi })))
        #expect(runs.initialAccuracy == (try MeanAndDeviation(runs.runs.map { $0.run.result.initialMetrics!.accuracy })))
        #expect(runs.seconds.count == 3 && runs.runs.allSatisfy { $0.seconds > 0 })
        // The same seed gives the same run.
        let again = try DeepClusteringModel.fit(x, clusterCount: 3, recipe: ModelFileTests.shortRecipe(.dense), labels: labels, seeds: [1])
        #expect(again.runs[0].run.result.assignments == runs.runs[1].run.result.assignments)
        #expect(throws: DECError.self) { try DeepClusteringModel.fit(x, clusterCount: 3, seeds: []) }
        let unlabelled = try DeepClusteringModel.fit(x, clusterCount: 3, recipe: ModelFileTests.shortRecipe(.dense), seeds: [0])
        #expect(unlabelled.accuracy == nil && unlabelled.initialAccuracy == nil)
    }
}
