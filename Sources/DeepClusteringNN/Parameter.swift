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
    ///
    /// After ``zeroGradientLazily()`` the storage is cleared only when first needed: reading or
    /// mutating this property sees zeros, and ``accumulateGradient(_:)`` lets a layer overwrite
    /// instead of add (saving a pass over memory per batch).
    public var gradient: Tensor {
        get {
            materializePendingZero()
            return storedGradient
        }
        set {
            storedGradient = newValue
            gradientIsPendingZero = false
        }
        _modify {
            materializePendingZero()
            yield &storedGradient
        }
    }

    /// The gradient's storage (stale while ``gradientIsPendingZero``).
    private var storedGradient: Tensor
    /// Whether the gradient is logically zero but its storage has not been cleared yet.
    public private(set) var gradientIsPendingZero = false

    /// Creates a parameter with the given initial value and a zero gradient.
    /// - Parameters:
    ///   - name: The parameter's name within its layer (for example `kernel` or `bias`).
    ///   - value: The initial value.
    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.storedGradient = Tensor(zeros: value.shape)
    }

    /// Sets the gradient to zero, keeping its storage.
    public func zeroGradient() {
        storedGradient.fill(with: 0)
        gradientIsPendingZero = false
    }

    /// Marks the gradient as zero without touching its memory: the next accumulation through
    /// ``accumulateGradient(_:)`` overwrites it (``Dense`` then runs its kernel-gradient GEMM with
    /// β = 0), and any other access to ``gradient`` clears it first.
    public func zeroGradientLazily() {
        gradientIsPendingZero = true
    }

    /// Calls `body` with the gradient's storage for a layer to accumulate into.
    ///
    /// `overwrite` is `true` when the gradient is pending zero (``zeroGradientLazily()``): `body`
    /// must then write every element instead of adding (for example a GEMM with β = 0). The
    /// gradient counts as materialised afterwards.
    /// - Parameter body: Receives the gradient's elements (``count`` of them) and `overwrite`.
    /// - Returns: What `body` returns.
    public func accumulateGradient<R>(
        _ body: (_ gradient: UnsafeMutablePointer<Float>, _ overwrite: Bool) throws -> R
    ) rethrows -> R {
        precondition(storedGradient.count == value.count,
                     "Parameter \(name): gradient has shape \(storedGradient.shape), value has \(value.shape)")
        let overwrite = gradientIsPendingZero
        gradientIsPendingZero = false
        return try storedGradient.withUnsafeMutableBufferPointer { try body($0.baseAddress!, overwrite) }
    }

    /// Clears the storage if the gradient is pending zero.
    private func materializePendingZero() {
        if gradientIsPendingZero {
            storedGradient.fill(with: 0)
            gradientIsPendingZero = false
        }
    }

    /// The number of scalars in the parameter.
    public var count: Int { value.count }
}
