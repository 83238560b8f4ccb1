// Micro-benchmarks of DeepClustering's hot paths with ordo-one/benchmark:
//
//   cd Benchmarks && swift package benchmark
//   cd Benchmarks && swift package benchmark run --allocation-stacks --filter "DEC.*"
//
// Every benchmark measures wall clock, CPU time, the number of mallocs and throughput. Inputs,
// layers and workspaces are built in the benchmark's `setup` closure (run once, outside the
// measured region), and warm-up iterations size every workspace before measuring starts, so
// `mallocCountTotal` shows what one more iteration allocates in steady state, plus the
// harness's own count (see `registerHarnessBaseline()`).

import Benchmark

let benchmarks: @Sendable () -> Void = {
    registerHarnessBaseline()
    registerMatmulBenchmarks()
    registerLayerBenchmarks()
    registerClusteringBenchmarks()
}
