import DeepClusteringCore
import Testing
import _TestSupport

@Suite struct TensorTests {
    @Test func copyOnWriteLeavesOriginalUntouched() throws {
        let original = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        var copy = original
        copy[0, 1] = 20
        #expect(original.scalars == [1, 2, 3, 4])
        #expect(copy.scalars == [1, 20, 3, 4])

        var viaBuffer = original
        viaBuffer.withUnsafeMutableBufferPointer { $0[3] = -1 }
        #expect(original.scalars == [1, 2, 3, 4])

        var viaOperator = original
        viaOperator += original
        #expect(original.scalars == [1, 2, 3, 4])
        #expect(viaOperator.scalars == [2, 4, 6, 8])

        var reshaped = try original.reshaped(to: [4])
        reshaped[0] = 9
        #expect(original.scalars == [1, 2, 3, 4])
    }

    @Test func prepareForOverwriteReusesUniqueStorageOnly() {
        var workspace = Tensor(zeros: [4, 8])
        let p0 = workspace.withUnsafeBufferPointer { $0.baseAddress }
        workspace.prepareForOverwrite(shape: [2, 8])  // smaller: same buffer
        #expect(workspace.withUnsafeBufferPointer { $0.baseAddress } == p0)
        #expect(workspace.shape == [2, 8] && workspace.count == 16)
        let held = workspace  // someone still holds it: must not be overwritten
        workspace.prepareForOverwrite(shape: [2, 8])
        #expect(workspace.withUnsafeBufferPointer { $0.baseAddress } != p0)
        #expect(held.withUnsafeBufferPointer { $0.baseAddress } == p0)
    }

    @Test func creationAndShapeErrors() throws {
        #expect(Tensor(zeros: [2, 3]).count == 6)
        #expect(Tensor(shape: [2], repeating: 3).scalars == [3, 3])
        #expect(Tensor(5).rank == 0 && Tensor(5).scalar == 5)
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
        #expect(throws: TensorError.self) { try Tensor(rows: [[1, 2], [3]]) }
        #expect(throws: TensorError.self) { try Tensor(zeros: [2, 3]).reshaped(to: [4, 2]) }
        #expect(try Tensor(zeros: [2, 3]).reshaped(to: [-1, 2]).shape == [3, 2])
        #expect(throws: TensorError.self) { try Tensor.elementCount(of: [Int.max, 3], operation: "t") }
    }

    @Test func arithmeticAndRowBroadcast() throws {
        let a = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        let bias = Tensor([10, 20, 30])
        #expect((a + bias).scalars == [11, 22, 33, 14, 25, 36])
        #expect((a - bias).scalars == [-9, -18, -27, -6, -15, -24])
        #expect((a * a).scalars == [1, 4, 9, 16, 25, 36])
        #expect((a / bias).scalars == [0.1, 0.1, 0.1, 0.4, 0.25, 0.2])
        #expect((a * 2).scalars == [2, 4, 6, 8, 10, 12])
        #expect((-a).scalars == [-1, -2, -3, -4, -5, -6])
        var b = a
        b.add(a, scaledBy: -2)
        #expect(b.scalars == [-1, -2, -3, -4, -5, -6])
    }

    @Test func reductionsOnHandComputedCases() throws {
        let a = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        #expect(a.sum() == 21)
        #expect(a.mean() == 3.5)
        #expect(try a.sum(alongAxis: 0).scalars == [5, 7, 9])
        #expect(try a.sum(alongAxis: 1).scalars == [6, 15])
        #expect(try a.mean(alongAxis: -1).scalars == [2, 5])
        #expect(try a.mean(alongAxis: 0).shape == [3])
        let t = try Tensor(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try t.sum(alongAxis: 1).scalars == [4, 6, 12, 14])
        #expect(throws: TensorError.self) { try a.sum(alongAxis: 2) }
        #expect(try Tensor(rows: [[0.1, 0.7, 0.2], [0.5, 0.5, 0], [-1, -3, -2]]).argmax() == [1, 0, 0])
        #expect(a.max() == 6 && a.min() == 1)
    }

    @Test func rowGatherAndSlices() throws {
        let a = try Tensor(rows: [[1, 2], [3, 4], [5, 6]])
        #expect(try a.rows(at: [2, 0, 2]).scalars == [5, 6, 1, 2, 5, 6])
        #expect(throws: TensorError.indexOutOfRange(operation: "gatherRows(at:into:)", index: 3, bound: 3)) {
            try a.rows(at: [0, 3])
        }
        #expect(try a.rows(in: 1..<3).scalars == [3, 4, 5, 6])
        let images = Tensor(zeros: [5, 2, 2, 1])
        #expect(try images.rows(at: [1, 3]).shape == [2, 2, 2, 1])
        #expect(try Tensor.concatenatingRows([a, a]).shape == [6, 2])
    }

    @Test func randomCreationIsSeededAndInRange() {
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let u = Tensor(randomUniform: [1000], in: -2...5, using: &g1)
        #expect(u == Tensor(randomUniform: [1000], in: -2...5, using: &g2))
        #expect(u.min()! >= -2 && u.max()! <= 5)
        let n = Tensor(randomNormal: [20000], mean: 1, standardDeviation: 2, using: &g1)
        let mean = n.mean()
        let variance = (n - mean).squared().mean()
        #expect(abs(mean - 1) < 0.05 && abs(variance - 4) < 0.15)
    }
}
