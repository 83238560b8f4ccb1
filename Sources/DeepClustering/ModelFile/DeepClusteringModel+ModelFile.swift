extension DeepClusteringModel {
    /// Writes the whole model to one self-describing safetensors file, atomically: the weights,
    /// the cluster centres, the architecture and its layers, the feature scaling and image
    /// shape, the clustering configuration, the recipe and the provenance (library version,
    /// seed, training sample count and data fingerprint).
    ///
    /// ``init(contentsOf:)`` reads it back with no architecture code from the caller; Python's
    /// `safetensors` reads the tensors, and the metadata entries are JSON (see the table in the
    /// library's documentation of the format, `model.safetensors` in `dec`'s output).
    /// - Parameter path: The destination; a temporary file beside it is renamed over it.
    /// - Throws: ``DECError/invalidInput(_:)`` before the model is clustered; file errors.
    public func save(to path: String) throws {
        let trainer = try clusteredTrainer()
        var tensors = autoencoder.parameterTensors()
        tensors[ModelFileFormat.centersName] = trainer.clustering!.clusters.value
        let metadata = try ModelFileFormat.metadata(
            architecture: architecture,
            layers: try LayerRecord.records(of: autoencoder, inputShape: architecture.inputShape),
            preprocessing: .init(scaler: scaler, imageShape: imageShape),
            clustering: trainer.configuration, recipe: recipe, provenance: provenance)
        try SafeTensors(tensors: tensors, metadata: metadata).write(to: path)
    }

    /// Reads a model written by ``save(to:)``, ready for ``predict(_:)``,
    /// ``softAssignments(_:)`` and ``embed(_:)`` on data as it was given to training.
    ///
    /// The network is built from the stored architecture and checked layer by layer against the
    /// stored layer list; every tensor's name and shape and every metadata entry is checked
    /// before the model is returned. A reloaded model assigns the same data exactly as the saved
    /// one did.
    /// - Parameter path: A model file.
    /// - Throws: `DataError` when the file is missing, truncated or not safetensors, or when its
    ///   tensors do not match the architecture (listing every mismatch) or hold a NaN or
    ///   infinity; ``ModelFileError`` when it is not a model file, comes from a newer format
    ///   version, has an architecture this library does not build, or has a metadata entry that
    ///   is missing or inconsistent.
    public convenience init(contentsOf path: String) throws {
        let file = try SafeTensors(contentsOf: path)
        let contents = try ModelFileFormat.contents(of: file.metadata, path: path)
        let architecture = contents.architecture
        // The weights are overwritten below; the generator only fills them meanwhile.
        var generator = SeededGenerator(seed: 0)
        let autoencoder: Autoencoder
        let layers: [LayerRecord]
        do {
            autoencoder = try architecture.makeAutoencoder(using: &generator)
            layers = try LayerRecord.records(of: autoencoder, inputShape: architecture.inputShape)
        } catch {
            throw ModelFileError.unsupportedArchitecture(path: path, message: "\(architecture): \(error)")
        }
        guard layers == contents.layers else {
            let i = (0..<min(layers.count, contents.layers.count)).first { layers[$0] != contents.layers[$0] }
                ?? min(layers.count, contents.layers.count)
            let built = i < layers.count ? "\(layers[i])" : "no layer"
            let stored = i < contents.layers.count ? "\(contents.layers[i])" : "no layer"
            throw ModelFileError.unsupportedArchitecture(
                path: path, message: "\(architecture) builds layer \(i) as \(built), the file lists \(stored)")
        }
        let config = contents.clustering
        var expected = autoencoder.parameterShapes()
        expected[ModelFileFormat.centersName] = [config.clusterCount, architecture.embeddingSize]
        try file.verify(shapes: expected)
        try autoencoder.loadParameters(from: file, prefix: nil, allowingOtherNames: true)
        let clustering: ClusteringLayer
        do {
            clustering = try ClusteringLayer(centers: file.tensors[ModelFileFormat.centersName]!, alpha: config.alpha)
        } catch {
            throw DECError.checkpointMismatch(path: path, message: "\(ModelFileFormat.centersName): \(error)")
        }
        let trainer = try DECTrainer(autoencoder: autoencoder, configuration: config)
        trainer.installClustering(clustering)
        self.init(
            recipe: contents.recipe, architecture: architecture, imageShape: contents.preprocessing.imageShape,
            scaler: contents.preprocessing.scaler, autoencoder: autoencoder, provenance: contents.provenance)
        self.trainer = trainer
    }
}
