// dec: Deep Embedded Clustering from the command line.
//
// `dec train …` (the default: `dec …` is `dec train …`) trains a model and writes it with its
// reports; `dec predict --model model.safetensors …` assigns a dataset to its clusters.

import ArgumentParser
import ExampleSupport

@main
struct DECCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dec",
        abstract: "Deep Embedded Clustering (DEC/IDEC/DCEC/DEC-DA) of a dataset, with reports.",
        discussion: "dec with no subcommand runs dec train.",
        subcommands: [TrainCommand.self, PredictCommand.self],
        defaultSubcommand: TrainCommand.self)
}

extension DECCommand {
    static func main() { runReportingErrorsOnOneLine() }
}
