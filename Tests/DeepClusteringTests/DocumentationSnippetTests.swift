import DeepClustering
import Foundation
import Testing

// Every code snippet of the DocC articles (Sources/DeepClustering/DeepClustering.docc), compiled
// and run here on tiny generated data so the articles cannot drift from the API. Each test
// names its article; the code between `// ---` markers is the article's snippet, changed only
// in sizes (tiny images, layer widths, epochs and iterations) and in where the data come from.

// MARK: - Tiny data

/// Writes a Fashion-MNIST-shaped directory of four IDX files holding `perClass` noisy copies of
/// three 12×12 prototype images per split, and returns its path.
func writeTinyImageDataset(perClass: Int = 12, seed: UInt64 = 11) throws -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("dc-doc-snippets-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var rng = SeededGenerator(seed: seed)
    // Prototypes: a horizontal bar, a vertical bar, a filled square.
    func prototype(_ c: Int, _ r: Int, _ q: Int) -> Float {
        switch c {
        case 0: return (5...6).contains(r) ? 230 : 10
        case 1: return (5...6).contains(q) ? 230 : 10
        default: return (3...8).contains(r) && (3...8).contains(q) ? 230 : 10
        }
    }
    for split in ["train", "t10k"] {
        var pixels: [Float] = [], labels: [Int] = []
        for i in 0..<(3 * perClass) {
            let c = i % 3
            for r in 0..<12 {
                for q in 0..<12 {
                    pixels.append((prototype(c, r, q) + Float.random(in: 0...20, using: &rng)).rounded())
                }
            }
            labels.append(c)
        }
        let images = try Tensor(shape: [3 * perClass, 12, 12], scalars: pixels)
        try IDXArray(images, elementType: .uint8).write(to: "\(directory)/\(split)-images-idx3-ubyte")
        try IDXArray(labels: labels).write(to: "\(directory)/\(split)-labels-idx1-ubyte.gz")
    }
    return directory
}

/// A temporary file path with the given extension.
func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("dc-doc-\(UUID().uuidString)-\(name)").path
}

// MARK: - Writing a Custom Layer (the article's layer and gradient check)

/// `y = x ⊙ s`: multiplies every feature by a trainable scale, one per feature.
final class FeatureScale: Layer {
    var name: String
    let scale: Parameter
    var parameters: [Parameter] { [scale] }

    private var cachedInput: Tensor?
    private var output = Tensor(zeros: [0])         // workspaces, reused batch after batch
    private var inputGradient = Tensor(zeros: [0])

    init(featureCount: Int, name: String = "feature_scale") {
        self.name = name
        scale = Parameter(name: "scale", value: Tensor(shape: [featureCount], repeating: 1))
    }

    func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == scale.count else {
            throw LayerError.invalidInputShape(layer: name, expected: "[batch, \(scale.count)]", found: inputShape)
        }
        return inputShape
    }

    func forward(_ input: Tensor) throws -> Tensor {
        let y = try inference(input)
        cachedInput = input                                  // by reference: no copy
        return y
    }

    func inference(_ input: Tensor) throws -> Tensor {
        let shape = try outputShape(forInputShape: input.shape)
        output.prepareForOverwrite(shape: shape)             // no allocation after the first batch
        let d = scale.count
        input.withUnsafeBufferPointer { x in
            scale.value.withUnsafeBufferPointer { s in
                output.withUnsafeMutableBufferPointer { y in
                    for i in 0..<x.count { y[i] = x[i] * s[i % d] }
                }
            }
        }
        return output
    }

    func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        guard let x = cachedInput, outputGradient.shape == x.shape else {
            throw LayerError.invalidBackward(layer: name, message: "needs a forward pass and a gradient of the output's shape")
        }
        let d = scale.count
        outputGradient.withUnsafeBufferPointer { dy in
            x.withUnsafeBufferPointer { x in
                scale.accumulateGradient { ds, overwrite in      // ds += Σ_batch dy ⊙ x
                    if overwrite { ds.update(repeating: 0, count: d) }
                    for i in 0..<dy.count { ds[i % d] += dy[i] * x[i] }
                }
            }
        }
        guard computingInputGradient else { return Tensor(zeros: [0]) }
        inputGradient.prepareForOverwrite(shape: x.shape)
        outputGradient.withUnsafeBufferPointer { dy in
            scale.value.withUnsafeBufferPointer { s in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<dy.count { dx[i] = dy[i] * s[i % d] }   // dx = dy ⊙ s
                }
            }
        }
        return inputGradient
    }

    func clearCache() {
        cachedInput = nil
        output = Tensor(zeros: [0])
        inputGradient = Tensor(zeros: [0])
    }
}

