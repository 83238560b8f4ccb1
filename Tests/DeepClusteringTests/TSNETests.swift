import DeepClustering
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct TSNETests {
    /// For every row of `t` (`[n, d]`), the other rows ordered from nearest to farthest.
    func neighbourOrder(_ t: Tensor) -> [[Int]] {
        let s = t.scalars, n = t.shape[0], d = t.shape[1]
        return (0..<n).map { i in
            var distances = [Float](repeating: 0, count: n)
            for j in 0..<n {
                var sum: Float = 0
                for f in 0..<d { let v = s[i * d + f] - s[j * d + f]; sum += v * v }
                distances[j] = sum
            }
            return (0..<n).filter { $0 != i }.sorted { (distances[$0], $0) < (distances[$1], $1) }
        }
    }

    @Test func conditionalRowsAreCalibratedToThePerplexity() throws {
        let (x, _) = try generatedBlobs(clusters: 3, perCluster: 50, dimension: 10, range: 8, seed: 21)
        for perplexity in [5.0, 30.0] {
            let p = try TSNE.conditionalProbabilities(x, perplexity: perplexity)
            #expect(p.shape == [150, 150])
            let s = p.scalars
            var worst = 0.0
            for i in 0..<150 {
                let row = s[(i * 150)..<(i * 150 + 150)].map(Double.init)
                #expect(row[i] == 0)
                #expect(abs(row.reduce(0, +) - 1) < 1e-4)
                let entropy = -row.filter { $0 > 0 }.reduce(0) { $0 + $1 * log($1) }
                worst = max(worst, abs(entropy - log(perplexity)))
            }
            #expect(worst < 1e-3, "perplexity \(perplexity): entropy off by \(worst) nats")
        }
    }

    @Test func neighboursStayNeighboursOnSeparatedBlobs() throws {
        let (x, labels) = try generatedBlobs(clusters: 4, perCluster: 38, dimension: 10, range: 10, seed: 5)
        let result = try TSNE(perplexity: 20, iterations: 500, seed: 3).fit(x)
        #expect(result.embedding.shape == [152, 2])
        #expect(result.klDivergence.isFinite && result.klDivergence < 1.5, "KL \(result.klDivergence)")
        let input = neighbourOrder(x), map = neighbourOrder(result.embedding)
        var sameBlob = 0, total = 0, kept = 0
        for i in 0..<input.count {
            sameBlob += map[i].prefix(10).filter { labels[$0] == labels[i] }.count
            total += 10
            let wide = Set(map[i].prefix(20))
            kept += input[i].prefix(10).filter { wide.contains($0) }.count
        }
        let purity = Double(sameBlob) / Double(total)
        let preserved = Double(kept) / Double(total)
        #expect(purity >= 0.98, "kNN purity in the map \(purity)")
        // Chance within a blob of 38 would be about 20/37 ≈ 0.54.
        #expect(preserved >= 0.8, "fraction of 10 input neighbours among the 20 nearest in the map \(preserved)")
    }

    @Test func mapIsSeeded() throws {
        let (x, _) = try generatedBlobs(clusters: 2, perCluster: 20, dimension: 4, seed: 8)
        let a = try TSNE(perplexity: 10, iterations: 200, seed: 1).fit(x).embedding
        let b = try TSNE(perplexity: 10, iterations: 200, seed: 1).fit(x).embedding
        let c = try TSNE(perplexity: 10, iterations: 200, seed: 2).fit(x).embedding
        #expect(a == b)
        #expect(a != c)
    }

    @Test func rejectsBadConfigurationAndInput() throws {
        #expect(throws: ClusteringError.self) { try TSNE(perplexity: 0) }
        #expect(throws: ClusteringError.self) { try TSNE(iterations: 0) }
        #expect(throws: ClusteringError.self) { try TSNE(learningRate: -1) }
        #expect(throws: ClusteringError.self) { try TSNE(earlyExaggeration: 0.5) }
        let x = try Tensor(rows: [[0, 0], [1, 1], [2, 2]])
        #expect(throws: ClusteringError.self) { try TSNE(perplexity: 3).fit(x) }
        #expect(throws: ClusteringError.self) { try TSNE.conditionalProbabilities(Tensor([1, 2, 3]), perplexity: 1) }
    }
}

@Suite struct EmbeddingMapChartTests {
    /// Counts elements by name and checks that the document parses as XML.
    final class ElementCounter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        var texts: [String] = []
        private var inText = false
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            counts[name, default: 0] += 1
            inText = name == "text"
            if inText { texts.append("") }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText { texts[texts.count - 1] += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            inText = false
        }
    }

    func parse(_ svg: String) throws -> ElementCounter {
        let counter = ElementCounter()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = counter
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        return counter
    }

    @Test func mapWithLabelsHasTwoPanelsAndLegends() throws {
        let (x, labels) = try generatedBlobs(clusters: 3, perCluster: 20, dimension: 6, seed: 2)
        let clusters = labels.map { ($0 + 1) % 3 }
        let chart = try EmbeddingMapChart.tSNE(
            of: x, clusters: clusters, labels: labels, sampleSize: 45,
            tsne: try TSNE(perplexity: 10, iterations: 250, seed: 4), title: "map <test> & co")
        #expect(chart.points.shape == [45, 2])
        let counter = try parse(try chart.svg().rendered)
        #expect(counter.counts["svg"] == 1)
        #expect(counter.counts["circle"] == 2 * 45 + 2 * 3)  // both panels, plus legend swatches
        #expect(counter.texts.contains("map <test> & co"))
        #expect(counter.texts.filter { $0.hasPrefix("cluster ") }.count == 3)
        #expect(counter.texts.filter { $0.hasPrefix("label ") }.count == 3)
    }

    @Test func mapWithoutLabelsHasOnePanel() throws {
        let points = try Tensor(rows: [[0, 0], [1, 0], [0, 1], [5, 5]])
        let counter = try parse(try EmbeddingMapChart(points: points, clusters: [0, 0, 1, 7]).svg().rendered)
        #expect(counter.counts["circle"] == 4 + 3)
        #expect(!counter.texts.contains { $0.hasPrefix("label ") })
        #expect(throws: ReportError.self) { try EmbeddingMapChart(points: points, clusters: [0, 1]).svg() }
        #expect(throws: ReportError.self) { try EmbeddingMapChart(points: points, clusters: [0, 0, 1, 1], labels: [1]).svg() }
        #expect(throws: ReportError.self) { try EmbeddingMapChart(points: Tensor([1, 2]), clusters: [0, 1]).svg() }
    }
}
