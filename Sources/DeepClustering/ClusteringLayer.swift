import Foundation

/// DEC's clustering layer: soft assignments of embedded points to trainable cluster centres
/// through a Student's t kernel (Xie, Girshick & Farhadi 2016, eq. 1; van der Maaten 2009).
///
/// For an input batch `z` of shape `[N, D]` and centres `μ` of shape `[K, D]` (the parameter
/// named `clusters`), the output `q` has shape `[N, K]`:
///
/// ```
/// s_ij = 1 + ‖z_i − μ_j‖² / α
/// u_ij = s_ij ^ (−(α + 1) / 2)
/// q_ij = u_ij / Σ_j' u_ij'
/// ```
///
/// so every row of `q` is a probability distribution over the clusters. `α` is the degrees of
/// freedom of the t distribution; DEC uses α = 1 (the default), where `u = 1/s`.
///
/// **Backward.** Given `G = ∂L/∂q`, the normalisation contributes `∂L/∂u_ij = (G_ij − g_i)/U_i`
/// with `g_i = Σ_j G_ij q_ij` and `U_i = Σ_j u_ij`, and `∂u/∂‖z−μ‖² = −(α+1)/(2α) · u/s`.
/// With the weights
///
/// ```
/// w_ij = (α + 1)/α · q_ij · (g_i − G_ij) / s_ij
/// ```
///
/// the gradients are `∂L/∂z_i = Σ_j w_ij (z_i − μ_j)` (returned) and
/// `∂L/∂μ_j = −Σ_i w_ij (z_i − μ_j)` (added to `clusters.gradient`).
///
/// Distances are computed directly from the differences (not as `‖z‖² − 2z·μ + ‖μ‖²`), which
/// keeps them accurate when embeddings lie far from the origin; the work is `O(N·K·D)` with
/// the small `K` and `D` of an embedding.
///
/// ```swift
/// let layer = try ClusteringLayer(centers: kmeans.fit(embeddings).centers)   // α = 1
/// let q = try layer.forward(z)                        // [batch, K]
/// let p = try targetDistribution(q)
/// ```
public final class ClusteringLayer: Layer {
    /// The layer's name (default `"clustering"`, as in DEC-keras).
    public var name: String
    /// The cluster centres `μ`, shape `[K, D]`, named `"clusters"`.
    public let clusters: Parameter
    /// The degrees of freedom `α` of the Student's t kernel.
    public let alpha: Float
    /// The number of clusters `K`.
    public var clusterCount: Int { clusters.value.shape[0] }
    /// The embedding dimension `D` the layer accepts.
    public var featureCount: Int { clusters.value.shape[1] }

    /// The trainable parameters: just ``clusters``.
    public private(set) lazy var parameters: [Parameter] = [clusters]

    private var cachedInput: Tensor?
    private var output = Tensor(zeros: [0])
    private var kernelBase = Tensor(zeros: [0])  // s_ij
    private var weights = Tensor(zeros: [0])  // w_ij
    private var inputGradient = Tensor(zeros: [0])

    /// Creates a layer with Glorot-uniform random centres (Keras's default for DEC's layer);
    /// normally they are then replaced by k-means centres with ``setCenters(_:)``.
    /// - Parameters:
    ///   - clusterCount: The number of clusters `K` (at least 1).
    ///   - featureCount: The embedding dimension `D` (at least 1).
    ///   - alpha: The degrees of freedom `α > 0`; defaults to 1, DEC's choice.
    ///   - name: The layer's name; defaults to `"clustering"`.
    ///   - generator: The source of randomness for the initial centres.
    /// - Throws: `LayerError.invalidConfiguration(layer:message:)` for a non-positive count or `α`.
    public init<G: RandomNumberGenerator>(
        clusterCount: Int, featureCount: Int, alpha: Float = 1, name: String = "clustering",
        using generator: inout G
    ) throws {
        guard clusterCount >= 1, featureCount >= 1 else {
            throw LayerError.invalidConfiguration(
                layer: name,
                message: "clusterCount and featureCount must be at least 1, got \(clusterCount) and \(featureCount)")
        }
        try ClusteringLayer.validate(alpha: alpha, layer: name)
        let limit = (6 / Float(clusterCount + featureCount)).squareRoot()
        self.name = name
        self.alpha = alpha
        clusters = Parameter(
            name: "clusters",
            value: Tensor(randomUniform: [clusterCount, featureCount], in: -limit...limit, using: &generator))
    }

