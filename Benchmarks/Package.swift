// swift-tools-version: 6.1
//
// Benchmarks for DeepClustering, kept in their own package so benchmark code (and, later, its
// dependencies) never enters a library user's dependency graph. Build them in release mode:
//
//   swift run -c release --package-path Benchmarks throughput [--data-dir DIR]

import PackageDescription

let package = Package(
    name: "DeepClusteringBenchmarks",
    dependencies: [
        .package(name: "DeepClustering", path: ".."),
    ],
    targets: [
        // MARK: - Executables

        .executableTarget(
            name: "throughput",
            dependencies: [.product(name: "DeepClustering", package: "DeepClustering")]
        ),
    ]
)
