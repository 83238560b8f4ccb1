import DeepClusteringCore
import Foundation

// Loss functions as free functions returning the value and the gradient with respect to the
// prediction. Each comes in two forms: one returning a new gradient tensor, and a `gradientInto:`
// form that writes into a caller-owned buffer (reused across batches, so a training loop
// allocates nothing) and takes a `weight` that scales value and gradient in the same pass (for
// weighted sums such as IDEC's 0.1·KLD + 1·MSE). Sums are accumulated in `Double`.

/// Mean squared error over **all** elements (Keras `mse` averaged over the batch):
/// `L = (1/N) Σ (ŷ − y)²`, `∂L/∂ŷ = (2/N)(ŷ − y)` with `N` the element count.
/// - Parameters:
///   - predicted: The prediction `ŷ`, any shape.
///   - target: The target `y`, same shape.
/// - Returns: The loss and its gradient with respect to `predicted`.
/// - Throws: `TensorError.shapeMismatch(operation:message:)` when the shapes differ.
public func meanSquaredError(_ predicted: Tensor, _ target: Tensor) throws -> (value: Float, gradient: Tensor) {
    var gradient = Tensor.empty
    let value = try meanSquaredError(predicted, target, gradientInto: &gradient)
    return (value, gradient)
}

/// Mean squared error writing `weight · ∂L/∂ŷ` into `gradient` (reusing its storage) and
/// returning `weight · L`; see ``meanSquaredError(_:_:)``.
/// - Parameters:
///   - predicted: The prediction `ŷ`, any shape.
///   - target: The target `y`, same shape.
///   - weight: Scales value and gradient; defaults to 1.
///   - gradient: Receives the gradient, reshaped to `predicted.shape`.
/// - Returns: `weight · L`.
/// - Throws: `TensorError.shapeMismatch(operation:message:)` when the shapes differ.
@discardableResult
public func meanSquaredError(
    _ predicted: Tensor, _ target: Tensor, weight: Float = 1, gradientInto gradient: inout Tensor
) throws -> Float {
    guard predicted.shape == target.shape else {
        throw TensorError.shapeMismatch(
            operation: "meanSquaredError", message: "predicted is \(predicted.shape), target is \(target.shape)")
    }
    let n = predicted.count
    guard n > 0 else {
        gradient.prepareForOverwrite(shape: predicted.shape)
        return 0
    }
    gradient.prepareForOverwrite(shape: predicted.shape)
    let scale = 2 * weight / Float(n)
    var sum = 0.0
    withPointer(predicted) { p in
        withPointer(target) { t in
            withMutablePointer(&gradient) { g in
                // The gradient loop vectorises; the sum uses four accumulators per block of 256
                // (Float), blocks summed in Double: fast and accurate.
                for j in 0..<n { g[j] = scale * (p[j] - t[j]) }
                var i = 0
                while i < n {
                    let end = min(i &+ 256, n)
                    var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                    var j = i
                    while j &+ 4 <= end {
                        let d0 = p[j] - t[j], d1 = p[j &+ 1] - t[j &+ 1]
                        let d2 = p[j &+ 2] - t[j &+ 2], d3 = p[j &+ 3] - t[j &+ 3]
                        s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3
                        j &+= 4
                    }
                    while j < end { let d = p[j] - t[j]; s0 += d * d; j &+= 1 }
                    sum += Double((s0 + s1) + (s2 + s3))
                    i = end
                }
            }
        }
    }
    return Float(Double(weight) * sum / Double(n))
}

/// The clipping bound of Keras's `kld`: `p` and `q` are clipped to `[klEpsilon, 1]`.
public let klEpsilon: Float = 1e-7

