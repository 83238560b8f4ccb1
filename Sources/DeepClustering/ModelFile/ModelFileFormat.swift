import Foundation

/// The layout of a model file (`model.safetensors`): a safetensors file whose tensors are the
/// autoencoder's parameters (`encoder.…`, `decoder.…`) and the cluster centres
/// (`clustering.clusters`, `[k, embedding]`), and whose string metadata holds, as JSON with
/// snake_case keys:
///
/// | key             | value                                                              |
/// |-----------------|--------------------------------------------------------------------|
/// | `format`        | `DeepClustering model`                                             |
/// | `format_version`| `1`                                                                |
/// | `architecture`  | ``AutoencoderArchitecture``: kind, input shape, sizes              |
/// | `layers`        | every layer: name, kind, output shape, activation, padding, kernel |
/// | `preprocessing` | the ``FeatureScaler`` and the ``ImageShape`` (or `null`)           |
/// | `clustering`    | the ``DECConfiguration`` (k, mode, α, batch size, …)               |
/// | `recipe`        | every setting of the ``DECRecipe``                                 |
/// | `provenance`    | ``ModelProvenance``: library version, recipe, seed, data           |
enum ModelFileFormat {
    static let formatKey = "format"
    static let formatName = "DeepClustering model"
    static let versionKey = "format_version"
    /// The version this library writes and the newest it reads.
    static let version = 1
    static let architectureKey = "architecture"
    static let layersKey = "layers"
    static let preprocessingKey = "preprocessing"
    static let clusteringKey = "clustering"
    static let recipeKey = "recipe"
    static let provenanceKey = "provenance"
    /// The tensor holding the cluster centres.
    static let centersName = "clustering.clusters"

    /// The `preprocessing` entry.
    struct Preprocessing: Codable {
        var scaler: FeatureScaler
        var imageShape: ImageShape?
    }

    /// Everything a model file's metadata says, read and checked against itself.
    struct Contents {
        var architecture: AutoencoderArchitecture
        var layers: [LayerRecord]
        var preprocessing: Preprocessing
        var clustering: DECConfiguration
        var recipe: DECRecipe
        var provenance: ModelProvenance
    }

    /// The metadata of a model.
    static func metadata(
        architecture: AutoencoderArchitecture, layers: [LayerRecord], preprocessing: Preprocessing,
        clustering: DECConfiguration, recipe: DECRecipe, provenance: ModelProvenance
    ) throws -> [String: String] {
        [
            formatKey: formatName,
            versionKey: String(version),
            architectureKey: try json(architecture),
            layersKey: try json(layers),
            preprocessingKey: try json(preprocessing),
            clusteringKey: try json(clustering),
            recipeKey: try json(RecipeRecord(recipe)),
            provenanceKey: try json(provenance),
        ]
    }

