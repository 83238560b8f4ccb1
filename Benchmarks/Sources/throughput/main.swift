// throughput: one training epoch of DEC-keras's dense autoencoder against the bare sgemm floor.
//
//   swift run -c release --package-path Benchmarks throughput [--data-dir DIR] [--sequential | --interleave N]
//
// 1. Trains one epoch of Autoencoder.dense([784, 500, 500, 2000, 10]) on 70,000 × 784 samples
//    (batch 256, SGD lr 1, momentum 0.9) through the library's `pretrain`.
// 2. Runs exactly the same sequence of sgemm calls (shapes, transposes, β, per batch including the
//    last partial one) on raw buffers, with nothing else, in the same process: in blocks of 64
//    batches between blocks of 64 epoch batches (from the progress hook, whose time is excluded
//    from the epoch), with half a block before the epoch and the rest after it, so that a load
//    that drifts steadily weighs on both alike (TimedEpoch.swift). `--interleave N` sets the
//    block (the ratio rises when blocks are small, most likely because each switch evicts the
//    other side's data from the caches); `--sequential` runs the whole floor after the epoch.
// 3. Prints `dense epoch_s=… sgemm_s=… ratio=… gflops=…` (ratio = epoch / sgemm; gflops = the
//    epoch's GEMM flops / epoch_s), then `matmul …` lines comparing Tensor.matmul(into:) with
//    raw BLAS.sgemm at DEC-keras's shapes (best of many repetitions).
//
// 4. Unless `--model dense`, does the same for DCEC's convolutional autoencoder
//    (ConvolutionThroughput.swift): `conv epoch_s=… sgemm_s=… ratio=… gflops=…`.
//    `--model conv` runs only that line.
//
// `--precision f32|bf16` runs every line's GEMMs (the epoch's and the floor's alike) with FP32 or
// bf16 operands; `--backend onednn|openblas` runs the large products on that library (default:
// oneDNN when libdnnl.so.2 loads), so the two can be compared with the same build. Unless the
// GEMMs run on OpenBLAS in FP32, each epoch line is followed by
// `openblas_f32_sgemm_s=… epoch/openblas_f32_sgemm=…`: the same floor on OpenBLAS in FP32 (the
// engine's fallback), run in the same blocks, so the epoch is compared with both in one run.
//
// `--model kmeans`, `--model dec` and `--model tsne` run only the k-means, DEC-loop or t-SNE
// line (TSNEThroughput.swift: 5,000 points of a 10-D embedding, 1000 iterations);
// `--model backends` compares OpenBLAS and oneDNN on single products (BackendThroughput.swift).
//
// The machine may be shared: the ratio (both halves measured back to back in one process) is the
// number to compare, not absolute times.

import DeepClustering
@_spi(Benchmarks) import DeepClusteringCore
import Foundation

// MARK: - Arguments and data

/// Reads MNIST (70,000 × 784 in [0, 1]) from `dir` (the four IDX files, gzip or not).
func loadMNIST(_ dir: String) throws -> Tensor {
    try IDXDataset.mnist(directory: dir, split: .all, layout: .flat).x
}

enum BenchmarkError: Error, CustomStringConvertible {
    case usage(String)
    var description: String {
        switch self {
        case let .usage(m): return m
        }
    }
}

/// The command line: `[--data-dir DIR] [--sequential | --interleave N] [--elementwise-threads N]
/// [--precision f32|bf16] [--backend onednn|openblas] [--model dense|conv|kmeans|dec|tsne|backends|all]`.
struct Options {
    var dataDirectory: String?
    /// Which lines to run: `dense`, `conv`, `kmeans`, `dec`, `tsne` or `all` (the default).
    var model = "all"
    /// Where the sgemm floor runs: in blocks between blocks of 64 epoch batches (the default),
    /// of N batches (`--interleave N`), or after the epoch (`--sequential`).
    var placement = FloorPlacement.interleaved(64)
    /// Threads for the library's own elementwise work (`Parallel.threadCount`); `nil` keeps the
    /// default (one per core). OpenBLAS's threads are not affected.
    var elementwiseThreads: Int?
    /// The operand precision of every GEMM (`--precision f32|bf16`).
    var precision = GEMMPrecision.float32
    /// The library for large products (`--backend onednn|openblas`); `nil` keeps the engine's choice.
    var backend: GEMMBackend?

