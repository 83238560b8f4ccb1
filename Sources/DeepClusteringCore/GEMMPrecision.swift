import COneDNN

/// The number format of GEMM operands: FP32 throughout, or bfloat16 operands with FP32
/// accumulation (mixed precision).
///
/// Only the operands of the matrix products are rounded to bfloat16 (8 significant bits);
/// products are accumulated and stored in FP32, and weights, optimizer state, losses and every
/// other computation stay FP32. On CPUs with AVX512_BF16 or AMX-BF16 instructions this roughly
/// doubles GEMM throughput. Where neither is present ``bfloat16`` is refused
/// (``checkSupported()``), never emulated.
public enum GEMMPrecision: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// FP32 operands and accumulation (the default).
    case float32
    /// bfloat16 operands, FP32 accumulation and results.
    case bfloat16

    /// Throws unless GEMMs in this precision can run fast on this machine: always passes for
    /// ``float32``; for ``bfloat16`` the CPU must have AVX512_BF16 or AMX-BF16 instructions
    /// (enabled by the operating system) and oneDNN (`libdnnl.so.2`) must be loaded.
    /// - Throws: ``GEMMPrecisionError/unsupported(_:)`` naming what is missing.
    public func checkSupported() throws {
        guard self == .bfloat16 else { return }
        if let missing = Self.bfloat16Unavailability { throw GEMMPrecisionError.unsupported(missing) }
    }

    /// What stops bf16 GEMMs here, or `nil` when they can run.
    static let bfloat16Unavailability: String? = {
        guard CPUFeatures.hasAVX512BF16 || CPUFeatures.hasAMXBF16 else {
            return "bfloat16 GEMMs need a CPU with AVX512_BF16 or AMX-BF16 instructions; this one has neither"
        }
        guard GEMMEngine.oneDNNIsLoaded else {
            return "bfloat16 GEMMs run on oneDNN, which is not available: \(GEMMEngine.oneDNNLoadError)"
        }
        return nil
    }()

    /// Whether ``bfloat16`` GEMMs can run on this machine (see ``checkSupported()``).
    public static var bfloat16IsSupported: Bool { bfloat16Unavailability == nil }
}

/// The reason a ``GEMMPrecision`` cannot be used.
public enum GEMMPrecisionError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The precision needs something this machine lacks; the message names it.
    case unsupported(String)

    /// A one-line human-readable explanation.
    public var description: String {
        switch self {
        case let .unsupported(message): return message
        }
    }
}

/// The CPU's bf16 instruction sets, read with `cpuid` (and `xgetbv` for the register state the
/// operating system enabled).
public enum CPUFeatures {
    /// Whether the CPU runs AVX512_BF16 instructions (`vdpbf16ps`, `vcvtne2ps2bf16`).
    public static let hasAVX512BF16 = dc_cpu_has_avx512_bf16() != 0
    /// Whether the CPU runs AMX-BF16 tile instructions.
    public static let hasAMXBF16 = dc_cpu_has_amx_bf16() != 0
}
