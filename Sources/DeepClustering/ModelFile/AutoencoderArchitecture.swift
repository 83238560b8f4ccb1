/// The autoencoder of a ``DeepClusteringModel`` as values: the builder and the sizes it is
/// called with, enough to build the same network again without code.
///
/// ``makeAutoencoder(using:)`` calls ``Autoencoder/dense(_:using:)``,
/// ``Autoencoder/convolutional(inputShape:filters:embeddingSize:using:)`` or
/// ``Autoencoder/convolutionalUpsampling(inputShape:filters:embeddingSize:using:)``; the builders
/// fix the activations and paddings from these sizes. A model file stores the architecture as
/// JSON (`kind`, `input_shape`, `hidden_sizes`, `filters`, `embedding_size`):
///
/// ```swift
/// let architecture = try AutoencoderArchitecture(recipe: .decKeras, featureCount: 784, imageShape: nil)
/// var rng = SeededGenerator(seed: 0)
/// let autoencoder = try architecture.makeAutoencoder(using: &rng)   // 784-500-500-2000-10
/// ```
public struct AutoencoderArchitecture: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The builder.
    public var kind: DECRecipe.Architecture
    /// The shape of one input sample: `[d]` for ``DECRecipe/Architecture/dense``, `[H, W, C]`
    /// for the convolutional kinds.
    public var inputShape: [Int]
    /// The hidden layer widths of the dense encoder (the decoder mirrors them); empty for the
    /// convolutional kinds.
    public var hiddenSizes: [Int]
    /// The channels of the three encoder convolutions; empty for the dense kind.
    public var filters: [Int]
    /// The width of the embedding.
    public var embeddingSize: Int

    /// The filters the convolutional builders use by default: DCEC's `[32, 64, 128]` and the
    /// upsampling model's `[16, 8, 8]`.
    public static func defaultFilters(for kind: DECRecipe.Architecture) -> [Int] {
        switch kind {
        case .dense: return []
        case .convolutional: return [32, 64, 128]
        case .convolutionalUpsampling: return [16, 8, 8]
        }
    }

    /// Creates an architecture from its values; ``makeAutoencoder(using:)`` checks them.
    /// - Parameters:
    ///   - kind: The builder.
    ///   - inputShape: `[d]` (dense) or `[H, W, C]` (convolutional).
    ///   - hiddenSizes: The dense hidden widths; ignored by the convolutional kinds.
    ///   - filters: The three convolution widths; `nil` takes ``defaultFilters(for:)``.
    ///   - embeddingSize: The width of the embedding.
    public init(kind: DECRecipe.Architecture, inputShape: [Int], hiddenSizes: [Int] = [], filters: [Int]? = nil, embeddingSize: Int) {
        self.kind = kind
        self.inputShape = inputShape
        self.hiddenSizes = kind == .dense ? hiddenSizes : []
        self.filters = filters ?? Self.defaultFilters(for: kind)
        self.embeddingSize = embeddingSize
    }

    /// The architecture `recipe` builds for samples of `featureCount` values (images of
    /// `imageShape` for the convolutional kinds).
    /// - Throws: ``DECError/invalidConfiguration(_:)`` when the recipe's architecture needs
    ///   images and `imageShape` is `nil`.
    public init(recipe: DECRecipe, featureCount: Int, imageShape: ImageShape?) throws {
        if recipe.architecture.needsImages {
            guard let imageShape else {
                throw DECError.invalidConfiguration(
                    "recipe \(recipe.name): the \(recipe.architecture.rawValue) architecture needs images, the data has no image shape")
            }
            self.init(kind: recipe.architecture, inputShape: imageShape.dimensions, embeddingSize: recipe.embeddingSize)
        } else {
            self.init(kind: .dense, inputShape: [featureCount], hiddenSizes: recipe.hiddenSizes, embeddingSize: recipe.embeddingSize)
        }
    }

    /// The number of values in one input sample.
    public var featureCount: Int { inputShape.reduce(1, *) }

    /// A new autoencoder of this architecture with weights drawn from `generator`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for sizes the builder
    ///   refuses (non-positive sizes, an image size the convolutional decoder cannot reproduce).
    public func makeAutoencoder<G: RandomNumberGenerator>(using generator: inout G) throws -> Autoencoder {
        switch kind {
        case .dense:
            guard inputShape.count == 1 else {
                throw LayerError.invalidConfiguration(
                    layer: "AutoencoderArchitecture", message: "the dense architecture takes one input size, found input shape \(inputShape)")
            }
            return try Autoencoder.dense(inputShape + hiddenSizes + [embeddingSize], using: &generator)
        case .convolutional:
            return try Autoencoder.convolutional(inputShape: inputShape, filters: filters, embeddingSize: embeddingSize, using: &generator)
        case .convolutionalUpsampling:
            return try Autoencoder.convolutionalUpsampling(
                inputShape: inputShape, filters: filters, embeddingSize: embeddingSize, using: &generator)
        }
    }

    /// For example `dense 784-500-500-2000-10` or `conv 28x28x1 filters 32-64-128 embedding 10`.
    public var description: String {
        func dashed(_ v: [Int]) -> String { v.map(String.init).joined(separator: "-") }
        if kind == .dense { return "dense \(dashed(inputShape + hiddenSizes + [embeddingSize]))" }
        return "\(kind.rawValue) \(inputShape.map(String.init).joined(separator: "x")) filters \(dashed(filters)) embedding \(embeddingSize)"
    }
}
