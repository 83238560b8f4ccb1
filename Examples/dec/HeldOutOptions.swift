// The held-out data `dec train` scores beside the training data: `--test-file` or `--test-split`.

import ArgumentParser
import DeepClustering
import ExampleSupport

/// `--test-file`, `--test-labels` and `--test-split`.
struct HeldOutOptions: ParsableArguments {
    @Option(help: "Also assign and score this file at every update, read with the training data's format options (--dataset, --csv-header, --label-column, --image-shape).")
    var testFile: String?

    @Option(help: "Labels of --test-file for idx/npy data.")
    var testLabels: String?

    @Flag(help: "For mnist and fashion-mnist: train on the training split (60,000 images) and score the test split (10,000).")
    var testSplit = false

    func validate() throws {
        if testFile != nil && testSplit { throw ValidationError("--test-file and --test-split exclude each other") }
        if testLabels != nil && testFile == nil { throw ValidationError("--test-labels needs --test-file") }
    }

    /// Checks that the options fit the training data's.
    /// - Throws: `ValidationError` for `--test-split` with data that have no test split, or
    ///   `--test-file` with a built-in data set.
    func validate(for data: DatasetOptions) throws {
        if testSplit && !(data.dataset == .mnist || data.dataset == .fashionMNIST) {
            throw ValidationError("--test-split needs --dataset mnist or fashion-mnist (their test split is scored), found \(data.dataset.rawValue)")
        }
        if testFile != nil && ![.csv, .npy, .idx].contains(data.dataset) {
            throw ValidationError("--test-file needs a file dataset (--dataset csv, npy or idx); for \(data.dataset.rawValue) use --test-split")
        }
    }

    /// The split the training data come from: the training split with `--test-split`, `nil`
    /// (the data set as `--dataset` names it) otherwise.
    var trainingSplit: IDXDataset.Split? { testSplit ? .train : nil }

    /// The held-out data read as `data` reads the training data, and their name; `nil` without
    /// `--test-file` or `--test-split`.
    /// - Throws: The readers' errors.
    func load(like data: DatasetOptions) throws -> (dataset: LabeledDataset, imageShape: ImageShape?, name: String)? {
        if testSplit {
            let (d, shape) = try data.loadWithImageShape(split: .test)
            return (d, shape, "\(data.dataset.rawValue) test split")
        }
        guard let testFile else { return nil }
        var options = data
        options.file = testFile
        options.labels = testLabels
        let (d, shape) = try options.loadWithImageShape()
        return (d, shape, options.displayName)
    }
}
