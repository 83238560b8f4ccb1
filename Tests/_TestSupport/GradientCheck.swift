import DeepClusteringCore
import DeepClusteringNN

/// Finite-difference gradient checks shared by the test bundles.
///
/// The scalar probed is `L(x) = Σ output ⊙ R` for a fixed random `R`, summed in `Double`, so
/// `∂L/∂output = R` is what ``Layer/backward(_:computingInputGradient:)`` receives. Central
/// differences in Float32 with step `ε` have truncation error O(ε²·|L'''|) and rounding error
/// about `ulp(L)/ε`; with ε = 1e-2 and |L| ≲ 100 that is ≲ 1e-3 absolute, so the comparison
/// uses `|analytic − numeric| / max(1, |analytic|, |numeric|)` and callers assert it below
/// 1e-2 (a wrong gradient gives errors of order 1).
public struct GradientCheckReport: CustomStringConvertible, Sendable {
    /// The worst error over the checked input elements.
    public var inputError: Float
    /// The worst error per parameter, by parameter name.
    public var parameterErrors: [String: Float]
    /// The largest of all errors.
    public var maxError: Float { max(inputError, parameterErrors.values.max() ?? 0) }

    public var description: String {
        let params = parameterErrors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return "input=\(inputError) " + params.joined(separator: " ")
    }
}

/// The error measure used by the checks: absolute for small values, relative for large ones.
public func gradientError(analytic: Float, numeric: Float) -> Float {
    abs(analytic - numeric) / max(1, abs(analytic), abs(numeric))
}

/// Compares the analytic gradient of `f` at `x` with central differences.
/// - Parameters:
///   - f: Returns the loss value (in `Double`) and its analytic gradient with respect to `x`.
///   - x: The point of evaluation.
///   - epsilon: The finite-difference step.
///   - maxElements: At most this many elements are probed (spread evenly) for large tensors.
/// - Returns: The worst ``gradientError(analytic:numeric:)``.
public func checkGradient(
    of f: (Tensor) throws -> (value: Double, gradient: Tensor),
    at x: Tensor, epsilon: Float = 1e-2, maxElements: Int = 200
) rethrows -> Float {
    let analytic = try f(x).gradient.scalars
    var worst: Float = 0
    for i in probeIndices(count: x.count, maxElements: maxElements) {
        var plus = x, minus = x
        plus.withUnsafeMutableBufferPointer { $0[i] += epsilon }
        minus.withUnsafeMutableBufferPointer { $0[i] -= epsilon }
        let numeric = Float((try f(plus).value - f(minus).value) / (2 * Double(epsilon)))
        worst = max(worst, gradientError(analytic: analytic[i], numeric: numeric))
    }
    return worst
}

/// Checks a layer's input and parameter gradients against central differences of
/// `Σ forward(x) ⊙ R`.
/// - Parameters:
///   - layer: The layer; its parameter values are perturbed and restored.
///   - input: The input batch.
///   - seed: Seeds the random projection `R`.
///   - epsilon: The finite-difference step.
///   - maxElements: At most this many elements are probed per tensor.
public func checkGradients(
    of layer: Layer, input: Tensor, seed: UInt64 = 1, epsilon: Float = 1e-2, maxElements: Int = 200
) throws -> GradientCheckReport {
    var rng = SeededGenerator(seed: seed)
    let outputShape = try layer.forward(input).shape
    let projection = Tensor(randomNormal: outputShape, using: &rng)

    func loss(_ x: Tensor) throws -> Double {
        let y = try layer.forward(x)
        let a = y.scalars, r = projection.scalars
        var s = 0.0
        for i in a.indices { s += Double(a[i]) * Double(r[i]) }
        return s
    }

    layer.zeroGradients()
    _ = try layer.forward(input)
    let inputGradient = try layer.backward(projection, computingInputGradient: true).scalars
    let parameterGradients = layer.parameters.map { $0.gradient.scalars }

    var report = GradientCheckReport(inputError: 0, parameterErrors: [:])
    for i in probeIndices(count: input.count, maxElements: maxElements) {
        var plus = input, minus = input
        plus.withUnsafeMutableBufferPointer { $0[i] += epsilon }
        minus.withUnsafeMutableBufferPointer { $0[i] -= epsilon }
        let numeric = Float((try loss(plus) - loss(minus)) / (2 * Double(epsilon)))
        report.inputError = max(report.inputError, gradientError(analytic: inputGradient[i], numeric: numeric))
    }
    for (p, analytic) in zip(layer.parameters, parameterGradients) {
        var worst: Float = 0
        for i in probeIndices(count: p.count, maxElements: maxElements) {
            let original = p.value.scalars[i]
            p.value.withUnsafeMutableBufferPointer { $0[i] = original + epsilon }
            let lp = try loss(input)
            p.value.withUnsafeMutableBufferPointer { $0[i] = original - epsilon }
            let lm = try loss(input)
            p.value.withUnsafeMutableBufferPointer { $0[i] = original }
            let numeric = Float((lp - lm) / (2 * Double(epsilon)))
            worst = max(worst, gradientError(analytic: analytic[i], numeric: numeric))
        }
        report.parameterErrors[p.name, default: 0] = max(report.parameterErrors[p.name] ?? 0, worst)
    }
    layer.zeroGradients()
    return report
}

/// Up to `maxElements` indices spread evenly over `0..<count` (all of them when few).
func probeIndices(count: Int, maxElements: Int) -> [Int] {
    if count <= maxElements { return Array(0..<count) }
    return (0..<maxElements).map { $0 * count / maxElements }
}
