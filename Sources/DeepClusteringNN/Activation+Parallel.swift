import DeepClusteringCore

// The fused activation kernels of ``Activation``, split across cores by rows for large outputs:
// the `[N·OH·OW, C]` outputs of the convolution layers and the `[B, units]` outputs of `Dense`.
// Dimension letters: R rows, C columns.

extension Activation {
    /// `y[r, c] ← f(y[r, c] + bias[c])` in place for a `rows × columns` matrix, in parallel
    /// blocks of rows when large.
    func addBiasAndApplyInParallel(
        _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>
    ) {
        Parallel.forEachChunk(count: rows, minimumPerThread: max(1, 65_536 / max(columns, 1))) { range in
            addBiasAndApply(y + range.lowerBound * columns, rows: range.count, columns: columns, bias: bias)
        }
    }

    /// Computes `∂Z = ∂Y ⊙ f′` (with `f′` from the cached `output`) and adds its column sums
    /// over all rows to `bias`'s gradient, in one pass split across cores by rows.
    ///
    /// Each block of rows sums into its own row of `partialSums` (a workspace); the blocks are
    /// then added in order, so the result depends only on the thread count.
    /// - Parameters:
    ///   - outputGradient: `∂Y`, `[R, C]` (any shape with `C` innermost).
    ///   - output: The activation's output `Y`, the same shape.
    ///   - workspace: Receives `∂Z` (unused for ``identity``).
    ///   - partialSums: Workspace for the per-block column sums.
    ///   - bias: The bias parameter (`C` elements) whose gradient is accumulated.
    /// - Returns: `∂Z`: `outputGradient` itself for ``identity``, otherwise `workspace`.
    func backpropagateInParallel(
        _ outputGradient: Tensor, output: Tensor, workspace: inout Tensor, partialSums: inout Tensor,
        bias: Parameter
    ) -> Tensor {
        let columns = bias.count
        let rows = columns == 0 ? 0 : output.count / columns
        let parts = output.count >= 131_072 ? max(1, min(Parallel.threadCount, rows)) : 1
        partialSums.prepareForOverwrite(shape: [parts, columns])
        partialSums.fill(with: 0)
        if self != .identity { workspace.prepareForOverwrite(shape: output.shape) }
        let activation = self
        outputGradient.withUnsafeBufferPointer { dyBuffer in
            output.withUnsafeBufferPointer { yBuffer in
                workspace.withUnsafeMutableBufferPointer { dzBuffer in
                    partialSums.withUnsafeMutableBufferPointer { partialBuffer in
                        let dy = dyBuffer.baseAddress!, y = yBuffer.baseAddress!
                        let dz = dzBuffer.baseAddress, partial = partialBuffer.baseAddress!
                        Parallel.forEachChunk(count: parts, minimumPerThread: 1) { range in
                            for part in range {
                                let lo = rows * part / parts, hi = rows * (part + 1) / parts, offset = lo * columns
                                let sums = partial + part * columns
                                if activation == .identity {
                                    accumulateColumnSums(dy + offset, rows: hi - lo, columns: columns, into: sums)
                                } else {
                                    activation.multiplyByDerivative(
                                        dy + offset, output: y + offset, into: dz! + offset, rows: hi - lo,
                                        columns: columns, biasGradient: sums)
                                }
                            }
                        }
                    }
                }
            }
        }
        partialSums.withUnsafeBufferPointer { partial in
            bias.accumulateGradient { db, overwrite in
                if overwrite { db.update(repeating: 0, count: columns) }
                accumulateColumnSums(partial.baseAddress!, rows: parts, columns: columns, into: db)
            }
        }
        return self == .identity ? outputGradient : workspace
    }
}
