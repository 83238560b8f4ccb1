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

/// `--pretraining`, `--layerwise-epochs` and `--fine-tune-epochs`.
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

    @Option(help: "With --pretraining layerwise: epochs per layer pair (default: the paper's 50000 iterations, ≈183 epochs of MNIST-70k).")
    var layerwiseEpochs: Int?

    @Option(help: "With --pretraining layerwise: fine-tuning epochs (default: the paper's 100000 iterations, ≈366 epochs of MNIST-70k).")
    var fineTuneEpochs: Int?

    func validate() throws {
        if let e = layerwiseEpochs, e < 0 { throw ValidationError("--layerwise-epochs must be ≥ 0, found \(e)") }
        if let e = fineTuneEpochs, e < 0 { throw ValidationError("--fine-tune-epochs must be ≥ 0, found \(e)") }
        if pretraining == .endToEnd, layerwiseEpochs != nil || fineTuneEpochs != nil {
            throw ValidationError("--layerwise-epochs and --fine-tune-epochs need --pretraining layerwise")
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
        config.batchSize = batchSize
        config.seed = seed
        say("layerwise pretraining: \(config.layerLength) per layer, fine-tuning \(config.fineTuningLength), batch \(batchSize)")
        let batches = (x.shape[0] + batchSize - 1) / batchSize
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
                       "layer_length": "\(config.layerLength)", "fine_tuning_length": "\(config.fineTuningLength)"])
        try CSVFormat().write(rows: rows, columnNames: ["stage", "epoch", "loss"], to: report.path("pretrain_history.csv"))
    }
}
