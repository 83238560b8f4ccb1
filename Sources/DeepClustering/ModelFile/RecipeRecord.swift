/// A ``DECRecipe`` as the `recipe` entry of a model file stores it: every setting, so that a
/// model read back has the recipe it was trained with.
struct RecipeRecord: Sendable, Equatable, Codable {
    /// ``DECRecipe/Pretraining`` in a form JSON can hold.
    enum Pretraining: Sendable, Equatable, Codable {
        case endToEnd(epochs: Int, optimizer: OptimizerChoice)
        case layerwise(LayerwisePretraining)
    }

    // DECRecipe's settings, in its order.
    var name: String
    var architecture: DECRecipe.Architecture
    var hiddenSizes: [Int], embeddingSize: Int
    var pretraining: Pretraining
    var augmentsPretraining, augmentsClustering: Bool
    var mode: DECMode, clusteringOptimizer: OptimizerChoice
    var batchSize, updateInterval, maxIterations: Int
    var tolerance: Double
    var kmeansRestarts: Int
    var scaling: FeatureScaling
    var adaptsToData: Bool
}

extension RecipeRecord {
    // In an extension, so that the struct keeps its memberwise initialiser.

    /// The record of `recipe`.
    init(_ r: DECRecipe) {
        let pre: Pretraining
        switch r.pretraining {
        case let .endToEnd(epochs, optimizer): pre = .endToEnd(epochs: epochs, optimizer: optimizer)
        case let .layerwise(configuration): pre = .layerwise(configuration)
        }
        self.init(
            name: r.name, architecture: r.architecture, hiddenSizes: r.hiddenSizes, embeddingSize: r.embeddingSize,
            pretraining: pre, augmentsPretraining: r.augmentsPretraining, augmentsClustering: r.augmentsClustering,
            mode: r.mode, clusteringOptimizer: r.clusteringOptimizer, batchSize: r.batchSize, updateInterval: r.updateInterval,
            maxIterations: r.maxIterations, tolerance: r.tolerance, kmeansRestarts: r.kmeansRestarts, scaling: r.scaling,
            adaptsToData: r.adaptsToData)
    }

    /// The recipe this record describes.
    var recipe: DECRecipe {
        let pre: DECRecipe.Pretraining
        switch pretraining {
        case let .endToEnd(epochs, optimizer): pre = .endToEnd(epochs: epochs, optimizer: optimizer)
        case let .layerwise(configuration): pre = .layerwise(configuration)
        }
        var r = DECRecipe(name: name, architecture: architecture, pretraining: pre, clusteringOptimizer: clusteringOptimizer)
        r.hiddenSizes = hiddenSizes
        r.embeddingSize = embeddingSize
        r.augmentsPretraining = augmentsPretraining
        r.augmentsClustering = augmentsClustering
        r.mode = mode
        r.batchSize = batchSize
        r.updateInterval = updateInterval
        r.maxIterations = maxIterations
        r.tolerance = tolerance
        r.kmeansRestarts = kmeansRestarts
        r.scaling = scaling
        r.adaptsToData = adaptsToData
        return r
    }
}
