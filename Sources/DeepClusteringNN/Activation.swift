import DeepClusteringCore
import Foundation

/// An elementwise nonlinearity, usable fused into ``Dense`` (applied in the same pass as the
/// bias add) or as a layer of its own (``ActivationLayer``).
///
/// Every derivative is expressed through the activation's *output* `y`, so a layer needs to keep
/// only its output for the backward pass:
///
/// | case        | y = f(z)              | f′ in terms of y |
/// |-------------|-----------------------|------------------|
/// | `identity`  | z                     | 1                |
/// | `relu`      | max(z, 0)             | y > 0 ? 1 : 0    |
/// | `sigmoid`   | 1 / (1 + e^(−z))      | y (1 − y)        |
/// | `tanh`      | tanh z                | 1 − y²           |
///
/// The ReLU derivative at exactly 0 is taken as 0, as TensorFlow and PyTorch do.
public enum Activation: String, Sendable, CaseIterable, Equatable {
    /// `f(z) = z` (a linear layer).
    case identity
    /// The rectified linear unit `max(z, 0)`.
    case relu
    /// The logistic function `1 / (1 + e^(−z))`.
    case sigmoid
    /// The hyperbolic tangent.
    case tanh

    /// The activation of one value.
    /// - Parameter z: The pre-activation.
    /// - Returns: `f(z)`.
    @inlinable
    public func callAsFunction(_ z: Float) -> Float {
        switch self {
        case .identity: return z
        case .relu: return z > 0 ? z : 0
        case .sigmoid: return 1 / (1 + Foundation.exp(-z))
        case .tanh: return Foundation.tanh(z)
        }
    }

    /// The derivative `f′(z)` expressed through the output `y = f(z)`.
    /// - Parameter y: The activation's output.
    /// - Returns: `f′(z)`.
    @inlinable
    public func derivative(output y: Float) -> Float {
        switch self {
        case .identity: return 1
        case .relu: return y > 0 ? 1 : 0
        case .sigmoid: return y * (1 - y)
        case .tanh: return 1 - y * y
        }
    }
}

// MARK: - Fused kernels over raw buffers
//
// Dimension letters: R rows (batch), C columns (units). Each kernel is one pass over R·C values;
// the `switch` sits outside the loops so each case compiles to its own vectorisable loop.

extension Activation {
    /// `y[r, c] ← f(y[r, c] + bias[c])` in place, one pass (bias optional).
    @usableFromInline
    func addBiasAndApply(
        _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>?
    ) {
        switch self {
        case .identity:
            guard bias != nil else { return }
            Activation.rowwise(y, rows, columns, bias) { $0 }
        case .relu: Activation.rowwise(y, rows, columns, bias) { $0 > 0 ? $0 : 0 }
        case .sigmoid: Activation.rowwise(y, rows, columns, bias) { 1 / (1 + Foundation.exp(-$0)) }
        case .tanh: Activation.rowwise(y, rows, columns, bias) { Foundation.tanh($0) }
        }
    }

    @inline(__always)
    static func rowwise(
        _ y: UnsafeMutablePointer<Float>, _ rows: Int, _ columns: Int, _ bias: UnsafePointer<Float>?,
        _ f: (Float) -> Float
    ) {
        if let bias {
            for r in 0..<rows {
                let row = y + r &* columns
                for c in 0..<columns { row[c] = f(row[c] + bias[c]) }
            }
        } else {
            for i in 0..<rows &* columns { y[i] = f(y[i]) }
        }
    }

