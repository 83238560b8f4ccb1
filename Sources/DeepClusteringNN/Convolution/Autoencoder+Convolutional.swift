import DeepClusteringCore

// The two convolutional autoencoders of DCEC (Guo et al. 2017), as builders.

extension Autoencoder {
    /// DCEC's convolutional autoencoder (`CAE`): three strided convolutions, a dense
    /// embedding, and the mirror image with transposed convolutions.
    ///
    /// For an `H × W × C` input and `filters = [f₁, f₂, f₃]`:
    ///
    /// | layer       | operation                                              | 28×28×1 output |
    /// |-------------|--------------------------------------------------------|----------------|
    /// | `conv1`     | Conv2D f₁, 5×5, stride 2, same, ReLU                   | 14×14×32       |
    /// | `conv2`     | Conv2D f₂, 5×5, stride 2, same, ReLU                   | 7×7×64         |
    /// | `conv3`     | Conv2D f₃, 3×3, stride 2, `p`, ReLU                    | 3×3×128        |
    /// | `flatten`   | Flatten                                                | 1152           |
    /// | `embedding` | Dense `embeddingSize`, linear                          | 10             |
    /// | `dense`     | Dense f₃·⌊H/8⌋·⌊W/8⌋, ReLU                              | 1152           |
    /// | `reshape`   | Reshape ⌊H/8⌋×⌊W/8⌋×f₃                                 | 3×3×128        |
    /// | `deconv3`   | Conv2DTranspose f₂, 3×3, stride 2, `p`, ReLU           | 7×7×64         |
    /// | `deconv2`   | Conv2DTranspose f₁, 5×5, stride 2, same, ReLU          | 14×14×32       |
    /// | `deconv1`   | Conv2DTranspose C, 5×5, stride 2, same, linear         | 28×28×1        |
    ///
    /// where `p` is `same` when H is a multiple of 8 and `valid` otherwise, exactly as DCEC
    /// chooses it; the decoder then reproduces the input size when H and W are both multiples of
    /// 8 (at least 8) or both 4 more than a multiple of 8 (at least 12), the sizes DCEC
    /// handles (MNIST's 28 and USPS's 16 among them). On 28×28×1 with the defaults the model has
    /// 275,979 parameters, as DCEC's summary reports. Kernels are Glorot uniform and biases
    /// zero (Keras's defaults, which DCEC keeps). The encoder (`conv1` … `embedding`) is
    /// ``encoder``.
    /// - Parameters:
    ///   - inputShape: `[H, W, C]` of one image (no batch dimension).
    ///   - filters: The channels of the three convolutions; defaults to DCEC's `[32, 64, 128]`.
    ///   - embeddingSize: The embedding's width; defaults to DCEC's 10.
    ///   - generator: The seeded source of the initial weights.
    /// - Returns: The autoencoder, input and output `[N, H, W, C]`.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a shape the architecture
    ///   cannot reproduce, or non-positive filters or embedding size.
    public static func convolutional<G: RandomNumberGenerator>(
        inputShape: [Int], filters: [Int] = [32, 64, 128], embeddingSize: Int = 10, using generator: inout G
    ) throws -> Autoencoder {
        let builder = "Autoencoder.convolutional"
        let (h, w, c) = try validatedImageShape(inputShape, filters: filters, embeddingSize: embeddingSize, builder: builder)
        let remainders = (h % 8, w % 8)
        guard (remainders == (0, 0) && h >= 8 && w >= 8) || (remainders == (4, 4) && h >= 12 && w >= 12) else {
            throw LayerError.invalidConfiguration(
                layer: builder,
                message: "height and width must both be multiples of 8 or both 4 more than a multiple of 8 (at least 12), found \(h)×\(w)")
        }
        let pad3: Padding = h % 8 == 0 ? .same : .valid
        let (h3, w3) = (h / 8, w / 8)
        let encoder = try Sequential(name: "encoder", [
            Conv2D(inputChannels: c, outputChannels: filters[0], kernelSize: 5, stride: 2, padding: .same,
                   activation: .relu, name: "conv1", using: &generator),
            Conv2D(inputChannels: filters[0], outputChannels: filters[1], kernelSize: 5, stride: 2, padding: .same,
                   activation: .relu, name: "conv2", using: &generator),
            Conv2D(inputChannels: filters[1], outputChannels: filters[2], kernelSize: 3, stride: 2, padding: pad3,
                   activation: .relu, name: "conv3", using: &generator),
            Flatten(name: "flatten"),
            Dense(inputSize: h3 * w3 * filters[2], outputSize: embeddingSize, name: "embedding", using: &generator),
        ])
        let decoder = try Sequential(name: "decoder", [
            Dense(inputSize: embeddingSize, outputSize: h3 * w3 * filters[2], activation: .relu, name: "dense",
                  using: &generator),
            Reshape([h3, w3, filters[2]], name: "reshape"),
            Conv2DTranspose(inputChannels: filters[2], outputChannels: filters[1], kernelSize: 3, stride: 2,
                            padding: pad3, activation: .relu, name: "deconv3", using: &generator),
            Conv2DTranspose(inputChannels: filters[1], outputChannels: filters[0], kernelSize: 5, stride: 2,
                            padding: .same, activation: .relu, name: "deconv2", using: &generator),
            Conv2DTranspose(inputChannels: filters[0], outputChannels: c, kernelSize: 5, stride: 2,
                            padding: .same, name: "deconv1", using: &generator),
        ])
        return try checkedAutoencoder(encoder: encoder, decoder: decoder, inputShape: inputShape, builder: builder)
    }

