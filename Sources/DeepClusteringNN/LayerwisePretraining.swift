/// The settings of greedy layer-wise pretraining of a stacked denoising autoencoder followed by
/// end-to-end fine-tuning, as the DEC paper initialises its network (Xie et al. 2016, §3.2, §4.3);
/// used by ``Autoencoder/pretrainLayerwise(on:configuration:progress:)``.
///
/// The defaults are the paper's: every layer pair trained for 50,000 iterations with dropout
/// 0.2, the deep autoencoder fine-tuned for 100,000 iterations without dropout, batch 256, SGD
/// with learning rate 0.1 divided by 10 every 20,000 iterations, no weight decay, weights drawn
/// from N(0, 0.01²). Where the paper is silent the authors' code (`dec/pretrain.py`) decides:
/// momentum 0.9 reached over 1,000 steps, biases zero, and Caffe's `EuclideanLoss` `1/(2B) Σ‖x − y‖²` (see
/// ``lossNormalization``). On MNIST-70k (274 batches per epoch) that is about 183 epochs per
/// layer and 366 epochs of fine-tuning; use ``TrainingLength/epochs(_:)`` for a shorter run.
///
/// ```swift
/// var short = LayerwisePretraining()
/// short.layerLength = .epochs(20)
/// short.fineTuningLength = .epochs(50)
/// ```
public struct LayerwisePretraining: Sendable, Equatable, Codable {
    /// Which least-squares loss the ``learningRate`` refers to.
    ///
    /// The training loop always minimises the mean squared error over all elements; with
    /// ``euclidean`` the learning rate is multiplied by `d/2` (`d` the reconstructed width), which
    /// makes plain and momentum SGD take exactly the steps they would take on Caffe's Euclidean
    /// loss. Reported losses are mean squared errors either way.
    public enum LossNormalization: String, Sendable, Equatable, CaseIterable, Codable {
        /// `1/(2B) Σ_b ‖x_b − y_b‖²` (Caffe `EuclideanLoss`, the DEC code's): half the squared
        /// error summed over features, averaged over the batch.
        case euclidean
        /// `1/(B·d) Σ (x − y)²`, the library's ``meanSquaredError(_:_:)``.
        case meanSquaredError

        /// The factor that turns a learning rate for this loss into one for the mean squared
        /// error of `width` features.
        func learningRateMultiplier(width: Int) -> Float {
            self == .euclidean ? Float(width) / 2 : 1
        }
    }

    /// The dropout rate on each pair's input and on its hidden layer (the corruption of the
    /// denoising autoencoders); default 0.2. Fine-tuning uses no dropout.
    public var dropoutRate: Float = 0.2
    /// How long each layer pair trains; default `.iterations(50_000)`.
    public var layerLength: TrainingLength = .iterations(50_000)
    /// How long the assembled deep autoencoder is fine-tuned; default `.iterations(100_000)`.
    public var fineTuningLength: TrainingLength = .iterations(100_000)
    /// Samples per batch; default 256.
    public var batchSize = 256
    /// The initial SGD learning rate of every stage, for the loss ``lossNormalization``; default 0.1.
    public var learningRate: Float = 0.1
    /// The learning rate is multiplied by this factor every ``learningRateDecayInterval``;
    /// default 0.1 (divided by 10). Each stage starts again from ``learningRate``.
    public var learningRateDecayFactor: Float = 0.1
    /// How often the learning rate decays; default `.iterations(20_000)`.
    public var learningRateDecayInterval: TrainingLength = .iterations(20_000)
    /// SGD momentum; default 0.9 (the DEC code's solvers; the paper does not state it).
    public var momentum: Float = 0.9
    /// Over this many first steps of every stage the momentum rises linearly from 0 to
    /// ``momentum`` (`μ·t/warm-up` at step `t`, the DEC code's Caffe `momentum_burnin`); default
    /// `.iterations(1000)`. Without it, lr 0.1 at full momentum kills the first layer's ReLUs
    /// on MNIST within 50 steps (every hidden unit ends up inactive). `.iterations(0)` turns it off.
    public var momentumWarmup: TrainingLength = .iterations(1000)
    /// Which loss ``learningRate`` is meant for; default ``LossNormalization/euclidean`` (the
    /// DEC code's). With ``LossNormalization/meanSquaredError`` the rate applies to the MSE as is.
    public var lossNormalization: LossNormalization = .euclidean
    /// Re-initialises every kernel before training (biases are set to zero); default
    /// N(0, 0.01²), the paper's. `nil` keeps the autoencoder's current weights.
    public var kernelInitializer: Initializer? = .randomNormal(mean: 0, standardDeviation: 0.01)
    /// Seeds the initial weights, the dropout masks and the shuffling; default 0.
    public var seed: UInt64 = 0

    /// Creates the paper's configuration; change fields to depart from it.
    public init() {}

    /// The paper's configuration (the same as ``init()``).
    public static let paper = LayerwisePretraining()

    /// Checks every value.
    /// - Throws: ``TrainingError/invalidArgument(message:)`` naming the first invalid field.
    public func validate() throws {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw TrainingError.invalidArgument(message: "LayerwisePretraining: \(message())") }
        }
        try check(dropoutRate.isFinite && dropoutRate >= 0 && dropoutRate < 1,
                  "dropoutRate must be in [0, 1), found \(dropoutRate)")
        try check(batchSize > 0, "batchSize must be positive, found \(batchSize)")
        try check(learningRate.isFinite && learningRate > 0, "learningRate must be positive and finite, found \(learningRate)")
        try check(learningRateDecayFactor.isFinite && learningRateDecayFactor > 0 && learningRateDecayFactor <= 1,
                  "learningRateDecayFactor must be in (0, 1], found \(learningRateDecayFactor)")
        try check(momentum.isFinite && momentum >= 0 && momentum < 1, "momentum must be in [0, 1), found \(momentum)")
        for (name, length) in [("layerLength", layerLength), ("fineTuningLength", fineTuningLength),
                               ("momentumWarmup", momentumWarmup)] {
            try check((try? length.steps(batchesPerEpoch: 1)) != nil, "\(name) must not be negative, found \(length)")
        }
        try check(((try? learningRateDecayInterval.steps(batchesPerEpoch: 1)) ?? 0) > 0,
                  "learningRateDecayInterval must be positive, found \(learningRateDecayInterval)")
    }

    /// A training stage, as reported to the progress callback.
    public enum Stage: Sendable, Hashable, CustomStringConvertible {
        /// Training the denoising pair of encoder layer `index` (0-based) out of `count`.
        case layer(index: Int, count: Int)
        /// Fine-tuning the assembled deep autoencoder.
        case fineTuning

        /// `"layer 1/4"` (1-based) or `"fine-tuning"`.
        public var description: String {
            switch self {
            case let .layer(index, count): return "layer \(index + 1)/\(count)"
            case .fineTuning: return "fine-tuning"
            }
        }
    }

    /// The mean loss of every epoch of every stage.
    public struct History: Sendable, Equatable {
        /// Per layer pair, its epoch losses (mean squared error of the pair's reconstruction of
        /// its clean input, under dropout).
        public var layerLosses: [[Float]] = []
        /// The fine-tuning epoch losses (mean squared error of the deep autoencoder, no dropout).
        public var fineTuningLosses: [Float] = []
    }
}
