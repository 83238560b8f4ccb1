// The `--precision` option of `dec`: the operand precision of every training GEMM.

import ArgumentParser
import DeepClustering

/// `f32` or `bf16`, as the command line spells ``GEMMPrecision``.
enum PrecisionName: String, ExpressibleByArgument, CaseIterable {
    case f32, bf16

    /// The library's precision.
    var precision: GEMMPrecision { self == .f32 ? .float32 : .bfloat16 }
}

/// `--precision f32|bf16`.
struct PrecisionOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "GEMM operand precision: f32|bf16 (default f32).",
        discussion: """
            bf16 rounds the operands of the pretraining and clustering GEMMs to bfloat16 and accumulates \
            in FP32; weights, optimizer state, losses and k-means stay FP32. It needs a CPU with \
            AVX512_BF16 or AMX-BF16 and oneDNN (libdnnl.so.2), and is refused otherwise.
            """))
    var precision: PrecisionName = .f32

    func validate() throws {
        do {
            try precision.precision.checkSupported()
        } catch {
            throw ValidationError("--precision \(precision.rawValue): \(error)")
        }
    }
}
