/// Renders a 2-D map of an embedding (for example from ``TSNE``) as an SVG scatter plot: one
/// panel with the points coloured by cluster and, when true labels are known, a second panel
/// with the same points coloured by label, each with a legend — the DEC paper's figure.
public struct EmbeddingMapChart: Sendable {
    /// The map, shape `[m, 2]`.
    public var points: Tensor
    /// The cluster of each point (`m` values, any non-negative integers).
    public var clusters: [Int]
    /// The true label of each point (`m` values), or `nil` for a single panel.
    public var labels: [Int]?
    /// The chart title.
    public var title: String

    /// Creates a chart.
    /// - Parameters:
    ///   - points: The 2-D positions, shape `[m, 2]`.
    ///   - clusters: The cluster of each point.
    ///   - labels: The true label of each point, or `nil`.
    ///   - title: Shown above the panels.
    public init(points: Tensor, clusters: [Int], labels: [Int]? = nil, title: String = "Embedding map") {
        self.points = points
        self.clusters = clusters
        self.labels = labels
        self.title = title
    }

    /// The SVG drawing.
    /// - Throws: ``ReportError/invalidData(_:)`` when `points` is not `[m, 2]` with `m ≥ 1` and
    ///   finite values, or `clusters` / `labels` do not have `m` elements.
    public func svg() throws -> SVGDocument {
        guard points.rank == 2, points.shape[1] == 2, points.shape[0] >= 1 else {
            throw ReportError.invalidData("embedding map points must have shape [m, 2] with m ≥ 1, found \(points.shape)")
        }
        let m = points.shape[0]
        let xy = points.scalars
        guard xy.allSatisfy(\.isFinite) else { throw ReportError.invalidData("embedding map points must be finite") }
        guard clusters.count == m else {
            throw ReportError.invalidData("embedding map has \(m) points but \(clusters.count) clusters")
        }
        if let labels, labels.count != m {
            throw ReportError.invalidData("embedding map has \(m) points but \(labels.count) labels")
        }
        let panels: [(String, [Int])] = [("coloured by cluster", clusters)] + (labels.map { [("coloured by true label", $0)] } ?? [])
        let plot = 480.0, legendWidth = 110.0, margin = 20.0, top = 60.0
        let panelWidth = plot + legendWidth + margin
        var svg = SVGDocument(width: margin + Double(panels.count) * panelWidth, height: top + plot + 30)
        svg.text(title, x: svg.width / 2, y: 24, size: 16, anchor: "middle", bold: true)

        var xMin = Double.infinity, xMax = -Double.infinity, yMin = Double.infinity, yMax = -Double.infinity
        for i in 0..<m {
            xMin = min(xMin, Double(xy[2 * i])); xMax = max(xMax, Double(xy[2 * i]))
            yMin = min(yMin, Double(xy[2 * i + 1])); yMax = max(yMax, Double(xy[2 * i + 1]))
        }
        // One scale for both axes, so distances in the picture are distances in the map.
        let span = max(xMax - xMin, yMax - yMin, 1e-12) * 1.04
        let cx = (xMin + xMax) / 2, cy = (yMin + yMax) / 2
        let radius = m > 2000 ? 1.6 : (m > 500 ? 2.2 : 3.0)
        for (k, (name, groups)) in panels.enumerated() {
            let left = margin + Double(k) * panelWidth
            svg.rectangle(x: left, y: top, width: plot, height: plot, fill: "none", stroke: "#888888")
            svg.text(name, x: left + plot / 2, y: top - 8, size: 13, anchor: "middle")
            let names = Array(Set(groups)).sorted()
            let colorIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
            for i in 0..<m {
                let px = left + plot / 2 + (Double(xy[2 * i]) - cx) / span * plot
                let py = top + plot / 2 - (Double(xy[2 * i + 1]) - cy) / span * plot
                svg.circle(x: px, y: py, radius: radius, fill: categoryColor(colorIndex[groups[i]]!, of: names.count))
            }
            let word = k == 0 ? "cluster" : "label"
            let step = min(18.0, (plot - 10) / Double(max(names.count, 1)))
            for (c, value) in names.enumerated() {
                let y = top + 10 + Double(c) * step
                svg.circle(x: left + plot + 16, y: y, radius: min(5, step / 3), fill: categoryColor(c, of: names.count))
                svg.text("\(word) \(value)", x: left + plot + 26, y: y + 4, size: min(11, step * 0.7))
            }
        }
        return svg
    }
}

/// A distinct colour for category `index` of `count`: the 10 Tableau colours, then 10 lighter
/// ones, then evenly spaced hues.
func categoryColor(_ index: Int, of count: Int) -> String {
    let tableau = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                   "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"]
    if count <= tableau.count { return tableau[index] }
    let hue = Int((Double(index) / Double(count) * 360).rounded())
    return "hsl(\(hue),65%,\(index % 2 == 0 ? 45 : 60)%)"
}
