import DeepClusteringCore

/// The largest absolute elementwise difference between two equally shaped float arrays
/// (`.infinity` if the counts differ), as llm.c's tests report it.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    var m: Float = 0
    for (x, y) in zip(a, b) {
        let d = abs(x - y)
        if d.isNaN { return .infinity }
        m = max(m, d)
    }
    return m
}

/// The largest absolute elementwise difference between two tensors (`.infinity` if shapes differ).
public func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    a.shape == b.shape ? maxAbsDifference(a.scalars, b.scalars) : .infinity
}

/// Whether every element of `a` is within `absolute + relative·|b|` of `b`.
public func allClose(_ a: [Float], _ b: [Float], absolute: Float = 1e-5, relative: Float = 1e-4) -> Bool {
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { x, y in abs(x - y) <= absolute + relative * abs(y) }
}
