import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

@Suite struct DropoutTests {
    /// The distinct values of a tensor's elements.
    static func distinctValues(_ t: Tensor) -> Set<Float> { Set(t.scalars) }

    @Test func gradientCheckWithAFrozenMask() throws {
        let dropout = try Dropout(rate: 0.3, seed: 5)
        dropout.freezesMask = true
        let x = GradientCheckTests.awayFromZero([4, 6], seed: 8)
        let report = try checkGradients(of: dropout, input: x)
        #expect(report.maxError < 1e-2, "\(report)")
        // The check is only meaningful if the mask drops some elements and keeps others.
        #expect(Self.distinctValues(dropout.mask) == [0, 1 / 0.7])
    }

    @Test func gradientCheckInsideANetwork() throws {
        var rng = SeededGenerator(seed: 9)
        let dropout = try Dropout(rate: 0.5, seed: 10)
        dropout.freezesMask = true
        let model = try Sequential([
            Dense(inputSize: 5, outputSize: 6, activation: .tanh, using: &rng),
            dropout,
            Dense(inputSize: 6, outputSize: 3, using: &rng),
        ])
        let report = try checkGradients(of: model, input: GradientCheckTests.awayFromZero([3, 5], seed: 11))
        #expect(report.maxError < 1e-2, "\(report)")
        #expect(dropout.mask.scalars.contains(0) && dropout.mask.scalars.contains(2))
    }

    @Test func backwardUsesTheForwardMask() throws {
        let dropout = try Dropout(rate: 0.4, seed: 12)
        var rng = SeededGenerator(seed: 13)
        let x = Tensor(randomUniform: [8, 16], in: 0.5...1, using: &rng)
        let y = try dropout.forward(x)
        let dy = Tensor(randomNormal: [8, 16], using: &rng)
        let dx = try dropout.backward(dy)
        let m = dropout.mask.scalars, xs = x.scalars, ys = y.scalars, dys = dy.scalars, dxs = dx.scalars
        for i in m.indices {
            #expect(ys[i] == xs[i] * m[i])
            #expect(dxs[i] == dys[i] * m[i])
        }
        #expect(Self.distinctValues(dropout.mask) == [0, 1 / 0.6])
        // One backward per forward, and an empty tensor when no input gradient is asked for.
        #expect(throws: LayerError.self) { try dropout.backward(dy) }
        _ = try dropout.forward(x)
        #expect(try dropout.backward(dy, computingInputGradient: false).count == 0)
    }

    @Test(arguments: [Float(0), 0.2, 0.5, 0.9])
    func inferenceIsTheIdentity(rate: Float) throws {
        let dropout = try Dropout(rate: rate, seed: 14)
        var rng = SeededGenerator(seed: 15)
        let x = Tensor(randomNormal: [6, 7], using: &rng)
        #expect(try dropout.inference(x).scalars == x.scalars)
        #expect(try dropout.predict(x, batchSize: 4).scalars == x.scalars)
    }

    /// For x ≡ 1 and n elements each kept with probability 1 − p, the output mean is
    /// K/(n(1 − p)) with K ~ Binomial(n, 1 − p): expectation 1, standard deviation
    /// σ = sqrt(p/((1 − p)·n)) (1.1e-3 for p = 0.2, 6.7e-3 for p = 0.9 at n = 200,000). The
    /// tolerance is 5σ: a false failure has probability below 1e-6 (and the seeded generator
    /// fixes the outcome), while dropout without the 1/(1 − p) scaling has mean 1 − p, off by
    /// p ≥ 30σ.
    @Test(arguments: [Float(0.2), 0.5, 0.9])
    func trainingPreservesTheMean(rate: Float) throws {
        let n = 200_000
        let dropout = try Dropout(rate: rate, seed: 16)
        let y = try dropout.forward(Tensor(shape: [100, n / 100], repeating: 1))
        let values = y.scalars
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(n)
        let sigma = (Double(rate) / ((1 - Double(rate)) * Double(n))).squareRoot()
        #expect(abs(mean - 1) < 5 * sigma, "mean \(mean), σ \(sigma)")
        let dropped = Double(values.filter { $0 == 0 }.count) / Double(n)
        let droppedSigma = (Double(rate) * (1 - Double(rate)) / Double(n)).squareRoot()
        #expect(abs(dropped - Double(rate)) < 5 * droppedSigma, "dropped fraction \(dropped)")
        #expect(Self.distinctValues(y) == [0, 1 / (1 - rate)])
    }

    @Test func masksAreReproducibleBySeed() throws {
        let x = Tensor(shape: [16, 32], repeating: 1)
        let a = try Dropout(rate: 0.2, seed: 17), b = try Dropout(rate: 0.2, seed: 17), c = try Dropout(rate: 0.2, seed: 18)
        let a1 = try a.forward(x).scalars, b1 = try b.forward(x).scalars, c1 = try c.forward(x).scalars
        let a2 = try a.forward(x).scalars, b2 = try b.forward(x).scalars
        #expect(a1 == b1 && a2 == b2)  // same seed, same sequence of masks
        #expect(a1 != a2)               // a fresh mask per batch (512 elements: a repeat is not plausible)
        #expect(a1 != c1)               // another seed, another mask
        a.freezesMask = true
        let a3 = try a.forward(x).scalars, a4 = try a.forward(x).scalars
        #expect(a3 == a2 && a4 == a2)   // frozen: the last mask is reused
    }

    @Test func rateZeroKeepsEverything() throws {
        let dropout = try Dropout(rate: 0, seed: 19)
        var rng = SeededGenerator(seed: 20)
        let x = Tensor(randomNormal: [5, 9], using: &rng)
        #expect(try dropout.forward(x).scalars == x.scalars)
    }

    @Test func invalidRatesAreRejected() {
        for rate: Float in [1, 1.5, -0.1, .nan, .infinity] {
            #expect(throws: LayerError.self) { try Dropout(rate: rate) }
        }
    }

    @Test func workspacesAreReusedAcrossBatches() throws {
        let dropout = try Dropout(rate: 0.2, seed: 21)
        let x = Tensor(shape: [32, 64], repeating: 1)
        func addresses() throws -> (output: UnsafePointer<Float>, gradient: UnsafePointer<Float>) {
            let y = try dropout.forward(x)
            let dx = try dropout.backward(y)
            return (y.withUnsafeBufferPointer { $0.baseAddress! }, dx.withUnsafeBufferPointer { $0.baseAddress! })
        }
        let first = try addresses()
        let second = try addresses()
        #expect(first == second)
    }
}
