// Times KMeans(clusterCount: 10, initializationCount: 20) on raw MNIST-70k pixels and reports
// seconds, inertia, iterations and ACC/NMI/ARI against the labels.
import DeepClustering
import Foundation

let arguments = CommandLine.arguments
let imagesPath = arguments.count > 1 ? arguments[1] : "/tmp/mnist70k.f32"
let labelsPath = arguments.count > 2 ? arguments[2] : "/tmp/mnist70k.labels"
let restarts = arguments.count > 3 ? Int(arguments[3]) ?? 20 : 20
let seed = arguments.count > 4 ? UInt64(arguments[4]) ?? 0 : 0

do {
    let loadStart = Date()
    let pixels = try Data(contentsOf: URL(fileURLWithPath: imagesPath))
    let labelBytes = try Data(contentsOf: URL(fileURLWithPath: labelsPath))
    let n = labelBytes.count, d = 784
    guard pixels.count == n * d * 4 else {
        throw ClusteringError.invalidInput(
            operation: "KMeansTiming", message: "\(imagesPath) has \(pixels.count) bytes, expected \(n) × \(d) × 4")
    }
    let floats = pixels.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    let x = try Tensor(shape: [n, d], scalars: floats)
    let labels = labelBytes.map(Int.init)
    print(String(format: "loaded in %.2f s; ", Date().timeIntervalSince(loadStart)), terminator: "")
    print("data \(x.shape), BLAS threads \(BLAS.threadCount), parallel threads \(Parallel.threadCount)")

    let kmeans = try KMeans(clusterCount: 10, initializationCount: restarts, seed: seed)
    let start = Date()
    let result = try kmeans.fit(x)
    let seconds = Date().timeIntervalSince(start)
    let acc = try clusteringAccuracy(labels: labels, predictions: result.labels)
    let nmi = try normalizedMutualInformation(labels: labels, predictions: result.labels)
    let ari = try adjustedRandIndex(labels: labels, predictions: result.labels)
    print(String(
        format: "KMeans(k=10, n_init=%d, seed=%llu): %.2f s  inertia %.1f  iterations %d  ACC %.4f  NMI %.4f  ARI %.4f",
        restarts, seed, seconds, result.inertia, result.iterations, acc, nmi, ari))
} catch {
    print("error: \(error)")
    exit(1)
}