    /// Creates a layer whose centres are `centers` (for example from ``KMeans``).
    /// - Parameters:
    ///   - centers: The initial centres, shape `[K, D]`, finite.
    ///   - alpha: The degrees of freedom `α > 0`; defaults to 1.
    ///   - name: The layer's name; defaults to `"clustering"`.
    /// - Throws: `LayerError.invalidConfiguration(layer:message:)` for a non-rank-2, empty or
    ///   non-finite `centers` or a bad `α`.
    public init(centers: Tensor, alpha: Float = 1, name: String = "clustering") throws {
        try ClusteringLayer.validate(alpha: alpha, layer: name)
        try ClusteringLayer.validate(centers: centers, expectedShape: nil, layer: name)
        self.name = name
        self.alpha = alpha
        clusters = Parameter(name: "clusters", value: centers)
    }

    /// Replaces the centres, e.g. with the k-means centres of the initial embedding (DEC's
    /// initialisation); the accumulated gradient is kept.
    /// - Parameter centers: The new centres, shape `[K, D]` exactly as the current ones, finite.
    /// - Throws: `LayerError.invalidConfiguration(layer:message:)` for another shape or a
    ///   non-finite value.
    public func setCenters(_ centers: Tensor) throws {
        try ClusteringLayer.validate(centers: centers, expectedShape: clusters.value.shape, layer: name)
        clusters.value = centers
    }

