import DeepClusteringCore

/// A trainable tensor together with the gradient accumulated for it.
///
/// Layers own their parameters and list them in ``Layer/parameters``; optimizers hold that list
/// (or receive it in `step`) and update ``value`` from ``gradient``. `Parameter` is a class so a
/// layer, an optimizer's state and a checkpoint all refer to the same object: sharing an encoder
/// between an autoencoder and a clustering model shares its parameters.
public final class Parameter {
    /// A name unique within its model, such as `encoder.dense_1.kernel` (used by checkpoints).
    public var name: String
    /// The current value.
    public var value: Tensor
    /// The gradient accumulated by backward passes since the last ``zeroGradient()``; same shape
    /// as ``value``.
    public var gradient: Tensor

    /// Creates a parameter with the given initial value and a zero gradient.
    /// - Parameters:
    ///   - name: The parameter's name within its layer (for example `kernel` or `bias`).
    ///   - value: The initial value.
    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
    }

    /// Sets the gradient to zero, keeping its storage.
    public func zeroGradient() {
        gradient.fill(with: 0)
    }

    /// The number of scalars in the parameter.
    public var count: Int { value.count }
}
