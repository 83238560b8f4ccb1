/// A fitted t-SNE map.
public struct TSNEResult: Sendable {
    /// The map, shape `[n, 2]`, one row per input row, centred on the origin.
    public var embedding: Tensor
    /// `KL(P‖Q)` of the final map (scikit-learn's `kl_divergence_`), in nats; lower is better.
    public var klDivergence: Double

    /// Creates a result.
    public init(embedding: Tensor, klDivergence: Double) {
        self.embedding = embedding
        self.klDivergence = klDivergence
    }
}
