import CBLAS
import Foundation

extension BLAS {
    /// The CPU kernel family OpenBLAS chose when it loaded, in its own spelling (`"haswell"`,
    /// `"skylakex"`, `"cooperlake"`, `"zen"`, `"prescott"`, …).
    ///
    /// A build of OpenBLAS with several kernel families (Debian's is one) picks a family from the
    /// CPU's model number when the process starts. A CPU newer than the OpenBLAS release gets a
    /// generic fallback: OpenBLAS 0.3.21 runs an Intel Xeon of model 207 (Emerald Rapids) on its
    /// `prescott` kernels, plain SSE3, about 3× slower than its AVX-512 kernels on the same CPU.
    /// ``suggestedCoreType`` tells when that happened.
    public static var coreName: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }

    /// A value for `OPENBLAS_CORETYPE` that runs this CPU on faster kernels than the ones
    /// OpenBLAS chose, or `nil` when its choice is already right, the variable is set, or the
    /// OpenBLAS build has one kernel family only (no `DYNAMIC_ARCH`, so it ignores the variable).
    ///
    /// OpenBLAS reads `OPENBLAS_CORETYPE` once, when the library loads, so the suggestion only
    /// takes effect in a new process: ``relaunchWithSuggestedCoreType(reporting:)`` starts the
    /// current executable again with it, or set it in the environment yourself.
    public static var suggestedCoreType: String? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              configuration.contains("DYNAMIC_ARCH") else { return nil }
        return suggestedCoreType(forCore: coreName, cpuFlags: currentCPUFlags())
    }

    /// The `OPENBLAS_CORETYPE` that suits a CPU with `cpuFlags` when OpenBLAS chose `core`, or
    /// `nil` when `core` is fine.
    ///
    /// Only a fallback is corrected: a kernel family without AVX2 (`prescott`, `core2`,
    /// `nehalem`, `sandybridge`, …) on a CPU that has AVX2 and FMA. Such a CPU gets `"SkylakeX"`
    /// when it also has the AVX-512 subsets those kernels use (F, BW, DQ, VL, CD), `"Haswell"`
    /// otherwise. A choice that already uses AVX2 (`haswell`, `zen`, `skylakex`, `cooperlake`,
    /// …) is kept, even on an AVX-512 CPU: OpenBLAS may choose it on purpose.
    /// - Parameters:
    ///   - core: OpenBLAS's kernel family, as ``coreName`` spells it (case is ignored).
    ///   - cpuFlags: The CPU's feature flags as Linux names them in `/proc/cpuinfo` (`avx2`,
    ///     `fma`, `avx512f`, …).
    /// - Returns: The kernel family to ask for, spelled as `OPENBLAS_CORETYPE` accepts it.
    public static func suggestedCoreType(forCore core: String, cpuFlags: Set<String>) -> String? {
        let withAVX2: Set<String> = [
            "haswell", "zen", "skylakex", "cooperlake", "sapphirerapids", "excavator", "steamroller",
            "piledriver", "bulldozer",
        ]
        let name = core.lowercased()
        guard !withAVX2.contains(name), name != "unknown" else { return nil }
        guard cpuFlags.isSuperset(of: ["avx", "avx2", "fma"]) else { return nil }
        if cpuFlags.isSuperset(of: ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]) {
            return "SkylakeX"
        }
        return "Haswell"
    }

    /// Starts the current executable again with ``suggestedCoreType`` in `OPENBLAS_CORETYPE`
    /// when there is a suggestion; returns without doing anything otherwise.
    ///
    /// Call it first thing in an executable's entry point, before any work: on success it never
    /// returns (the process image is replaced, same arguments, same process id). If the relaunch
    /// fails, it reports that and returns, and the program goes on with OpenBLAS's own choice.
    /// The variable it sets also stops a second relaunch. Libraries and test runners should not
    /// call it; they can read ``suggestedCoreType`` and report it instead.
    /// - Parameter report: Receives one line saying what happens (for standard error).
    public static func relaunchWithSuggestedCoreType(reporting report: (String) -> Void) {
        guard let suggestion = suggestedCoreType else { return }
        report("OpenBLAS chose its \(coreName) kernels on a CPU that runs its \(suggestion) kernels; starting again with OPENBLAS_CORETYPE=\(suggestion)")
        setenv("OPENBLAS_CORETYPE", suggestion, 1)
        fflush(nil)  // every C stream, so nothing printed so far is lost or printed twice
        // The executable's own path, not /proc/self/exe, so the process keeps its name.
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
        execv(path, CommandLine.unsafeArgv)
        let reason = String(cString: strerror(errno))
        report("could not start again (\(reason)); going on with the \(coreName) kernels")
    }

    /// The feature flags of the first CPU in `/proc/cpuinfo`, or an empty set where it cannot be
    /// read.
    static func currentCPUFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }
}
