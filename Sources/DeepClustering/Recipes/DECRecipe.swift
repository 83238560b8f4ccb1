/// Everything a deep-clustering method is, as one value: the autoencoder for the data's shape,
/// how it is pretrained, the clustering objective and optimizer, and the loop's schedule.
///
/// The named recipes are the published methods as their reference implementations ship them
/// (``decKeras``, ``idecKeras``, ``dcecKeras``, ``decDA``, ``idecDA``, ``convDECDA``,
/// ``convIDECDA``, ``decPaper``); ``recommended`` adapts its settings to the data (see
/// ``resolved(sampleCount:imageShape:)``). Run one end to end with
/// ``DeepClusteringModel/fit(_:clusterCount:recipe:labels:imageShape:seed:progress:)``:
///
/// ```swift
/// let run = try DeepClusteringModel.fit(x, clusterCount: 10, recipe: .recommended, labels: y)
/// print(run.result.finalMetrics!)
/// let clusters = try run.model.predict(newSamples)
/// ```
///
/// Every field can be changed before the run (`var r = DECRecipe.decDA; r.maxIterations = 4000`).
public struct DECRecipe: Sendable, Equatable, CustomStringConvertible {
    /// The autoencoder families of the DEC methods.
    public enum Architecture: String, Sendable, Hashable, Codable, CaseIterable {
        /// Fully connected: input → ``DECRecipe/hiddenSizes`` → ``DECRecipe/embeddingSize`` and
        /// the mirror image (DEC, IDEC: 500-500-2000-10).
        case dense
        /// DCEC's convolutional autoencoder (``Autoencoder/convolutional(inputShape:filters:embeddingSize:using:)``).
        case convolutional = "conv"
        /// The same with UpSampling2D in the decoder.
        case convolutionalUpsampling = "conv-upsampling"

        /// Whether the architecture takes `[N, H, W, C]` images.
        public var needsImages: Bool { self != .dense }
    }

    /// How the autoencoder is pretrained.
    public enum Pretraining: Sendable, Equatable {
        /// The whole autoencoder trained on mean squared error for `epochs` passes (DEC-keras).
        case endToEnd(epochs: Int, optimizer: OptimizerChoice)
        /// The DEC paper's greedy layer-wise denoising pretraining, then fine-tuning (dense only).
        case layerwise(LayerwisePretraining)
    }

    /// The recipe's name as the `dec` command takes it (`dec-keras`, `recommended`, …).
    public var name: String
    /// The autoencoder family.
    public var architecture: Architecture
    /// The hidden layer widths of the dense encoder (the decoder mirrors them).
    public var hiddenSizes: [Int] = [500, 500, 2000]
    /// The width of the embedding.
    public var embeddingSize: Int = 10
    /// How the autoencoder is pretrained.
    public var pretraining: Pretraining
    /// Whether pretraining batches are randomly shifted and rotated (DEC-DA).
    public var augmentsPretraining: Bool = false
    /// Whether clustering batches are randomly shifted and rotated (DEC-DA); the target
    /// distribution comes from the clean data.
    public var augmentsClustering: Bool = false
    /// DEC or IDEC.
    public var mode: DECMode = .dec
    /// The optimizer of the clustering phase.
    public var clusteringOptimizer: OptimizerChoice
    /// Samples per batch in pretraining and clustering.
    public var batchSize: Int = 256
    /// Batches between recomputations of the target distribution.
    public var updateInterval: Int = 140
    /// The most clustering iterations (batches).
    public var maxIterations: Int = 8000
    /// Clustering stops when fewer than this fraction of samples change cluster between updates.
    public var tolerance: Double = 0.001
    /// k-means restarts for the initial centres.
    public var kmeansRestarts: Int = 20
    /// How features are scaled before training (stored with the model, applied again at prediction).
    public var scaling: FeatureScaling = .automatic
    /// Whether ``resolved(sampleCount:imageShape:)`` sets the architecture, augmentation, batch
    /// size, pretraining length, update interval and iteration budget from the data (only
    /// ``recommended`` does).
    public var adaptsToData: Bool = false
    /// The operand precision of pretraining's and clustering's GEMMs; ``GEMMPrecision/float32``
    /// by default (``GEMMPrecision/bfloat16``: bf16 operands with FP32 accumulation, weights,
    /// optimizer state and losses; refused on CPUs without bf16 instructions).
    public var precision: GEMMPrecision = .float32

