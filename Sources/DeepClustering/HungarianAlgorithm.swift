/// The Hungarian (Kuhn–Munkres) algorithm for the linear assignment problem, in O(r²·c) time
/// for an `r × c` cost matrix with `r ≤ c` (O(n³) when square).
///
/// This is the shortest-augmenting-path formulation with row and column potentials (Jonker &
/// Volgenant's presentation of Kuhn's method): each row is added in turn and matched along the
/// cheapest alternating path under reduced costs, so the result is an exact optimum, the same
/// total as `scipy.optimize.linear_sum_assignment`. Rectangular matrices are allowed: when there
/// are more rows than columns the problem is solved on the transpose, so exactly `min(r, c)`
/// pairs are returned.
///
/// ```swift
/// let pairs = try HungarianAlgorithm.optimalAssignment(cost: [[4, 1], [2, 0], [3, 5]])
/// // [(row: 0, column: 1), (row: 1, column: 0)]   total 1 + 2 = 3
/// ```
public enum HungarianAlgorithm {
    /// The assignment of rows to columns with the least (or, with `maximizing`, the greatest)
    /// total cost, each row and each column used at most once.
    /// - Parameters:
    ///   - cost: An `r × c` matrix of finite costs, given as `r` rows of equal length `c`.
    ///   - maximizing: Whether to maximise the total instead (used for clustering accuracy,
    ///     which maximises matched counts); defaults to `false`.
    /// - Returns: `min(r, c)` pairs `(row, column)`, sorted by row. Empty for an empty matrix.
    /// - Throws: ``ClusteringError/invalidInput(operation:message:)`` for ragged rows or a
    ///   non-finite cost.
    public static func optimalAssignment(
        cost: [[Double]], maximizing: Bool = false
    ) throws -> [(row: Int, column: Int)] {
        let operation = "HungarianAlgorithm.optimalAssignment(cost:)"
        let rows = cost.count
        let columns = cost.first?.count ?? 0
        for (i, row) in cost.enumerated() {
            guard row.count == columns else {
                throw ClusteringError.invalidInput(
                    operation: operation, message: "row \(i) has \(row.count) columns, row 0 has \(columns)")
            }
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                throw ClusteringError.invalidInput(
                    operation: operation, message: "cost[\(i)][\(j)] is \(row[j]); costs must be finite")
            }
        }
        guard rows > 0, columns > 0 else { return [] }
        let sign: Double = maximizing ? -1 : 1
        if rows <= columns {
            let match = solve(rows: rows, columns: columns) { sign * cost[$0][$1] }
            return match.enumerated().map { (row: $0.offset, column: $0.element) }
        }
        let match = solve(rows: columns, columns: rows) { sign * cost[$1][$0] }
        return match.enumerated().map { (row: $0.element, column: $0.offset) }.sorted { $0.row < $1.row }
    }

    /// Solves a `rows × columns` problem with `rows ≤ columns`; returns the column of each row.
    ///
    /// Indices are 1-based inside (column 0 is the virtual start of each augmenting path), as in
    /// the classic formulation. `u`, `v` are the row and column potentials, `way[j]` the previous
    /// column on the alternating path to `j`, `minSlack[j]` the least reduced cost reaching `j`.
    static func solve(rows: Int, columns: Int, cost: (Int, Int) -> Double) -> [Int] {
        var u = [Double](repeating: 0, count: rows + 1)
        var v = [Double](repeating: 0, count: columns + 1)
        var rowOfColumn = [Int](repeating: 0, count: columns + 1)
        var way = [Int](repeating: 0, count: columns + 1)
        var minSlack = [Double](repeating: 0, count: columns + 1)
        var used = [Bool](repeating: false, count: columns + 1)
        for i in 1...rows {
            rowOfColumn[0] = i
            var j0 = 0
            for j in 0...columns {
                minSlack[j] = .infinity
                used[j] = false
            }
            repeat {
                used[j0] = true
                let i0 = rowOfColumn[j0]
                var delta = Double.infinity
                var j1 = 0
                for j in 1...columns where !used[j] {
                    let reduced = cost(i0 - 1, j - 1) - u[i0] - v[j]
                    if reduced < minSlack[j] {
                        minSlack[j] = reduced
                        way[j] = j0
                    }
                    if minSlack[j] < delta {
                        delta = minSlack[j]
                        j1 = j
                    }
                }
                for j in 0...columns {
                    if used[j] {
                        u[rowOfColumn[j]] += delta
                        v[j] -= delta
                    } else {
                        minSlack[j] -= delta
                    }
                }
                j0 = j1
            } while rowOfColumn[j0] != 0
            repeat {
                let j1 = way[j0]
                rowOfColumn[j0] = rowOfColumn[j1]
                j0 = j1
            } while j0 != 0
        }
        var columnOfRow = [Int](repeating: -1, count: rows)
        for j in 1...columns where rowOfColumn[j] != 0 {
            columnOfRow[rowOfColumn[j] - 1] = j - 1
        }
        return columnOfRow
    }
}
