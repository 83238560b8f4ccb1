import DeepClustering
import Testing

/// One label pair from `Fixtures/metrics_cases.json` with scikit-learn's scores.
struct MetricsCase: Decodable, CustomTestStringConvertible {
    var name: String
    var labels: [Int]
    var predictions: [Int]
    var accuracy: Double
    var nmi: Double
    var ari: Double
    var testDescription: String { name }
}

@Suite struct ClusteringMetricsTests {
    static let cases: [MetricsCase] = (try? loadFixture("metrics_cases", as: [MetricsCase].self)) ?? []

    @Test func fixtureHasEnoughCases() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func metricsMatchScikitLearn(_ c: MetricsCase) throws {
        let acc = try clusteringAccuracy(labels: c.labels, predictions: c.predictions)
        let nmi = try normalizedMutualInformation(labels: c.labels, predictions: c.predictions)
        let ari = try adjustedRandIndex(labels: c.labels, predictions: c.predictions)
        #expect(abs(acc - c.accuracy) <= 1e-6, "ACC \(acc) vs \(c.accuracy)")
        #expect(abs(nmi - c.nmi) <= 1e-6, "NMI \(nmi) vs \(c.nmi)")
        #expect(abs(ari - c.ari) <= 1e-6, "ARI \(ari) vs \(c.ari)")
    }

    @Test func metricsAreSymmetricWhereScikitLearnsAre() throws {
        let c = Self.cases.first { $0.name.hasPrefix("noisy") }!
        let nmi = try normalizedMutualInformation(labels: c.predictions, predictions: c.labels)
        let ari = try adjustedRandIndex(labels: c.predictions, predictions: c.labels)
        #expect(abs(nmi - c.nmi) <= 1e-12 && abs(ari - c.ari) <= 1e-12)
    }

    @Test func confusionMatrixCountsByLabelValueAndCluster() throws {
        let m = try confusionMatrix(labels: [0, 0, 2, 2, 2, 1], predictions: [1, 1, 0, 3, 0, 1])
        #expect(m == [[0, 2, 0, 0], [0, 1, 0, 0], [2, 0, 0, 1]])
    }

    @Test func confusionMatrixRejectsLabelValuesTooLargeForAMatrix() throws {
        // Sized by value, not by count: these would need 2·10⁹ rows, or overflow computing max + 1.
        for (labels, predictions) in [([0, 2_000_000_000], [0, 1]), ([0, Int.max], [0, 1]), ([0, 1], [Int.max, 0]),
                                      ([0, 5_000], [0, 5_000]), ([0, 70_000], [0, 1])] {
            #expect {
                _ = try confusionMatrix(labels: labels, predictions: predictions)
            } throws: { error in
                "\(error)".contains("number the classes and clusters consecutively from 0")
            }
        }
        #expect(try confusionMatrix(labels: [0, 4_095], predictions: [4_095, 0]).count == 4_096)
    }

    @Test func badLabelArraysAreRejectedWithClearMessages() {
        let functions: [(String, ([Int], [Int]) throws -> Any)] = [
            ("clusteringAccuracy", { try clusteringAccuracy(labels: $0, predictions: $1) }),
            ("normalizedMutualInformation", { try normalizedMutualInformation(labels: $0, predictions: $1) }),
            ("adjustedRandIndex", { try adjustedRandIndex(labels: $0, predictions: $1) }),
            ("confusionMatrix", { try confusionMatrix(labels: $0, predictions: $1) }),
        ]
        for (name, f) in functions {
            #expect(throws: ClusteringError.self) { _ = try f([0, 1, 1], [0, 1]) }
            #expect(throws: ClusteringError.self) { _ = try f([], []) }
            #expect(throws: ClusteringError.self) { _ = try f([0, -1], [0, 1]) }
            #expect(throws: ClusteringError.self) { _ = try f([0, 1], [0, -3]) }
            do {
                _ = try f([0, 1, 1], [0, 1])
            } catch {
                let text = "\(error)"
                #expect(text.contains(name) && text.contains("3") && text.contains("2"), "\(text)")
            }
            do {
                _ = try f([0, 1], [0, -3])
            } catch {
                #expect("\(error)".contains("predictions[1] is -3"), "\(error)")
            }
        }
    }
}
