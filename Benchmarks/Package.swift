// swift-tools-version: 6.1
//
// Benchmarks for DeepClustering, kept in their own package so benchmark code (and, later, its
// dependencies) never enters a library user's dependency graph. Build them in release mode:
//
//   swift run -c release --package-path Benchmarks throughput [--data-dir DIR]
//   cd Benchmarks && swift package benchmark          (ordo-one/benchmark micro-benchmarks)
//
// ordo-one/benchmark counts allocations through its `MallocInterposer` trait (Swift 6.3's
// replacement for jemalloc), so no jemalloc is needed on the machine.

import PackageDescription

let package = Package(
    name: "DeepClusteringBenchmarks",
    dependencies: [
        .package(name: "DeepClustering", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // MARK: - Executables

        .executableTarget(
            name: "throughput",
            dependencies: [.product(name: "DeepClustering", package: "DeepClustering")]
        ),

        // MARK: - Micro-benchmarks (ordo-one/benchmark: `swift package benchmark`)

        .executableTarget(
            name: "DeepClusteringBenchmarks",
            dependencies: [
                .product(name: "DeepClustering", package: "DeepClustering"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DeepClusteringBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
