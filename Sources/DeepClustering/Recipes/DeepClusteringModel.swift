/// A deep-clustering model with its preprocessing: the feature scaling and image shape it was
/// trained with, the autoencoder, and (after clustering) the cluster centres.
///
/// ``fit(_:clusterCount:recipe:labels:imageShape:seed:progress:)`` runs a ``DECRecipe`` end
/// to end. ``predict(_:)``, ``softAssignments(_:)`` and ``embed(_:)`` take data as it was
/// given to `fit` (the same width, unscaled) and apply the stored preprocessing.
///
/// The steps can also be run one by one, as the `dec` command does: create the model from the
/// training data, ``prepare(_:source:)`` the data, ``pretrain(_:progress:)`` (or load pretrained
/// weights into ``autoencoder``), then ``cluster(_:clusterCount:labels:objective:pretrainedEmbedding:progress:)``.
///
/// A clustered model is one file: ``save(to:)`` writes it and ``init(contentsOf:)`` reads it
/// back, architecture and preprocessing included, assigning data exactly as before.
public final class DeepClusteringModel {
    /// The recipe as resolved for the training data (``DECRecipe/adaptsToData`` is off).
    public let recipe: DECRecipe
    /// The shape of one image, or `nil` for tabular data.
    public let imageShape: ImageShape?
    /// The feature scaling fitted to the training data.
    public let scaler: FeatureScaler
    /// The autoencoder; its encoder maps prepared data to the embedding.
    public let autoencoder: Autoencoder
    /// The autoencoder's builder and sizes (what a model file stores to build it again).
    public let architecture: AutoencoderArchitecture
    /// The random seed of the weights, shuffling, k-means and augmentation.
    public let seed: UInt64
    /// The library, recipe, seed and training data the model came from.
    public let provenance: ModelProvenance
    /// The clustering phase's trainer, `nil` until ``cluster(_:clusterCount:labels:objective:pretrainedEmbedding:progress:)`` ran
    /// (set for a model read with ``init(contentsOf:)``).
    public internal(set) var trainer: DECTrainer?

    /// Creates an untrained model for data like `x`: resolves `recipe` for its sample count and
    /// shape, fits the feature scaling to it and builds the autoencoder.
    /// - Parameters:
    ///   - recipe: The method; ``DECRecipe/recommended`` adapts to the data.
    ///   - x: The training data, `[N, d]` or images `[N, H, W]` / `[N, H, W, C]`.
    ///   - imageShape: The shape of one image when `x` is flat; `nil` takes it from `x`'s rank
    ///     (none for `[N, d]`: tabular data).
    ///   - seed: Seeds the initial weights and, later, the shuffling, k-means and augmentation.
    /// - Throws: ``DECError/invalidConfiguration(_:)`` when the recipe cannot run on this data
    ///   (a convolutional model or augmentation without images), ``DataError`` for an image shape
    ///   that does not match the rows or data that cannot be scaled (naming the feature), layer
    ///   errors for an image size the architecture cannot reproduce.
    public init(recipe: DECRecipe, trainingData x: Tensor, imageShape: ImageShape? = nil, seed: UInt64 = 0) throws {
        guard x.rank >= 2, x.shape[0] > 0 else {
            throw DECError.invalidInput("data must be [N, …] with N ≥ 1 samples, found \(x.shape)")
        }
        let shape = try imageShape ?? Self.imageShape(of: x)
        if let shape { _ = try shape.reshape(x, source: "training data") }
        self.recipe = try recipe.resolved(sampleCount: x.shape[0], imageShape: shape)
        self.imageShape = shape
        self.scaler = try FeatureScaler.fit(x, scaling: self.recipe.scaling, isImageData: shape != nil, source: "training data")
        self.seed = seed
        architecture = try AutoencoderArchitecture(recipe: self.recipe, featureCount: x.rowWidth, imageShape: shape)
        var rng = SeededGenerator(seed: seed)
        autoencoder = try architecture.makeAutoencoder(using: &rng)
        provenance = ModelProvenance(
            recipeName: self.recipe.name, recipeDescription: self.recipe.description, seed: seed,
            sampleCount: x.shape[0], dataFingerprint: ModelProvenance.fingerprint(of: x))
    }

    /// A model from its parts, as a model file holds them.
    init(
        recipe: DECRecipe, architecture: AutoencoderArchitecture, imageShape: ImageShape?, scaler: FeatureScaler,
        autoencoder: Autoencoder, provenance: ModelProvenance
    ) {
        self.recipe = recipe
        self.architecture = architecture
        self.imageShape = imageShape
        self.scaler = scaler
        self.autoencoder = autoencoder
        self.seed = provenance.seed
        self.provenance = provenance
    }

