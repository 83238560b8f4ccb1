import DeepClusteringCore

/// The height, width and channel count of one image, for data whose rows are flattened images
/// (a CSV file of pixels, a flat `.npy` or IDX array).
///
/// Rows are read in NHWC order: value `(y·W + x)·C + c` of a row is channel `c` of the pixel in
/// row `y`, column `x` (the order NumPy's `reshape(n, H, W, C)` and Keras use).
///
/// ```swift
/// let shape = try ImageShape(parsing: "16x16")            // 16 × 16 × 1
/// let images = try shape.reshape(flatPixels, source: "usps.csv")  // [N, 16, 16, 1]
/// ```
public struct ImageShape: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The number of pixel rows H.
    public let height: Int
    /// The number of pixel columns W.
    public let width: Int
    /// The number of channels C (1 for grey-scale).
    public let channels: Int

    /// Creates a shape.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` unless every size is positive
    ///   and `H·W·C` fits in an `Int`.
    public init(height: Int, width: Int, channels: Int = 1) throws {
        guard height > 0, width > 0, channels > 0 else {
            throw DataError.invalidArgument(
                operation: "ImageShape", message: "height, width and channels must be positive, found \(height)×\(width)×\(channels)")
        }
        let (hw, o1) = height.multipliedReportingOverflow(by: width)
        let (_, o2) = hw.multipliedReportingOverflow(by: channels)
        guard !o1, !o2 else {
            throw DataError.invalidArgument(operation: "ImageShape", message: "\(height)×\(width)×\(channels) values overflow")
        }
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// Parses `HxW` or `HxWxC` (`x` or `×`, case-insensitive), e.g. `28x28` or `32x32x3`.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` naming the text when it is not
    ///   two or three positive integers.
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "×", omittingEmptySubsequences: false) }
        let sizes = parts.map { Int(String($0).trimmingASCIISpaces()) }
        guard (2...3).contains(sizes.count), let h = sizes[0], let w = sizes[1], sizes.count == 2 || sizes[2] != nil else {
            throw DataError.invalidArgument(
                operation: "ImageShape", message: "expected HxW or HxWxC with positive integers (e.g. 28x28 or 32x32x3), found '\(text)'")
        }
        try self.init(height: h, width: w, channels: sizes.count == 3 ? sizes[2]! : 1)
    }

    /// The shape of one image, `[H, W, C]`.
    public var dimensions: [Int] { [height, width, channels] }

    /// The number of values in one image, `H·W·C`.
    public var valueCount: Int { height * width * channels }

    /// `HxWxC`, e.g. `28x28x1`; ``init(parsing:)`` reads it back.
    public var description: String { "\(height)x\(width)x\(channels)" }

    /// The samples of `x` as images `[N, H, W, C]`; the values are not copied.
    ///
    /// `x` may be flat (`[N, H·W·C]`) or of any rank whose row holds `H·W·C` values (`[N, H, W]`
    /// for grey-scale images included).
    /// - Parameters:
    ///   - x: One sample per row of the first dimension.
    ///   - source: The file or operation named in an error.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` when a row does not hold
    ///   `H·W·C` values, saying how many it holds.
    public func reshape(_ x: Tensor, source: String) throws -> Tensor {
        guard x.rank >= 2 else {
            throw DataError.invalidArgument(operation: source, message: "expected one sample per row, found shape \(x.shape)")
        }
        let rowValues = x.shape.dropFirst().reduce(1, *)
        guard rowValues == valueCount else {
            throw DataError.invalidArgument(
                operation: source,
                message: "image shape \(self) needs \(valueCount) values per sample (\(height)·\(width)·\(channels)), "
                    + "but each row holds \(rowValues)")
        }
        return try x.reshaped(to: [x.shape[0]] + dimensions)
    }
}

extension LabeledDataset {
    /// The same samples as images `[N, H, W, C]` of `shape`, the labels unchanged.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` when a sample does not hold
    ///   `H·W·C` values.
    public func reshaped(toImages shape: ImageShape, source: String) throws -> LabeledDataset {
        try LabeledDataset(x: shape.reshape(x, source: source), labels: labels)
    }
}
