import ArgumentParser
import DeepClustering
import Foundation

/// The datasets the examples can read.
public enum DatasetKind: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// MNIST, train and test splits concatenated (70,000 digits), from `--data-dir`.
    case mnist
    /// The MNIST test split alone (10,000 digits), from `--data-dir`.
    case mnistTest = "mnist-test"
    /// Fashion-MNIST, both splits (70,000 images), from `--data-dir` or the Debian package's
    /// directory.
    case fashionMNIST = "fashion-mnist"
    /// The Fashion-MNIST test split alone (10,000 images).
    case fashionMNISTTest = "fashion-mnist-test"
    /// One IDX file of samples (`--file`), labels optionally from another (`--labels`).
    case idx
    /// A CSV file of numeric columns (`--file`), labels optionally in `--label-column`.
    case csv
    /// A NumPy `.npy` file (`--file`), labels optionally from another `.npy` (`--labels`).
    case npy
}

/// Command-line options that choose and locate a dataset.
public struct DatasetOptions: ParsableArguments {
    /// `--dataset`: which dataset to read; defaults to Fashion-MNIST.
    @Option(help: "Dataset: \(DatasetKind.allCases.map(\.rawValue).joined(separator: "|")).")
    public var dataset: DatasetKind = .fashionMNIST

    /// `--data-dir`: the directory of the four IDX files (MNIST, Fashion-MNIST).
    @Option(help: "Directory of the four IDX files (mnist, fashion-mnist; default for fashion-mnist: \(IDXDataset.fashionMNISTDirectory)).")
    public var dataDir: String?

    /// `--file`: the samples file for `idx`, `csv` and `npy` data.
    @Option(help: "The samples file (idx, csv, npy).")
    public var file: String?

    /// `--labels`: a labels file for `idx` or `npy` data, used for evaluation only.
    @Option(help: "Labels file for idx/npy data, used for evaluation only.")
    public var labels: String?

    /// `--label-column`: the CSV column holding labels (0-based; negative counts from the end).
    @Option(help: "For csv: the column holding labels (0-based; negative counts from the end).")
    public var labelColumn: Int?

    /// `--csv-header`: whether the CSV file starts with a header row.
    @Flag(help: "For csv: the first row is a header.")
    public var csvHeader = false

    /// `--image-shape`: the shape of one image when the file's rows are flattened images.
    @Option(help: ArgumentHelp(
        "For csv, npy and idx: each row is an image of this shape, HxW or HxWxC (e.g. 16x16, 32x32x3).",
        discussion: "Rows are read in NHWC order; H·W·C must equal the row's width. Lets augmentation and the convolutional models reach flat data."),
        transform: { try ImageShape(parsing: $0) })
    public var imageShape: ImageShape?

    /// Creates the options with their defaults (ArgumentParser fills them in from the command line).
    public init() {}

    /// Checks that the options fit together (files given where needed).
    public func validate() throws {
        switch dataset {
        case .mnist, .mnistTest:
            if dataDir == nil {
                throw ValidationError("--dataset \(dataset.rawValue) needs --data-dir DIR holding the four MNIST IDX files")
            }
        case .idx, .csv, .npy:
            if file == nil { throw ValidationError("--dataset \(dataset.rawValue) needs --file PATH") }
        case .fashionMNIST, .fashionMNISTTest:
            break
        }
        if labelColumn != nil && dataset != .csv { throw ValidationError("--label-column applies to --dataset csv only") }
        if labels != nil && !(dataset == .idx || dataset == .npy) {
            throw ValidationError("--labels applies to --dataset idx or npy only")
        }
        if imageShape != nil && !(dataset == .idx || dataset == .npy || dataset == .csv) {
            throw ValidationError("--image-shape applies to --dataset csv, npy or idx; \(dataset.rawValue) images are 28x28")
        }
    }

