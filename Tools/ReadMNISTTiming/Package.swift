// swift-tools-version: 6.1
//
// A tiny release-mode timing tool: reads MNIST (both splits, gzip) into a [70000, 784] tensor
// with IDXDataset.mnist and prints the wall-clock time. Kept out of the main package so it
// never enters a user's dependency graph.
//
//   swift run -c release read-mnist-timing /work/shared/data/mnist [repeats]

import PackageDescription

let package = Package(
    name: "ReadMNISTTiming",
    dependencies: [.package(name: "DeepClustering", path: "../..")],
    targets: [
        .executableTarget(
            name: "read-mnist-timing",
            dependencies: [.product(name: "DeepClustering", package: "DeepClustering")]
        ),
    ]
)
