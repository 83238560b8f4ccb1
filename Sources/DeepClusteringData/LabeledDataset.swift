import DeepClusteringCore

/// Samples (rows of ``x``) with optional integer class labels, as the readers return them.
public struct LabeledDataset: Sendable {
    /// The samples, one per row of the first dimension (e.g. `[70000, 784]` or
    /// `[70000, 28, 28, 1]`).
    public var x: Tensor
    /// One label per sample, or `nil` for unlabelled data.
    public var labels: [Int]?

    /// Creates a dataset, checking that there is one label per sample.
    /// - Throws: `TensorError.shapeMismatch(operation:message:)` when the counts differ.
    public init(x: Tensor, labels: [Int]? = nil) throws {
        if let labels, labels.count != x.rowCount {
            throw TensorError.shapeMismatch(
                operation: "LabeledDataset", message: "\(x.rowCount) samples but \(labels.count) labels")
        }
        self.x = x
        self.labels = labels
    }

    /// The number of samples.
    public var count: Int { x.rowCount }
}