    /// The image shape `x`'s rank implies: `[N, H, W]` and `[N, H, W, C]` are images, `[N, d]` is not.
    static func imageShape(of x: Tensor) throws -> ImageShape? {
        switch x.rank {
        case 3: return try ImageShape(height: x.shape[1], width: x.shape[2])
        case 4: return try ImageShape(height: x.shape[1], width: x.shape[2], channels: x.shape[3])
        default: return nil
        }
    }

    /// The number of values per sample the model takes.
    public var featureCount: Int { scaler.featureCount }

    /// The random shifts and rotations of the recipe's augmentation for this model's images, or
    /// `nil` for data without an image shape.
    public var augmentation: ImageAugmentation? {
        guard let s = imageShape else { return nil }
        return try? ImageAugmentation(height: s.height, width: s.width, channels: s.channels)
    }

    /// `x` as the network takes it: scaled with ``scaler`` and laid out flat (`[N, d]`, dense)
    /// or as images (`[N, H, W, C]`, convolutional).
    /// - Throws: ``DECError/invalidInput(_:)`` naming `source` when a sample does not hold
    ///   ``featureCount`` values or holds a NaN or infinity.
    public func prepare(_ x: Tensor, source: String = "data") throws -> Tensor {
        guard x.rank >= 2, x.rowWidth == featureCount else {
            throw DECError.invalidInput(
                "\(source): the model takes \(featureCount) values per sample\(imageShape.map { " (\($0) images)" } ?? ""), found shape \(x.shape)")
        }
        if let bad = x.firstNonFiniteElement() {
            throw DECError.invalidInput("\(source): sample \(bad.sample), feature \(bad.offset) is \(bad.value); it must be finite")
        }
        let scaled = try scaler.transform(x, source: source)
        if recipe.architecture.needsImages, let s = imageShape { return try s.reshape(scaled, source: source) }
        return try scaled.reshaped(to: [x.shape[0], featureCount])
    }

    /// Pretrains the autoencoder on prepared data as the recipe says and returns the mean loss
    /// of each epoch (of each stage's epochs, for layer-wise pretraining), in the recipe's
    /// ``DECRecipe/precision``.
    /// - Throws: ``TrainingError`` when the loss diverges; ``GEMMPrecisionError/unsupported(_:)``
    ///   when the recipe's precision cannot run on this machine.
    @discardableResult
    public func pretrain(_ prepared: Tensor, progress: ((DeepClusteringEvent) -> Void)? = nil) throws -> [Float] {
        switch recipe.pretraining {
        case let .endToEnd(epochs, optimizer):
            return try autoencoder.pretrain(
                on: prepared, epochs: epochs, batchSize: recipe.batchSize, optimizer: optimizer.makeOptimizer(), shuffleSeed: seed,
                augmentation: recipe.augmentsPretraining ? augmentation : nil, precision: recipe.precision
            ) { progress?(.pretraining($0)) }
        case var .layerwise(configuration):
            configuration.batchSize = recipe.batchSize
            configuration.seed = seed
            var losses: [Float] = []
            _ = try BLAS.withPrecision(recipe.precision) {
                try autoencoder.pretrainLayerwise(on: prepared, configuration: configuration) { stage, event in
                    if case let .epochEnded(_, _, loss) = event { losses.append(loss) }
                    progress?(.layerwisePretraining(stage, event))
                }
            }
            return losses
        }
    }

    /// The clustering phase's settings for `clusterCount` clusters.
    public func configuration(clusterCount: Int) -> DECConfiguration {
        var config = DECConfiguration(clusterCount: clusterCount, mode: recipe.mode)
        config.batchSize = recipe.batchSize
        config.maxIterations = recipe.maxIterations
        config.updateInterval = recipe.updateInterval
        config.tolerance = recipe.tolerance
        config.kmeansInitializationCount = recipe.kmeansRestarts
        config.seed = seed
        config.augmentation = recipe.augmentsClustering ? augmentation : nil
        return config
    }