    /// DCEC's second convolutional autoencoder, which decodes with nearest upsampling
    /// followed by stride-1 convolutions instead of transposed convolutions.
    ///
    /// For an `H × W × C` input and `filters = [f₁, f₂, f₃]` (all 3×3 kernels):
    ///
    /// | layer        | operation                                   | 28×28×1 output |
    /// |--------------|---------------------------------------------|----------------|
    /// | `conv1…3`    | Conv2D f₁, f₂, f₃, stride 2, same, ReLU     | 14×14×16, 7×7×8, 4×4×8 |
    /// | `flatten`    | Flatten                                     | 128            |
    /// | `embedding`  | Dense `embeddingSize`, ReLU                 | 10             |
    /// | `dense`      | Dense h₃·w₃·f₃, ReLU                        | 128            |
    /// | `reshape`    | Reshape h₃×w₃×f₃                            | 4×4×8          |
    /// | `conv4`, `up_sampling1` | Conv2D f₃, same, ReLU; UpSampling2D 2 | 4×4×8, 8×8×8 |
    /// | `conv5`, `up_sampling2` | Conv2D f₂, same, ReLU; UpSampling2D 2 | 8×8×8, 16×16×8 |
    /// | `conv6`, `up_sampling3` | Conv2D f₁, `p`, ReLU; UpSampling2D 2  | 14×14×16, 28×28×16 |
    /// | `conv7`      | Conv2D C, same, sigmoid                     | 28×28×1        |
    ///
    /// `h₃ = ⌈⌈⌈H/2⌉/2⌉/2⌉` (likewise w₃). The decoder produces `8·h₃ − 4` rows with `p = valid`
    /// and `8·h₃` with `p = same`; the builder picks whichever reproduces the input (valid for
    /// MNIST's 28, as in DCEC, same for 32) and rejects other sizes. On 28×28×1 with the
    /// defaults the model has 7,083 parameters. Kernels are Glorot uniform, biases zero.
    /// - Parameters:
    ///   - inputShape: `[H, W, C]` of one image (no batch dimension).
    ///   - filters: The channels of the three encoder convolutions; defaults to `[16, 8, 8]`.
    ///   - embeddingSize: The embedding's width; defaults to 10.
    ///   - generator: The seeded source of the initial weights.
    /// - Returns: The autoencoder, input and output `[N, H, W, C]`, output in (0, 1).
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a shape the architecture
    ///   cannot reproduce, or non-positive filters or embedding size.
    public static func convolutionalUpsampling<G: RandomNumberGenerator>(
        inputShape: [Int], filters: [Int] = [16, 8, 8], embeddingSize: Int = 10, using generator: inout G
    ) throws -> Autoencoder {
        let builder = "Autoencoder.convolutionalUpsampling"
        let (h, w, c) = try validatedImageShape(inputShape, filters: filters, embeddingSize: embeddingSize, builder: builder)
        func encoded(_ size: Int) -> Int { (((size + 1) / 2 + 1) / 2 + 1) / 2 }
        let (h3, w3) = (encoded(h), encoded(w))
        let pad6: Padding
        if 8 * h3 - 4 == h && 8 * w3 - 4 == w {
            pad6 = .valid
        } else if 8 * h3 == h && 8 * w3 == w {
            pad6 = .same
        } else {
            throw LayerError.invalidConfiguration(
                layer: builder, message: "the decoder cannot reproduce \(h)×\(w): each size must be 8k − 4 (for example 28) or 8k, with the same choice for both")
        }
        let encoder = try Sequential(name: "encoder", [
            Conv2D(inputChannels: c, outputChannels: filters[0], kernelSize: 3, stride: 2, padding: .same,
                   activation: .relu, name: "conv1", using: &generator),
            Conv2D(inputChannels: filters[0], outputChannels: filters[1], kernelSize: 3, stride: 2, padding: .same,
                   activation: .relu, name: "conv2", using: &generator),
            Conv2D(inputChannels: filters[1], outputChannels: filters[2], kernelSize: 3, stride: 2, padding: .same,
                   activation: .relu, name: "conv3", using: &generator),
            Flatten(name: "flatten"),
            Dense(inputSize: h3 * w3 * filters[2], outputSize: embeddingSize, activation: .relu, name: "embedding",
                  using: &generator),
        ])
        let decoder = try Sequential(name: "decoder", [
            Dense(inputSize: embeddingSize, outputSize: h3 * w3 * filters[2], activation: .relu, name: "dense",
                  using: &generator),
            Reshape([h3, w3, filters[2]], name: "reshape"),
            Conv2D(inputChannels: filters[2], outputChannels: filters[2], kernelSize: 3, padding: .same,
                   activation: .relu, name: "conv4", using: &generator),
            UpSampling2D(size: 2, name: "up_sampling1"),
            Conv2D(inputChannels: filters[2], outputChannels: filters[1], kernelSize: 3, padding: .same,
                   activation: .relu, name: "conv5", using: &generator),
            UpSampling2D(size: 2, name: "up_sampling2"),
            Conv2D(inputChannels: filters[1], outputChannels: filters[0], kernelSize: 3, padding: pad6,
                   activation: .relu, name: "conv6", using: &generator),
            UpSampling2D(size: 2, name: "up_sampling3"),
            Conv2D(inputChannels: filters[0], outputChannels: c, kernelSize: 3, padding: .same,
                   activation: .sigmoid, name: "conv7", using: &generator),
        ])
        return try checkedAutoencoder(encoder: encoder, decoder: decoder, inputShape: inputShape, builder: builder)
    }

