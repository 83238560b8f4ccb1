import Foundation

extension DECTrainer {
    /// The metadata key holding the JSON-encoded ``DECConfiguration``.
    public static let configurationMetadataKey = "dec.configuration"

    /// Saves the whole clustering model (encoder, decoder if any, and centres) with its
    /// configuration to a safetensors file, atomically.
    ///
    /// Names: `encoder.…`, `decoder.…`, `clustering.clusters`. The configuration is stored as
    /// JSON under ``configurationMetadataKey``; `metadata` adds more (e.g. the architecture).
    /// - Throws: ``DECError/invalidInput(_:)`` before ``fit(_:labels:optimizer:pretrainedEmbedding:progress:)``;
    ///   file errors.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        guard let clustering else {
            throw DECError.invalidInput("nothing to save: the model has no cluster centres yet")
        }
        var tensors = encoder.parameterTensors(prefix: "encoder")
        if let decoder { tensors.merge(decoder.parameterTensors(prefix: "decoder")) { a, _ in a } }
        tensors["clustering.clusters"] = clustering.clusters.value
        var meta = metadata
        // Sorted keys: the same configuration always writes the same bytes.
        let json = JSONEncoder()
        json.outputFormatting = .sortedKeys
        meta[Self.configurationMetadataKey] = String(decoding: try json.encode(configuration), as: UTF8.self)
        meta["format"] = "DeepClustering DEC checkpoint 1"
        try SafeTensors(tensors: tensors, metadata: meta).write(to: path)
    }

    /// Loads a model saved by ``save(to:metadata:)`` into this trainer's encoder (and decoder,
    /// when the file has one and this trainer has one) and its centres.
    ///
    /// The encoder's and decoder's names, shapes and values and the centres' count, values and
    /// (once this trainer has centres) shape are checked before anything changes, so a failed
    /// load leaves the trainer as it was; the error lists every mismatch.
    /// - Returns: The file's metadata.
    /// - Throws: `DataError` for an unreadable file, mismatched tensors or non-finite weights;
    ///   ``DECError/checkpointMismatch(path:message:)`` when the centres do not fit.
    @discardableResult
    public func load(from path: String) throws -> [String: String] {
        let file = try SafeTensors(contentsOf: path)
        guard let centers = file.tensors["clustering.clusters"], centers.rank == 2 else {
            throw DECError.checkpointMismatch(path: path, message: "no rank-2 tensor clustering.clusters")
        }
        guard centers.shape[0] == configuration.clusterCount else {
            throw DECError.checkpointMismatch(
                path: path, message: "the file has \(centers.shape[0]) clusters, this trainer \(configuration.clusterCount)")
        }
        let clustering: ClusteringLayer
        do {
            clustering = try ClusteringLayer(centers: centers, alpha: configuration.alpha)
        } catch {
            throw DECError.checkpointMismatch(path: path, message: "clustering.clusters: \(error)")
        }
        if let current = self.clustering, current.clusters.value.shape != centers.shape {
            throw DECError.checkpointMismatch(
                path: path, message: "the file's centres have shape \(centers.shape), this trainer's \(current.clusters.value.shape)")
        }
        try encoder.verifyParameters(in: file, prefix: "encoder", allowingOtherNames: true)
        let hasDecoder = file.tensors.keys.contains { $0.hasPrefix("decoder.") }
        if let decoder, hasDecoder {
            try decoder.verifyParameters(in: file, prefix: "decoder", allowingOtherNames: true)
        }
        // Everything checked: nothing below can fail.
        encoder.copyVerifiedParameters(from: file, prefix: "encoder")
        if let decoder, hasDecoder { decoder.copyVerifiedParameters(from: file, prefix: "decoder") }
        installClustering(clustering)
        return file.metadata
    }

    /// Reads the configuration stored in a checkpoint written by ``save(to:metadata:)``.
    /// - Throws: ``DECError/checkpointMismatch(path:message:)`` when it is absent or unreadable.
    public static func configuration(storedIn path: String) throws -> (DECConfiguration, [String: String]) {
        let file = try SafeTensors(contentsOf: path)
        guard let json = file.metadata[configurationMetadataKey],
              let config = try? JSONDecoder().decode(DECConfiguration.self, from: Data(json.utf8))
        else {
            throw DECError.checkpointMismatch(path: path, message: "no readable \(configurationMetadataKey) in the metadata")
        }
        return (config, file.metadata)
    }
}
