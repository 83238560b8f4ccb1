import Benchmark
import DeepClustering

/// The metrics every benchmark here records: time (wall clock and CPU, which differ when BLAS
/// uses both cores), allocations per iteration, and iterations per second.
let standardMetrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .throughput]

/// A configuration with ``standardMetrics``, `warmupIterations` unmeasured runs first (they
/// size every workspace), and at most `maxDuration` or `maxIterations` of measuring.
func configuration(
    warmupIterations: Int = 3, maxDuration: Duration = .seconds(2), maxIterations: Int = 1_000
) -> Benchmark.Configuration {
    .init(
        metrics: standardMetrics, timeUnits: .microseconds, warmupIterations: warmupIterations,
        maxDuration: maxDuration, maxIterations: maxIterations)
}

/// A uniform random tensor in `[0, 1)` from a fixed seed, so every run measures the same data.
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor(randomUniform: shape, using: &generator)
}

/// A random output gradient in `[-1, 1)`, standing in for `∂L/∂y` of a layer's output.
func randomGradient(_ shape: [Int], seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor(randomUniform: shape, in: -1...1, using: &generator)
}

/// An empty iteration with ``standardMetrics``: what the harness itself adds to every row.
///
/// ordo-one/benchmark 1.38.1 reads the malloc counters before and after it reads the
/// operating-system statistics that `.cpuTotal` needs, so those reads (16 mallocs per iteration
/// here) are counted in `mallocCountTotal` of every benchmark that also measures CPU time. A
/// benchmark's own steady-state allocations are its count minus this one's; run with
/// `--allocation-stacks` (which drops the OS metrics) to see them directly, with their call stacks.
func registerHarnessBaseline() {
    Benchmark("harness baseline (empty iteration)", configuration: configuration()) { _ in }
}