/// Kullback–Leibler divergence `KL(P‖Q)` with Keras 2 `kld` semantics: `p` and `q` are clipped
/// to `[1e-7, 1]`, `Σ_j p_ij log(p_ij / q_ij)` is summed over the last axis and averaged over the
/// remaining (batch) rows.
///
/// The gradient is with respect to `q` (the model's soft assignment in DEC):
/// `∂L/∂q_ij = −p_ij / (q_ij · B)` where `q_ij` lies inside the clipping range and 0 where it was
/// clipped (the clip's derivative), with `p` clipped too and `B` the number of rows.
/// - Parameters:
///   - p: The target distribution, shape `[B, K]` (or any rank ≥ 1, classes last).
///   - q: The predicted distribution, same shape.
/// - Returns: The loss and its gradient with respect to `q`.
/// - Throws: `TensorError.shapeMismatch(operation:message:)` when the shapes differ or are scalar.
public func klDivergence(target p: Tensor, predicted q: Tensor) throws -> (value: Float, gradient: Tensor) {
    var gradient = Tensor.empty
    let value = try klDivergence(target: p, predicted: q, gradientInto: &gradient)
    return (value, gradient)
}

/// KL divergence writing `weight · ∂L/∂q` into `gradient` (reusing its storage) and returning
/// `weight · L`; see ``klDivergence(target:predicted:)``.
/// - Parameters:
///   - p: The target distribution, `[B, K]` (classes last).
///   - q: The predicted distribution, same shape.
///   - weight: Scales value and gradient; defaults to 1.
///   - gradient: Receives the gradient, reshaped to `q.shape`.
/// - Returns: `weight · L`.
/// - Throws: `TensorError.shapeMismatch(operation:message:)` when the shapes differ or are scalar.
@discardableResult
public func klDivergence(
    target p: Tensor, predicted q: Tensor, weight: Float = 1, gradientInto gradient: inout Tensor
) throws -> Float {
    guard p.shape == q.shape, let classes = q.shape.last else {
        throw TensorError.shapeMismatch(
            operation: "klDivergence", message: "target is \(p.shape), predicted is \(q.shape) (need equal shapes of rank ≥ 1)")
    }
    gradient.prepareForOverwrite(shape: q.shape)
    let rows = classes == 0 ? 0 : q.count / classes
    guard rows > 0 else { return 0 }
    let scale = -weight / Float(rows)
    var sum = 0.0
    withPointer(p) { pp in
        withPointer(q) { qp in
            withMutablePointer(&gradient) { g in
                for i in 0..<q.count {
                    let pi = min(max(pp[i], klEpsilon), 1)
                    let raw = qp[i]
                    let qi = min(max(raw, klEpsilon), 1)
                    sum += Double(pi) * log(Double(pi) / Double(qi))
                    g[i] = (raw >= klEpsilon && raw <= 1) ? scale * pi / qi : 0
                }
            }
        }
    }
    return Float(Double(weight) * sum / Double(rows))
}

/// A weighted sum of losses for joint training, `L = Σ_k w_k L_k`, e.g. IDEC's
/// `0.1 · KLD(P‖Q) + 1 · MSE(x̂, x)`.
///
/// Each term's gradient is with respect to its own prediction, so the result keeps one
/// gradient per term, scaled by its weight (terms on the same prediction may simply be added).
/// - Parameter terms: The weights and the `(value, gradient)` pairs returned by the losses.
/// - Returns: The weighted total and the weighted gradients, in the order of `terms`.
/// - Throws: `TensorError.invalidArgument(operation:message:)` for a negative or non-finite weight.
public func weightedSum(
    of terms: [(weight: Float, loss: (value: Float, gradient: Tensor))]
) throws -> (value: Float, gradients: [Tensor]) {
    var total: Float = 0
    var gradients: [Tensor] = []
    gradients.reserveCapacity(terms.count)
    for (k, term) in terms.enumerated() {
        guard term.weight >= 0, term.weight.isFinite else {
            throw TensorError.invalidArgument(
                operation: "weightedSum", message: "weight of term \(k) must be finite and ≥ 0, found \(term.weight)")
        }
        total += term.weight * term.loss.value
        gradients.append(term.loss.gradient * term.weight)
    }
    return (total, gradients)
}
