import DeepClusteringCore
import Foundation

/// The elementwise nonlinearity a convolution layer applies after adding its bias (Keras's
/// `activation` argument), fused into the same pass over the output.
///
/// The derivative of each case is computed from the activation's *output*, so layers cache only
/// their output: ReLU `y > 0`, sigmoid `y·(1 − y)`, tanh `1 − y²`.
///
/// This is the convolution layers' own type until the network core's shared activation type is
/// available to them; it will then be replaced by that type.
public enum ConvolutionActivation: String, Sendable, Hashable, CaseIterable {
    /// The identity (Keras `activation=None`, the default).
    case linear
    /// `max(x, 0)`.
    case relu
    /// `1 / (1 + e^(−x))`.
    case sigmoid
    /// The hyperbolic tangent.
    case tanh
}

extension ConvolutionActivation {
    /// Adds `bias` to every row of a `[rows, width]` matrix and applies the activation, in place
    /// (parallel over rows when large).
    func addBiasAndActivate(_ data: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>) {
        let activation = self
        Parallel.forEachChunk(count: rows, minimumPerThread: max(1, 65_536 / max(width, 1))) { range in
            for r in range {
                let p = data + r * width
                switch activation {
                case .linear: for j in 0..<width { p[j] += bias[j] }
                case .relu: for j in 0..<width { p[j] = max(p[j] + bias[j], 0) }
                case .sigmoid: for j in 0..<width { p[j] = 1 / (1 + Foundation.exp(-(p[j] + bias[j]))) }
                case .tanh: for j in 0..<width { p[j] = Foundation.tanh(p[j] + bias[j]) }
                }
            }
        }
    }

    /// Writes `∂loss/∂preactivation = outputGradient ⊙ f′` (with `f′` computed from `output`)
    /// into `result`; all three hold `count` floats. Not called for ``linear``.
    func preactivationGradient(
        _ outputGradient: UnsafePointer<Float>, output: UnsafePointer<Float>,
        into result: UnsafeMutablePointer<Float>, count: Int
    ) {
        let activation = self
        Parallel.forEachChunk(count: count) { range in
            switch activation {
            case .linear: for i in range { result[i] = outputGradient[i] }
            case .relu: for i in range { result[i] = output[i] > 0 ? outputGradient[i] : 0 }
            case .sigmoid: for i in range { result[i] = outputGradient[i] * output[i] * (1 - output[i]) }
            case .tanh: for i in range { result[i] = outputGradient[i] * (1 - output[i] * output[i]) }
            }
        }
    }

    /// The gradient with respect to the pre-activation for `outputGradient` and the cached
    /// `output`: `outputGradient` itself for ``linear``, otherwise written into `workspace`.
    func preactivationGradient(_ outputGradient: Tensor, output: Tensor, workspace: inout Tensor) -> Tensor {
        if self == .linear { return outputGradient }
        workspace.prepareForOverwrite(shape: output.shape)
        outputGradient.withUnsafeBufferPointer { dy in
            output.withUnsafeBufferPointer { y in
                workspace.withUnsafeMutableBufferPointer { dz in
                    preactivationGradient(dy.baseAddress!, output: y.baseAddress!, into: dz.baseAddress!, count: y.count)
                }
            }
        }
        return workspace
    }
}

/// Adds the column sums of a `[rows, width]` matrix to `sums` (`width` floats): the bias
/// gradient of a layer whose bias is broadcast over rows.
func addColumnSums(of matrix: Tensor, into sums: inout Tensor) {
    let width = sums.count
    let rows = width == 0 ? 0 : matrix.count / width
    matrix.withUnsafeBufferPointer { m in
        sums.withUnsafeMutableBufferPointer { s in
            for r in 0..<rows {
                let row = m.baseAddress! + r * width
                for j in 0..<width { s[j] += row[j] }
            }
        }
    }
}
