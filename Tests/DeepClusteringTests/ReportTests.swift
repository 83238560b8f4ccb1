import DeepClustering
import Foundation
import Testing

@Suite struct ReportTests {
    @Test func confusionMatrixChartShowsEveryCount() throws {
        let counts = [[50, 0, 3], [1, 40, 0], [0, 2, 77]]
        let svg = try ConfusionMatrixChart(counts: counts).svg().rendered
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.hasSuffix("</svg>\n"))
        for c in counts.joined() { #expect(svg.contains(">\(c)</text>")) }
        #expect(svg.components(separatedBy: "<rect").count - 1 == 1 + 9)  // background + cells
        #expect(throws: ReportError.self) { try ConfusionMatrixChart(counts: [[1, 2], [3]]).svg() }
        #expect(throws: ReportError.self) { try ConfusionMatrixChart(counts: []).svg() }
    }

    @Test func lineChartDrawsOnePolylinePerSeries() throws {
        let loss = LineChart.Series(name: "loss", points: [(0, 1.0), (140, 0.5), (280, 0.25)], color: "red")
        let acc = LineChart.Series(name: "acc", points: [(0, 0.7), (140, 0.8), (280, 0.9)], color: "blue")
        let chart = LineChart(title: "DEC", xLabel: "iteration",
                              panels: [.init(yLabel: "loss", series: [loss]), .init(yLabel: "score", series: [acc])])
        let svg = try chart.svg().rendered
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains(">loss</text>") && svg.contains(">acc</text>"))
        #expect(throws: ReportError.self) {
            try LineChart(title: "t", xLabel: "x", panels: [.init(yLabel: "y", series: [])]).svg()
        }
    }

    @Test func atomicWriteLeavesCompleteFileOrNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dc-report-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.svg").path
        try ConfusionMatrixChart(counts: [[1]]).svg().write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("</svg>\n"))
        let missing = dir.appendingPathComponent("no/such/dir/m.svg").path
        #expect(throws: ReportError.self) { try ConfusionMatrixChart(counts: [[1]]).svg().write(to: missing) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["m.svg"])
    }
}
