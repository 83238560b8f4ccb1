// swift-tools-version: 6.1
//
// DeepClustering: Deep Embedded Clustering (DEC), IDEC and convolutional DEC in Swift, with
// everything underneath written here (tensor core on OpenBLAS, layers, losses, optimizers,
// k-means, clustering metrics). Modules, bottom to top:
//
//   CBLAS, CZlib (system libraries); COneDNN (oneDNN matmul loaded at run time, bf16);
//   CDirectConvolution (C kernels for thin convolutions);
//   COptimizerKernels (SGD, Adam and Adadelta updates)
//     → DeepClusteringCore  (Tensor, GEMM, seeded random numbers, parallel loops)
//     → DeepClusteringData  (IDX/gzip, CSV, .npy readers; safetensors)
//     → DeepClusteringNN    (layers, losses, optimizers, training utilities)
//     → DeepClustering      (k-means, metrics, DEC/IDEC; re-exports everything below)
//
// Benchmarks live in their own package under Benchmarks/ so benchmark code never enters a
// user's dependency graph.

import PackageDescription

let package = Package(
    name: "DeepClustering",
    products: [
        .library(name: "DeepClustering", targets: ["DeepClustering"]),
        .executable(name: "dec", targets: ["dec"]),
        .executable(name: "kmeans", targets: ["kmeans"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: - System libraries

        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // MARK: - C kernels

        // Direct convolution for layers whose image side is thin (the first Conv2D and last
        // Conv2DTranspose on grey-scale images); AVX2 + FMA chosen at run time, portable C otherwise.
        .target(name: "CDirectConvolution"),
        // oneDNN's matmul primitive opened at run time (dlopen of libdnnl.so.2, no link or header
        // needed), bf16 conversion and the CPU's bf16 features.
        .target(name: "COneDNN", linkerSettings: [.linkedLibrary("dl")]),
        // Adam and Adadelta updates in packed square roots and divisions (AVX chosen at run time).
        .target(name: "COptimizerKernels"),

        // MARK: - Library modules

        .target(
            name: "DeepClusteringCore",
            dependencies: ["CBLAS", "COneDNN"]
        ),
        .target(
            name: "DeepClusteringData",
            dependencies: ["DeepClusteringCore", "CZlib"]
        ),
        .target(
            name: "DeepClusteringNN",
            dependencies: ["DeepClusteringCore", "DeepClusteringData", "CDirectConvolution", "COptimizerKernels"]
        ),
        .target(
            name: "DeepClustering",
            dependencies: ["DeepClusteringCore", "DeepClusteringData", "DeepClusteringNN"]
        ),

        // MARK: - Examples

        .target(
            name: "ExampleSupport",
            dependencies: [
                "DeepClustering",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/ExampleSupport"
        ),
        .executableTarget(
            name: "dec",
            dependencies: [
                "DeepClustering", "ExampleSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/dec"
        ),
        .executableTarget(
            name: "kmeans",
            dependencies: [
                "DeepClustering", "ExampleSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/kmeans"
        ),

        // MARK: - Tests

        .target(
            name: "_TestSupport",
            dependencies: ["DeepClusteringCore", "DeepClusteringNN"],
            path: "Tests/_TestSupport"
        ),
        .testTarget(
            name: "DeepClusteringCoreTests",
            dependencies: ["DeepClusteringCore", "CBLAS", "COneDNN", "_TestSupport"],
            exclude: ["Fixtures"]  // reference scripts only, nothing the tests read
        ),
        .testTarget(
            name: "DeepClusteringDataTests",
            dependencies: ["DeepClusteringData", "_TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DeepClusteringNNTests",
            dependencies: ["DeepClusteringNN", "CDirectConvolution", "COptimizerKernels", "_TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ExampleTests",
            dependencies: ["dec", "kmeans"]
        ),
        .testTarget(
            name: "DeepClusteringTests",
            dependencies: ["DeepClustering", "_TestSupport"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
