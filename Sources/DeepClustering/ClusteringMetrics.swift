import Foundation

// External measures of a clustering against ground-truth labels, as reported in the DEC, IDEC
// and DCEC papers and computed by scikit-learn. Labels and predictions are arrays of
// non-negative integers of equal length; the values themselves need not be contiguous, and the
// number of clusters need not equal the number of classes.

/// Unsupervised clustering accuracy: the fraction of samples that are correctly labelled under
/// the best one-to-one mapping from clusters to labels.
///
/// `ACC = max_m Σ_i 1{labels_i = m(predictions_i)} / n` over injective maps `m`, found with the
/// ``HungarianAlgorithm`` on the contingency table (as DEC's `cluster_acc` does with
/// `linear_sum_assignment`). When there are more clusters than labels, the surplus clusters
/// match nothing and their samples count as errors (and vice versa).
/// - Parameters:
///   - labels: The ground-truth class of each sample.
///   - predictions: The cluster assigned to each sample.
/// - Returns: A value in `(0, 1]`.
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when the arrays differ in
///   length, are empty or hold a negative value.
public func clusteringAccuracy(labels: [Int], predictions: [Int]) throws -> Double {
    let table = try ContingencyTable(
        labels: labels, predictions: predictions, operation: "clusteringAccuracy(labels:predictions:)")
    let weights = table.counts.map { $0.map(Double.init) }
    let pairs = try HungarianAlgorithm.optimalAssignment(cost: weights, maximizing: true)
    let matched = pairs.reduce(0) { $0 + table.counts[$1.row][$1.column] }
    return Double(matched) / Double(table.sampleCount)
}

/// Normalized mutual information with arithmetic-mean normalisation, scikit-learn's default:
/// `NMI = MI(labels, predictions) / ((H(labels) + H(predictions)) / 2)` (natural logarithms).
///
/// Edge cases follow `sklearn.metrics.normalized_mutual_info_score`: when both arrays hold a
/// single value the clusterings are identical and the score is 1; otherwise a mutual
/// information of zero (for instance when exactly one of them holds a single value) gives 0.
/// Terms of the mutual information smaller than machine epsilon are dropped and a negative
/// rounding result is clipped to zero, as there.
/// - Parameters:
///   - labels: The ground-truth class of each sample.
///   - predictions: The cluster assigned to each sample.
/// - Returns: A value in `[0, 1]`.
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when the arrays differ in
///   length, are empty or hold a negative value.
public func normalizedMutualInformation(labels: [Int], predictions: [Int]) throws -> Double {
    let table = try ContingencyTable(
        labels: labels, predictions: predictions,
        operation: "normalizedMutualInformation(labels:predictions:)")
    if table.labelTotals.count == 1 && table.predictionTotals.count == 1 { return 1 }
    let mi = mutualInformation(table)
    if mi == 0 { return 0 }
    let normalizer = (entropy(table.labelTotals) + entropy(table.predictionTotals)) / 2
    return mi / normalizer
}

/// The adjusted Rand index, the Rand index corrected for chance (Hubert & Arabie 1985), as
/// `sklearn.metrics.adjusted_rand_score` computes it from the pair confusion matrix:
/// `ARI = 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))`, and exactly 1 when no
/// pair is split or merged differently (`fn = fp = 0`, e.g. both single-cluster).
///
/// Pair counts are exact (`Int128` products), so the result does not lose precision for large
/// datasets.
/// - Parameters:
///   - labels: The ground-truth class of each sample.
///   - predictions: The cluster assigned to each sample.
/// - Returns: A value in `[-0.5, 1]`; about 0 for a random clustering.
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when the arrays differ in
///   length, are empty or hold a negative value.
public func adjustedRandIndex(labels: [Int], predictions: [Int]) throws -> Double {
    let table = try ContingencyTable(
        labels: labels, predictions: predictions, operation: "adjustedRandIndex(labels:predictions:)")
    let n = Int128(table.sampleCount)
    var sumSquares: Int128 = 0
    var rowDot: Int128 = 0  // Σ_ab n_ab · (column total of b)
    var columnDot: Int128 = 0  // Σ_ab n_ab · (row total of a)
    for (a, row) in table.counts.enumerated() {
        for (b, count) in row.enumerated() where count > 0 {
            let c = Int128(count)
            sumSquares += c * c
            rowDot += c * Int128(table.predictionTotals[b])
            columnDot += c * Int128(table.labelTotals[a])
        }
    }
    let tp = sumSquares - n
    let fp = rowDot - sumSquares
    let fn = columnDot - sumSquares
    let tn = n * n - fp - fn - sumSquares
    if fn == 0 && fp == 0 { return 1 }
    let numerator = 2 * (tp * tn - fn * fp)
    let denominator = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn)
    return Double(numerator) / Double(denominator)
}