    /// `[N, D]` → `[N, K]`.
    /// - Throws: `LayerError.invalidInputShape(layer:expected:found:)` unless the shape is `[N, D]`.
    public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == featureCount else {
            throw LayerError.invalidInputShape(layer: name, expected: "[batch, \(featureCount)]", found: inputShape)
        }
        return [inputShape[0], clusterCount]
    }

    /// Computes the soft assignments `q` and caches the input, `q` and `s` for the backward pass.
    /// - Parameter input: Embedded points `z`, shape `[N, D]`.
    /// - Returns: `q`, shape `[N, K]`, rows summing to 1.
    /// - Throws: `LayerError.invalidInputShape(layer:expected:found:)` for another shape.
    public func forward(_ input: Tensor) throws -> Tensor {
        let shape = try outputShape(forInputShape: input.shape)
        output.prepareForOverwrite(shape: shape)
        kernelBase.prepareForOverwrite(shape: shape)
        softAssign(input, into: &output, kernelBase: &kernelBase)
        cachedInput = input
        return output
    }

    /// Computes the soft assignments without caching anything.
    /// - Parameter input: Embedded points `z`, shape `[N, D]`.
    /// - Returns: `q`, shape `[N, K]`.
    /// - Throws: `LayerError.invalidInputShape(layer:expected:found:)` for another shape.
    public func inference(_ input: Tensor) throws -> Tensor {
        let shape = try outputShape(forInputShape: input.shape)
        var q = Tensor(zeros: shape)
        var s = Tensor(zeros: shape)
        softAssign(input, into: &q, kernelBase: &s)
        return q
    }

    /// Writes `q` and `s` for `input`; both already have shape `[N, K]`.
    private func softAssign(_ input: Tensor, into q: inout Tensor, kernelBase s: inout Tensor) {
        let n = input.shape[0], k = clusterCount, d = featureCount
        let alpha = self.alpha, exponent = -(alpha + 1) / 2
        input.withUnsafeBufferPointer { z in
            clusters.value.withUnsafeBufferPointer { mu in
                q.withUnsafeMutableBufferPointer { q in
                    s.withUnsafeMutableBufferPointer { s in
                        for i in 0..<n {
                            let zi = z.baseAddress! + i * d
                            var total: Float = 0
                            for j in 0..<k {
                                let mj = mu.baseAddress! + j * d
                                var squared: Float = 0
                                for f in 0..<d {
                                    let diff = zi[f] - mj[f]
                                    squared += diff * diff
                                }
                                let base = 1 + squared / alpha
                                let u = alpha == 1 ? 1 / base : pow(base, exponent)
                                s[i * k + j] = base
                                q[i * k + j] = u
                                total += u
                            }
                            for j in 0..<k { q[i * k + j] /= total }
                        }
                    }
                }
            }
        }
    }

    /// Returns `∂L/∂z` and adds `∂L/∂μ` to `clusters.gradient` (formulas in the type's
    /// documentation).
    /// - Parameters:
    ///   - outputGradient: `∂L/∂q`, shape `[N, K]` of the last forward pass.
    ///   - computingInputGradient: Whether to compute `∂L/∂z`; when `false` an empty tensor is
    ///     returned.
    /// - Returns: `∂L/∂z`, shape `[N, D]`.
    /// - Throws: `LayerError.invalidBackward(layer:message:)` without a preceding forward pass
    ///   or for a gradient of another shape.
    public func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        guard let input = cachedInput else {
            throw LayerError.invalidBackward(layer: name, message: "no forward pass to differentiate (call forward first)")
        }
        guard outputGradient.shape == output.shape else {
            throw LayerError.invalidBackward(
                layer: name, message: "gradient has shape \(outputGradient.shape), the output had \(output.shape)")
        }
        // One backward per forward (as Dense): releasing the cached input lets the layer below
        // reuse its output buffer in the next forward pass instead of reallocating it.
        cachedInput = nil
        let n = input.shape[0], k = clusterCount, d = featureCount
        let scale = (alpha + 1) / alpha
        weights.prepareForOverwrite(shape: [n, k])
        output.withUnsafeBufferPointer { q in
            kernelBase.withUnsafeBufferPointer { s in
                outputGradient.withUnsafeBufferPointer { g in
                    weights.withUnsafeMutableBufferPointer { w in
                        for i in 0..<n {
                            var mean: Float = 0
                            for j in 0..<k { mean += g[i * k + j] * q[i * k + j] }
                            for j in 0..<k {
                                let ij = i * k + j
                                w[ij] = scale * q[ij] * (mean - g[ij]) / s[ij]
                            }
                        }
                    }
                }
            }
        }
        if computingInputGradient {
            inputGradient.prepareForOverwrite(shape: [n, d])
        }
        let weightMatrix = weights
        input.withUnsafeBufferPointer { z in
            weightMatrix.withUnsafeBufferPointer { w in
                let mu = clusters.value
                mu.withUnsafeBufferPointer { mu in
                    clusters.gradient.withUnsafeMutableBufferPointer { dmu in
                        for i in 0..<n {
                            for j in 0..<k {
                                let wij = w[i * k + j]
                                for f in 0..<d {
                                    dmu[j * d + f] -= wij * (z[i * d + f] - mu[j * d + f])
                                }
                            }
                        }
                    }
                    guard computingInputGradient else { return }
                    inputGradient.withUnsafeMutableBufferPointer { dz in
                        for i in 0..<n {
                            for f in 0..<d { dz[i * d + f] = 0 }
                            for j in 0..<k {
                                let wij = w[i * k + j]
                                for f in 0..<d {
                                    dz[i * d + f] += wij * (z[i * d + f] - mu[j * d + f])
                                }
                            }
                        }
                    }
                }
            }
        }
        return computingInputGradient ? inputGradient : Tensor(zeros: [0])
    }

    /// Drops the cached input and activations.
    public func clearCache() {
        cachedInput = nil
        output = Tensor(zeros: [0])
        kernelBase = Tensor(zeros: [0])
        weights = Tensor(zeros: [0])
        inputGradient = Tensor(zeros: [0])
    }

    private static func validate(alpha: Float, layer: String) throws {
        guard alpha > 0, alpha.isFinite else {
            throw LayerError.invalidConfiguration(layer: layer, message: "alpha must be positive and finite, got \(alpha)")
        }
    }

    private static func validate(centers: Tensor, expectedShape: [Int]?, layer: String) throws {
        guard centers.rank == 2, centers.shape[0] >= 1, centers.shape[1] >= 1 else {
            throw LayerError.invalidConfiguration(
                layer: layer, message: "centres must have shape [K, D] with K, D ≥ 1, found \(centers.shape)")
        }
        if let expectedShape, centers.shape != expectedShape {
            throw LayerError.invalidConfiguration(
                layer: layer, message: "setCenters: expected centres of shape \(expectedShape), found \(centers.shape)")
        }
        if let bad = centers.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
            throw LayerError.invalidConfiguration(
                layer: layer, message: "centre \(bad / centers.shape[1]) has a non-finite value")
        }
    }
}