    /// Loads the dataset in its own layout and says the shape of one image: MNIST-style data and
    /// `[n, h, w]` / `[n, h, w, c]` arrays are images; a flat file is reshaped to `--image-shape`
    /// when it is given and is tabular (`nil` shape) otherwise.
    /// - Throws: The readers' ``DataError``; ``DataError/invalidArgument(operation:message:)`` when
    ///   `--image-shape` does not match the width of a row.
    /// - Parameter split: For mnist and fashion-mnist, the split to read instead of the one
    ///   `--dataset` names (`nil` keeps it); ignored for files.
    public func loadWithImageShape(split: IDXDataset.Split? = nil) throws -> (dataset: LabeledDataset, imageShape: ImageShape?) {
        var d = try loadAsStored(split: split)
        guard d.x.rank >= 2 else { throw ExampleError("\(displayName): expected one sample per row, found shape \(d.x.shape)") }
        if let imageShape {
            d = try d.reshaped(toImages: imageShape, source: displayName)
        }
        let x = d.x
        switch x.rank {
        case 3: return (try LabeledDataset(x: x.reshaped(to: x.shape + [1]), labels: d.labels), try ImageShape(height: x.shape[1], width: x.shape[2]))
        case 4: return (d, try ImageShape(height: x.shape[1], width: x.shape[2], channels: x.shape[3]))
        default: return (try LabeledDataset(x: x.reshaped(to: [x.rowCount, x.rowWidth]), labels: d.labels), nil)
        }
    }

    /// A short name for reports, e.g. `mnist-test` or the file's name.
    public var displayName: String {
        switch dataset {
        case .idx, .csv, .npy: return URL(fileURLWithPath: file ?? "data").lastPathComponent
        default: return dataset.rawValue
        }
    }

    /// Loads the dataset with one sample per row: flat `[n, d]`, or `[n, h, w, c]` images when
    /// `images` is set (see ``loadWithImageShape(split:)``).
    /// - Throws: The readers' ``DataError`` (missing files name how to get them), or
    ///   ``ExampleError`` when `images` is set and the data are not images.
    public func load(images: Bool) throws -> LabeledDataset {
        let (d, shape) = try loadWithImageShape()
        if images {
            guard shape != nil else {
                throw ExampleError("\(displayName): the convolutional models need images [n, h, w] or [n, h, w, c] (or --image-shape), found \(d.x.shape)")
            }
            return d
        }
        return try LabeledDataset(x: d.x.reshaped(to: [d.count, d.x.count / max(d.count, 1)]), labels: d.labels)
    }

    /// The dataset in the layout it is stored in (MNIST-style data as `[n, h, w, 1]` images),
    /// built-in data sets from `split` when it is given.
    private func loadAsStored(split: IDXDataset.Split?) throws -> LabeledDataset {
        switch dataset {
        case .mnist, .mnistTest:
            return try IDXDataset.mnist(directory: dataDir!, split: split ?? (dataset == .mnist ? .all : .test), layout: .images)
        case .fashionMNIST, .fashionMNISTTest:
            return try IDXDataset.fashionMNIST(
                directory: dataDir ?? IDXDataset.fashionMNISTDirectory, split: split ?? (dataset == .fashionMNIST ? .all : .test),
                layout: .images)
        case .idx:
            let array = try IDXArray(contentsOf: file!)
            let x = array.tensor(dividingBy: array.elementType == .uint8 ? 255 : 1)
            let y = try labels.map { try IDXArray(contentsOf: $0).integers() }
            return try LabeledDataset(x: x, labels: y)
        case .npy:
            let x = try NumPyArray(contentsOf: file!).tensor()
            let y = try labels.map { try NumPyArray(contentsOf: $0).integers() }
            return try LabeledDataset(x: x, labels: y)
        case .csv:
            return try CSVFormat(hasHeader: csvHeader, labelColumn: labelColumn).read(contentsOf: file!)
        }
    }
}

/// An error of the example programs, printed as one line.
public struct ExampleError: Error, CustomStringConvertible {
    /// The message.
    public let description: String
    /// Creates an error with a message.
    public init(_ message: String) { description = message }
}