/// The most cells ``confusionMatrix(labels:predictions:)`` builds: 2²⁴ (128 MiB of counts).
let confusionMatrixCellLimit = 1 << 24
/// The most rows (label values) it builds: each row is an array of its own.
let confusionMatrixRowLimit = 1 << 16

/// The confusion matrix of a clustering: `matrix[l][c]` counts the samples with label `l` that
/// were put in cluster `c`.
///
/// Rows are indexed by label value `0...labels.max()` and columns by cluster
/// `0...predictions.max()`, so values that never occur give zero rows or columns. Clusters are
/// not matched to labels; see ``clusteringAccuracy(labels:predictions:)`` for the best matching.
/// - Parameters:
///   - labels: The ground-truth class of each sample.
///   - predictions: The cluster assigned to each sample.
/// - Returns: A `(max label + 1) × (max cluster + 1)` matrix of counts summing to the sample count.
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` when the arrays differ in
///   length, are empty or hold a negative value, or when the largest values would make a matrix
///   of more than 2¹⁶ (65,536) rows or 2²⁴ (16,777,216) cells (number classes and clusters from 0).
public func confusionMatrix(labels: [Int], predictions: [Int]) throws -> [[Int]] {
    let operation = "confusionMatrix(labels:predictions:)"
    try ContingencyTable.validate(labels: labels, predictions: predictions, operation: operation)
    let maxLabel = labels.max()!, maxCluster = predictions.max()!
    guard maxLabel < confusionMatrixRowLimit, maxCluster < confusionMatrixCellLimit,
          (maxLabel + 1) * (maxCluster + 1) <= confusionMatrixCellLimit
    else {
        throw ClusteringError.invalidInput(
            operation: operation,
            message: "labels up to \(maxLabel) and clusters up to \(maxCluster) would make a matrix of more than \(confusionMatrixRowLimit) rows or \(confusionMatrixCellLimit) cells; number the classes and clusters consecutively from 0")
    }
    let columns = maxCluster + 1
    var matrix = Array(repeating: Array(repeating: 0, count: columns), count: maxLabel + 1)
    for (l, c) in zip(labels, predictions) { matrix[l][c] += 1 }
    return matrix
}

/// Mutual information in nats, term by term as scikit-learn's `mutual_info_score`.
private func mutualInformation(_ table: ContingencyTable) -> Double {
    if table.labelTotals.count == 1 || table.predictionTotals.count == 1 { return 0 }
    let n = Double(table.sampleCount)
    let logN = log(n)
    var mi = 0.0
    for (a, row) in table.counts.enumerated() {
        for (b, count) in row.enumerated() where count > 0 {
            let p = Double(count) / n
            let outer = Double(table.labelTotals[a]) * Double(table.predictionTotals[b])
            let term = p * (log(Double(count)) - logN) + p * (-log(outer) + logN + logN)
            if abs(term) >= Double.ulpOfOne { mi += term }
        }
    }
    return max(mi, 0)
}

/// The entropy in nats of a labelling given its cluster sizes (all positive).
private func entropy(_ totals: [Int]) -> Double {
    if totals.count <= 1 { return 0 }
    let n = Double(totals.reduce(0, +))
    let logN = log(n)
    return -totals.reduce(0.0) { s, t in s + Double(t) / n * (log(Double(t)) - logN) }
}
