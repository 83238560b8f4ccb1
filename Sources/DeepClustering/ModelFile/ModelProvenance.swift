/// Where a trained ``DeepClusteringModel`` came from: the library and recipe that trained it,
/// the random seed, and the training data's size and fingerprint (the `provenance` entry of a model
/// file).
public struct ModelProvenance: Sendable, Equatable, Codable {
    /// The version of the library that created the model (``DeepClusteringLibrary/version``).
    public var libraryVersion: String
    /// The recipe's ``DECRecipe/name``.
    public var recipeName: String
    /// The recipe's one-line ``DECRecipe/description`` as resolved for the training data.
    public var recipeDescription: String
    /// DEC-keras of the weights, shuffling, k-means and augmentation.
    public var seed: UInt64
    /// The number of training samples.
    public var sampleCount: Int
    /// The fingerprint of the training data as given to the model (``fingerprint(of:)``).
    public var dataFingerprint: String

    /// Creates a provenance record from its values.
    public init(
        libraryVersion: String = DeepClusteringLibrary.version, recipeName: String, recipeDescription: String,
        seed: UInt64, sampleCount: Int, dataFingerprint: String
    ) {
        self.libraryVersion = libraryVersion
        self.recipeName = recipeName
        self.recipeDescription = recipeDescription
        self.seed = seed
        self.sampleCount = sampleCount
        self.dataFingerprint = dataFingerprint
    }

    /// `sha256:` and the SHA-256 of `x`'s values as little-endian Float32, row after row (the
    /// shape is not part of it: `[N, 784]` and `[N, 28, 28, 1]` of the same values agree). In
    /// Python: `hashlib.sha256(np.asarray(x, dtype="<f4").tobytes()).hexdigest()`.
    public static func fingerprint(of x: Tensor) -> String {
        var hash = SHA256()
        x.withUnsafeBufferPointer { values in
            #if _endian(little)
            hash.update(UnsafeRawBufferPointer(values))
            #else
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { hash.update($0) } }
            #endif
        }
        return "sha256:" + hash.hexDigest()
    }
}
