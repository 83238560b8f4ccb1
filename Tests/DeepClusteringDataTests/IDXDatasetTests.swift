import DeepClusteringCore
import DeepClusteringData
import Foundation
import Testing

/// MNIST-shaped datasets generated here (5 training and 3 test images of 28×28), never the
/// real files.
@Suite struct IDXDatasetTests {
    struct Split {
        var images: Tensor, labels: [Int]
    }

    /// Writes a four-file dataset into `directory`: training files gzip-compressed, test files
    /// plain (both forms must be found).
    static func makeDataset(in directory: TemporaryDirectory, trainCount: Int = 5, testCount: Int = 3) throws -> (train: Split, test: Split) {
        var rng = SeededGenerator(seed: 11)
        func split(_ n: Int) throws -> Split {
            let pixels = (0..<(n * 784)).map { _ in Float(rng.next() % 256) }
            return Split(images: try Tensor(shape: [n, 28, 28], scalars: pixels), labels: (0..<n).map { _ in Int(rng.next() % 10) })
        }
        let train = try split(trainCount), test = try split(testCount)
        try IDXArray(train.images, elementType: .uint8).write(to: directory.file("train-images-idx3-ubyte.gz"))
        try IDXArray(labels: train.labels).write(to: directory.file("train-labels-idx1-ubyte.gz"))
        try IDXArray(test.images, elementType: .uint8).write(to: directory.file("t10k-images-idx3-ubyte"))
        try IDXArray(labels: test.labels).write(to: directory.file("t10k-labels-idx1-ubyte"))
        return (train, test)
    }

    static func scaled(_ t: Tensor) -> [Float] { t.scalars.map { Float(Double($0) / 255) } }

    @Test func loadsTrainAndTestConcatenatedAsFlatRows() throws {
        let directory = try TemporaryDirectory()
        let (train, test) = try Self.makeDataset(in: directory)
        let all = try IDXDataset.mnist(directory: directory.path)
        #expect(all.x.shape == [8, 784])
        #expect(all.x.scalars == Self.scaled(train.images) + Self.scaled(test.images))
        #expect(all.labels == train.labels + test.labels)
        #expect(all.x.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func loadsEachSplitAlone() throws {
        let directory = try TemporaryDirectory()
        let (train, test) = try Self.makeDataset(in: directory)
        let trainOnly = try IDXDataset.mnist(directory: directory.path, split: .train)
        #expect(trainOnly.x.shape == [5, 784])
        #expect(trainOnly.x.scalars == Self.scaled(train.images))
        #expect(trainOnly.labels == train.labels)
        let testOnly = try IDXDataset.mnist(directory: directory.path + "/", split: .test)
        #expect(testOnly.x.shape == [3, 784])
        #expect(testOnly.x.scalars == Self.scaled(test.images))
        #expect(testOnly.labels == test.labels)
    }

    @Test func imagesLayoutIsNHWCWithOneChannel() throws {
        let directory = try TemporaryDirectory()
        let (train, test) = try Self.makeDataset(in: directory)
        let images = try IDXDataset.fashionMNIST(directory: directory.path, layout: .images)
        #expect(images.x.shape == [8, 28, 28, 1])
        #expect(images.x.scalars == Self.scaled(train.images) + Self.scaled(test.images))
        // Pixel (row 3, column 7) of the second test image.
        #expect(images.x[6, 3, 7, 0] == Float(Double(test.images[1, 3, 7]) / 255))
    }

    @Test func missingDirectorySaysHowToGetFashionMNIST() throws {
        let directory = try TemporaryDirectory()
        let absent = directory.file("no-such-directory")
        let error = expectDataError(path: absent, mentioning: ["not found", "sudo apt-get install dataset-fashion-mnist"]) {
            _ = try IDXDataset.fashionMNIST(directory: absent)
        }
        if case .notFound = error {} else { Issue.record("expected notFound, got \(String(describing: error))") }
        expectDataError(path: absent, mentioning: ["MNIST", "train-images-idx3-ubyte.gz"]) {
            _ = try IDXDataset.mnist(directory: absent)
        }
    }

    @Test func missingFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        _ = try Self.makeDataset(in: directory)
        try FileManager.default.removeItem(atPath: directory.file("t10k-labels-idx1-ubyte"))
        let expected = directory.file("t10k-labels-idx1-ubyte") + "(.gz)"
        expectDataError(path: expected, mentioning: ["not found"]) { _ = try IDXDataset.mnist(directory: directory.path) }
        // The training split alone does not need the test files.
        #expect(try IDXDataset.mnist(directory: directory.path, split: .train).count == 5)
    }

    @Test func labelCountDifferentFromImageCount() throws {
        let directory = try TemporaryDirectory()
        _ = try Self.makeDataset(in: directory)
        let labels = directory.file("t10k-labels-idx1-ubyte")
        try IDXArray(labels: [1, 2, 3, 4]).write(to: labels)
        expectDataError(path: labels, mentioning: ["4 labels but 3 images", "t10k-images-idx3-ubyte"]) {
            _ = try IDXDataset.mnist(directory: directory.path, split: .test)
        }
    }

    @Test func noImagesOfAbsurdSizeAreRefused() throws {
        // Zero images of 2³² − 1 × 2³² − 1 pixels hold no bytes, so the file is consistent, but
        // the flat row width overflowed.
        let directory = try TemporaryDirectory()
        _ = try Self.makeDataset(in: directory)
        let images: [UInt8] = [0, 0, 8, 3] + [0, 0, 0, 0] + [255, 255, 255, 255] + [255, 255, 255, 255]
        try Data(images).write(to: URL(fileURLWithPath: directory.file("t10k-images-idx3-ubyte")))
        try IDXArray(labels: []).write(to: directory.file("t10k-labels-idx1-ubyte"))
        expectDataError(path: directory.path, mentioning: ["too large", "0 images"]) {
            _ = try IDXDataset.mnist(directory: directory.path, split: .test)
        }
    }

    @Test func imagesOfAnotherTypeOrRankAreRefused() throws {
        let directory = try TemporaryDirectory()
        _ = try Self.makeDataset(in: directory)
        let images = directory.file("t10k-images-idx3-ubyte")
        try IDXArray(Tensor(zeros: [3, 28, 28]), elementType: .float32).write(to: images)
        expectDataError(path: images, mentioning: ["expected uint8 images", "float32"]) {
            _ = try IDXDataset.mnist(directory: directory.path, split: .test)
        }
    }
}
