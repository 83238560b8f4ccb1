import Benchmark
import DeepClustering

/// Operands and the reused output of one GEMM shape.
final class MatmulState {
    let a: Tensor
    let b: Tensor
    let transposeA: Bool
    var c = Tensor(zeros: [0])

    init(m: Int, k: Int, n: Int, transposeA: Bool) {
        a = randomTensor(transposeA ? [k, m] : [m, k], seed: 1)
        b = randomTensor([k, n], seed: 2)
        self.transposeA = transposeA
    }
}

/// `Tensor.matmul(_:transposeA:_:transposeB:into:)` at DEC-keras's three GEMM shapes (the dense
/// autoencoder's 784→500 and 500→2000 forward GEMMs and the 784×500 kernel gradient `xᵀ·dz`,
/// A stored as `[256, 784]` and transposed as in `Dense.backward`). `c` is kept across
/// iterations, so a steady-state iteration should allocate nothing.
func registerMatmulBenchmarks() {
    let shapes: [(m: Int, k: Int, n: Int, transposeA: Bool)] = [
        (256, 784, 500, false), (256, 500, 2000, false), (784, 256, 500, true),
    ]
    for shape in shapes {
        let name = "matmul \(shape.m)x\(shape.k)·\(shape.k)x\(shape.n)" + (shape.transposeA ? " (Aᵀ)" : "")
        Benchmark(name, configuration: configuration(warmupIterations: 10)) { benchmark, state in
            for _ in benchmark.scaledIterations {
                try Tensor.matmul(state.a, transposeA: state.transposeA, state.b, into: &state.c)
            }
        } setup: {
            MatmulState(m: shape.m, k: shape.k, n: shape.n, transposeA: shape.transposeA)
        }
    }
}
