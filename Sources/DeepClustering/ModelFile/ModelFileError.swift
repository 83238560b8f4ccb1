/// Why a file could not be read as a ``DeepClusteringModel`` (``DeepClusteringModel/init(contentsOf:)``).
///
/// Files that are not readable safetensors at all (missing, truncated, a broken header) are
/// reported by the reader's `DataError`; these cases are about what the file holds.
public enum ModelFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A safetensors file without the model entries (plain weights, another tool's file, a
    /// `dec.safetensors` checkpoint); `format` is its `format` metadata entry, if any.
    case notAModelFile(path: String, format: String?)
    /// Written in a newer format version than this library reads.
    case newerFormat(path: String, version: Int, newestReadable: Int)
    /// The architecture is unknown to this library, or it builds other layers than the file lists.
    case unsupportedArchitecture(path: String, message: String)
    /// A metadata entry is missing, is not the JSON it should be, or holds values that do not fit
    /// the rest of the file.
    case invalidEntry(path: String, key: String, message: String)

    /// A one-line explanation naming the file.
    public var description: String {
        switch self {
        case let .notAModelFile(path, format):
            let found = format.map { "its format is '\($0)'" } ?? "its metadata has no '\(ModelFileFormat.formatKey)' entry"
            return "\(path): not a DeepClustering model file (\(found)); a model file is the model.safetensors that dec or "
                + "DeepClusteringModel.save(to:) writes"
        case let .newerFormat(path, version, newest):
            return "\(path): model format version \(version) is newer than this library (\(DeepClusteringLibrary.version)) reads "
                + "(up to \(newest)); read it with the newer library that wrote it"
        case let .unsupportedArchitecture(path, message):
            return "\(path): unsupported architecture: \(message)"
        case let .invalidEntry(path, key, message):
            return "\(path): metadata '\(key)': \(message)"
        }
    }
}