    static func parse() throws -> Options {
        var options = Options()
        var args = Array(CommandLine.arguments.dropFirst())[...]
        while let arg = args.popFirst() {
            switch arg {
            case "--data-dir":
                guard let dir = args.popFirst() else { throw BenchmarkError.usage("--data-dir needs a directory") }
                options.dataDirectory = dir
            case "--sequential":
                options.placement = .afterEpoch
            case "--interleave":
                guard let n = args.popFirst().flatMap({ Int($0) }), n >= 1 else {
                    throw BenchmarkError.usage("--interleave needs a positive number of batches")
                }
                options.placement = .interleaved(n)
            case "--elementwise-threads":
                guard let t = args.popFirst().flatMap({ Int($0) }), t >= 1 else {
                    throw BenchmarkError.usage("--elementwise-threads needs a positive integer")
                }
                options.elementwiseThreads = t
            case "--precision":
                switch args.popFirst() {
                case "f32": options.precision = .float32
                case "bf16": options.precision = .bfloat16
                default: throw BenchmarkError.usage("--precision needs f32 or bf16")
                }
            case "--backend":
                switch args.popFirst() {
                case "onednn": options.backend = .oneDNN
                case "openblas": options.backend = .openBLAS
                default: throw BenchmarkError.usage("--backend needs onednn or openblas")
                }
            case "--model":
                guard let model = args.popFirst(), ["dense", "conv", "kmeans", "dec", "tsne", "backends", "all"].contains(model) else {
                    throw BenchmarkError.usage("--model needs dense, conv, kmeans, dec, tsne, backends or all")
                }
                options.model = model
            default:
                throw BenchmarkError.usage("unknown argument \(arg); usage: throughput [--data-dir DIR] [--sequential | --interleave N] [--elementwise-threads N] [--precision f32|bf16] [--backend onednn|openblas] [--model dense|conv|kmeans|dec|tsne|backends|all]")
            }
        }
        return options
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
        .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

// MARK: - The GEMM sequence of one epoch

/// Floating-point operations of one sgemm `m×k · k×n`.
func gemmFlops(_ m: Int, _ n: Int, _ k: Int) -> Double { 2 * Double(m) * Double(n) * Double(k) }

/// The sgemm floor: exactly the GEMMs `Dense` issues, on raw buffers, with nothing in between.
///
/// Per batch of `b` rows: forward `Y_l ← X_l·W_l` for every layer in order, then backward in
/// reverse `dW_l ← X_lᵀ·G_l` and `G_{l−1} ← G_l·W_lᵀ` (not for the first layer). The weight
/// gradient uses β = 0 as `Dense` does after the optimizer's lazy zeroing (`BLAS.sgemm` then
/// clears `C` itself and calls OpenBLAS with β = 1; the floor goes through the same wrapper, so
/// it pays that clearing as the epoch does). Every
/// layer has its own weight, gradient, activation and activation-gradient buffers, with the same
/// sizes and data flow as the model, so cache behaviour matches too.
final class SGEMMFloor {
    let layers: [(Int, Int)]
    private let input: UnsafeMutablePointer<Float>
    private let w, dw, y, g: [UnsafeMutablePointer<Float>]
    private(set) var seconds = 0.0, flops = 0.0, calls = 0

    init(layers: [(Int, Int)], maxBatch: Int) {
        self.layers = layers
        var rng = SeededGenerator(seed: 99)
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            for i in 0..<count { p[i] = (rng.nextUnitFloat() - 0.5) * 0.01 }
            return p
        }
        input = buffer(maxBatch * layers[0].0)
        w = layers.map { buffer($0.0 * $0.1) }
        dw = layers.map { buffer($0.0 * $0.1) }
        y = layers.map { buffer(maxBatch * $0.1) }
        g = layers.map { buffer(maxBatch * $0.1) }
    }

    deinit { ([input] + w + dw + y + g).forEach { $0.deallocate() } }

    /// Runs the GEMMs of one batch of `b` rows, adding to ``seconds``, ``flops`` and ``calls``.
    func run(batch b: Int) {
        let start = now()
        for (l, (i, o)) in layers.enumerated() {
            BLAS.sgemm(transposeA: false, transposeB: false, m: b, n: o, k: i,
                       a: l == 0 ? input : y[l - 1], lda: i, b: w[l], ldb: o, beta: 0, c: y[l], ldc: o)
            flops += gemmFlops(b, o, i); calls += 1
        }
        for (l, (i, o)) in layers.enumerated().reversed() {
            BLAS.sgemm(transposeA: true, transposeB: false, m: i, n: o, k: b,
                       a: l == 0 ? input : y[l - 1], lda: i, b: g[l], ldb: o, beta: 0, c: dw[l], ldc: o)
            flops += gemmFlops(i, o, b); calls += 1
            if l > 0 {
                BLAS.sgemm(transposeA: false, transposeB: true, m: b, n: i, k: o,
                           a: g[l], lda: o, b: w[l], ldb: o, beta: 0, c: g[l - 1], ldc: i)
                flops += gemmFlops(b, i, o); calls += 1
            }
        }
        seconds += now() - start
    }

    /// Forgets the accumulated time and counts (after a warm-up).
    func reset() { seconds = 0; flops = 0; calls = 0 }
}

// MARK: - Matmul: Tensor.matmul(into:) against raw sgemm

func compareMatmul(m: Int, k: Int, n: Int, transposeA: Bool, repetitions: Int) throws {
    var rng = SeededGenerator(seed: 5)
    let a = Tensor(randomUniform: transposeA ? [k, m] : [m, k], using: &rng)
    let b = Tensor(randomUniform: [k, n], using: &rng)
    var c = Tensor(zeros: [m, n])
    let flops = 2 * Double(m) * Double(n) * Double(k)
    var bestTensor = Double.infinity, bestRaw = Double.infinity
    let raw = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
    defer { raw.deallocate() }
    for _ in 0..<repetitions {
        var t = now()
        try Tensor.matmul(a, transposeA: transposeA, b, into: &c)
        bestTensor = min(bestTensor, now() - t)
        t = now()
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                BLAS.sgemm(transposeA: transposeA, transposeB: false, m: m, n: n, k: k,
                           a: pa.baseAddress!, lda: transposeA ? m : k, b: pb.baseAddress!, ldb: n,
                           beta: 0, c: raw, ldc: n)
            }
        }
        bestRaw = min(bestRaw, now() - t)
    }
    let label = transposeA ? " (Aᵀ stored)" : ""
    print(String(format: "matmul shape=%dx%dx%d%@ tensor_gflops=%.1f sgemm_gflops=%.1f ratio=%.3f",
                 m, k, n, label, flops / bestTensor * 1e-9, flops / bestRaw * 1e-9, bestTensor / bestRaw))
}

