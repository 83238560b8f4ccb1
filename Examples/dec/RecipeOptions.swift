// The `--recipe` option of `dec` and the options that override a recipe's settings.

import ArgumentParser
import DeepClustering
import ExampleSupport

extension DECRecipe.Architecture: ExpressibleByArgument {}

/// DEC or IDEC.
enum Mode: String, ExpressibleByArgument, CaseIterable {
    case dec, idec
}

/// `--recipe`, and every option that replaces one of its settings.
struct RecipeOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Method: \(DECRecipe.all.map(\.name).joined(separator: "|")).",
        discussion: """
            recommended (the default) adapts to the data: dense DEC-DA (augmented) for images, dense DEC on \
            standardised features otherwise, with batch size, pretraining epochs, update interval and \
            iteration budget from the sample count. dec-keras, idec-keras and dcec-keras are the reference \
            Keras implementations as they ship; dec-da, idec-da, conv-dec-da and conv-idec-da DEC-DA's; \
            dec-paper the DEC paper's layer-wise pretraining. The options below replace single settings.
            """))
    var recipe: String = DECRecipe.recommended.name

    @Option(help: "Autoencoder: \(DECRecipe.Architecture.allCases.map(\.rawValue).joined(separator: "|")) (default: the recipe's).")
    var arch: DECRecipe.Architecture?

    @Option(help: "Clustering objective: dec|idec (default: the recipe's).")
    var mode: Mode?

    @Option(help: "Feature scaling: \(FeatureScaling.allCases.map(\.rawValue).joined(separator: "|")) (default: the recipe's; auto keeps data in [0, 1], divides 8-bit images by 255, standardises tabular features).")
    var scale: FeatureScaling?

    @Option(help: "Pretraining epochs (default: the recipe's).")
    var pretrainEpochs: Int?

    @Option(help: "Batch size for pretraining and clustering (default: the recipe's).")
    var batchSize: Int?

    @Option(help: "Most clustering iterations (batches) (default: the recipe's).")
    var maxIterations: Int?

    @Option(help: "Recompute the target distribution every this many iterations (default: the recipe's).")
    var updateInterval: Int?

    @Option(help: "Stop when fewer than this fraction of labels change between updates (default: the recipe's).")
    var tol: Double?

    @Option(help: "IDEC weight of the clustering loss (γ · KLD + MSE); default 0.1.")
    var gamma: Float?

    @Flag(inversion: .prefixedNo, help: "Augment images with random shifts (±10%) and rotations (±10°) in pretraining and clustering (DEC-DA) (default: the recipe's).")
    var augment: Bool?

    @OptionGroup var precisionOptions: PrecisionOptions

    func validate() throws {
        guard DECRecipe.named(recipe) != nil else {
            throw ValidationError("--recipe must be one of \(DECRecipe.all.map(\.name).joined(separator: ", ")), found '\(recipe)'")
        }
        if let b = batchSize, b <= 0 { throw ValidationError("--batch-size must be positive, found \(b)") }
        if let m = maxIterations, m < 0 { throw ValidationError("--max-iterations must be ≥ 0, found \(m)") }
        if let u = updateInterval, u <= 0 { throw ValidationError("--update-interval must be positive, found \(u)") }
        if let t = tol, !(t >= 0 && t.isFinite) { throw ValidationError("--tol must be ≥ 0, found \(t)") }
        if let g = gamma, !(g >= 0 && g.isFinite) { throw ValidationError("--gamma must be ≥ 0, found \(g)") }
        if let e = pretrainEpochs, e < 0 { throw ValidationError("--pretrain-epochs must be ≥ 0, found \(e)") }
    }

    /// The named recipe resolved for the data, with the options given on the command line in
    /// place of its settings.
    ///
    /// Changing the architecture or the mode also changes the optimizers the way DEC-keras
    /// pairs them (unless `--pretrain-optimizer` names one): the clustering phase uses SGD(lr
    /// 0.01, momentum 0.9) for dense DEC and Adam(lr 0.001) otherwise; a convolutional model
    /// pretrains with Adadelta(lr 1) for 100 epochs in the reference recipes (DCEC) and with
    /// Adam(lr 0.001) in the others (DEC-DA).
    func resolve(sampleCount: Int, imageShape: ImageShape?, pretraining: PretrainingOptions) throws -> DECRecipe {
        let named = DECRecipe.named(recipe)!
        var r = try named.resolved(sampleCount: sampleCount, imageShape: imageShape)
        let isReference = [DECRecipe.decKeras, .idecKeras, .dcecKeras, .decPaper].contains { $0.name == named.name }
        if let arch, arch != r.architecture {
            r.architecture = arch
            if case let .endToEnd(epochs, _) = r.pretraining, arch.needsImages {
                r.pretraining = isReference
                    ? .endToEnd(epochs: 100, optimizer: .adadelta(learningRate: 1))
                    : .endToEnd(epochs: epochs, optimizer: .adam(learningRate: 0.001))
            }
        }
        if let mode {
            let gamma = gamma ?? r.mode.idecWeight ?? 0.1
            r.mode = mode == .dec ? .dec : .idec(clusteringWeight: gamma)
        } else if let gamma, case .idec = r.mode {
            r.mode = .idec(clusteringWeight: gamma)
        }
        if arch != nil || mode != nil {
            r.clusteringOptimizer = r.architecture == .dense && r.mode == .dec
                ? .sgd(learningRate: 0.01, momentum: 0.9) : .adam(learningRate: 0.001)
        }
        if let scale { r.scaling = scale }
        if let batchSize { r.batchSize = batchSize }
        if let maxIterations { r.maxIterations = maxIterations }
        if let updateInterval { r.updateInterval = updateInterval }
        if let tol { r.tolerance = tol }
        r.precision = precisionOptions.precision.precision
        if let augment {
            r.augmentsPretraining = augment
            r.augmentsClustering = augment
        }
        if pretraining.pretraining == .layerwise {
            var config = LayerwisePretraining.paper
            if let e = pretraining.layerwiseEpochs { config.layerLength = .epochs(e) }
            if let e = pretraining.fineTuneEpochs { config.fineTuningLength = .epochs(e) }
            if let e = pretraining.layerwiseDecayEpochs { config.learningRateDecayInterval = .epochs(e) }
            if let lr = pretraining.pretrainLearningRate { config.learningRate = lr }
            if augment == true { throw ExampleError("--pretraining layerwise does not support --augment") }
            if pretrainEpochs != nil {
                throw ExampleError("--pretrain-epochs is for end-to-end pretraining; use --layerwise-epochs and --fine-tune-epochs")
            }
            r.pretraining = .layerwise(config)
            r.augmentsPretraining = false
        } else {
            if case let .endToEnd(epochs, optimizer) = r.pretraining {
                var o = pretraining.pretrainOptimizer?.choice ?? optimizer
                if let lr = pretraining.pretrainLearningRate { o = o.withLearningRate(lr) }
                r.pretraining = .endToEnd(epochs: pretrainEpochs ?? epochs, optimizer: o)
            } else if let e = pretrainEpochs {
                r.pretraining = .endToEnd(epochs: e, optimizer: pretraining.pretrainOptimizer?.choice ?? .sgd(learningRate: 1, momentum: 0.9))
            }
        }
        if case .layerwise = r.pretraining, r.architecture != .dense {
            throw ExampleError("--pretraining layerwise needs --arch dense, found \(r.architecture.rawValue)")
        }
        // DeepClusteringModel checks the overridden values again against the data.
        return r
    }
}

extension DECMode {
    /// γ for IDEC, `nil` for DEC.
    var idecWeight: Float? {
        if case let .idec(w) = self { return w }
        return nil
    }
}
