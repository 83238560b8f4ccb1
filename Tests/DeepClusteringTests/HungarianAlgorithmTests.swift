import DeepClustering
import Testing

@Suite struct HungarianAlgorithmTests {
    /// The least total over all injective maps from rows to columns (rows ≤ columns), by
    /// enumerating every ordered choice of columns.
    func bruteForceMinimum(_ cost: [[Double]]) -> Double {
        let rows = cost.count, columns = cost[0].count
        var best = Double.infinity
        var used = [Bool](repeating: false, count: columns)
        func search(_ row: Int, _ total: Double) {
            if row == rows {
                best = min(best, total)
                return
            }
            for j in 0..<columns where !used[j] {
                used[j] = true
                search(row + 1, total + cost[row][j])
                used[j] = false
            }
        }
        search(0, 0)
        return best
    }

    func total(_ cost: [[Double]], _ pairs: [(row: Int, column: Int)]) -> Double {
        pairs.reduce(0) { $0 + cost[$1.row][$1.column] }
    }

    func isValidMatching(_ pairs: [(row: Int, column: Int)], count: Int) -> Bool {
        pairs.count == count && Set(pairs.map(\.row)).count == count && Set(pairs.map(\.column)).count == count
    }

    @Test func squareMatricesMatchBruteForce() throws {
        var rng = SeededGenerator(seed: 6)
        for trial in 0..<30 {
            // Integer costs produce many ties, real ones a unique optimum; test both.
            let cost = (0..<6).map { _ in
                (0..<6).map { _ in
                    trial.isMultiple(of: 2) ? Double(Int.random(in: 0..<5, using: &rng)) : rng.nextUnitDouble() * 100 - 50
                }
            }
            let pairs = try HungarianAlgorithm.optimalAssignment(cost: cost)
            #expect(isValidMatching(pairs, count: 6))
            #expect(abs(total(cost, pairs) - bruteForceMinimum(cost)) < 1e-9)
            let maxPairs = try HungarianAlgorithm.optimalAssignment(cost: cost, maximizing: true)
            let negated = cost.map { $0.map { -$0 } }
            #expect(abs(total(cost, maxPairs) + bruteForceMinimum(negated)) < 1e-9)
        }
    }

    @Test func rectangularMatricesMatchBruteForce() throws {
        var rng = SeededGenerator(seed: 7)
        for (rows, columns) in [(4, 7), (7, 4), (1, 5), (5, 1), (3, 3)] {
            let cost = (0..<rows).map { _ in (0..<columns).map { _ in rng.nextUnitDouble() * 10 } }
            let pairs = try HungarianAlgorithm.optimalAssignment(cost: cost)
            #expect(isValidMatching(pairs, count: min(rows, columns)))
            #expect(pairs.map(\.row) == pairs.map(\.row).sorted())
            let transposed = (0..<columns).map { j in (0..<rows).map { cost[$0][j] } }
            let reference = rows <= columns ? bruteForceMinimum(cost) : bruteForceMinimum(transposed)
            #expect(abs(total(cost, pairs) - reference) < 1e-9, "\(rows)×\(columns)")
        }
    }

    @Test func badCostMatricesAreRejected() throws {
        #expect(try HungarianAlgorithm.optimalAssignment(cost: []).isEmpty)
        #expect(throws: ClusteringError.self) { try HungarianAlgorithm.optimalAssignment(cost: [[1, 2], [3]]) }
        #expect(throws: ClusteringError.self) { try HungarianAlgorithm.optimalAssignment(cost: [[1, .nan], [3, 4]]) }
    }
}
