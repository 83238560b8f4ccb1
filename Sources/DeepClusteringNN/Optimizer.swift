import DeepClusteringCore

/// Updates parameters from their accumulated gradients.
///
/// An optimizer keeps per-parameter state (momentum, moment estimates, …) keyed by the
/// parameter's identity, so the same optimizer can be stepped with the same list every batch.
/// ``step(_:)`` reads the gradients without clearing them: call ``Layer/zeroGradients()`` before
/// the next backward pass, or use ``stepZeroingGradients(_:)``, which clears them in the same pass
/// over memory (what ``Layer/fit(_:targets:epochs:batchSize:optimizer:shuffleSeed:augmentation:precision:progress:)`` does).
public protocol Optimizer: AnyObject {
    /// The step size; may be changed between steps (a schedule). Validated at each ``step(_:)``.
    var learningRate: Float { get set }

    /// Applies one update to every parameter from its ``Parameter/gradient``.
    /// - Parameter parameters: The parameters to update.
    /// - Throws: ``OptimizerError`` when a gradient's shape differs from its value's, or the
    ///   learning rate was set to an invalid value.
    func step(_ parameters: [Parameter]) throws

    /// Applies one update like ``step(_:)`` and then sets every gradient to zero, ready for the
    /// next backward pass. The zeroing is lazy (``Parameter/zeroGradientLazily()``): no pass over
    /// memory, and the next backward pass overwrites the gradient instead of adding to it.
    /// - Parameter parameters: The parameters to update.
    /// - Throws: As ``step(_:)``.
    func stepZeroingGradients(_ parameters: [Parameter]) throws

    /// Starts a step whose parameters are then updated group by group with
    /// ``update(_:zeroingGradients:)``, each group as soon as its gradients are complete (for
    /// example right after its layer's backward pass, while its weights are still in cache; see
    /// ``Layer/backward(_:computingInputGradient:whenParametersReady:)``). Advances per-step state
    /// such as Adam's iteration count once, and validates the hyperparameters.
    /// - Throws: ``OptimizerError/invalidHyperparameter(optimizer:name:value:expected:)`` when the
    ///   learning rate was set to an invalid value.
    func beginStep() throws

    /// Updates one group of parameters as part of the step begun by ``beginStep()``. Calling
    /// ``beginStep()`` and then this once per group of a partition of the parameters is the
    /// same update as one ``step(_:)`` over all of them.
    /// - Parameters:
    ///   - parameters: The group to update (each parameter in at most one group per step).
    ///   - zeroingGradients: Whether to zero the group's gradients afterwards (lazily).
    /// - Throws: ``OptimizerError/gradientShapeMismatch(parameter:value:gradient:)``.
    func update(_ parameters: [Parameter], zeroingGradients: Bool) throws

    /// Whether ``beginStep()`` followed by one ``update(_:zeroingGradients:)`` per group is the
    /// same as one ``step(_:)``. Training loops update layer by layer only when it is `true`,
    /// and otherwise call ``stepZeroingGradients(_:)`` once after the backward pass. The
    /// default is `false`, so an optimizer that implements only ``step(_:)`` (and counts its
    /// steps there) is never stepped once per layer.
    var updatesInGroups: Bool { get }
}

extension Optimizer {
    /// `false`: only ``step(_:)`` is known to be right.
    public var updatesInGroups: Bool { false }

    /// Nothing to begin: suits optimizers without per-step state. Optimizers that count steps
    /// must implement it.
    public func beginStep() throws {}

    /// Calls ``step(_:)`` on the group (then zeroes its gradients when asked): right for
    /// optimizers without per-step state. Optimizers that count steps must implement it.
    public func update(_ parameters: [Parameter], zeroingGradients: Bool) throws {
        try step(parameters)
        if zeroingGradients { for p in parameters { p.zeroGradientLazily() } }
    }

    /// Calls ``step(_:)`` and then zeroes every gradient.
    public func stepZeroingGradients(_ parameters: [Parameter]) throws {
        try step(parameters)
        for p in parameters { p.zeroGradientLazily() }
    }
}

