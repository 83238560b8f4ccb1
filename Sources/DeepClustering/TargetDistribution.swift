/// DEC's auxiliary target distribution `P` for soft assignments `Q` (Xie et al. 2016, eq. 3):
///
/// ```
/// f_j  = Σ_i q_ij                                  (soft cluster frequencies)
/// p_ij = (q_ij² / f_j) / Σ_j' (q_ij'² / f_j')
/// ```
///
/// Squaring sharpens confident assignments and dividing by `f_j` keeps large clusters from
/// dominating. Sums are accumulated in `Double`. A cluster with `f_j = 0` contributes nothing,
/// and a row whose terms are all zero stays zero.
/// - Parameter q: Soft assignments, shape `[N, K]` with `N, K ≥ 1`, entries finite and
///   non-negative (normally the output of ``ClusteringLayer``).
/// - Returns: `P`, shape `[N, K]`, each row summing to 1.
/// - Throws: ``ClusteringError/invalidInput(operation:message:)`` for another rank, an empty
///   tensor, or a negative or non-finite entry.
public func targetDistribution(_ q: Tensor) throws -> Tensor {
    let operation = "targetDistribution(_:)"
    guard q.rank == 2, q.shape[0] >= 1, q.shape[1] >= 1 else {
        throw ClusteringError.invalidInput(
            operation: operation, message: "expected soft assignments of shape [N, K] with N, K ≥ 1, found \(q.shape)")
    }
    let n = q.shape[0], k = q.shape[1]
    if let bad = q.withUnsafeBufferPointer({ $0.firstIndex { !($0 >= 0 && $0.isFinite) } }) {
        throw ClusteringError.invalidInput(
            operation: operation,
            message: "q[\(bad / k), \(bad % k)] is \(q.withUnsafeBufferPointer { $0[bad] }); entries must be finite and non-negative")
    }
    var frequency = [Double](repeating: 0, count: k)
    var p = Tensor(zeros: [n, k])
    q.withUnsafeBufferPointer { q in
        for i in 0..<n {
            for j in 0..<k { frequency[j] += Double(q[i * k + j]) }
        }
        p.withUnsafeMutableBufferPointer { p in
            var row = [Double](repeating: 0, count: k)
            for i in 0..<n {
                var total = 0.0
                for j in 0..<k {
                    let v = Double(q[i * k + j])
                    row[j] = frequency[j] > 0 ? v * v / frequency[j] : 0
                    total += row[j]
                }
                guard total > 0 else { continue }
                for j in 0..<k { p[i * k + j] = Float(row[j] / total) }
            }
        }
    }
    return p
}
