import DeepClusteringCore
import Foundation

/// Random shifts and rotations of image batches, as Keras's `ImageDataGenerator` with
/// `width_shift_range`, `height_shift_range` and `rotation_range` makes them, for augmented
/// pretraining and clustering (DEC-DA, Guo et al. 2018).
///
/// Each image is independently rotated by an angle drawn uniformly from
/// `±maxRotationDegrees` about its centre and shifted by offsets drawn uniformly from
/// `±maxShiftFraction` of its height and width; pixels are resampled bilinearly and positions
/// outside the image take the nearest edge pixel (Keras's default `fill_mode="nearest"`).
/// Batches may be flat (`[N, H·W·C]`) or images (`[N, H, W, C]`): the memory layout is the same.
///
/// ```swift
/// let augmentation = try ImageAugmentation(height: 28, width: 28, channels: 1)
/// var augmented = Tensor(zeros: [0])
/// try augmentation.apply(to: batch, into: &augmented, using: &rng)
/// ```
public struct ImageAugmentation: Sendable, Equatable, Codable {
    /// Image height H.
    public let height: Int
    /// Image width W.
    public let width: Int
    /// Channels C (NHWC order).
    public let channels: Int
    /// The largest shift as a fraction of the size; 0.1 (DEC-DA's setting).
    public let maxShiftFraction: Float
    /// The largest rotation in degrees; 10 (DEC-DA's setting).
    public let maxRotationDegrees: Float

    /// Creates an augmentation for `height × width × channels` images.
    /// - Parameters:
    ///   - height: Image height (> 0).
    ///   - width: Image width (> 0).
    ///   - channels: Channels (> 0); defaults to 1.
    ///   - maxShiftFraction: The largest shift as a fraction of height and width, in `[0, 1)`;
    ///     defaults to 0.1.
    ///   - maxRotationDegrees: The largest rotation in degrees, in `[0, 180]`; defaults to 10.
    /// - Throws: ``LayerError/invalidConfiguration(layer:message:)`` for a value out of range.
    public init(height: Int, width: Int, channels: Int = 1, maxShiftFraction: Float = 0.1,
                maxRotationDegrees: Float = 10) throws {
        guard height > 0, width > 0, channels > 0 else {
            throw LayerError.invalidConfiguration(
                layer: "ImageAugmentation", message: "image size must be positive, found \(height)×\(width)×\(channels)")
        }
        guard maxShiftFraction >= 0, maxShiftFraction < 1, maxRotationDegrees >= 0, maxRotationDegrees <= 180 else {
            throw LayerError.invalidConfiguration(
                layer: "ImageAugmentation",
                message: "need 0 ≤ maxShiftFraction < 1 and 0 ≤ maxRotationDegrees ≤ 180, found \(maxShiftFraction) and \(maxRotationDegrees)")
        }
        self.height = height
        self.width = width
        self.channels = channels
        self.maxShiftFraction = maxShiftFraction
        self.maxRotationDegrees = maxRotationDegrees
    }

    /// The number of values in one image, `H·W·C`.
    public var imageSize: Int { height * width * channels }

    /// Writes a randomly shifted and rotated copy of every image of `batch` into `output`
    /// (reusing its storage when possible).
    /// - Parameters:
    ///   - batch: `[N, …]` with `H·W·C` values per sample.
    ///   - output: Receives the augmented batch, same shape as `batch`.
    ///   - generator: The source of the random shifts and angles.
    /// - Throws: ``LayerError/invalidInputShape(layer:expected:found:)`` when a sample does not
    ///   hold `H·W·C` values.
    public func apply<G: RandomNumberGenerator>(
        to batch: Tensor, into output: inout Tensor, using generator: inout G
    ) throws {
        guard batch.rank >= 1, batch.rowWidth == imageSize else {
            throw LayerError.invalidInputShape(
                layer: "ImageAugmentation", expected: "[N, \(imageSize)] or [N, \(height), \(width), \(channels)]",
                found: batch.shape)
        }
        let n = batch.rowCount
        output.prepareForOverwrite(shape: batch.shape)
        // Draw every image's transform first (sequentially, so results do not depend on threads).
        var transforms = [(Float, Float, Float, Float)]()
        transforms.reserveCapacity(n)
        let radians = maxRotationDegrees * .pi / 180
        for _ in 0..<n {
            let angle = (2 * generator.nextUnitFloat() - 1) * radians
            let dy = (2 * generator.nextUnitFloat() - 1) * maxShiftFraction * Float(height)
            let dx = (2 * generator.nextUnitFloat() - 1) * maxShiftFraction * Float(width)
            transforms.append((cos(angle), sin(angle), dy, dx))
        }
        let h = height, w = width, c = channels, size = imageSize
        batch.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                nonisolated(unsafe) let s = src.baseAddress!, d = dst.baseAddress!
                Parallel.forEachChunk(count: n, minimumPerThread: max(1, 65_536 / max(size, 1))) { images in
                    for i in images {
                        warp(s + i * size, d + i * size, transforms[i], h, w, c)
                    }
                }
            }
        }
    }
}

/// Resamples one image: output pixel `p` reads the source at `R(−θ)(p − centre − shift) + centre`.
@inline(__always)
private func warp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                  _ t: (Float, Float, Float, Float), _ h: Int, _ w: Int, _ c: Int) {
    let (cosA, sinA, dy, dx) = t
    let cy = Float(h - 1) / 2, cx = Float(w - 1) / 2
    let maxY = Float(h - 1), maxX = Float(w - 1)
    for y in 0..<h {
        let oy = Float(y) - cy - dy
        for x in 0..<w {
            let ox = Float(x) - cx - dx
            // Inverse rotation, then clamp to the edge (fill mode "nearest").
            let sy = min(max(cosA * oy - sinA * ox + cy, 0), maxY)
            let sx = min(max(sinA * oy + cosA * ox + cx, 0), maxX)
            let y0 = Int(sy), x0 = Int(sx)
            let y1 = min(y0 + 1, h - 1), x1 = min(x0 + 1, w - 1)
            let fy = sy - Float(y0), fx = sx - Float(x0)
            let w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx
            let o = (y * w + x) * c
            let a = (y0 * w + x0) * c, b = (y0 * w + x1) * c, e = (y1 * w + x0) * c, f = (y1 * w + x1) * c
            for k in 0..<c {
                dst[o + k] = w00 * src[a + k] + w01 * src[b + k] + w10 * src[e + k] + w11 * src[f + k]
            }
        }
    }
}
