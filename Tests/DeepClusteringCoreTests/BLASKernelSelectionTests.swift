import DeepClusteringCore
import Foundation
import Testing

/// `BLAS.suggestedCoreType(forCore:cpuFlags:)` corrects OpenBLAS's generic fallback kernels on
/// CPUs it does not know, and leaves every deliberate choice alone.
@Suite struct BLASKernelSelectionTests {
    static let avx2: Set<String> = ["sse3", "avx", "avx2", "fma"]
    static let avx512 = avx2.union(["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"])

    @Test func fallbackOnAnAVX512CPUGetsSkylakeX() {
        // OpenBLAS 0.3.21 on an Emerald Rapids Xeon (model 207) reports "Prescott".
        #expect(BLAS.suggestedCoreType(forCore: "Prescott", cpuFlags: Self.avx512) == "SkylakeX")
        #expect(BLAS.suggestedCoreType(forCore: "sandybridge", cpuFlags: Self.avx512) == "SkylakeX")
    }

    @Test func fallbackOnAnAVX2CPUGetsHaswell() {
        #expect(BLAS.suggestedCoreType(forCore: "prescott", cpuFlags: Self.avx2) == "Haswell")
        #expect(BLAS.suggestedCoreType(forCore: "nehalem", cpuFlags: Self.avx2) == "Haswell")
        // AVX-512 F alone is not enough for the SkylakeX kernels.
        #expect(BLAS.suggestedCoreType(forCore: "core2", cpuFlags: Self.avx2.union(["avx512f"])) == "Haswell")
    }

    @Test func deliberateChoicesAndOldCPUsAreKept() {
        for core in ["haswell", "Zen", "skylakex", "COOPERLAKE", "sapphirerapids", "unknown"] {
            #expect(BLAS.suggestedCoreType(forCore: core, cpuFlags: Self.avx512) == nil, "\(core)")
        }
        // Without AVX2 and FMA the fallback is the right choice.
        #expect(BLAS.suggestedCoreType(forCore: "prescott", cpuFlags: ["sse3", "avx"]) == nil)
        #expect(BLAS.suggestedCoreType(forCore: "prescott", cpuFlags: []) == nil)
    }

    @Test func coreNameIsReported() {
        #expect(!BLAS.coreName.isEmpty)
        #expect(BLAS.coreName != "unknown")
    }
}
