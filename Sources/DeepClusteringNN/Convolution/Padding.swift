/// How a convolution or pooling window treats the border of its input (Keras's `padding`).
///
/// The rules are Keras 2's (TensorFlow's), so sizes and pad placement match the reference Keras models
/// exactly. For input size `in`, window `k` and stride `s`:
///
/// - ``valid``: no padding; the window only visits full positions.
///   Output `floor((in − k) / s) + 1` (at least one position requires `in ≥ k`).
/// - ``same``: output `ceil(in / s)`; the input is padded with a total of
///   `max((out − 1)·s + k − in, 0)` zeros, the smaller half on top/left (so an odd total puts
///   the extra row at the bottom and the extra column on the right).
///
/// A transposed convolution (``Conv2DTranspose``) is the adjoint of a convolution whose input has
/// the transposed output size; Keras's `deconv_output_length` gives that size:
/// - ``valid``: `in·s + max(k − s, 0)`, which is `(in − 1)·s + k` whenever `k ≥ s`.
/// - ``same``: `in·s`.
/// The pad placement is then the forward convolution's on that output size (see
/// ``paddingBefore(inputSize:outputSize:kernelSize:stride:)``); for `same` it is
/// `max(k − s, 0)` in total, the smaller half on top/left.
public enum Padding: String, Sendable, Hashable, CaseIterable {
    /// Pad so that the output has `ceil(in / stride)` positions (Keras `padding="same"`).
    case same
    /// Do not pad; visit only positions where the whole window fits (Keras `padding="valid"`).
    case valid

    /// The number of output positions of a convolution or pooling window along one dimension.
    /// - Parameters:
    ///   - inputSize: The input size along the dimension (≥ 0).
    ///   - kernelSize: The window size.
    ///   - stride: The step between windows (> 0; layers validate it).
    /// - Returns: `ceil(in / s)` for ``same``, `floor((in − k) / s) + 1` for ``valid`` (zero or
    ///   negative when the window does not fit; layers reject that).
    public func outputSize(inputSize: Int, kernelSize: Int, stride: Int) -> Int {
        switch self {
        case .same: return inputSize.dividedRoundingUp(by: stride)
        case .valid: return inputSize >= kernelSize ? (inputSize - kernelSize) / stride + 1 : 0
        }
    }

    /// The number of output positions of a transposed convolution along one dimension
    /// (Keras's `deconv_output_length` without `output_padding`).
    /// - Parameters:
    ///   - inputSize: The input size along the dimension.
    ///   - kernelSize: The window size.
    ///   - stride: The upsampling factor.
    /// - Returns: `in·s` for ``same``, `in·s + max(k − s, 0)` for ``valid``.
    public func transposedOutputSize(inputSize: Int, kernelSize: Int, stride: Int) -> Int {
        switch self {
        case .same: return inputSize * stride
        case .valid: return inputSize * stride + max(kernelSize - stride, 0)
        }
    }

    /// The zeros added before the first element (top or left) by a convolution that maps
    /// `inputSize` positions to `outputSize` positions.
    ///
    /// For ``same`` this is half of `max((out − 1)·s + k − in, 0)`, rounded down (TensorFlow puts
    /// the odd zero after the input); for ``valid`` it is zero.
    /// - Parameters:
    ///   - inputSize: The (unpadded) input size.
    ///   - outputSize: The output size, as given by ``outputSize(inputSize:kernelSize:stride:)``.
    ///   - kernelSize: The window size.
    ///   - stride: The step between windows.
    /// - Returns: The leading padding.
    public func paddingBefore(inputSize: Int, outputSize: Int, kernelSize: Int, stride: Int) -> Int {
        switch self {
        case .same: return max((outputSize - 1) * stride + kernelSize - inputSize, 0) / 2
        case .valid: return 0
        }
    }
}