/// Errors raised by optimizers.
public enum OptimizerError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A hyperparameter is outside its valid range.
    case invalidHyperparameter(optimizer: String, name: String, value: Float, expected: String)
    /// A parameter's gradient has a different shape from its value.
    case gradientShapeMismatch(parameter: String, value: [Int], gradient: [Int])
    /// ``Optimizer/update(_:zeroingGradients:)`` was called before any ``Optimizer/beginStep()``.
    case stepNotBegun(optimizer: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .invalidHyperparameter(optimizer, name, value, expected):
            return "\(optimizer): \(name) must be \(expected), found \(value)"
        case let .gradientShapeMismatch(parameter, value, gradient):
            return "parameter \(parameter): gradient has shape \(gradient), value has \(value)"
        case let .stepNotBegun(optimizer):
            return "\(optimizer): update(_:zeroingGradients:) needs beginStep() first"
        }
    }
}

// MARK: - Shared machinery

/// Checks that `value` satisfies `isValid`, throwing a message naming `optimizer` and `name`.
func validate(
    _ value: Float, _ name: String, of optimizer: String, expected: String, _ isValid: (Float) -> Bool
) throws {
    guard value.isFinite, isValid(value) else {
        throw OptimizerError.invalidHyperparameter(optimizer: optimizer, name: name, value: value, expected: expected)
    }
}

/// Per-parameter optimizer state: a few zero-initialised tensors of the parameter's shape
/// ("slots"), kept in a class so they are updated in place.
final class ParameterSlots {
    /// Held strongly so the `ObjectIdentifier` key cannot be reused by another parameter.
    let parameter: Parameter
    var slots: [Tensor]

    init(parameter: Parameter, count: Int) {
        self.parameter = parameter
        slots = (0..<count).map { _ in Tensor(zeros: parameter.value.shape) }
    }
}

/// The state of every parameter an optimizer has seen, keyed by parameter identity.
struct SlotTable {
    private var table: [ObjectIdentifier: ParameterSlots] = [:]
    let slotCount: Int

    init(slotCount: Int) { self.slotCount = slotCount }

    /// The slots of `parameter`, created (zero) on first use.
    mutating func slots(for parameter: Parameter) -> ParameterSlots {
        let key = ObjectIdentifier(parameter)
        if let s = table[key], s.slots.first?.shape ?? parameter.value.shape == parameter.value.shape { return s }
        let s = ParameterSlots(parameter: parameter, count: slotCount)
        table[key] = s
        return s
    }
}

/// Checks the gradient's shape, then calls `body` with the value, gradient and slot pointers, in
/// parallel chunks for large parameters (the update is elementwise, so chunks are independent and
/// the result does not depend on the split); with `zeroing`, the gradient is then zeroed lazily.
func updateElementwise(
    _ parameter: Parameter, slots: ParameterSlots?, zeroing: Bool,
    _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, [UnsafeMutablePointer<Float>], Range<Int>) -> Void
) throws {
    guard parameter.gradient.shape == parameter.value.shape else {
        throw OptimizerError.gradientShapeMismatch(
            parameter: parameter.name, value: parameter.value.shape, gradient: parameter.gradient.shape)
    }
    let n = parameter.count
    var slotPointers: [UnsafeMutablePointer<Float>] = []
    if let slots {
        for k in slots.slots.indices {
            slotPointers.append(withMutablePointer(&slots.slots[k]) { $0 })
        }
    }
    withMutablePointer(&parameter.gradient) { g in
        withMutablePointer(&parameter.value) { p in
            // Updates are memory-bound and run right after a GEMM, while OpenBLAS's worker
            // still spins on the other core. With Dispatch's helpers a second thread mostly
            // waited for a core (dense throughput 1.257 on two threads against 1.177 on one);
            // `Parallel`'s spinning helpers pick the job up at once, so parameters from 256 k
            // elements are split again (dense throughput with Dense's passes also split, A/B
            // against the one-thread update on Dispatch: 1.095–1.111 against 1.131–1.132 with
            // OpenBLAS's Haswell kernels).
            Parallel.forEachChunk(count: n, minimumPerThread: 1 << 17) { range in
                body(p, g, slotPointers, range)
            }
        }
    }
    if zeroing { parameter.zeroGradientLazily() }
    withExtendedLifetime(slots) {}
}
