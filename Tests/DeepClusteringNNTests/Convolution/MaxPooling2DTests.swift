import DeepClusteringCore
import DeepClusteringNN
import Testing
import _TestSupport

/// (height, width, channels, pool, stride, padding)
typealias PoolingCase = (Int, Int, Int, Int, Int, Padding)

@Suite struct MaxPooling2DTests {
    static let cases: [PoolingCase] = [
        (4, 4, 1, 2, 2, .valid), (5, 5, 2, 2, 2, .valid), (5, 5, 2, 2, 2, .same), (7, 6, 3, 3, 2, .same),
        (6, 6, 2, 3, 1, .same), (5, 4, 1, 3, 1, .valid), (7, 7, 2, 3, 2, .valid),
    ]

    /// The maximum over each window, straight from the definition (padding never wins).
    func reference(_ x: Tensor, pool: Int, stride: Int, padding: Padding) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let oh = padding.outputSize(inputSize: h, kernelSize: pool, stride: stride)
        let ow = padding.outputSize(inputSize: w, kernelSize: pool, stride: stride)
        let pt = padding.paddingBefore(inputSize: h, outputSize: oh, kernelSize: pool, stride: stride)
        let pl = padding.paddingBefore(inputSize: w, outputSize: ow, kernelSize: pool, stride: stride)
        var y = Tensor(zeros: [n, oh, ow, c])
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for k in 0..<c {
            var m = -Float.infinity
            for dy in 0..<pool { for dx in 0..<pool {
                let iy = oy * stride + dy - pt, ix = ox * stride + dx - pl
                if iy >= 0 && iy < h && ix >= 0 && ix < w { m = max(m, x[b, iy, ix, k]) }
            } }
            y[b, oy, ox, k] = m
        } } } }
        return y
    }

    @Test(arguments: cases)
    func forwardMatchesDefinitionAndGradientsMatchFiniteDifferences(_ c: PoolingCase) throws {
        let (h, w, channels, pool, stride, padding) = c
        let layer = try MaxPooling2D(poolSize: pool, stride: stride, padding: padding)
        let x = try distinctValues([2, h, w, channels], seed: UInt64(h * 100 + w * 10 + pool))
        let y = try layer.forward(x)
        #expect(y == reference(x, pool: pool, stride: stride, padding: padding))
        #expect(try layer.inference(x) == y)
        let report = try checkGradients(of: layer, input: x)
        #expect(report.inputError < 1e-2, "\(c): \(report)")
    }

    @Test func gradientGoesToTheMaximum() throws {
        let layer = try MaxPooling2D(poolSize: 2)
        let x = try Tensor(shape: [1, 2, 4, 1], scalars: [1, 5, 2, 0, 3, 4, -1, 7])
        #expect(try layer.forward(x).scalars == [5, 7])
        let dx = try layer.backward(Tensor(shape: [1, 1, 2, 1], scalars: [10, 20]))
        #expect(dx.scalars == [0, 10, 0, 0, 0, 0, 0, 20])
    }

    @Test func badInputIsReported() throws {
        #expect(throws: LayerError.self) { try MaxPooling2D(poolSize: 0) }
        let layer = try MaxPooling2D(poolSize: 3)
        #expect(throws: LayerError.self) { try layer.forward(Tensor(zeros: [1, 2, 2, 1])) }
        #expect(throws: LayerError.self) { try layer.backward(Tensor(zeros: [1, 1, 1, 1])) }
    }
}
