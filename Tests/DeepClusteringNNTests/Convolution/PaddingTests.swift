import DeepClusteringNN
import Testing

/// Output sizes and pad placement against values read off Keras 3.15 / TensorFlow 2.21 layers
/// by `Fixtures/keras_reference_values.py` (which prints every table below).
@Suite struct PaddingTests {
    @Test func convolutionSizes() {
        // (in, k, s) → (same output, same pad before, valid output)
        let cases: [(Int, Int, Int, Int, Int, Int)] = [
            (28, 5, 2, 14, 1, 12), (14, 5, 2, 7, 1, 5), (7, 3, 2, 4, 1, 3), (8, 5, 2, 4, 1, 2),
            (5, 4, 1, 5, 1, 2), (6, 3, 2, 3, 0, 2), (4, 3, 2, 2, 0, 1), (7, 3, 1, 7, 1, 5),
        ]
        for (size, k, s, sameOut, sameBefore, validOut) in cases {
            #expect(Padding.same.outputSize(inputSize: size, kernelSize: k, stride: s) == sameOut)
            #expect(Padding.same.paddingBefore(inputSize: size, outputSize: sameOut, kernelSize: k, stride: s) == sameBefore)
            #expect(Padding.valid.outputSize(inputSize: size, kernelSize: k, stride: s) == validOut)
            #expect(Padding.valid.paddingBefore(inputSize: size, outputSize: validOut, kernelSize: k, stride: s) == 0)
        }
        #expect(Padding.valid.outputSize(inputSize: 2, kernelSize: 3, stride: 1) == 0)
    }

    @Test func transposedSizesMatchKeras() {
        // (in, k, s) → Keras Conv2DTranspose output (same, valid)
        let cases: [(Int, Int, Int, Int, Int)] = [
            (3, 3, 2, 6, 7), (7, 5, 2, 14, 17), (4, 1, 2, 8, 8), (5, 3, 1, 5, 7), (5, 4, 2, 10, 12),
            (14, 5, 2, 28, 31),
        ]
        for (size, k, s, same, valid) in cases {
            #expect(Padding.same.transposedOutputSize(inputSize: size, kernelSize: k, stride: s) == same)
            #expect(Padding.valid.transposedOutputSize(inputSize: size, kernelSize: k, stride: s) == valid)
            // The forward convolution of the transposed output size visits exactly `size` positions.
            for padding in Padding.allCases {
                let out = padding.transposedOutputSize(inputSize: size, kernelSize: k, stride: s)
                #expect(padding.outputSize(inputSize: out, kernelSize: k, stride: s) == size)
            }
        }
    }
}
