/// Renders a confusion matrix (true label × cluster) as an SVG heat map with the count in each
/// cell.
///
/// Rows are true labels, columns clusters. Colour intensity is the count relative to the row
/// total, so a clean clustering shows one dark cell per row whatever the class sizes.
public struct ConfusionMatrixChart: Sendable {
    /// `counts[label][cluster]`.
    public var counts: [[Int]]
    /// The chart title.
    public var title: String

    /// Creates a chart.
    /// - Parameters:
    ///   - counts: The confusion matrix, `counts[label][cluster]`; every row the same length.
    ///   - title: Shown above the grid.
    public init(counts: [[Int]], title: String = "Confusion matrix") {
        self.counts = counts
        self.title = title
    }

    /// The SVG drawing.
    /// - Throws: ``ReportError/invalidData(_:)`` for an empty or ragged matrix.
    public func svg() throws -> SVGDocument {
        let rows = counts.count
        guard rows > 0, let cols = counts.first?.count, cols > 0, counts.allSatisfy({ $0.count == cols }) else {
            throw ReportError.invalidData("confusion matrix must be non-empty and rectangular")
        }
        let cell = max(28.0, min(56.0, 560.0 / Double(max(rows, cols))))
        let left = 70.0, top = 60.0
        var svg = SVGDocument(width: left + Double(cols) * cell + 30, height: top + Double(rows) * cell + 50)
        svg.text(title, x: left + Double(cols) * cell / 2, y: 24, size: 16, anchor: "middle", bold: true)
        svg.text("cluster", x: left + Double(cols) * cell / 2, y: top + Double(rows) * cell + 40, size: 13, anchor: "middle")
        svg.text("true label", x: 20, y: top + Double(rows) * cell / 2, size: 13, anchor: "middle", rotation: -90)
        for (i, row) in counts.enumerated() {
            let total = max(row.reduce(0, +), 1)
            for (j, c) in row.enumerated() {
                let f = Double(c) / Double(total)
                let x = left + Double(j) * cell, y = top + Double(i) * cell
                svg.rectangle(x: x, y: y, width: cell, height: cell, fill: heatColor(f), stroke: "#dddddd")
                svg.text("\(c)", x: x + cell / 2, y: y + cell / 2 + 4, size: max(8, cell / 4.5),
                         anchor: "middle", fill: f > 0.55 ? "white" : "black")
            }
            svg.text("\(i)", x: left - 8, y: top + Double(i) * cell + cell / 2 + 4, anchor: "end")
        }
        for j in 0..<cols {
            svg.text("\(j)", x: left + Double(j) * cell + cell / 2, y: top + Double(rows) * cell + 18, anchor: "middle")
        }
        return svg
    }
}

/// White → dark blue for a fraction in [0, 1].
func heatColor(_ f: Double) -> String {
    let t = min(max(f, 0), 1)
    let r = Int(247 - t * (247 - 8)), g = Int(251 - t * (251 - 48)), b = Int(255 - t * (255 - 107))
    return "rgb(\(r),\(g),\(b))"
}