    /// Checks `[H, W, C]`, three filters and the embedding size; returns `(H, W, C)`.
    private static func validatedImageShape(
        _ inputShape: [Int], filters: [Int], embeddingSize: Int, builder: String
    ) throws -> (Int, Int, Int) {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError.invalidConfiguration(
                layer: builder, message: "inputShape must be [height, width, channels], found \(inputShape)")
        }
        guard filters.count == 3, filters.allSatisfy({ $0 > 0 }), embeddingSize > 0 else {
            throw LayerError.invalidConfiguration(
                layer: builder,
                message: "need three positive filter counts and a positive embedding size, found \(filters) and \(embeddingSize)")
        }
        return (inputShape[0], inputShape[1], inputShape[2])
    }

    /// The autoencoder, after checking that it reconstructs `[N] + inputShape`.
    private static func checkedAutoencoder(
        encoder: Sequential, decoder: Sequential, inputShape: [Int], builder: String
    ) throws -> Autoencoder {
        let autoencoder = try Autoencoder(encoder: encoder, decoder: decoder)
        let output = try autoencoder.outputShape(forInputShape: [1] + inputShape)
        guard output == [1] + inputShape else {
            throw LayerError.invalidConfiguration(
                layer: builder, message: "the decoder produces \(Array(output.dropFirst())), not the input shape \(inputShape)")
        }
        return autoencoder
    }
}
