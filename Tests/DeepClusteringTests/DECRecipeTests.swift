import DeepClustering
import Testing
import _TestSupport

@Suite struct DECRecipeTests {
    @Test func referenceRecipesAreTheShippedSettings() throws {
        let r = DECRecipe.decKeras
        #expect(r.architecture == .dense && r.hiddenSizes == [500, 500, 2000] && r.embeddingSize == 10)
        #expect(r.pretraining == .endToEnd(epochs: 300, optimizer: .sgd(learningRate: 1, momentum: 0.9)))
        #expect(r.clusteringOptimizer == .sgd(learningRate: 0.01, momentum: 0.9))
        #expect(r.batchSize == 256 && r.updateInterval == 140 && r.maxIterations == 8000 && r.tolerance == 0.001)
        #expect(r.kmeansRestarts == 20 && r.scaling == .none && !r.augmentsPretraining && !r.augmentsClustering)
        #expect(DECRecipe.dcecKeras.pretraining == .endToEnd(epochs: 100, optimizer: .adadelta(learningRate: 1)))
        #expect(DECRecipe.idecDA.clusteringOptimizer == .sgd(learningRate: 1, momentum: 0.9))
        #expect(DECRecipe.convDECDA.maxIterations == 20_000 && DECRecipe.convDECDA.augmentsClustering)
        // Named recipes resolve to themselves.
        #expect(try DECRecipe.decKeras.resolved(sampleCount: 1000, imageShape: nil) == .decKeras)
        for recipe in DECRecipe.all { #expect(DECRecipe.named(recipe.name) == recipe) }
        #expect(DECRecipe.named("no-such-recipe") == nil)
    }

    @Test func recommendedScalesWithTheSampleCount() throws {
        let image = try ImageShape(height: 28, width: 28)
        let large = try DECRecipe.recommended.resolved(sampleCount: 70_000, imageShape: image)
        #expect(large.batchSize == 256 && large.updateInterval == 140)
        #expect(large.pretraining == .endToEnd(epochs: 50, optimizer: .sgd(learningRate: 1, momentum: 0.9)))
        #expect(large.maxIterations == 8_000)
        #expect(large.augmentsPretraining && large.augmentsClustering && !large.adaptsToData)
        let test = try DECRecipe.recommended.resolved(sampleCount: 10_000, imageShape: image)
        #expect(test.batchSize == 256 && test.updateInterval == 140 && test.maxIterations == 5_000)
        #expect(test.pretraining == .endToEnd(epochs: 250, optimizer: .sgd(learningRate: 1, momentum: 0.9)))
        let digits = try DECRecipe.recommended.resolved(sampleCount: 1_797, imageShape: try ImageShape(height: 8, width: 8))
        #expect(digits.batchSize == 128 && digits.updateInterval == 53 && digits.maxIterations == 2_000)
        #expect(digits.pretraining == .endToEnd(epochs: 667, optimizer: .sgd(learningRate: 1, momentum: 0.9)))
        let wine = try DECRecipe.recommended.resolved(sampleCount: 178, imageShape: nil)
        #expect(wine.batchSize == 16 && wine.updateInterval == 42 && wine.maxIterations == 2_000)
        #expect(wine.pretraining == .endToEnd(epochs: 833, optimizer: .adam(learningRate: 0.001)))
        #expect(!wine.augmentsPretraining && !wine.augmentsClustering && wine.scaling == .automatic)
        // Below 4,096 samples the clustering phase keeps the reconstruction loss (IDEC).
        #expect(digits.mode == .idecDefault && wine.mode == .idecDefault && digits.clusteringOptimizer == .adam(learningRate: 0.001))
        #expect(test.mode == .dec && large.mode == .dec && test.clusteringOptimizer == .sgd(learningRate: 0.01, momentum: 0.9))
    }

    @Test func recipesThatNeedImagesRefuseTabularData() {
        for recipe in [DECRecipe.decDA, .dcecKeras, .convDECDA] {
            #expect(throws: DECError.self) { try recipe.resolved(sampleCount: 500, imageShape: nil) }
        }
        var bad = DECRecipe.decKeras
        bad.updateInterval = 0
        #expect(throws: DECError.self) { try bad.resolved(sampleCount: 500, imageShape: nil) }
    }

    @Test func recommendedRunsEndToEndOnGeneratedImages() throws {
        // Three classes of 8x8 images at a jittered position, with noise: a horizontal band three
        // rows high, a vertical band three columns wide, and a hollow 6x5 ring. k-means on the
        // pixels separates them; 8-bit values so that automatic scaling maps them into [0, 1].
        var rng = SeededGenerator(seed: 11)
        var pixels: [Float] = [], labels: [Int] = []
        for i in 0..<240 {
            let c = i % 3
            var img = [Float](repeating: 0, count: 64)
            let o = Int.random(in: 2...3, using: &rng)
            for r in 0..<8 {
                for col in 0..<8 {
                    let on: Bool
                    switch c {
                    case 0: on = (o..<o + 3).contains(r)
                    case 1: on = (o..<o + 3).contains(col)
                    default:
                        on = ((r == o - 1 || r == o + 3) && (1...6).contains(col))
                            || ((col == 1 || col == 6) && (o - 1...o + 3).contains(r))
                    }
                    if on { img[r * 8 + col] = 255 }
                }
            }
            for p in 0..<64 { img[p] = min(255, img[p] + Float(Int.random(in: 0...30, using: &rng))) }
            pixels += img
            labels.append(c)
        }
        let x = try Tensor(shape: [240, 64], scalars: pixels)
        let shape = try ImageShape(height: 8, width: 8)
        // A short run: the size rule's lengths are overridden after resolution.
        let model = try DeepClusteringModel(recipe: smallRecommended(embeddingSize: 4), trainingData: x, imageShape: shape, seed: 1)
        #expect(model.recipe.augmentsPretraining && model.recipe.batchSize == 16)
        #expect(model.scaler.kind == .global)
        let run = try DeepClusteringModel.fit(x, clusterCount: 3, recipe: shortened(model.recipe), labels: labels, imageShape: shape, seed: 1)
        let acc = try #require(run.result.finalMetrics).accuracy
        #expect(acc > 0.95, "ACC \(acc) on three image classes that k-means on the pixels separates")
        // predict takes raw (unscaled) data and agrees with the training assignments.
        #expect(try run.model.predict(x) == run.result.assignments)
        #expect(try run.model.embed(x).shape == [240, 4])
        #expect(throws: DECError.self) { try run.model.predict(Tensor(zeros: [2, 63])) }
    }

    @Test func recommendedRunsEndToEndOnTabularDataOfMixedScales() throws {
        // Three Gaussian blobs in five features, plus a sixth feature of pure noise a thousand
        // times larger: unscaled, the noise would dominate every distance; standardised, the
        // blob centres differ by 4 (in units of the blobs' spread) in two or more features.
        var rng = SeededGenerator(seed: 5)
        var values: [Float] = [], labels: [Int] = []
        for i in 0..<240 {
            let c = i % 3
            for j in 0..<5 { values.append(Float(j % 3 == c ? 4 : 0) + rng.nextStandardNormal()) }
            values.append(1000 * rng.nextStandardNormal())
            labels.append(c)
        }
        let x = try Tensor(shape: [240, 6], scalars: values)
        let model = try DeepClusteringModel(recipe: smallRecommended(embeddingSize: 3), trainingData: x, seed: 2)
        #expect(model.imageShape == nil && model.scaler.kind == .perFeature && model.scaler.scaling == .standard)
        #expect(model.recipe.pretraining == .endToEnd(epochs: 667, optimizer: DECRecipe.tabularPretrainingOptimizer))
        #expect(!model.recipe.augmentsPretraining && !model.recipe.augmentsClustering)
        let run = try DeepClusteringModel.fit(x, clusterCount: 3, recipe: shortened(model.recipe), labels: labels, seed: 2)
        let acc = try #require(run.result.finalMetrics).accuracy
        #expect(acc > 0.95, "ACC \(acc) on three well-separated blobs")
        #expect(try run.model.predict(x) == run.result.assignments)
    }

    /// ``DECRecipe/recommended`` with a 32-32 encoder and four k-means restarts, for small data.
    func smallRecommended(embeddingSize: Int) -> DECRecipe {
        var r = DECRecipe.recommended
        r.hiddenSizes = [32, 32]
        r.embeddingSize = embeddingSize
        r.kmeansRestarts = 4
        return r
    }

    /// `r` with 30 pretraining epochs (same optimizer) and 300 clustering iterations.
    func shortened(_ r: DECRecipe) -> DECRecipe {
        var s = r
        if case let .endToEnd(_, optimizer) = r.pretraining { s.pretraining = .endToEnd(epochs: 30, optimizer: optimizer) }
        s.maxIterations = 300
        return s
    }
}