// MARK: - Main

BLAS.relaunchWithSuggestedCoreType { note in
    FileHandle.standardError.write(Data("throughput: \(note)\n".utf8))
}
/// Every line the options ask for, in the precision already set.
func runBenchmarks(_ options: Options) throws {
    let dims = [784, 500, 500, 2000, 10]
    let batchSize = 256
    let x: Tensor
    if options.model == "tsne" {
        try tsneThroughput()
        return
    }
    if options.model == "backends" {
        backendThroughput()
        return
    }
    if let dir = options.dataDirectory {
        x = try loadMNIST(dir)
    } else {
        var rng = SeededGenerator(seed: 1)
        x = Tensor(randomUniform: [70_000, 784], using: &rng)
    }
    let n = x.shape[0]
    print("OpenBLAS: \(BLAS.configuration), threads=\(BLAS.threadCount); elementwise threads=\(Parallel.threadCount); load average before: \(loadAverage())")
    print("GEMM: \(BLAS.engineDescription); precision \(BLAS.precision.rawValue)")
    switch options.model {
    case "conv":
        try convolutionThroughput(x.reshaped(to: [n, 28, 28, 1]), placement: options.placement)
        return
    case "kmeans":
        try kmeansThroughput(x)
        return
    case "dec":
        try decThroughput(x)
        return
    default:
        break
    }

    var rng = SeededGenerator(seed: 42)
    let ae = try Autoencoder.dense(dims, using: &rng)
    let optimizer = try SGD(learningRate: 1, momentum: 0.9)
    var layers: [(Int, Int)] = []
    for i in 0..<dims.count - 1 { layers.append((dims[i], dims[i + 1])) }
    for i in (1..<dims.count).reversed() { layers.append((dims[i], dims[i - 1])) }
    let floor = SGEMMFloor(layers: layers, maxBatch: batchSize)
    let openBLASFloor = SGEMMFloor(layers: layers, maxBatch: batchSize)

    // Warm up OpenBLAS's threads, the layers' workspaces and the floor's buffers (not timed).
    try ae.fit(x.rows(in: 0..<(4 * batchSize)), epochs: 1, batchSize: batchSize, optimizer: optimizer, precision: BLAS.precision)
    for _ in 0..<4 { floor.run(batch: batchSize) }
    floor.reset()
    if comparesWithOpenBLAS { onOpenBLASInFloat32 { for _ in 0..<4 { openBLASFloor.run(batch: batchSize) } } }
    openBLASFloor.reset()

    // One epoch through the library's own `pretrain`, the floor in blocks around it (TimedEpoch.swift).
    let (epochSeconds, epochLoss) = try timedEpoch(
        of: ae, on: x, batchSize: batchSize, optimizer: optimizer, placement: options.placement,
        floor: floorBlocks({ floor.run(batch: $0) }, openBLASFloor: { openBLASFloor.run(batch: $0) }))
    let sgemmSeconds = floor.seconds, flops = floor.flops, calls = floor.calls
    let batches = (n + batchSize - 1) / batchSize

    print(String(format: "dense epoch_s=%.3f sgemm_s=%.3f ratio=%.3f gflops=%.1f",
                 epochSeconds, sgemmSeconds, epochSeconds / sgemmSeconds, flops / epochSeconds * 1e-9))
    print(String(format: "  (epoch loss %.5f, %.3f TFLOP of GEMM, %d GEMM calls; load average after: %@)",
                 epochLoss, flops * 1e-12, calls, loadAverage()))
    printOpenBLASComparison(epochSeconds: epochSeconds, openBLASSeconds: openBLASFloor.seconds)

    // The largest non-GEMM piece on its own: one optimizer step over all 3.3 M parameters, best
    // of 20 (in training the gradients are then zeroed lazily, at no extra cost).
    var bestStep = Double.infinity
    for _ in 0..<20 {
        let t = now()
        try optimizer.step(ae.parameters)
        bestStep = min(bestStep, now() - t)
    }
    print(String(format: "optimizer step_ms=%.2f (SGD momentum, %d parameters; %.1f%% of the floor's time per batch)",
                 bestStep * 1e3, ae.parameterCount, 100 * bestStep / (sgemmSeconds / Double(batches))))

    try compareMatmul(m: 256, k: 784, n: 500, transposeA: false, repetitions: 50)
    try compareMatmul(m: 256, k: 500, n: 2000, transposeA: false, repetitions: 30)
    try compareMatmul(m: 784, k: 256, n: 500, transposeA: true, repetitions: 50)
    for line in BLAS.oneDNNImplementations { print("  onednn \(line)") }
    if options.model == "all" {
        try convolutionThroughput(x.reshaped(to: [n, 28, 28, 1]), placement: options.placement)
        try kmeansThroughput(x)
        try decThroughput(x)
    }
}

do {
    let options = try Options.parse()
    if let t = options.elementwiseThreads { Parallel.threadCount = t }
    if let backend = options.backend { BLAS.selectBackend(backend) }
    try BLAS.withPrecision(options.precision) { try runBenchmarks(options) }
} catch {
    FileHandle.standardError.write(Data("throughput: \(error)\n".utf8))
    exit(1)
}