    /// `x[i] ← f(source[i])` for `count` values (the standalone activation layer).
    @usableFromInline
    func apply(_ source: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity: x.update(from: source, count: count)
        case .relu: Activation.map(source, x, count) { $0 > 0 ? $0 : 0 }
        case .sigmoid: Activation.map(source, x, count) { 1 / (1 + Foundation.exp(-$0)) }
        case .tanh: Activation.map(source, x, count) { Foundation.tanh($0) }
        }
    }

    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Float) -> Float) {
        for i in 0..<count { y[i] = f(x[i]) }
    }

    /// `dz[r, c] ← dy[r, c] · f′(y[r, c])` and, when given, `biasGradient[c] += dz[r, c]`
    /// summed over rows, in one pass.
    @usableFromInline
    func multiplyByDerivative(
        _ dy: UnsafePointer<Float>, output y: UnsafePointer<Float>, into dz: UnsafeMutablePointer<Float>,
        rows: Int, columns: Int, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        switch self {
        case .identity: Activation.backwardRowwise(dy, y, dz, rows, columns, biasGradient) { g, _ in g }
        case .relu:
            if let biasGradient {
                Activation.reluBackwardSummingColumns(dy, y, dz, rows, columns, biasGradient)
            } else {
                Activation.backwardRowwise(dy, y, dz, rows, columns, nil) { g, o in o > 0 ? g : 0 }
            }
        case .sigmoid: Activation.backwardRowwise(dy, y, dz, rows, columns, biasGradient) { g, o in g * o * (1 - o) }
        case .tanh: Activation.backwardRowwise(dy, y, dz, rows, columns, biasGradient) { g, o in g * (1 - o * o) }
        }
    }

    /// ReLU's `∂Z = ∂Y ⊙ [Y > 0]` with the column sums of `∂Z` added to `biasGradient`, in
    /// explicit vectors of eight (the generic loop stays scalar: Swift cannot prove the bias
    /// gradient apart from `dz`). The same values, added in the same order, as the generic loop.
    static func reluBackwardSummingColumns(
        _ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dz: UnsafeMutablePointer<Float>,
        _ rows: Int, _ columns: Int, _ bg: UnsafeMutablePointer<Float>
    ) {
        let zero = SIMD8<Float>()
        for r in 0..<rows {
            let o = r &* columns
            let dyRow = dy + o, yRow = y + o, dzRow = dz + o
            var c = 0
            while c + 8 <= columns {
                let g = loadVector(dyRow + c).replacing(with: zero, where: .!(loadVector(yRow + c) .> zero))  // NaN in Y gives 0, as `o > 0 ? g : 0`
                storeVector(g, to: dzRow + c)
                storeVector(loadVector(bg + c) + g, to: bg + c)
                c += 8
            }
            while c < columns {
                let g = yRow[c] > 0 ? dyRow[c] : 0
                dzRow[c] = g
                bg[c] += g
                c += 1
            }
        }
    }

    @inline(__always)
    static func backwardRowwise(
        _ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dz: UnsafeMutablePointer<Float>,
        _ rows: Int, _ columns: Int, _ biasGradient: UnsafeMutablePointer<Float>?,
        _ f: (Float, Float) -> Float
    ) {
        if let bg = biasGradient {
            for r in 0..<rows {
                let o = r &* columns
                let dyRow = dy + o, yRow = y + o, dzRow = dz + o
                for c in 0..<columns {
                    let g = f(dyRow[c], yRow[c])
                    dzRow[c] = g
                    bg[c] += g
                }
            }
        } else {
            for i in 0..<rows &* columns { dz[i] = f(dy[i], y[i]) }
        }
    }
}

/// Adds the column sums of a `rows × columns` matrix to `sums` (the bias gradient of a linear layer).
///
/// In explicit vectors of eight: Swift cannot prove `sums` apart from `m`, so the plain loop
/// stays scalar. Each column is still summed row by row, in the same order as the plain loop.
@usableFromInline
func accumulateColumnSums(
    _ m: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        let row = m + r &* columns
        var c = 0
        while c + 8 <= columns {
            storeVector(loadVector(sums + c) + loadVector(row + c), to: sums + c)
            c += 8
        }
        while c < columns { sums[c] += row[c]; c += 1 }
    }
}

@inline(__always) @usableFromInline
func loadVector(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) @usableFromInline
func loadVector(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) @usableFromInline
func storeVector(_ v: SIMD8<Float>, to p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}
