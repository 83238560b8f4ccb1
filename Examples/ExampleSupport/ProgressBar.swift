import Foundation

/// A one-line terminal progress bar with a running loss and an ETA, drawn on standard error.
///
/// On a terminal it redraws in place (`\r`) at most ten times a second; when standard error is
/// not a terminal (a log file under `nohup`), it prints a plain line at every 10% instead, so
/// logs stay readable.
public final class ProgressBar {
    private let total: Int
    private let label: String
    private let width = 30
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastDecile = -1
    private let interactive: Bool
    private let logs: Bool

    /// Creates a bar for `total` steps.
    /// - Parameters:
    ///   - total: The number of steps (at least 1 is assumed).
    ///   - label: Shown before the bar, e.g. `pretrain 3/300`.
    ///   - logsWhenNotInteractive: Whether to print the 10% lines when standard error is not a
    ///     terminal (off for bars that another line already summarises, such as one epoch's).
    public init(total: Int, label: String, logsWhenNotInteractive: Bool = true) {
        self.total = max(total, 1)
        self.label = label
        self.interactive = isatty(STDERR_FILENO) == 1
        self.logs = logsWhenNotInteractive
    }

    /// Reports that `step` steps are done, with the current running loss.
    public func update(step: Int, loss: Double?) {
        let now = Date()
        let fraction = min(Double(step) / Double(total), 1)
        let decile = Int(fraction * 10)
        if interactive {
            guard step >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            FileHandle.standardError.write(Data(("\r" + line(step: step, fraction: fraction, loss: loss, now: now)).utf8))
        } else if logs && decile > lastDecile {
            lastDecile = decile
            FileHandle.standardError.write(Data((line(step: step, fraction: fraction, loss: loss, now: now) + "\n").utf8))
        }
    }

    /// Ends the bar (moves to a new line on a terminal).
    public func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func line(step: Int, fraction: Double, loss: Double?, now: Date) -> String {
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
            + String(repeating: " ", count: max(0, width - filled - 1))
        let elapsed = now.timeIntervalSince(start)
        let eta = fraction > 0 ? elapsed / fraction - elapsed : .nan
        let lossText = loss.map { String(format: " loss=%.5g", $0) } ?? ""
        return "\(label) [\(bar)] \(Int(fraction * 100))% \(step)/\(total)\(lossText) "
            + "elapsed \(ProgressBar.clock(elapsed)) ETA \(ProgressBar.clock(eta))"
    }

    /// `m:ss` or `h:mm:ss`; `--:--` when unknown.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}
