import COptimizerKernels
import DeepClusteringCore
import Testing

/// The packed (AVX) and plain C builds of the SGD, Adam and Adadelta updates against the scalar
/// update rules written out in Swift: all three must agree bit for bit, also in the tail that
/// does not fill a block of eight.
@Suite(.serialized) struct OptimizerKernelTests {
    private struct State {
        var parameter: [Float], gradient: [Float], first: [Float], second: [Float]
    }

    private static func randomState(count: Int, seed: UInt64) -> State {
        var generator = SeededGenerator(seed: seed)
        func values(_ range: ClosedRange<Float>) -> [Float] {
            (0..<count).map { _ in Float.random(in: range, using: &generator) }
        }
        // Accumulators are non-negative; gradients include zeros and tiny values.
        var gradient = values(-2...2)
        for i in stride(from: 5, to: count, by: 7) { gradient[i] = 0 }
        for i in stride(from: 3, to: count, by: 11) { gradient[i] = 1e-20 }
        return State(parameter: values(-1...1), gradient: gradient, first: values(0...1), second: values(0...0.5))
    }

    private static func adadeltaReference(_ s: State, lr: Float, rho: Float, eps: Float) -> State {
        var s = s
        for i in s.parameter.indices {
            let gi = s.gradient[i]
            let ai = rho * s.first[i] + (1 - rho) * gi * gi
            let u = gi * (s.second[i] + eps).squareRoot() / (ai + eps).squareRoot()
            s.first[i] = ai
            s.parameter[i] -= lr * u
            s.second[i] = rho * s.second[i] + (1 - rho) * u * u
        }
        return s
    }

    private static func adamReference(_ s: State, lr: Float, b1: Float, b2: Float, eps: Float) -> State {
        var s = s
        for i in s.parameter.indices {
            let gi = s.gradient[i]
            let mi = b1 * s.first[i] + (1 - b1) * gi
            let vi = b2 * s.second[i] + (1 - b2) * gi * gi
            s.first[i] = mi
            s.second[i] = vi
            s.parameter[i] -= lr * mi / (vi.squareRoot() + eps)
        }
        return s
    }

    private static func run(_ s: State, portable: Bool, _ kernel: (inout State) -> Void) -> State {
        ok_use_portable_kernels(portable ? 1 : 0)
        defer { ok_use_portable_kernels(0) }
        var s = s
        kernel(&s)
        return s
    }

    private static func expectIdentical(_ a: State, _ b: State, _ label: String) {
        for (name, x, y) in [("parameter", a.parameter, b.parameter), ("first", a.first, b.first), ("second", a.second, b.second)] {
            let mismatch = x.indices.first { x[$0].bitPattern != y[$0].bitPattern }
            #expect(mismatch == nil, "\(label): \(name) differs at \(mismatch ?? -1)")
        }
    }

    @Test(arguments: [1, 8, 1_037])
    func adadeltaMatchesTheScalarRule(count: Int) {
        let start = Self.randomState(count: count, seed: 11)
        let (lr, rho, eps): (Float, Float, Float) = (1.0, 0.95, 1e-7)
        let expected = Self.adadeltaReference(start, lr: lr, rho: rho, eps: eps)
        for portable in [false, true] {
            let got = Self.run(start, portable: portable) { s in
                ok_adadelta_update(&s.parameter, s.gradient, &s.first, &s.second, count, lr, rho, eps)
            }
            Self.expectIdentical(got, expected, "Adadelta, portable \(portable), count \(count)")
        }
        #expect(expected.parameter != start.parameter)
    }

    @Test(arguments: [1, 8, 1_037])
    func adamMatchesTheScalarRule(count: Int) {
        let start = Self.randomState(count: count, seed: 12)
        let (lr, b1, b2, eps): (Float, Float, Float, Float) = (0.001 * 0.3162, 0.9, 0.999, 1e-7)
        let expected = Self.adamReference(start, lr: lr, b1: b1, b2: b2, eps: eps)
        for portable in [false, true] {
            let got = Self.run(start, portable: portable) { s in
                ok_adam_update(&s.parameter, s.gradient, &s.first, &s.second, count, lr, b1, b2, eps)
            }
            Self.expectIdentical(got, expected, "Adam, portable \(portable), count \(count)")
        }
        #expect(expected.parameter != start.parameter)
    }

    private static func sgdReference(_ s: State, lr: Float, mu: Float?, nesterov: Bool) -> State {
        var s = s
        for i in s.parameter.indices {
            guard let mu else { s.parameter[i] -= lr * s.gradient[i]; continue }
            let vi = mu * s.first[i] - lr * s.gradient[i]
            s.first[i] = vi
            s.parameter[i] += nesterov ? mu * vi - lr * s.gradient[i] : vi
        }
        return s
    }

    @Test(arguments: [1, 8, 1_037])
    func sgdMatchesTheScalarRule(count: Int) {
        // The velocity may be of either sign; `first` holds it.
        var start = Self.randomState(count: count, seed: 13)
        start.first = start.first.map { $0 - 0.5 }
        let (lr, mu): (Float, Float) = (0.37, 0.9)
        for nesterov in [false, true] {
            let expected = Self.sgdReference(start, lr: lr, mu: mu, nesterov: nesterov)
            for portable in [false, true] {
                let got = Self.run(start, portable: portable) { s in
                    ok_sgd_momentum_update(&s.parameter, s.gradient, &s.first, count, lr, mu, nesterov ? 1 : 0)
                }
                Self.expectIdentical(got, expected, "SGD momentum, nesterov \(nesterov), portable \(portable), count \(count)")
            }
            #expect(expected.parameter != start.parameter && expected.first != start.first)
        }
        let plain = Self.sgdReference(start, lr: lr, mu: nil, nesterov: false)
        for portable in [false, true] {
            let got = Self.run(start, portable: portable) { s in ok_sgd_update(&s.parameter, s.gradient, count, lr) }
            Self.expectIdentical(got, plain, "SGD, portable \(portable), count \(count)")
        }
    }
}
