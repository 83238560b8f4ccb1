/// An error raised by k-means, the clustering metrics and the assignment solver when their
/// input or configuration is not acceptable.
///
/// Every case names the operation and says what was expected and what was found, for example
/// `clusteringAccuracy(labels:predictions:): labels has 100 elements but predictions has 99`.
public enum ClusteringError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A configuration value is outside its valid domain (for example `clusterCount` 0).
    case invalidConfiguration(operation: String, message: String)
    /// Input data (a tensor, label arrays, a cost matrix) cannot be used as given.
    case invalidInput(operation: String, message: String)

    /// A one-line human-readable explanation.
    public var description: String {
        switch self {
        case let .invalidConfiguration(operation, message):
            return "\(operation): invalid configuration: \(message)"
        case let .invalidInput(operation, message):
            return "\(operation): \(message)"
        }
    }
}