/// The largest relative difference between `layer`'s analytic gradients and central
/// differences of `L(x) = Σ forward(x) ⊙ R` for a fixed random `R`.
func gradientCheck(_ layer: any Layer, input: Tensor, epsilon: Float = 1e-2) throws -> Float {
    var rng = SeededGenerator(seed: 7)
    let r = Tensor(randomNormal: try layer.outputShape(forInputShape: input.shape), using: &rng)
    func loss(_ x: Tensor) throws -> Double {
        try zip(layer.forward(x).scalars, r.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    var worst: Float = 0
    func compare(_ analytic: Float, _ plus: Double, _ minus: Double) {
        let numeric = Float((plus - minus) / (2 * Double(epsilon)))
        worst = max(worst, abs(analytic - numeric) / max(1, abs(analytic), abs(numeric)))
    }
    layer.zeroGradients()
    _ = try layer.forward(input)
    let dx = try layer.backward(r).scalars        // ∂L/∂output = R; parameter gradients accumulate
    for i in 0..<input.count {
        var plus = input, minus = input
        plus.withUnsafeMutableBufferPointer { $0[i] += epsilon }
        minus.withUnsafeMutableBufferPointer { $0[i] -= epsilon }
        compare(dx[i], try loss(plus), try loss(minus))
    }
    for p in layer.parameters {
        let analytic = p.gradient.scalars
        for i in 0..<p.count {
            let original = p.value.scalars[i]
            p.value.withUnsafeMutableBufferPointer { $0[i] = original + epsilon }
            let plus = try loss(input)
            p.value.withUnsafeMutableBufferPointer { $0[i] = original - epsilon }
            let minus = try loss(input)
            p.value.withUnsafeMutableBufferPointer { $0[i] = original }
            compare(analytic[i], plus, minus)
        }
    }
    return worst
}

/// A deliberately wrong layer (its input gradient is doubled), to show the check can fail.
final class DoubledInputGradient: Layer {
    var name = "doubled"
    let wrapped: any Layer
    init(_ wrapped: any Layer) { self.wrapped = wrapped }
    var parameters: [Parameter] { wrapped.parameters }
    func outputShape(forInputShape inputShape: [Int]) throws -> [Int] { try wrapped.outputShape(forInputShape: inputShape) }
    func forward(_ input: Tensor) throws -> Tensor { try wrapped.forward(input) }
    func backward(_ outputGradient: Tensor, computingInputGradient: Bool) throws -> Tensor {
        try wrapped.backward(outputGradient, computingInputGradient: computingInputGradient) * 2
    }
    func clearCache() { wrapped.clearCache() }
}

// MARK: - Snippets

@Suite struct DocumentationSnippetTests {
    /// GettingStarted.md: the first DEC run (Fashion-MNIST replaced by a tiny IDX directory).
    @Test func gettingStartedFirstRun() throws {
        let directory = try writeTinyImageDataset()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = temporaryPath("dec.safetensors")
        defer { try? FileManager.default.removeItem(atPath: checkpoint) }
        // --- GettingStarted: first run
        let data = try IDXDataset.fashionMNIST(directory: directory)     // x: [n, 144] in [0, 1]
        var rng = SeededGenerator(seed: 0)
        let autoencoder = try Autoencoder.dense([144, 32, 32, 64, 3], using: &rng)
        try autoencoder.pretrain(on: data.x, epochs: 30, batchSize: 16,
                                 optimizer: try SGD(learningRate: 0.1, momentum: 0.9))
        let dec = try DECTrainer(autoencoder: autoencoder, configuration: DECConfiguration(clusterCount: 3))
        let result = try dec.fit(data.x, labels: data.labels,
                                 optimizer: try SGD(learningRate: 0.01, momentum: 0.9))
        print(result.finalMetrics!)                                  // accuracy, nmi, ari
        try dec.save(to: checkpoint)
        // ---
        #expect(data.x.shape == [72, 144] && data.labels?.count == 72)
        #expect(result.assignments.count == 72)
        #expect(result.history.first?.iteration == 0)
        #expect(result.finalMetrics!.accuracy > 0.9)       // three well-separated prototypes
        // The checkpoint restores the same clustering into a fresh trainer.
        var rng2 = SeededGenerator(seed: 99)
        let fresh = try DECTrainer(
            autoencoder: try Autoencoder.dense([144, 32, 32, 64, 3], using: &rng2),
            configuration: DECConfiguration(clusterCount: 3))
        try fresh.load(from: checkpoint)
        #expect(try fresh.predict(data.x) == dec.predict(data.x))

        // The progress closure (GettingStarted: "Watch progress"), on the same objects.
        var updates: [Int] = []
        do {
            // --- GettingStarted: progress
            let result = try dec.fit(data.x, labels: data.labels, optimizer: try SGD(learningRate: 0.01, momentum: 0.9)) { event in
                if case let .updated(u) = event {
                    print("iter=\(u.iteration) loss=\(u.loss) delta_label=\(u.deltaLabel) acc=\(u.accuracy ?? .nan)")
                    updates.append(u.iteration)   // (test only)
                }
            }
            // ---
            #expect(updates == result.history.map(\.iteration))
        }
        #expect(!updates.isEmpty)
    }

    /// The landing pages of the four catalogs (DeepClustering, DeepClusteringData,
    /// DeepClusteringNN; DeepClusteringCore's has no code).
    @Test func landingPages() throws {
        let directory = try writeTinyImageDataset(perClass: 4)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // --- DeepClusteringData.md
        let mnist = try IDXDataset.mnist(directory: directory)                      // x: [24, 144] in [0, 1]
        let fashion = try IDXDataset.fashionMNIST(directory: directory, layout: .images)  // x: [24, 12, 12, 1]
        // ---
        #expect(mnist.x.shape == [24, 144] && fashion.x.shape == [24, 12, 12, 1])
        #expect(mnist.x.max()! <= 1 && mnist.x.min()! >= 0 && mnist.x.max()! > 0.5)
        #expect(mnist.labels == fashion.labels)
        let x = mnist.x

        // --- DeepClusteringNN.md
        var rng = SeededGenerator(seed: 42)
        let autoencoder = try Autoencoder.dense([144, 16, 16, 32, 3], using: &rng)
        try autoencoder.pretrain(on: x, epochs: 3, batchSize: 8,
                                 optimizer: try SGD(learningRate: 0.1, momentum: 0.9))
        // ---

        // --- DeepClustering.md
        let data = try IDXDataset.fashionMNIST(directory: directory)
        var rng2 = SeededGenerator(seed: 0)
        let autoencoder2 = try Autoencoder.dense([144, 16, 16, 32, 3], using: &rng2)
        try autoencoder2.pretrain(on: data.x, epochs: 3, batchSize: 8,
                                  optimizer: try SGD(learningRate: 0.1, momentum: 0.9))
        let dec = try DECTrainer(autoencoder: autoencoder2, configuration: DECConfiguration(clusterCount: 3))
        let result = try dec.fit(data.x, labels: data.labels,
                                 optimizer: try SGD(learningRate: 0.01, momentum: 0.9))
        print(result.finalMetrics!)
        // ---
        #expect(try autoencoder.encode(x).shape == [24, 3])
        #expect(result.finalMetrics != nil && result.assignments.count == 24)
    }

    /// HowDECWorks.md: Q, P, the KL loss and its gradients by hand, checked against eq. 4–5.
    @Test func howDECWorksByHand() throws {
        // --- HowDECWorks: one step by hand
        var rng = SeededGenerator(seed: 1)
        let z = Tensor(randomNormal: [256, 10], using: &rng)          // a batch of embeddings
        let kmeans = try KMeans(clusterCount: 4, initializationCount: 20, seed: 0).fit(z)
        let clustering = try ClusteringLayer(centers: kmeans.centers)  // α = 1
        let q = try clustering.forward(z)                              // [256, 4], rows sum to 1
        let p = try targetDistribution(q)                              // sharpened target
        let (loss, dLdq) = try klDivergence(target: p, predicted: q)   // KL(P‖Q), batch mean
        clustering.zeroGradients()
        let dLdz = try clustering.backward(dLdq)          // eq. 4; eq. 5 goes to clustering.clusters.gradient
        // ---
        #expect(loss > 0 && loss.isFinite)
        // Eq. 4 and 5 (divided by the batch size B, since the loss is a batch mean), in Double.
        let b = 256, k = 4, d = 10, alpha = 1.0
        let zs = z.scalars, mus = clustering.clusters.value.scalars, qs = q.scalars, ps = p.scalars
        var expectedZ = [Double](repeating: 0, count: b * d), expectedMu = [Double](repeating: 0, count: k * d)
        for i in 0..<b {
            for j in 0..<k {
                var squared = 0.0
                for f in 0..<d { let diff = Double(zs[i * d + f] - mus[j * d + f]); squared += diff * diff }
                let w = (alpha + 1) / alpha * Double(ps[i * k + j] - qs[i * k + j]) / (1 + squared / alpha) / Double(b)
                for f in 0..<d {
                    let diff = Double(zs[i * d + f] - mus[j * d + f])
                    expectedZ[i * d + f] += w * diff
                    expectedMu[j * d + f] -= w * diff
                }
            }
        }
        let zError = zip(dLdz.scalars, expectedZ).map { abs(Double($0) - $1) }.max()!
        let muError = zip(clustering.clusters.gradient.scalars, expectedMu).map { abs(Double($0) - $1) }.max()!
        #expect(zError < 1e-6 && muError < 1e-5, "eq. 4 error \(zError), eq. 5 error \(muError)")
        #expect(expectedZ.map(abs).max()! > 1e-4)            // not trivially zero

        // --- HowDECWorks: configuration
        var config = DECConfiguration(clusterCount: 10, mode: .idec(clusteringWeight: 0.1))
        config.updateInterval = 140     // recompute P every 140 batches
        config.tolerance = 0.001        // stop when < 0.1% of the labels changed since the last update
        config.maxIterations = 8000
        try config.validate()
        // ---
        #expect(config.mode.clusteringWeight == 0.1 && config.mode.usesReconstruction)
        #expect(config == { var c = DECConfiguration(clusterCount: 10); c.mode = .idecDefault; return c }())
    }

    /// HowDECWorks.md: IDEC trains the decoder too; the progress closure sees every update.
    @Test func howDECWorksIDEC() throws {
        let directory = try writeTinyImageDataset(perClass: 8)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let x = try IDXDataset.fashionMNIST(directory: directory).x
        var rng = SeededGenerator(seed: 2)
        let autoencoder = try Autoencoder.dense([144, 16, 3], using: &rng)
        try autoencoder.pretrain(on: x, epochs: 10, batchSize: 16, optimizer: try Adam())
        let decoderBefore = autoencoder.decoder.parameters[0].value
        // --- HowDECWorks: IDEC
        var config = DECConfiguration(clusterCount: 3, mode: .idecDefault)   // γ = 0.1
        config.maxIterations = 50
        let idec = try DECTrainer(autoencoder: autoencoder, configuration: config)
        let result = try idec.fit(x, optimizer: try Adam()) { event in
            if case let .updated(u) = event {
                print("iter=\(u.iteration) loss=\(u.loss) kl=\(u.clusteringLoss) mse=\(u.reconstructionLoss) delta=\(u.deltaLabel)")
            }
        }
        // ---
        #expect(result.iterations <= 50 && result.history.count >= 1)
        #expect(result.finalMetrics == nil)                              // no labels given
        #expect(autoencoder.decoder.parameters[0].value != decoderBefore) // IDEC trained the decoder
    }

    /// TrainingAnAutoencoder.md: builders, pretraining, optimizers, checkpoints, a manual loop.
    @Test func trainingAnAutoencoder() throws {
        var rng = SeededGenerator(seed: 3)
        let x = Tensor(randomUniform: [64, 20], using: &rng)
        let images = Tensor(randomUniform: [8, 8, 8, 1], using: &rng)
        let path = temporaryPath("autoencoder.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }

        // --- TrainingAnAutoencoder: dense
        let dense = try Autoencoder.dense([20, 16, 16, 32, 4], using: &rng)
        let losses = try dense.pretrain(on: x, epochs: 20, batchSize: 16,
                                        optimizer: try SGD(learningRate: 0.1, momentum: 0.9)) { event in
            if case let .epochEnded(epoch, epochCount, loss) = event { print("epoch \(epoch)/\(epochCount) mse=\(loss)") }
        }
        let embedding = try dense.encode(x)                     // [64, 4]
        // ---
        #expect(losses.count == 20 && losses.last! < losses.first!)
        #expect(embedding.shape == [64, 4])
        #expect(dense.encoder.layers.map(\.name) == ["encoder_0", "encoder_1", "encoder_2", "encoder_3"])

        // --- TrainingAnAutoencoder: convolutional
        let conv = try Autoencoder.convolutional(inputShape: [8, 8, 1], filters: [4, 4, 4], embeddingSize: 3, using: &rng)
        try conv.pretrain(on: images, epochs: 2, batchSize: 4, optimizer: try Adadelta())   // lr 1.0
        let upsampling = try Autoencoder.convolutionalUpsampling(inputShape: [8, 8, 1], filters: [4, 4, 4], embeddingSize: 3, using: &rng)
        // ---
        #expect(try conv.encode(images).shape == [8, 3])
        #expect(try upsampling.outputShape(forInputShape: [2, 8, 8, 1]) == [2, 8, 8, 1])

        // --- TrainingAnAutoencoder: custom stacks
        let encoder = try Sequential(name: "encoder", [
            Conv2D(inputChannels: 1, outputChannels: 4, kernelSize: 3, padding: .same, activation: .relu, using: &rng),
            MaxPooling2D(poolSize: 2),                              // 8×8 → 4×4
            Flatten(),
            Dense(inputSize: 64, outputSize: 3, using: &rng),
        ])
        let decoder = try Sequential(name: "decoder", [
            Dense(inputSize: 3, outputSize: 64, activation: .relu, using: &rng),
            Reshape([4, 4, 4]),
            UpSampling2D(size: (2, 2)),                             // 4×4 → 8×8
            Conv2D(inputChannels: 4, outputChannels: 1, kernelSize: 3, padding: .same, activation: .sigmoid, using: &rng),
        ])
        let custom = try Autoencoder(encoder: encoder, decoder: decoder)
        try custom.pretrain(on: images, epochs: 2, batchSize: 4, optimizer: try Adam())
        // ---
        #expect(try custom.outputShape(forInputShape: images.shape) == images.shape)

        // --- TrainingAnAutoencoder: optimizers
        let sgd = try SGD()                 // lr 0.01, no momentum (Keras 2)
        let adam = try Adam()               // lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7
        let adadelta = try Adadelta()       // lr 1.0, ρ 0.95, ε 1e-7
        adam.learningRate = 0.0005          // a schedule may change it between steps
        // ---
        #expect(sgd.learningRate == 0.01 && sgd.momentum == 0)
        #expect(adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-7)
        #expect(adadelta.learningRate == 1 && adadelta.rho == 0.95 && adadelta.epsilon == 1e-7)
        #expect(throws: OptimizerError.self) { try SGD(momentum: 1) }

        // --- TrainingAnAutoencoder: checkpoints
        try dense.saveParameters(to: path, metadata: ["epochs": "20"])
        var other = SeededGenerator(seed: 4)
        let restored = try Autoencoder.dense([20, 16, 16, 32, 4], using: &other)
        let metadata = try restored.loadParameters(from: path)      // checks every name and shape first
        print(dense.parameterShapes().keys.sorted().prefix(2))   // ["decoder.decoder_0.bias", "decoder.decoder_0.kernel"]
        // ---
        #expect(metadata["epochs"] == "20")
        #expect(try restored.encode(x) == dense.encode(x))
        #expect(dense.parameterShapes().keys.sorted().prefix(2) == ["decoder.decoder_0.bias", "decoder.decoder_0.kernel"])
        let wrongShape = try Autoencoder.dense([20, 8, 4], using: &other)
        #expect(throws: DataError.self) { try wrongShape.loadParameters(from: path) }

        // --- TrainingAnAutoencoder: the loop by hand
        let model = try Autoencoder.dense([20, 16, 4], using: &rng)
        let optimizer = try Adam()
        let parameters = model.parameters
        var batch = Tensor(zeros: [0]), gradient = Tensor(zeros: [0])      // reused every step
        var sampler = try MiniBatchSampler(sampleCount: x.shape[0], batchSize: 16, seed: 0)
        for epoch in 1...10 {
            sampler.startEpoch()
            for b in 0..<sampler.batchCount {
                try x.gatherRows(at: sampler.indices(ofBatch: b), into: &batch)
                let reconstruction = try model.forward(batch)
                let loss = try meanSquaredError(reconstruction, batch, gradientInto: &gradient)
                try checkFinite(loss, epoch: epoch, batch: b + 1)
                _ = try model.backward(gradient, computingInputGradient: false)   // accumulates into gradients
                try optimizer.stepZeroingGradients(parameters)                     // update, then lazy zero
            }
        }
        // ---
        #expect(optimizer.iterations == 10 * sampler.batchCount)
        #expect(parameters.allSatisfy { $0.gradientIsPendingZero })
    }

    /// WritingACustomLayer.md: the layer passes the gradient check, a broken one does not, and
    /// it trains inside a Sequential.
    @Test func writingACustomLayer() throws {
        // --- WritingACustomLayer: gradient check
        var rng = SeededGenerator(seed: 5)
        let x = Tensor(randomNormal: [6, 4], using: &rng)
        let layer = FeatureScale(featureCount: 4)
        layer.scale.value = Tensor(randomNormal: [4], using: &rng)
        let error = try gradientCheck(layer, input: x)
        assert(error < 1e-2, "backward disagrees with finite differences: \(error)")
        // ---
        #expect(error < 1e-2)
        #expect(try gradientCheck(DoubledInputGradient(FeatureScale(featureCount: 4)), input: x) > 0.1)
        #expect(try gradientCheck(Dense(inputSize: 4, outputSize: 3, activation: .tanh, using: &rng), input: x) < 1e-2)

        // --- WritingACustomLayer: using it
        let model = try Sequential([
            Dense(inputSize: 4, outputSize: 8, activation: .relu, using: &rng),
            FeatureScale(featureCount: 8),
            Dense(inputSize: 8, outputSize: 2, using: &rng),
        ])
        let targets = Tensor(randomNormal: [6, 2], using: &rng)
        let history = try model.fit(x, targets: targets, epochs: 50, batchSize: 6, optimizer: try Adam(learningRate: 0.01))
        print(model.namedParameters.map(\.name))   // [..., "feature_scale.scale", ...]
        // ---
        #expect(history.last! < history.first!)
        #expect(model.namedParameters.map(\.name).contains("feature_scale.scale"))
        #expect(layer.parameterCount == 4)
    }

    /// PerformanceNotes.md: reused GEMM output, BLAS threads, convolution workspace bound.
    @Test func performanceNotes() throws {
        var rng = SeededGenerator(seed: 6)
        // --- PerformanceNotes: reuse
        let a = Tensor(randomUniform: [32, 24], using: &rng)
        let w = Tensor(randomUniform: [24, 16], using: &rng)
        var c = Tensor(zeros: [0])
        for _ in 0..<3 {
            try Tensor.matmul(a, w, into: &c)                        // allocates once, then reuses
        }
        var g = Tensor(zeros: [0])
        try Tensor.matmul(a, transposeA: true, c, into: &g)        // aᵀ·c: [24, 16], reshaped in place
        print(BLAS.configuration, BLAS.threadCount)
        // ---
        #expect(c.shape == [32, 16] && g.shape == [24, 16])
        #expect(BLAS.threadCount >= 1)
        // (The article's relaunch line is not run here: it would replace the test process.)
        // --- PerformanceNotes: kernel suggestion
        if let better = BLAS.suggestedCoreType {
            print("OpenBLAS runs its \(BLAS.coreName) kernels; OPENBLAS_CORETYPE=\(better) would be faster")
        }
        // ---
        #expect(!BLAS.coreName.isEmpty)

        // --- PerformanceNotes: convolution workspace
        let conv = try Conv2D(inputChannels: 8, outputChannels: 4, kernelSize: 3, padding: .same, using: &rng)
        conv.workspaceByteLimit = 64 << 10           // 64 KiB chunks instead of the 4 MiB default
        // ---
        #expect(!conv.usesDirectKernels)
        let images = Tensor(randomUniform: [64, 8, 8, 8], using: &rng)  // 2.4 MB of patches: 9 chunks
        let chunked = try conv.forward(images)
        conv.workspaceByteLimit = ConvolutionDefaults.workspaceByteLimit
        let whole = try conv.inference(images)
        #expect(chunked.shape == [64, 8, 8, 4])
        #expect(zip(chunked.scalars, whole.scalars).allSatisfy { abs($0 - $1) < 1e-5 })

        // --- PerformanceNotes: direct kernels
        let first = try Conv2D(inputChannels: 1, outputChannels: 32, kernelSize: 5, stride: 2, padding: .same, using: &rng)
        print(first.usesDirectKernels)               // true: 1 input channel, 25 taps
        first.algorithm = .im2col                    // the GEMM path instead
        // ---
        let digits = Tensor(randomUniform: [3, 28, 28, 1], using: &rng)
        let viaGEMM = try first.inference(digits)
        first.algorithm = .automatic
        #expect(first.usesDirectKernels)
        let direct = try first.inference(digits)
        #expect(direct.shape == [3, 14, 14, 32])
        #expect(zip(direct.scalars, viaGEMM.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
    }
}
