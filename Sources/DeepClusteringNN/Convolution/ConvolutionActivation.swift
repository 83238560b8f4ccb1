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

    /// Computes `∂Z = ∂Y ⊙ f′` (with `f′` from the cached `output`) and adds its column sums
    /// (over all `[N·OH·OW]` rows) to `biasGradient`, in one pass split across cores by rows.
    ///
    /// Each block of rows sums into its own row of `partialSums` (a workspace), which are then
    /// added in order, so the result depends only on the thread count.
    /// - Returns: `∂Z`: `outputGradient` itself for ``linear``, otherwise `workspace`.
    func backpropagate(
        _ outputGradient: Tensor, output: Tensor, workspace: inout Tensor, partialSums: inout Tensor,
        biasGradient: inout Tensor
    ) -> Tensor {
        let width = biasGradient.count
        let rows = width == 0 ? 0 : output.count / width
        let parts = output.count >= 131_072 ? max(1, min(Parallel.threadCount, rows)) : 1
        partialSums.prepareForOverwrite(shape: [parts, width])
        partialSums.fill(with: 0)
        if self != .linear { workspace.prepareForOverwrite(shape: output.shape) }
        let activation = self
        outputGradient.withUnsafeBufferPointer { dyBuffer in
            output.withUnsafeBufferPointer { yBuffer in
                workspace.withUnsafeMutableBufferPointer { dzBuffer in
                    partialSums.withUnsafeMutableBufferPointer { partialBuffer in
                        let dy = dyBuffer.baseAddress!, y = yBuffer.baseAddress!
                        let dz = dzBuffer.baseAddress, partial = partialBuffer.baseAddress!
                        Parallel.forEachChunk(count: parts, minimumPerThread: 1) { range in
                            for part in range {
                                let lo = rows * part / parts, hi = rows * (part + 1) / parts
                                let sums = partial + part * width
                                @inline(__always) func pass(_ derivative: (Float, Float) -> Float) {
                                    let out = dz!
                                    for r in lo..<hi {
                                        let o = r * width
                                        for j in 0..<width {
                                            let g = derivative(dy[o + j], y[o + j])
                                            out[o + j] = g
                                            sums[j] += g
                                        }
                                    }
                                }
                                switch activation {
                                case .linear:
                                    for r in lo..<hi {
                                        let row = dy + r * width
                                        for j in 0..<width { sums[j] += row[j] }
                                    }
                                case .relu: pass { g, o in o > 0 ? g : 0 }
                                case .sigmoid: pass { g, o in g * o * (1 - o) }
                                case .tanh: pass { g, o in g * (1 - o * o) }
                                }
                            }
                        }
                    }
                }
            }
        }
        partialSums.withUnsafeBufferPointer { partial in
            biasGradient.withUnsafeMutableBufferPointer { bias in
                for part in 0..<parts {
                    for j in 0..<width { bias[j] += partial[part * width + j] }
                }
            }
        }
        return self == .linear ? outputGradient : workspace
    }
}
