import Foundation

/// Renders one or more series against a shared x axis as an SVG line chart, stacked in panels
/// (for example the loss in one panel and ACC/NMI/ARI in another).
public struct LineChart: Sendable {
    /// One named series of (x, y) points.
    public struct Series: Sendable {
        /// The legend label.
        public var name: String
        /// The points, in x order.
        public var points: [(x: Double, y: Double)]
        /// An SVG colour.
        public var color: String

        /// Creates a series.
        public init(name: String, points: [(x: Double, y: Double)], color: String) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    /// A panel: its y-axis label and the series drawn in it.
    public struct Panel: Sendable {
        /// The y-axis label.
        public var yLabel: String
        /// The series drawn in this panel.
        public var series: [Series]

        /// Creates a panel.
        public init(yLabel: String, series: [Series]) {
            self.yLabel = yLabel
            self.series = series
        }
    }

    /// The chart title.
    public var title: String
    /// The x-axis label.
    public var xLabel: String
    /// The panels, top to bottom.
    public var panels: [Panel]

    /// Creates a chart.
    public init(title: String, xLabel: String, panels: [Panel]) {
        self.title = title
        self.xLabel = xLabel
        self.panels = panels
    }

    /// The SVG drawing.
    /// - Throws: ``ReportError/invalidData(_:)`` when no panel has a finite point.
    public func svg() throws -> SVGDocument {
        let all = panels.flatMap { $0.series.flatMap(\.points) }.filter { $0.x.isFinite && $0.y.isFinite }
        guard !all.isEmpty else { throw ReportError.invalidData("line chart has no finite points") }
        let left = 70.0, right = 150.0, top = 40.0, panelHeight = 220.0, gap = 40.0, plotWidth = 560.0
        let height = top + Double(panels.count) * (panelHeight + gap) + 20
        var svg = SVGDocument(width: left + plotWidth + right, height: height)
        svg.text(title, x: left + plotWidth / 2, y: 24, size: 16, anchor: "middle", bold: true)
        var xMin = all.map(\.x).min()!, xMax = all.map(\.x).max()!
        if xMax == xMin { xMin -= 1; xMax += 1 }
        for (p, panel) in panels.enumerated() {
            let y0 = top + Double(p) * (panelHeight + gap)
            let pts = panel.series.flatMap(\.points).filter { $0.y.isFinite }
            var yMin = pts.map(\.y).min() ?? 0, yMax = pts.map(\.y).max() ?? 1
            if yMax == yMin { yMin -= 0.5; yMax += 0.5 }
            let pad = (yMax - yMin) * 0.05
            yMin -= pad; yMax += pad
            func sx(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotWidth }
            func sy(_ y: Double) -> Double { y0 + panelHeight - (y - yMin) / (yMax - yMin) * panelHeight }
            svg.rectangle(x: left, y: y0, width: plotWidth, height: panelHeight, fill: "none", stroke: "#888888")
            for t in 0...4 {
                let yv = yMin + (yMax - yMin) * Double(t) / 4
                svg.line(x1: left, y1: sy(yv), x2: left + plotWidth, y2: sy(yv), stroke: "#e5e5e5", dashed: true)
                svg.text(String(format4(yv)), x: left - 6, y: sy(yv) + 4, size: 10, anchor: "end")
                let xv = xMin + (xMax - xMin) * Double(t) / 4
                svg.text(String(format4(xv)), x: sx(xv), y: y0 + panelHeight + 14, size: 10, anchor: "middle")
            }
            svg.text(panel.yLabel, x: 18, y: y0 + panelHeight / 2, size: 12, anchor: "middle", rotation: -90)
            for (k, s) in panel.series.enumerated() {
                let finite = s.points.filter { $0.x.isFinite && $0.y.isFinite }
                if finite.count == 1 {
                    svg.circle(x: sx(finite[0].x), y: sy(finite[0].y), radius: 3, fill: s.color)
                } else {
                    svg.polyline(finite.map { (sx($0.x), sy($0.y)) }, stroke: s.color)
                }
                let ly = y0 + 14 + Double(k) * 18
                svg.line(x1: left + plotWidth + 12, y1: ly - 4, x2: left + plotWidth + 32, y2: ly - 4, stroke: s.color, width: 3)
                svg.text(s.name, x: left + plotWidth + 38, y: ly, size: 12)
            }
        }
        svg.text(xLabel, x: left + plotWidth / 2, y: height - 8, size: 12, anchor: "middle")
        return svg
    }
}

/// A short axis label: up to four significant digits.
func format4(_ v: Double) -> String {
    String(format: "%.4g", v)
}