    /// Initialises the centres with k-means on the embedding of prepared data and trains the
    /// clustering phase as the recipe says.
    /// - Parameters:
    ///   - prepared: The output of ``prepare(_:source:)``.
    ///   - clusterCount: k (≥ 2).
    ///   - labels: Ground truth for evaluation only, or `nil`.
    ///   - objective: Replaces the recipe's objective (for extra loss terms), or `nil`.
    ///   - pretrainedEmbedding: The encoder's output for `prepared` when already computed.
    ///   - progress: Called with every ``DECEvent``.
    /// - Returns: The assignments and history.
    /// - Throws: ``DECError`` as ``DECTrainer/fit(_:labels:optimizer:pretrainedEmbedding:progress:)``.
    @discardableResult
    public func cluster(
        _ prepared: Tensor, clusterCount: Int, labels: [Int]? = nil, objective: ClusteringObjective? = nil,
        pretrainedEmbedding: Tensor? = nil, progress: ((DeepClusteringEvent) -> Void)? = nil
    ) throws -> DECResult {
        var config = configuration(clusterCount: clusterCount)
        config.objective = objective
        let trainer = try DECTrainer(autoencoder: autoencoder, configuration: config)
        trainer.precision = recipe.precision
        self.trainer = trainer
        return try trainer.fit(
            prepared, labels: labels, optimizer: recipe.clusteringOptimizer.makeOptimizer(),
            pretrainedEmbedding: pretrainedEmbedding) { progress?(.clustering($0)) }
    }

    /// The trainer, or an error saying the model has no centres yet.
    func clusteredTrainer() throws -> DECTrainer {
        guard let trainer, trainer.clustering != nil else {
            throw DECError.invalidInput("the model has no cluster centres yet: run cluster(_:clusterCount:) or fit first")
        }
        return trainer
    }

    /// The cluster of each sample of `x` (data as given to training: same width, unscaled).
    /// - Throws: ``DECError/invalidInput(_:)`` for data of the wrong width or before clustering.
    public func predict(_ x: Tensor) throws -> [Int] {
        try clusteredTrainer().predict(prepare(x))
    }

    /// The soft assignments `Q` (`[N, k]`) of `x` (data as given to training).
    /// - Throws: As ``predict(_:)``.
    public func softAssignments(_ x: Tensor) throws -> Tensor {
        try clusteredTrainer().softAssignments(prepare(x))
    }

    /// The embedding (`[N, embeddingSize]`) of `x` (data as given to training).
    /// - Throws: ``DECError/invalidInput(_:)`` for data of the wrong width.
    public func embed(_ x: Tensor) throws -> Tensor {
        try autoencoder.encoder.predict(prepare(x), batchSize: recipe.batchSize)
    }
}

/// Progress reported while a ``DeepClusteringModel`` trains.
public enum DeepClusteringEvent: Sendable {
    /// An end-to-end pretraining batch or epoch ended.
    case pretraining(TrainingEvent)
    /// A batch or epoch of a layer-wise pretraining stage ended.
    case layerwisePretraining(LayerwisePretraining.Stage, TrainingEvent)
    /// A clustering-phase event.
    case clustering(DECEvent)
}

/// What ``DeepClusteringModel/fit(_:clusterCount:recipe:labels:imageShape:seed:progress:)`` returns.
public struct DeepClusteringRun {
    /// The trained model.
    public let model: DeepClusteringModel
    /// The clustering phase's assignments, k-means start and history.
    public let result: DECResult
    /// The mean reconstruction loss of each pretraining epoch.
    public let pretrainingLosses: [Float]
}

extension DeepClusteringModel {
    /// Runs `recipe` end to end on `x`: scaling, pretraining, k-means, clustering.
    /// - Parameters:
    ///   - x: `[N, d]`, or images `[N, H, W]` / `[N, H, W, C]`.
    ///   - clusterCount: k (≥ 2).
    ///   - recipe: The method; defaults to ``DECRecipe/recommended``.
    ///   - labels: Ground truth for evaluation only, or `nil`.
    ///   - imageShape: The image shape of flat `x`, or `nil` (taken from `x`'s rank).
    ///   - seed: Seeds everything random; the same seed on the same machine gives the same model.
    ///   - progress: Called with every pretraining and clustering event.
    /// - Returns: The model, the clustering result and the pretraining losses.
    /// - Throws: As ``init(recipe:trainingData:imageShape:seed:)``, ``pretrain(_:progress:)`` and
    ///   ``cluster(_:clusterCount:labels:objective:pretrainedEmbedding:progress:)``.
    public static func fit(
        _ x: Tensor, clusterCount: Int, recipe: DECRecipe = .recommended, labels: [Int]? = nil,
        imageShape: ImageShape? = nil, seed: UInt64 = 0, progress: ((DeepClusteringEvent) -> Void)? = nil
    ) throws -> DeepClusteringRun {
        let model = try DeepClusteringModel(recipe: recipe, trainingData: x, imageShape: imageShape, seed: seed)
        let prepared = try model.prepare(x, source: "training data")
        let losses = try model.pretrain(prepared, progress: progress)
        let result = try model.cluster(prepared, clusterCount: clusterCount, labels: labels, progress: progress)
        return DeepClusteringRun(model: model, result: result, pretrainingLosses: losses)
    }
}
