/// The counts of samples per (true label, predicted cluster) pair over the label values that
/// actually occur, as scikit-learn's `contingency_matrix` builds it; the common ground of the
/// clustering metrics.
struct ContingencyTable {
    /// `counts[a][b]`: samples whose label is the `a`-th distinct label value (ascending) and
    /// whose prediction is the `b`-th distinct predicted value.
    var counts: [[Int]]
    /// Row sums (samples per label).
    var labelTotals: [Int]
    /// Column sums (samples per predicted cluster).
    var predictionTotals: [Int]
    /// The number of samples.
    var sampleCount: Int

    /// Builds the table after checking the two label arrays.
    /// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when the arrays differ in
    ///   length, are empty, or hold a negative value.
    init(labels: [Int], predictions: [Int], operation: String) throws {
        try ContingencyTable.validate(labels: labels, predictions: predictions, operation: operation)
        let labelIndex = ContingencyTable.denseIndices(labels)
        let predictionIndex = ContingencyTable.denseIndices(predictions)
        let r = (labelIndex.max() ?? -1) + 1, c = (predictionIndex.max() ?? -1) + 1
        counts = Array(repeating: Array(repeating: 0, count: c), count: r)
        labelTotals = Array(repeating: 0, count: r)
        predictionTotals = Array(repeating: 0, count: c)
        for (a, b) in zip(labelIndex, predictionIndex) {
            counts[a][b] += 1
            labelTotals[a] += 1
            predictionTotals[b] += 1
        }
        sampleCount = labels.count
    }

    /// Checks that `labels` and `predictions` are equally long, non-empty and non-negative.
    static func validate(labels: [Int], predictions: [Int], operation: String) throws {
        guard labels.count == predictions.count else {
            throw ClusteringError.invalidInput(
                operation: operation,
                message: "labels has \(labels.count) elements but predictions has \(predictions.count); they must be equally long")
        }
        guard !labels.isEmpty else {
            throw ClusteringError.invalidInput(operation: operation, message: "labels and predictions are empty")
        }
        for (name, array) in [("labels", labels), ("predictions", predictions)] {
            if let i = array.firstIndex(where: { $0 < 0 }) {
                throw ClusteringError.invalidInput(
                    operation: operation, message: "\(name)[\(i)] is \(array[i]); labels must be non-negative")
            }
        }
    }

    /// Each value replaced by the rank of its value among the distinct values (0-based).
    static func denseIndices(_ values: [Int]) -> [Int] {
        let distinct = Array(Set(values)).sorted()
        var rank = [Int: Int](minimumCapacity: distinct.count)
        for (i, v) in distinct.enumerated() { rank[v] = i }
        return values.map { rank[$0]! }
    }
}
