import ArgumentParser
import DeepClustering
import Foundation

extension ParsableCommand {
    /// Parses the command line and runs the command, turning every error into one line on
    /// standard error and a non-zero exit status (help and `--version` exit normally).
    ///
    /// First, when OpenBLAS fell back to generic kernels on this CPU, the executable starts
    /// again with better ones (``BLAS/relaunchWithSuggestedCoreType(reporting:)``).
    public static func runReportingErrorsOnOneLine() {
        BLAS.relaunchWithSuggestedCoreType { note in
            FileHandle.standardError.write(Data("\(configuration.commandName ?? "note"): \(note)\n".utf8))
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = self.message(for: error)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            FileHandle.standardError.write(Data("\(configuration.commandName ?? "error"): \(message)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}

/// Prints one line to standard output immediately (unbuffered), so progress reaches a log file
/// as it happens, in order with the progress bar on standard error.
public func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
