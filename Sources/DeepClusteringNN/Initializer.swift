import DeepClusteringCore
import Foundation

/// How a layer's parameters are given their initial values (Keras 2 initializers), drawn from a
/// seeded generator so a run is reproducible.
///
/// Fans follow Keras 2's `_compute_fans`: for a rank-2 kernel `[in, out]`, `fanIn = in` and
/// `fanOut = out`; for a convolution kernel `[kH, kW, in, out]` (or any rank 3–5, channels last)
/// both are multiplied by the receptive field `kH·kW`; for other ranks both are
/// `sqrt(count)`.
public enum Initializer: Sendable, Equatable, Codable {
    /// Every element zero (Keras `zeros`, the default for biases).
    case zeros
    /// Every element equal to the given value.
    case constant(Float)
    /// Keras 2 `VarianceScaling(scale, mode, distribution)`, with `n` the fan chosen by `mode`:
    /// - `.uniform`: U(−limit, limit), `limit = sqrt(3·scale/n)`;
    /// - `.normal`: a normal distribution truncated at two standard deviations with
    ///   `stddev = sqrt(scale/n) / 0.87962566103423978`. The divisor is the standard deviation of
    ///   a unit normal truncated to [−2, 2], so the *truncated* samples have variance `scale/n`
    ///   (Keras ≥ 2.2.3; Keras 2.3's `truncated_normal`).
    case varianceScaling(scale: Float, mode: FanMode, distribution: Distribution)
    /// Keras `RandomNormal(mean, stddev)`: every element drawn from the (untruncated) normal
    /// distribution N(mean, standardDeviation²). The DEC paper initialises its layer-wise
    /// pretraining with N(0, 0.01²) (Xie et al. 2016, §4.3).
    case randomNormal(mean: Float, standardDeviation: Float)

    /// Which fan the variance is scaled by.
    public enum FanMode: String, Sendable, Equatable, Codable {
        /// The number of input units (He / LeCun style).
        case fanIn
        /// The number of output units.
        case fanOut
        /// The mean of both (Glorot style).
        case fanAverage
    }

    /// The distribution the values are drawn from.
    public enum Distribution: String, Sendable, Equatable, Codable {
        /// Uniform over a symmetric interval.
        case uniform
        /// A truncated normal (Keras 2's `normal`, see ``Initializer/varianceScaling(scale:mode:distribution:)``).
        case normal
    }

    /// Glorot (Xavier) uniform: U(±sqrt(6/(fanIn + fanOut))) — Keras's default kernel initializer
    /// (Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward networks").
    public static let glorotUniform = Initializer.varianceScaling(scale: 1, mode: .fanAverage, distribution: .uniform)

    /// He normal: truncated normal with variance `2/fanIn` (He et al. 2015).
    public static let heNormal = Initializer.varianceScaling(scale: 2, mode: .fanIn, distribution: .normal)

    /// The `(fanIn, fanOut)` of a parameter of `shape`, as Keras 2 computes them.
    /// - Parameter shape: The parameter's shape.
    /// - Returns: The fans as `Double`s.
    public static func fans(of shape: [Int]) -> (fanIn: Double, fanOut: Double) {
        switch shape.count {
        case 2:
            return (Double(shape[0]), Double(shape[1]))
        case 3...5:
            let receptive = Double(shape.dropLast(2).reduce(1, *))
            return (Double(shape[shape.count - 2]) * receptive, Double(shape[shape.count - 1]) * receptive)
        default:
            let n = Double(shape.reduce(1, *)).squareRoot()
            return (n, n)
        }
    }

    /// Creates a tensor of `shape` filled according to this initializer.
    /// - Parameters:
    ///   - shape: The parameter's shape.
    ///   - generator: The source of randomness (unused by the constant initializers).
    /// - Returns: The initial value.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a non-positive or
    ///   non-finite scale, a fan of zero, or a non-positive standard deviation.
    public func makeTensor<G: RandomNumberGenerator>(shape: [Int], using generator: inout G) throws -> Tensor {
        switch self {
        case .zeros:
            return Tensor(zeros: shape)
        case let .constant(value):
            return Tensor(shape: shape, repeating: value)
        case let .randomNormal(mean, standardDeviation):
            guard mean.isFinite, standardDeviation > 0, standardDeviation.isFinite else {
                throw LayerError.invalidConfiguration(
                    layer: "Initializer.randomNormal",
                    message: "need a finite mean and a positive, finite standardDeviation, found \(mean) and \(standardDeviation)")
            }
            var t = Tensor(zeros: shape)
            t.withUnsafeMutableBufferPointer { p in
                for i in p.indices { p[i] = mean + standardDeviation * generator.nextStandardNormal() }
            }
            return t
        case let .varianceScaling(scale, mode, distribution):
            guard scale > 0, scale.isFinite else {
                throw LayerError.invalidConfiguration(
                    layer: "Initializer.varianceScaling", message: "scale must be positive and finite, found \(scale)")
            }
            let (fanIn, fanOut) = Initializer.fans(of: shape)
            let n: Double
            switch mode {
            case .fanIn: n = fanIn
            case .fanOut: n = fanOut
            case .fanAverage: n = (fanIn + fanOut) / 2
            }
            guard n > 0 else {
                throw LayerError.invalidConfiguration(
                    layer: "Initializer.varianceScaling", message: "fan of shape \(shape) is zero")
            }
            let variance = Double(scale) / n
            switch distribution {
            case .uniform:
                let limit = Float((3 * variance).squareRoot())
                return Tensor(randomUniform: shape, in: -limit...limit, using: &generator)
            case .normal:
                let stddev = Float(variance.squareRoot() / 0.87962566103423978)
                var t = Tensor(zeros: shape)
                t.withUnsafeMutableBufferPointer { p in
                    for i in p.indices {
                        var z = generator.nextStandardNormal()
                        while abs(z) > 2 { z = generator.nextStandardNormal() }
                        p[i] = stddev * z
                    }
                }
                return t
            }
        }
    }
}
