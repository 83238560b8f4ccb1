extension Int {
    /// `⌈self / divisor⌉` for `self ≥ 0` and `divisor > 0`, without the overflow of
    /// `(self + divisor − 1) / divisor` when `divisor` is near `Int.max` (a batch size or stride
    /// taken from a command line, say).
    @inlinable
    package func dividedRoundingUp(by divisor: Int) -> Int {
        precondition(self >= 0 && divisor > 0, "dividedRoundingUp needs self ≥ 0 and divisor > 0")
        return self / divisor + (self % divisor == 0 ? 0 : 1)
    }
}
