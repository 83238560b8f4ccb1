import DeepClusteringCore

/// The statistics of a fitted feature scaling: per-feature (or global) offsets and factors,
/// or per-sample normalisation, ready to apply to the training data and to any new data of the
/// same width.
///
/// An affine scaler maps feature `j` to `(x − offset[j]) · factor[j]`; one offset and factor
/// apply to every feature when the scaling is global (images). ``Kind-swift.enum/unitNorm``
/// divides each sample by its Euclidean norm and holds no statistics.
///
/// ```swift
/// let scaler = try FeatureScaler.fit(wine.x, scaling: .automatic, isImageData: false, source: "wine.csv")
/// let x = try scaler.transform(wine.x)        // standardised per feature
/// let new = try scaler.transform(otherWines)  // with the training data's means and deviations
/// ```
public struct FeatureScaler: Sendable, Equatable, Codable {
    /// What the scaler does.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// Leaves the values as they are.
        case identity
        /// One offset and factor for every feature (8-bit pixels ÷ 255, image min–max).
        case global
        /// An offset and factor per feature (min–max, standardisation).
        case perFeature = "per-feature"
        /// Each sample divided by its Euclidean norm.
        case unitNorm = "unit-norm"
    }

    /// What the scaler does.
    public let kind: Kind
    /// The scaling it was fitted for, after ``FeatureScaling/automatic`` was resolved (never
    /// `.automatic`).
    public let scaling: FeatureScaling
    /// The number of features per sample it was fitted on.
    public let featureCount: Int
    /// Subtracted from each feature: one value for ``Kind-swift.enum/global``, `featureCount`
    /// for ``Kind-swift.enum/perFeature``, none otherwise.
    public let offsets: [Float]
    /// Multiplies each feature after the offset, laid out as ``offsets``.
    public let factors: [Float]

    /// A scaler that leaves data of `featureCount` features unchanged.
    public static func identity(featureCount: Int) -> FeatureScaler {
        FeatureScaler(kind: .identity, scaling: .none, featureCount: featureCount, offsets: [], factors: [])
    }

    init(kind: Kind, scaling: FeatureScaling, featureCount: Int, offsets: [Float], factors: [Float]) {
        self.kind = kind
        self.scaling = scaling
        self.featureCount = featureCount
        self.offsets = offsets
        self.factors = factors
    }

    /// Fits a scaling to `x`.
    /// - Parameters:
    ///   - x: `[N, …]` samples; the features of a sample are its row (`[N, H, W, C]` images have
    ///     `H·W·C` features).
    ///   - scaling: The scaling; ``FeatureScaling/automatic`` is resolved from the data.
    ///   - isImageData: Whether the samples are images: automatic scaling then scales all pixels
    ///     alike instead of standardising each.
    ///   - source: The file or data set named in an error.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` for no samples, a NaN or infinite
    ///   value (named by sample and feature), a constant feature under min–max or standardisation
    ///   (named by its 0-based index among the features), constant image data, or a zero sample
    ///   under unit-norm scaling.
    public static func fit(_ x: Tensor, scaling: FeatureScaling, isImageData: Bool, source: String) throws -> FeatureScaler {
        guard x.rank >= 2, x.shape[0] > 0 else {
            throw DataError.invalidArgument(operation: source, message: "feature scaling needs at least one sample, found shape \(x.shape)")
        }
        let n = x.shape[0], d = x.rowWidth
        if let bad = x.firstNonFiniteElement() {
            throw DataError.invalidArgument(
                operation: source, message: "sample \(bad.sample), feature \(bad.offset) is \(bad.value); every value must be finite")
        }
        let (lo, hi) = x.withUnsafeBufferPointer { p in (p.min() ?? 0, p.max() ?? 0) }
        var resolved = scaling
        if scaling == .automatic {
            if lo >= 0 && hi <= 1 {
                resolved = .none
            } else if isImageData {
                resolved = .minMax
            } else {
                resolved = .standard
            }
        }
        switch resolved {
        case .none, .automatic:
            return .identity(featureCount: d)
        case .unitNorm:
            try x.withUnsafeBufferPointer { p in
                for i in 0..<n { _ = try Self.squaredNorm(ofSample: i, width: d, in: p, source: source) }
            }
            return FeatureScaler(kind: .unitNorm, scaling: .unitNorm, featureCount: d, offsets: [], factors: [])
        case .minMax where isImageData:
            // Images: all pixels alike. Integers in [0, 255] whose maximum needs the eighth bit
            // (above 127) are 8-bit pixels: ÷ 255, so that a batch without a white pixel scales as
            // the rest. Integers of fewer levels (scikit-learn's digits: 0…16) map by their range.
            let isEightBit = lo >= 0 && hi > 127 && hi <= 255 && x.withUnsafeBufferPointer { $0.allSatisfy { $0 == $0.rounded() } }
            if isEightBit {
                return FeatureScaler(kind: .global, scaling: .minMax, featureCount: d, offsets: [0], factors: [1 / 255])
            }
            guard hi > lo else {
                throw DataError.invalidArgument(operation: source, message: "every pixel is \(lo); min–max scaling needs some contrast")
            }
            return FeatureScaler(kind: .global, scaling: .minMax, featureCount: d, offsets: [lo], factors: [1 / (hi - lo)])
        case .minMax, .standard:
            var offsets = [Float](repeating: 0, count: d), factors = [Float](repeating: 1, count: d)
            try x.withUnsafeBufferPointer { p in
                var sum = [Double](repeating: 0, count: d), sumSq = [Double](repeating: 0, count: d)
                var mins = [Float](repeating: .infinity, count: d), maxs = [Float](repeating: -.infinity, count: d)
                for i in 0..<n {
                    for j in 0..<d {
                        let v = p[i * d + j]
                        sum[j] += Double(v)
                        mins[j] = Swift.min(mins[j], v)
                        maxs[j] = Swift.max(maxs[j], v)
                    }
                }
                for j in 0..<d where mins[j] == maxs[j] {
                    throw DataError.invalidArgument(
                        operation: source,
                        message: "feature \(j) (0-based, label column excluded) is constant (\(mins[j])); "
                            + "\(resolved == .standard ? "standardisation" : "min–max scaling") needs it to vary: drop it, or choose another --scale")
                }
                if resolved == .minMax {
                    for j in 0..<d { offsets[j] = mins[j]; factors[j] = 1 / (maxs[j] - mins[j]) }
                    return
                }
                let mean = sum.map { $0 / Double(n) }
                for i in 0..<n {
                    for j in 0..<d { let e = Double(p[i * d + j]) - mean[j]; sumSq[j] += e * e }
                }
                for j in 0..<d {
                    let sd = (sumSq[j] / Double(n)).squareRoot()
                    offsets[j] = Float(mean[j])
                    factors[j] = sd > 0 ? Float(1 / sd) : 1
                }
            }
            return FeatureScaler(kind: .perFeature, scaling: resolved, featureCount: d, offsets: offsets, factors: factors)
        }
    }

    /// `x` scaled with the fitted statistics, same shape.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` when a sample of `x` does not
    ///   hold ``featureCount`` values, or (unit norm) a sample is all zeros.
    public func transform(_ x: Tensor, source: String = "FeatureScaler.transform") throws -> Tensor {
        guard x.rank >= 2, x.rowWidth == featureCount else {
            throw DataError.invalidArgument(
                operation: source, message: "the scaling was fitted on \(featureCount) features per sample, the data has shape \(x.shape)")
        }
        if kind == .identity { return x }
        var out = x
        let n = x.shape[0], d = featureCount
        try out.withUnsafeMutableBufferPointer { p in
            switch kind {
            case .identity:
                break
            case .global:
                let o = offsets[0], f = factors[0]
                for i in 0..<p.count { p[i] = (p[i] - o) * f }
            case .perFeature:
                try offsets.withUnsafeBufferPointer { o in
                    try factors.withUnsafeBufferPointer { f in
                        guard o.count == d, f.count == d else {
                            throw DataError.invalidArgument(operation: source, message: "the scaler holds \(o.count) offsets and \(f.count) factors for \(d) features")
                        }
                        for i in 0..<n { for j in 0..<d { p[i * d + j] = (p[i * d + j] - o[j]) * f[j] } }
                    }
                }
            case .unitNorm:
                for i in 0..<n {
                    let f = 1 / (try Self.squaredNorm(ofSample: i, width: d, in: UnsafeBufferPointer(p), source: source)).squareRoot()
                    for j in 0..<d { p[i * d + j] *= f }
                }
            }
        }
        return out
    }
}

extension FeatureScaler {
    /// The squared Euclidean norm of sample `i` of a row-major `[n, d]` buffer.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` when the sample is all zeros.
    fileprivate static func squaredNorm(ofSample i: Int, width d: Int, in p: UnsafeBufferPointer<Float>, source: String) throws -> Float {
        var s: Float = 0
        for j in 0..<d { s += p[i * d + j] * p[i * d + j] }
        guard s > 0 else {
            throw DataError.invalidArgument(operation: source, message: "sample \(i) is all zeros; unit-norm scaling cannot normalise it")
        }
        return s
    }
}
