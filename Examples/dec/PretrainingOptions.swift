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
    /// SGD, learning rate 1, momentum 0.9 (the seed's dense pretraining).
    case sgd
    /// Adam with Keras defaults (learning rate 0.001; DEC-DA's and DCEC's pretraining).
    case adam
    /// Adadelta with Keras defaults (learning rate 1; the seed's convolutional pretraining).
    case adadelta

    /// The seed's choice for `arch`.
    static func seedDefault(for arch: Architecture) -> PretrainingOptimizer {
        arch == .dense ? .sgd : .adadelta
    }

    /// A fresh optimizer of this kind, with `learningRate` or the kind's default (1, 0.001, 1).
    func make(learningRate: Float? = nil) throws -> any Optimizer {
        switch self {
        case .sgd: return try SGD(learningRate: learningRate ?? 1, momentum: 0.9)
        case .adam: return try Adam(learningRate: learningRate ?? 0.001)
        case .adadelta: return try Adadelta(learningRate: learningRate ?? 1)
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

    @Option(help: "End-to-end pretraining optimizer: \(PretrainingOptimizer.allCases.map(\.rawValue).joined(separator: "|")) (default: sgd (lr 1, momentum 0.9) for dense, adadelta for conv, as the seed).")
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

extension DECCommand {
    /// Runs the DEC paper's layer-wise pretraining on `autoencoder` and writes
    /// `autoencoder.safetensors` and `pretrain_history.csv` (stage, epoch, loss).
    func pretrainLayerwise(_ autoencoder: Autoencoder, on x: Tensor, report: RunReport) throws {
        guard arch == .dense else { throw ExampleError("--pretraining layerwise needs --arch dense, found \(arch.rawValue)") }
        guard !augment else { throw ExampleError("--pretraining layerwise does not support --augment") }
        guard pretrainEpochs == nil else {
            throw ExampleError("--pretrain-epochs is for end-to-end pretraining; use --layerwise-epochs and --fine-tune-epochs")
        }
        var config = LayerwisePretraining.paper
        if let e = pretrainingOptions.layerwiseEpochs { config.layerLength = .epochs(e) }
        if let e = pretrainingOptions.fineTuneEpochs { config.fineTuningLength = .epochs(e) }
        if let e = pretrainingOptions.layerwiseDecayEpochs { config.learningRateDecayInterval = .epochs(e) }
        if let lr = pretrainingOptions.pretrainLearningRate { config.learningRate = lr }
        config.batchSize = batchSize
        config.seed = seed
        say("layerwise pretraining: \(config.layerLength) per layer, fine-tuning \(config.fineTuningLength), learning rate \(config.learningRate) ÷10 every \(config.learningRateDecayInterval), batch \(batchSize)")
        let batches = x.shape[0].dividedRoundingUp(by: batchSize)
        var bar: ProgressBar?
        var rows: [[String]] = []
        try autoencoder.pretrainLayerwise(on: x, configuration: config) { stage, event in
            switch event {
            case let .batchEnded(epoch, batch, _, loss):
                if batch == 1 { bar = ProgressBar(total: batches, label: "\(stage) epoch \(epoch)", logsWhenNotInteractive: false) }
                bar?.update(step: batch, loss: Double(loss))
            case let .epochEnded(epoch, count, loss):
                bar?.finish()
                rows.append(["\(stage)", "\(epoch)", "\(loss)"])
                say(String(format: "pretrain %@ epoch=%d/%d loss=%.6f", "\(stage)", epoch, count, loss))
            }
        }
        try autoencoder.saveParameters(
            to: report.path("autoencoder.safetensors"),
            metadata: ["architecture": arch.rawValue, "pretraining": "layerwise",
                       "layer_length": "\(config.layerLength)", "fine_tuning_length": "\(config.fineTuningLength)",
                       "learning_rate": "\(config.learningRate)",
                       "learning_rate_decay_interval": "\(config.learningRateDecayInterval)"])
        try CSVFormat().write(rows: rows, columnNames: ["stage", "epoch", "loss"], to: report.path("pretrain_history.csv"))
    }
}
