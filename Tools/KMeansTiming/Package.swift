// swift-tools-version: 6.1
//
// Release timing of k-means on raw MNIST-70k pixels (k = 10, n_init = 20), the seed's k-means
// baseline. A standalone package so it never enters the library's dependency graph.
//
//   python3 dump_mnist.py      # once: /tmp/mnist70k.f32 and /tmp/mnist70k.labels
//   swift run -c release KMeansTiming [images.f32] [labels.u8] [restarts]

import PackageDescription

let package = Package(
    name: "KMeansTiming",
    dependencies: [
        .package(name: "DeepClustering", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "KMeansTiming",
            dependencies: [.product(name: "DeepClustering", package: "DeepClustering")]
        ),
    ]
)
