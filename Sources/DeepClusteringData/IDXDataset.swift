import DeepClusteringCore

/// Loaders for the image datasets distributed as four IDX files: MNIST and Fashion-MNIST.
///
/// Both ship as `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`
/// and `t10k-labels-idx1-ubyte`, each optionally gzip-compressed (`.gz`). Pixels are divided by
/// 255 into `[0, 1]`, as DEC-keras does. Like DEC-keras, ``Split/all`` concatenates the
/// 60,000 training and 10,000 test images into 70,000 samples (training first).
///
/// ```swift
/// let mnist = try IDXDataset.mnist(directory: "data/mnist")                   // x: [70000, 784]
/// let test = try IDXDataset.mnist(directory: "data/mnist", split: .test)      // "MNIST-test"
/// let fashion = try IDXDataset.fashionMNIST(layout: .images)                  // x: [70000, 28, 28, 1]
/// ```
public enum IDXDataset {
    /// Which part of a dataset to load.
    public enum Split: String, Sendable, CaseIterable {
        /// Training then test samples, concatenated (70,000 for MNIST), as in the DEC paper.
        case all
        /// The training samples only (60,000 for MNIST).
        case train
        /// The test samples only (10,000 for MNIST; "MNIST-test" in the clustering literature).
        case test
    }

    /// How to shape the images.
    public enum Layout: String, Sendable, CaseIterable {
        /// One row of `height × width` pixels per sample: `[n, 784]` for MNIST, for dense models.
        case flat
        /// NHWC images with one channel: `[n, 28, 28, 1]` for MNIST, for convolutional models.
        case images
    }

    /// Where the Debian package `dataset-fashion-mnist` installs Fashion-MNIST.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// Loads MNIST from a directory holding its four IDX files (plain or `.gz`).
    /// - Parameters:
    ///   - directory: The directory with the four files.
    ///   - split: Which samples; defaults to ``Split/all`` (70,000).
    ///   - layout: The shape of `x`; defaults to ``Layout/flat`` (`[n, 784]`).
    /// - Returns: Pixels divided by 255 into `[0, 1]`, and the digit labels 0–9.
    /// - Throws: ``DataError/notFound(path:hint:)`` saying where to get the files, or any
    ///   ``DataError`` from reading them (including image and label counts that differ).
    public static func mnist(directory: String, split: Split = .all, layout: Layout = .flat) throws -> LabeledDataset {
        try load(
            directory: directory, split: split, layout: layout,
            hint: "Download the four MNIST files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                + "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, e.g. from https://yann.lecun.com/exdb/mnist/ "
                + "or a mirror) into '\(directory)'.")
    }

    /// Loads Fashion-MNIST from a directory holding its four IDX files (plain or `.gz`).
    /// - Parameters:
    ///   - directory: The directory with the four files; defaults to
    ///     ``fashionMNISTDirectory``, where `sudo apt-get install dataset-fashion-mnist` puts them.
    ///   - split: Which samples; defaults to ``Split/all`` (70,000).
    ///   - layout: The shape of `x`; defaults to ``Layout/flat`` (`[n, 784]`).
    /// - Returns: Pixels divided by 255 into `[0, 1]`, and the class labels 0–9.
    /// - Throws: ``DataError/notFound(path:hint:)`` saying how to install the data, or any
    ///   ``DataError`` from reading the files.
    public static func fashionMNIST(
        directory: String = fashionMNISTDirectory, split: Split = .all, layout: Layout = .flat
    ) throws -> LabeledDataset {
        try load(
            directory: directory, split: split, layout: layout,
            hint: "Install it with `sudo apt-get install dataset-fashion-mnist` (files in \(fashionMNISTDirectory)), "
                + "or download the four Fashion-MNIST IDX files from https://github.com/zalandoresearch/fashion-mnist "
                + "into '\(directory)'.")
    }

    /// Loads the requested split of a four-file IDX dataset, converting pixels straight into
    /// one preallocated tensor (no intermediate per-split tensors, no concatenation copy).
    static func load(directory: String, split: Split, layout: Layout, hint: String) throws -> LabeledDataset {
        let prefixes: [String]
        switch split {
        case .all: prefixes = ["train", "t10k"]
        case .train: prefixes = ["train"]
        case .test: prefixes = ["t10k"]
        }
        var images = [IDXArray](), labels = [Int]()
        for prefix in prefixes {
            let imageFile = try locate("\(prefix)-images-idx3-ubyte", in: directory, hint: hint)
            let labelFile = try locate("\(prefix)-labels-idx1-ubyte", in: directory, hint: hint)
            let image = try IDXArray(contentsOf: imageFile)
            guard image.elementType == .uint8, image.shape.count == 3 else {
                throw DataError.unsupported(
                    path: imageFile,
                    message: "expected uint8 images of shape [n, height, width], found \(image.elementType.rawValue) of shape \(image.shape)")
            }
            if let first = images.first, first.shape.dropFirst() != image.shape.dropFirst() {
                throw DataError.malformed(
                    path: imageFile, offset: 8,
                    message: "image size \(Array(image.shape.dropFirst())) differs from \(Array(first.shape.dropFirst())) in \(first.source)")
            }
            let label = try IDXArray(contentsOf: labelFile)
            guard label.shape.count == 1 else {
                throw DataError.malformed(path: labelFile, offset: 3, message: "expected a rank-1 label file, found shape \(label.shape)")
            }
            guard label.count == image.shape[0] else {
                throw DataError.malformed(
                    path: labelFile, offset: 4,
                    message: "\(label.count) labels but \(image.shape[0]) images in \(imageFile)")
            }
            labels += try label.integers()
            images.append(image)
        }
        let height = images[0].shape[1], width = images[0].shape[2]
        // The files' element counts were checked, but with no images at all the dimensions may
        // still be absurd (0 × 2³² × 2³²).
        let (pixels, overflow) = height.multipliedReportingOverflow(by: width)
        guard !overflow else {
            throw DataError.malformed(
                path: directory, offset: nil, message: "images of \(height) × \(width) pixels are too large (\(labels.count) images)")
        }
        let shape = layout == .flat ? [labels.count, pixels] : [labels.count, height, width, 1]
        var x = Tensor(zeros: shape)
        x.withUnsafeMutableBufferPointer { out in
            var offset = 0
            for image in images {
                image.decode(into: out.baseAddress! + offset, dividingBy: 255)
                offset += image.count
            }
        }
        return try LabeledDataset(x: x, labels: labels)
    }

    /// The path of `name` or `name.gz` in `directory`, preferring the plain file.
    static func locate(_ name: String, in directory: String, hint: String) throws -> String {
        var isDirectory = false
        guard FileExists.at(directory, isDirectory: &isDirectory), isDirectory else {
            throw DataError.notFound(path: directory, hint: hint)
        }
        let base = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        for candidate in [base, base + ".gz"] where FileExists.at(candidate) {
            return candidate
        }
        throw DataError.notFound(path: base + "(.gz)", hint: hint)
    }
}
