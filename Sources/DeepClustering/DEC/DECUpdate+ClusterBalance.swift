// Collapse diagnostics: clusters that empty or shrink far below their fair share N/k.

import Foundation

extension DECUpdate {
    /// The clusters holding fewer than `fraction` of their fair share `N/k` of the samples,
    /// empty ones included, by index (empty when the update has no ``clusterSizes``).
    /// - Parameter fraction: The share below which a cluster counts as collapsing; 0.1 (10%).
    public func sparseClusters(belowFractionOfFairShare fraction: Double = 0.1) -> [Int] {
        let n = clusterSizes.reduce(0, +)
        guard !clusterSizes.isEmpty, n > 0 else { return [] }
        let threshold = fraction * Double(n) / Double(clusterSizes.count)
        return clusterSizes.indices.filter { clusterSizes[$0] == 0 || Double(clusterSizes[$0]) < threshold }
    }

    /// One line naming the clusters of ``sparseClusters(belowFractionOfFairShare:)`` and their
    /// sizes, or `nil` when there are none; for example
    /// `iter=140: cluster 7 holds 4 samples, under 10% of the fair share N/k = 100` or
    /// `iter=140: clusters 3 (empty), 7 (4 samples) hold under 10% of the fair share N/k = 100`.
    /// - Parameter fraction: The share below which a cluster counts as collapsing; 0.1 (10%).
    public func collapseWarning(belowFractionOfFairShare fraction: Double = 0.1) -> String? {
        let sparse = sparseClusters(belowFractionOfFairShare: fraction)
        guard !sparse.isEmpty else { return nil }
        func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
        let share = "\(number(fraction * 100))% of the fair share N/k = \(number(Double(clusterSizes.reduce(0, +)) / Double(clusterSizes.count)))"
        func size(_ c: Int) -> String { clusterSizes[c] == 0 ? "empty" : "\(clusterSizes[c]) sample\(clusterSizes[c] == 1 ? "" : "s")" }
        if sparse.count == 1 {
            let c = sparse[0]
            return "iter=\(iteration): cluster \(c) \(clusterSizes[c] == 0 ? "is empty" : "holds \(size(c))"), under \(share)"
        }
        return "iter=\(iteration): clusters \(sparse.map { "\($0) (\(size($0)))" }.joined(separator: ", ")) hold under \(share)"
    }
}
