import Foundation

/// A minimal SVG writer for the library's reports (confusion matrices, training curves).
///
/// It only builds text; ``write(to:)`` stores it atomically (temporary file, then rename), so a
/// report on disk is either complete or absent.
public struct SVGDocument: Sendable {
    /// The drawing width in pixels.
    public let width: Double
    /// The drawing height in pixels.
    public let height: Double
    private var elements: [String] = []

    /// Creates an empty drawing with a white background.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
        elements.append(#"<rect x="0" y="0" width="\#(fmt(width))" height="\#(fmt(height))" fill="white"/>"#)
    }

    /// Adds a rectangle.
    public mutating func rectangle(x: Double, y: Double, width: Double, height: Double,
                                   fill: String, stroke: String? = nil) {
        let s = stroke.map { #" stroke="\#($0)""# } ?? ""
        elements.append(#"<rect x="\#(fmt(x))" y="\#(fmt(y))" width="\#(fmt(width))" height="\#(fmt(height))" fill="\#(fill)"\#(s)/>"#)
    }

    /// Adds a straight line.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double,
                              stroke: String = "black", width: Double = 1, dashed: Bool = false) {
        let dash = dashed ? #" stroke-dasharray="4 3""# : ""
        elements.append(#"<line x1="\#(fmt(x1))" y1="\#(fmt(y1))" x2="\#(fmt(x2))" y2="\#(fmt(y2))" stroke="\#(stroke)" stroke-width="\#(fmt(width))"\#(dash)/>"#)
    }

    /// Adds an open polyline through `points`.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2) {
        let p = points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
        elements.append(#"<polyline points="\#(p)" fill="none" stroke="\#(stroke)" stroke-width="\#(fmt(width))"/>"#)
    }

    /// Adds a filled circle.
    public mutating func circle(x: Double, y: Double, radius: Double, fill: String) {
        elements.append(#"<circle cx="\#(fmt(x))" cy="\#(fmt(y))" r="\#(fmt(radius))" fill="\#(fill)"/>"#)
    }

    /// Adds text. `anchor` is `start`, `middle` or `end`; `rotation` is in degrees about (x, y).
    public mutating func text(_ string: String, x: Double, y: Double, size: Double = 12,
                              anchor: String = "start", fill: String = "black",
                              bold: Bool = false, rotation: Double = 0) {
        let weight = bold ? #" font-weight="bold""# : ""
        let rotate = rotation == 0 ? "" : #" transform="rotate(\#(fmt(rotation)) \#(fmt(x)) \#(fmt(y)))""#
        elements.append(#"<text x="\#(fmt(x))" y="\#(fmt(y))" font-family="sans-serif" font-size="\#(fmt(size))" text-anchor="\#(anchor)" fill="\#(fill)"\#(weight)\#(rotate)>\#(escape(string))</text>"#)
    }

    /// The complete SVG document.
    public var rendered: String {
        var s = #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(fmt(width))" height="\#(fmt(height))" viewBox="0 0 \#(fmt(width)) \#(fmt(height))">"#
        s += "\n"
        for e in elements { s += e + "\n" }
        return s + "</svg>\n"
    }

    /// Writes the document atomically.
    /// - Throws: The underlying file-system error, naming the path.
    public func write(to path: String) throws {
        try writeFileAtomically(Data(rendered.utf8), to: path)
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Formats a coordinate compactly (at most two decimals).
func fmt(_ v: Double) -> String {
    let r = (v * 100).rounded() / 100
    return r == r.rounded() ? String(Int(r)) : String(r)
}

/// Writes `data` to `path` through a temporary file in the same directory and a rename, so no
/// half-written file is ever left at `path`.
/// - Throws: ``ReportError/writeFailed(path:reason:)``.
public func writeFileAtomically(_ data: Data, to path: String) throws {
    do {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw ReportError.writeFailed(path: path, reason: error.localizedDescription)
    }
}

/// Errors raised while writing reports.
public enum ReportError: Error, CustomStringConvertible, Sendable {
    /// The file could not be written.
    case writeFailed(path: String, reason: String)
    /// The data to plot is unusable (for example empty).
    case invalidData(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .writeFailed(path, reason): return "\(path): cannot write: \(reason)"
        case let .invalidData(message): return "report: \(message)"
        }
    }
}