    /// `value` as compact JSON with sorted snake_case keys.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Reads and checks the metadata of the model file at `path`.
    /// - Throws: ``ModelFileError`` naming the first problem: not a model file, a newer format
    ///   version, an unknown architecture, or an entry that is missing, unreadable or
    ///   inconsistent with the others.
    static func contents(of metadata: [String: String], path: String) throws -> Contents {
        guard let format = metadata[formatKey], format == formatName else {
            throw ModelFileError.notAModelFile(path: path, format: metadata[formatKey])
        }
        guard let text = metadata[versionKey], let found = Int(text), found >= 1 else {
            throw ModelFileError.invalidEntry(
                path: path, key: versionKey, message: "expected a version number ≥ 1, found \(metadata[versionKey].map { "'\($0)'" } ?? "none")")
        }
        guard found <= version else { throw ModelFileError.newerFormat(path: path, version: found, newestReadable: version) }

        struct Kind: Decodable { var kind: String }
        let kind = try decode(Kind.self, key: architectureKey, metadata, path: path).kind
        guard DECRecipe.Architecture(rawValue: kind) != nil else {
            throw ModelFileError.unsupportedArchitecture(
                path: path, message: "unknown kind '\(kind)'; this library builds \(DECRecipe.Architecture.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let architecture = try decode(AutoencoderArchitecture.self, key: architectureKey, metadata, path: path)
        let layers = try decode([LayerRecord].self, key: layersKey, metadata, path: path)
        let preprocessing = try decode(Preprocessing.self, key: preprocessingKey, metadata, path: path)
        try check(preprocessing, for: architecture, path: path)
        let clustering = try decode(DECConfiguration.self, key: clusteringKey, metadata, path: path)
        do {
            try clustering.validate()
        } catch {
            throw ModelFileError.invalidEntry(path: path, key: clusteringKey, message: "\(error)")
        }
        let recipe = try decode(RecipeRecord.self, key: recipeKey, metadata, path: path).recipe
        guard recipe.architecture == architecture.kind else {
            throw ModelFileError.invalidEntry(
                path: path, key: recipeKey,
                message: "the recipe's architecture is \(recipe.architecture.rawValue), the model's \(architecture.kind.rawValue)")
        }
        let provenance = try decode(ModelProvenance.self, key: provenanceKey, metadata, path: path)
        return Contents(
            architecture: architecture, layers: layers, preprocessing: preprocessing, clustering: clustering,
            recipe: recipe, provenance: provenance)
    }

    /// The entry `key` decoded from its JSON.
    /// - Throws: ``ModelFileError/invalidEntry(path:key:message:)`` when it is missing or does not decode.
    static func decode<T: Decodable>(_ type: T.Type, key: String, _ metadata: [String: String], path: String) throws -> T {
        guard let text = metadata[key] else {
            throw ModelFileError.invalidEntry(path: path, key: key, message: "missing")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw ModelFileError.invalidEntry(path: path, key: key, message: describe(error))
        } catch {
            throw ModelFileError.invalidEntry(path: path, key: key, message: "\(error)")
        }
    }

    /// A decoding error in one line: what was wrong and where in the JSON.
    static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let where_ = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return where_.isEmpty ? context.debugDescription : "at \(where_): \(context.debugDescription)"
        }
        switch error {
        case let .keyNotFound(key, context): return "\(at(context)) (no '\(key.stringValue)')"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context): return at(context)
        @unknown default: return "\(error)"
        }
    }

    /// Checks that the scaling and image shape fit the architecture and each other.
    /// - Throws: ``ModelFileError/invalidEntry(path:key:message:)`` naming the mismatch.
    static func check(_ p: Preprocessing, for architecture: AutoencoderArchitecture, path: String) throws {
        func fail(_ message: String) -> ModelFileError { .invalidEntry(path: path, key: preprocessingKey, message: message) }
        let s = p.scaler, d = architecture.featureCount
        guard s.featureCount == d else {
            throw fail("the scaling is for \(s.featureCount) features, the architecture takes \(d) (\(architecture))")
        }
        let statistics: Int
        switch s.kind {
        case .identity, .unitNorm: statistics = 0
        case .global: statistics = 1
        case .perFeature: statistics = d
        }
        guard s.offsets.count == statistics, s.factors.count == statistics else {
            throw fail("\(s.kind.rawValue) scaling needs \(statistics) offsets and factors, found \(s.offsets.count) and \(s.factors.count)")
        }
        guard (s.offsets + s.factors).allSatisfy(\.isFinite) else { throw fail("the scaling holds a value that is not finite") }
        if let shape = p.imageShape {
            let checked: ImageShape
            do {
                checked = try ImageShape(height: shape.height, width: shape.width, channels: shape.channels)
            } catch {
                throw fail("\(error)")
            }
            guard checked.valueCount == d else { throw fail("images of \(checked) hold \(checked.valueCount) values, the architecture takes \(d)") }
            if architecture.kind.needsImages, checked.dimensions != architecture.inputShape {
                throw fail("the image shape \(checked) is not the architecture's input \(architecture.inputShape)")
            }
        } else if architecture.kind.needsImages {
            throw fail("the \(architecture.kind.rawValue) architecture needs an image shape, found none")
        }
    }
}
