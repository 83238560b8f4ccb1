// The `--pretraining` options of `dec` and the layer-wise pretraining run they select.

import ArgumentParser
import DeepClustering
import ExampleSupport
import Foundation

/// How the autoencoder is pretrained.
enum PretrainingMethod: String, ExpressibleByArgument, CaseIterable {
    /// The whole autoencoder trained at once (DEC-keras; `--pretrain-epochs`).
    case endToEnd = "end-to-end"
    /// The DEC paper's greedy layer-wise denoising pretraining, then end-to-end fine-tuning.
    case layerwise
}

/// The optimizer of end-to-end pretraining.
enum PretrainingOptimizer: String, ExpressibleByArgument, CaseIterable {
    /// SGD, learning rate 1, momentum 0.9 (DEC-keras's dense pretraining).
    case sgd
    /// Adam with Keras defaults (learning rate 0.001; DEC-DA's and DCEC's pretraining).
    case adam
    /// Adadelta with Keras defaults (learning rate 1; DCEC's convolutional pretraining).
    case adadelta

    /// This kind with its default learning rate (1, 0.001, 1).
    var choice: OptimizerChoice {
        switch self {
        case .sgd: return .sgd(learningRate: 1, momentum: 0.9)
        case .adam: return .adam(learningRate: 0.001)
        case .adadelta: return .adadelta(learningRate: 1)
        }
    }
}

/// `--pretraining`, `--pretrain-optimizer`, `--layerwise-epochs` and `--fine-tune-epochs`.
struct PretrainingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Pretraining: \(PretrainingMethod.allCases.map(\.rawValue).joined(separator: "|")).",
        discussion: """
            end-to-end trains the whole autoencoder at once (DEC-keras: --pretrain-epochs, SGD lr 1, \
            momentum 0.9). layerwise is the DEC paper's: each encoder/decoder pair is trained as a \
            denoising autoencoder (dropout 0.2 on its input and hidden layer) on the previous \
            layer's output, then the deep autoencoder is fine-tuned without dropout; SGD lr 0.1 \
            divided by 10 every 20000 iterations, momentum 0.9 (ramped up over the first 1000), \
            weights N(0, 0.01). Dense \
            architecture only.
            """))
    var pretraining: PretrainingMethod = .endToEnd

    @Option(help: "End-to-end pretraining optimizer: \(PretrainingOptimizer.allCases.map(\.rawValue).joined(separator: "|")) (default: the recipe's).")
    var pretrainOptimizer: PretrainingOptimizer?

    @Option(help: "Pretraining learning rate (default: sgd 1, adam 0.001, adadelta 1; layerwise 0.1, the DEC paper's, for every stage).")
    var pretrainLearningRate: Float?

    @Option(help: "With --pretraining layerwise: epochs per layer pair (default: the paper's 50000 iterations, ≈183 epochs of MNIST-70k).")
    var layerwiseEpochs: Int?

    @Option(help: "With --pretraining layerwise: fine-tuning epochs (default: the paper's 100000 iterations, ≈366 epochs of MNIST-70k).")
    var fineTuneEpochs: Int?

    @Option(help: "With --pretraining layerwise: divide the learning rate by 10 every this many epochs of each stage (default: the paper's every 20000 iterations).")
    var layerwiseDecayEpochs: Int?

    func validate() throws {
        if let e = layerwiseEpochs, e < 0 { throw ValidationError("--layerwise-epochs must be ≥ 0, found \(e)") }
        if let e = fineTuneEpochs, e < 0 { throw ValidationError("--fine-tune-epochs must be ≥ 0, found \(e)") }
        if let e = layerwiseDecayEpochs, e <= 0 { throw ValidationError("--layerwise-decay-epochs must be positive, found \(e)") }
        if let lr = pretrainLearningRate, !(lr.isFinite && lr > 0) {
            throw ValidationError("--pretrain-learning-rate must be positive and finite, found \(lr)")
        }
        if pretraining == .endToEnd, layerwiseEpochs != nil || fineTuneEpochs != nil || layerwiseDecayEpochs != nil {
            throw ValidationError("--layerwise-epochs, --fine-tune-epochs and --layerwise-decay-epochs need --pretraining layerwise")
        }
        if pretraining == .layerwise, pretrainOptimizer != nil {
            throw ValidationError("--pretrain-optimizer is for end-to-end pretraining; layerwise uses the paper's SGD")
        }
    }
}
