/// How the weight of one term of a ``ClusteringObjective`` changes with the training iteration
/// (the number of batches trained before the current one, starting at 0).
///
/// ```swift
/// LossWeightSchedule.constant(0.1)                                  // IDEC's γ
/// LossWeightSchedule.step(atIteration: 1000, from: 0, to: 1)         // pretrain, then cluster
/// LossWeightSchedule.linearRamp(from: 0, to: 1, startingAt: 0, over: 500)
/// ```
public enum LossWeightSchedule: Sendable, Equatable, Codable {
    /// The same weight at every iteration.
    case constant(Float)
    /// `from` before `iteration`, `to` from `iteration` on: e.g. train on reconstruction alone
    /// first (a clustering weight of 0) and switch the clustering term on later.
    case step(atIteration: Int, from: Float, to: Float)
    /// `from` until `startingAt`, then linearly to `to` over `over` iterations, then `to`:
    /// `w(t) = from + (to − from) · clamp((t − startingAt) / over, 0, 1)` (`over = 0` is a step).
    case linearRamp(from: Float, to: Float, startingAt: Int = 0, over: Int)

    /// The weight at training iteration `iteration` (≥ 0).
    /// - Parameter iteration: Batches trained before the current one.
    /// - Returns: The weight, as the formulas above.
    public func weight(atIteration iteration: Int) -> Float {
        switch self {
        case let .constant(w):
            return w
        case let .step(at, from, to):
            return iteration < at ? from : to
        case let .linearRamp(from, to, start, length):
            if iteration <= start { return length == 0 && iteration == start ? to : from }
            if iteration >= start + length { return to }
            return from + (to - from) * Float(iteration - start) / Float(length)
        }
    }

    /// Whether the weight is 0 at every iteration (the term can be skipped entirely).
    public var isAlwaysZero: Bool {
        switch self {
        case let .constant(w): return w == 0
        case let .step(_, from, to), let .linearRamp(from, to, _, _): return from == 0 && to == 0
        }
    }

    /// Checks that every weight is finite and ≥ 0 and every iteration count ≥ 0.
    /// - Throws: ``DECError/invalidConfiguration(_:)`` naming the bad value.
    public func validate() throws {
        func check(_ w: Float, _ name: String) throws {
            guard w >= 0, w.isFinite else { throw DECError.invalidConfiguration("the weight schedule's \(name) must be finite and ≥ 0, found \(w)") }
        }
        switch self {
        case let .constant(w):
            try check(w, "weight")
        case let .step(at, from, to):
            try check(from, "weight before the step"); try check(to, "weight after the step")
            guard at >= 0 else { throw DECError.invalidConfiguration("the step iteration must be ≥ 0, found \(at)") }
        case let .linearRamp(from, to, start, length):
            try check(from, "start weight"); try check(to, "end weight")
            guard start >= 0, length >= 0 else {
                throw DECError.invalidConfiguration("a linear ramp needs startingAt ≥ 0 and over ≥ 0, found \(start) and \(length)")
            }
        }
    }
}
