import Benchmark
import DeepClustering

/// A layer with its input and an output gradient of the right shape.
final class LayerState {
    let layer: any Layer
    let input: Tensor
    let outputGradient: Tensor
    /// `layer.parameters`, kept so an iteration does not build the array again.
    let parameters: [Parameter]

    init(layer: any Layer, input: Tensor) throws {
        self.layer = layer
        parameters = layer.parameters
        self.input = input
        outputGradient = randomGradient(try layer.outputShape(forInputShape: input.shape), seed: 3)
    }

    /// One training pass as inside a network: gradients zeroed lazily (as `DECTrainer` and
    /// `fit` do), forward (caching), then backward writing the parameter gradients and
    /// computing the input gradient.
    func forwardBackward() throws {
        for parameter in parameters { parameter.zeroGradientLazily() }
        _ = try layer.forward(input)
        _ = try layer.backward(outputGradient, computingInputGradient: true)
    }
}

/// Forward + backward of DEC-keras's layers at batch 256: a Dense 784→500 ReLU (the dense
/// autoencoder's first layer), the conv autoencoder's first Conv2D (28×28×1 → 14×14×32, 5×5,
/// stride 2, same, ReLU), its last Conv2DTranspose (14×14×32 → 28×28×1, 5×5, stride 2, same,
/// linear) and DEC's clustering layer (d = 10, k = 10).
func registerLayerBenchmarks() {
    let batch = 256
    func register(_ name: String, _ makeState: @escaping () throws -> LayerState) {
        Benchmark(name, configuration: configuration()) { benchmark, state in
            for _ in benchmark.scaledIterations {
                try state.forwardBackward()
            }
        } setup: {
            try makeState()
        }
    }

    register("Dense 784→500 relu forward+backward") {
        var generator = SeededGenerator(seed: 10)
        let dense = try Dense(inputSize: 784, outputSize: 500, activation: .relu, using: &generator)
        return try LayerState(layer: dense, input: randomTensor([batch, 784], seed: 11))
    }
    register("Conv2D 28x28x1→14x14x32 5x5/2 relu forward+backward") {
        var generator = SeededGenerator(seed: 20)
        let conv = try Conv2D(
            inputChannels: 1, outputChannels: 32, kernelSize: 5, stride: 2, padding: .same, activation: .relu,
            using: &generator)
        return try LayerState(layer: conv, input: randomTensor([batch, 28, 28, 1], seed: 21))
    }
    register("Conv2DTranspose 14x14x32→28x28x1 5x5/2 forward+backward") {
        var generator = SeededGenerator(seed: 30)
        let deconv = try Conv2DTranspose(
            inputChannels: 32, outputChannels: 1, kernelSize: 5, stride: 2, padding: .same, using: &generator)
        return try LayerState(layer: deconv, input: randomTensor([batch, 14, 14, 32], seed: 31))
    }
    register("ClusteringLayer d10 k10 forward+backward") {
        var generator = SeededGenerator(seed: 40)
        let clustering = try ClusteringLayer(clusterCount: 10, featureCount: 10, using: &generator)
        return try LayerState(layer: clustering, input: randomGradient([batch, 10], seed: 41))
    }
}