    /// Creates a recipe; unnamed settings take the values of DEC-keras on MNIST.
    public init(name: String, architecture: Architecture, pretraining: Pretraining, clusteringOptimizer: OptimizerChoice) {
        self.name = name
        self.architecture = architecture
        self.pretraining = pretraining
        self.clusteringOptimizer = clusteringOptimizer
    }

    /// One line naming every setting.
    public var description: String {
        let pre: String
        switch pretraining {
        case let .endToEnd(epochs, optimizer): pre = "\(epochs) epochs \(optimizer)"
        case let .layerwise(c): pre = "layerwise \(c.layerLength) per layer, fine-tuning \(c.fineTuningLength)"
        }
        let augmented = [augmentsPretraining ? "pretraining" : nil, augmentsClustering ? "clustering" : nil].compactMap { $0 }
        let aug = augmented.isEmpty ? "" : " augmented(\(augmented.joined(separator: "+")))"
        let modeText: String
        switch mode {
        case .dec: modeText = "dec"
        case let .idec(g): modeText = "idec(γ \(g))"
        }
        return "\(name): \(architecture.rawValue)\(architecture == .dense ? " \(hiddenSizes.map(String.init).joined(separator: "-"))-\(embeddingSize)" : ""), "
            + "pretraining \(pre)\(aug), \(modeText) with \(clusteringOptimizer), batch \(batchSize), "
            + "update interval \(updateInterval), at most \(maxIterations) iterations, tolerance \(tolerance), scaling \(scaling.rawValue)"
            + (precision == .float32 ? "" : ", precision \(precision.rawValue)")
    }

    /// Checks every value, throwing ``DECError/invalidConfiguration(_:)`` naming the first bad one.
    public func validate() throws {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw DECError.invalidConfiguration("recipe \(name): " + message()) }
        }
        try check(!hiddenSizes.isEmpty && hiddenSizes.allSatisfy { $0 > 0 }, "hidden sizes must be positive, found \(hiddenSizes)")
        try check(embeddingSize > 0, "the embedding size must be positive, found \(embeddingSize)")
        try check(batchSize > 0, "the batch size must be positive, found \(batchSize)")
        try check(updateInterval > 0, "the update interval must be positive, found \(updateInterval)")
        try check(maxIterations >= 0, "the iteration budget must be ≥ 0, found \(maxIterations)")
        try check(tolerance >= 0 && tolerance.isFinite, "the tolerance must be ≥ 0, found \(tolerance)")
        try check(kmeansRestarts >= 1, "k-means needs at least one restart, found \(kmeansRestarts)")
        switch pretraining {
        case let .endToEnd(epochs, _):
            try check(epochs >= 0, "pretraining epochs must be ≥ 0, found \(epochs)")
        case let .layerwise(c):
            try check(architecture == .dense, "layer-wise pretraining needs the dense architecture, found \(architecture.rawValue)")
            try check(!augmentsPretraining, "layer-wise pretraining does not augment")
            try c.validate()
        }
    }
}

// MARK: - The reference implementations

extension DECRecipe {
    /// DEC as the reference Keras implementation (DEC-keras) ships it for MNIST: dense
    /// 500-500-2000-10, 300 pretraining epochs with SGD(lr 1, momentum 0.9), DEC with
    /// SGD(lr 0.01, momentum 0.9), batch 256, update interval 140, 8,000 iterations, tolerance
    /// 0.1%, k-means with 20 restarts; the features as they are.
    public static let decKeras: DECRecipe = {
        var r = DECRecipe(name: "dec-keras", architecture: .dense,
                          pretraining: .endToEnd(epochs: 300, optimizer: .sgd(learningRate: 1, momentum: 0.9)),
                          clusteringOptimizer: .sgd(learningRate: 0.01, momentum: 0.9))
        r.scaling = .none
        return r
    }()

    /// IDEC as its reference Keras implementation ships it: DEC-keras's pretraining, then
    /// `0.1·KL(P‖Q) + MSE` with Adam(lr 0.001).
    public static let idecKeras: DECRecipe = {
        var r = decKeras
        r.name = "idec-keras"
        r.mode = .idecDefault
        r.clusteringOptimizer = .adam(learningRate: 0.001)
        return r
    }()

