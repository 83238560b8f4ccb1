import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

/// Forward/backward values and optimizer steps against numpy (float64) references. Float32
/// arithmetic on O(1) values of this size is accurate to ~1e-6, so 1e-5 is the tolerance.
@Suite struct GoldenValueTests {
    let fixture = Fixture.golden
    let tolerance: Float = 1e-5

    @Test(arguments: Activation.allCases)
    func denseForwardAndBackward(_ activation: Activation) throws {
        var rng = SeededGenerator(seed: 1)
        let dense = try Dense(inputSize: 5, outputSize: 3, activation: activation, using: &rng)
        dense.kernel.value = try fixture.tensor("dense.kernel")
        dense.bias.value = try fixture.tensor("dense.bias")
        let y = try dense.forward(fixture.tensor("dense.x"))
        #expect(maxAbsDifference(y, try fixture.tensor("dense.\(activation).y")) < tolerance)
        let dx = try dense.backward(fixture.tensor("dense.dy"), computingInputGradient: true)
        #expect(maxAbsDifference(dx, try fixture.tensor("dense.\(activation).dx")) < tolerance)
        #expect(maxAbsDifference(dense.kernel.gradient, try fixture.tensor("dense.\(activation).dkernel")) < tolerance)
        #expect(maxAbsDifference(dense.bias.gradient, try fixture.tensor("dense.\(activation).dbias")) < tolerance)
    }

    @Test func denseAccumulatesParameterGradients() throws {
        var rng = SeededGenerator(seed: 1)
        let dense = try Dense(inputSize: 5, outputSize: 3, activation: .tanh, using: &rng)
        dense.kernel.value = try fixture.tensor("dense.kernel")
        dense.bias.value = try fixture.tensor("dense.bias")
        for _ in 0..<2 {
            _ = try dense.forward(fixture.tensor("dense.x"))
            let dx = try dense.backward(fixture.tensor("dense.dy"), computingInputGradient: false)
            #expect(dx.count == 0)
        }
        let twice = try fixture.tensor("dense.tanh.dkernel") * 2
        #expect(maxAbsDifference(dense.kernel.gradient, twice) < 2 * tolerance)
    }

    @Test func meanSquaredErrorMatchesNumpy() throws {
        let (value, gradient) = try meanSquaredError(fixture.tensor("mse.predicted"), fixture.tensor("mse.target"))
        #expect(abs(value - (try fixture.value("mse.value"))) < tolerance)
        #expect(maxAbsDifference(gradient, try fixture.tensor("mse.gradient")) < tolerance)
    }

    @Test func klDivergenceMatchesKerasWithClipping() throws {
        let (value, gradient) = try klDivergence(target: fixture.tensor("kld.p"), predicted: fixture.tensor("kld.q"))
        #expect(abs(value - (try fixture.value("kld.value"))) < 1e-5 * max(1, abs(value)))
        let expected = try fixture.tensor("kld.gradient")
        // Relative comparison: the gradient has entries of order 1/q.
        let scale = expected.scalars.map(abs).max() ?? 1
        #expect(maxAbsDifference(gradient, expected) < tolerance * scale)
        #expect(gradient[3, 0] == 0)  // q below the clip: no gradient
    }

    @Test(arguments: ["sgd_momentum", "sgd_nesterov", "adam", "adadelta"])
    func optimizerStepsMatchKeras2(_ name: String) throws {
        let optimizer: any Optimizer
        switch name {
        case "sgd_momentum": optimizer = try SGD(learningRate: 0.1, momentum: 0.9)
        case "sgd_nesterov": optimizer = try SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        case "adam": optimizer = try Adam(learningRate: 0.01)
        default: optimizer = try Adadelta()
        }
        let parameter = Parameter(name: "theta", value: try fixture.tensor("\(name).param"))
        for k in 1...3 {
            parameter.gradient = try fixture.tensor("\(name).grad\(k)")
            try optimizer.step([parameter])
            let expected = try fixture.tensor("\(name).step\(k)")
            #expect(maxAbsDifference(parameter.value, expected) < tolerance, "step \(k)")
        }
    }
}
