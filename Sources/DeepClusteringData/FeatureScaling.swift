/// How features are scaled before training; ``FeatureScaler/fit(_:scaling:isImageData:source:)``
/// turns a choice into the statistics of one data set, which are kept with a model and applied
/// again to new data.
public enum FeatureScaling: String, Sendable, Hashable, Codable, CaseIterable {
    /// Chosen from the data: values already in `[0, 1]` stay as they are; image data of
    /// integers in `[0, 255]` reaching above 127 (8-bit pixels) is divided by 255; other image
    /// data is mapped to `[0, 1]` by its global minimum and maximum; other (tabular) data is
    /// standardised per feature. The DEC family's autoencoders expect inputs of about unit scale.
    case automatic = "auto"
    /// The values as they are.
    case none
    /// Each feature mapped to `[0, 1]`: `(x − min) / (max − min)` over the training data.
    case minMax = "minmax"
    /// Each feature standardised: `(x − mean) / sd` (population standard deviation), as
    /// scikit-learn's `StandardScaler`.
    case standard
    /// Each sample divided by its Euclidean norm, as scikit-learn's `Normalizer`.
    case unitNorm = "unit-norm"
}