    /// DCEC as its reference Keras implementation ships it: the convolutional autoencoder
    /// (Conv 32/64/128, embedding 10), 100 pretraining epochs with Adadelta(lr 1), then IDEC's
    /// objective (γ 0.1) with Adam(lr 0.001), update interval 140.
    public static let dcecKeras: DECRecipe = {
        var r = DECRecipe(name: "dcec-keras", architecture: .convolutional,
                          pretraining: .endToEnd(epochs: 100, optimizer: .adadelta(learningRate: 1)),
                          clusteringOptimizer: .adam(learningRate: 0.001))
        r.mode = .idecDefault
        r.scaling = .none
        return r
    }()

    /// FcDEC-DA as the DEC-DA reference implementation (Guo et al. 2018) ships it: DEC-keras's
    /// network and optimizers, 500 pretraining epochs and the clustering phase on randomly
    /// shifted (±10%) and rotated (±10°) images, 20,000 iterations.
    public static let decDA: DECRecipe = {
        var r = DECRecipe(name: "dec-da", architecture: .dense,
                          pretraining: .endToEnd(epochs: 500, optimizer: .sgd(learningRate: 1, momentum: 0.9)),
                          clusteringOptimizer: .sgd(learningRate: 0.01, momentum: 0.9))
        r.augmentsPretraining = true
        r.augmentsClustering = true
        r.maxIterations = 20_000
        return r
    }()

    /// FcIDEC-DA as DEC-DA ships it: ``decDA`` with IDEC's objective (γ 0.1) and SGD(lr 1,
    /// momentum 0.9) in the clustering phase.
    public static let idecDA: DECRecipe = {
        var r = decDA
        r.name = "idec-da"
        r.mode = .idecDefault
        r.clusteringOptimizer = .sgd(learningRate: 1, momentum: 0.9)
        return r
    }()

    /// ConvDEC-DA as DEC-DA ships it: the convolutional autoencoder pretrained 500 augmented
    /// epochs with Adam(lr 0.001), DEC with Adam(lr 0.001) on augmented batches, 20,000 iterations.
    public static let convDECDA: DECRecipe = {
        var r = DECRecipe(name: "conv-dec-da", architecture: .convolutional,
                          pretraining: .endToEnd(epochs: 500, optimizer: .adam(learningRate: 0.001)),
                          clusteringOptimizer: .adam(learningRate: 0.001))
        r.augmentsPretraining = true
        r.augmentsClustering = true
        r.maxIterations = 20_000
        return r
    }()

    /// ConvIDEC-DA as DEC-DA ships it: ``convDECDA`` with IDEC's objective (γ 0.1).
    public static let convIDECDA: DECRecipe = {
        var r = convDECDA
        r.name = "conv-idec-da"
        r.mode = .idecDefault
        return r
    }()

    /// The DEC paper's own schedule (Xie et al. 2016): layer-wise denoising pretraining
    /// (``LayerwisePretraining/paper``), then DEC with SGD(lr 0.01, momentum 0.9) as DEC-keras.
    public static let decPaper: DECRecipe = {
        var r = DECRecipe(name: "dec-paper", architecture: .dense, pretraining: .layerwise(.paper),
                          clusteringOptimizer: .sgd(learningRate: 0.01, momentum: 0.9))
        r.scaling = .none
        return r
    }()

    /// The library's best measured recipe, resolved from the data by
    /// ``resolved(sampleCount:imageShape:)``: for images dense DEC-DA (augmented pretraining
    /// with SGD(lr 1, momentum 0.9) and augmented DEC with SGD(lr 0.01, momentum 0.9)); for
    /// other data dense DEC on standardised features, pretrained with Adam(lr 0.001)
    /// (``tabularPretrainingOptimizer``); IDEC instead of DEC below 4,096 samples; batch size, pretraining length, update
    /// interval and iteration budget from the sample count (``SizeRule``).
    public static let recommended: DECRecipe = {
        var r = DECRecipe(name: "recommended", architecture: .dense,
                          pretraining: .endToEnd(epochs: 0, optimizer: .sgd(learningRate: 1, momentum: 0.9)),
                          clusteringOptimizer: .sgd(learningRate: 0.01, momentum: 0.9))
        r.adaptsToData = true
        return r
    }()

    /// Every named recipe, ``recommended`` first.
    public static let all: [DECRecipe] = [
        .recommended, .decKeras, .idecKeras, .dcecKeras, .decDA, .idecDA, .convDECDA, .convIDECDA, .decPaper,
    ]

    /// The named recipe called `name` (as ``name``), or `nil`.
    public static func named(_ name: String) -> DECRecipe? {
        all.first { $0.name == name.lowercased() }
    }
}
