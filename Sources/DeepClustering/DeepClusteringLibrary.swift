/// Facts about the library itself.
public enum DeepClusteringLibrary {
    /// The library's version, recorded in the model files it writes (``ModelProvenance``).
    public static let version = "0.1.0"
}
