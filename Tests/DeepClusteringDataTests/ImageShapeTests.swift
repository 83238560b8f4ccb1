import DeepClusteringCore
import DeepClusteringData
import Testing

@Suite struct ImageShapeTests {
    @Test func parsesTwoAndThreeSizes() throws {
        let a = try ImageShape(parsing: "16x16")
        #expect(a.dimensions == [16, 16, 1])
        let b = try ImageShape(parsing: "32X24×3")
        #expect(b.dimensions == [32, 24, 3])
        #expect(try ImageShape(parsing: b.description) == b)
    }

    @Test(arguments: ["", "16", "16x", "x16", "16x16x", "0x16", "-2x4", "4x4x4x4", "axb", "16x16x0"])
    func refusesMalformedText(_ text: String) {
        #expect(throws: DataError.self) { try ImageShape(parsing: text) }
    }

    @Test func reshapesFlatRowsAndNamesTheMismatch() throws {
        let x = try Tensor(shape: [3, 12], scalars: (0..<36).map(Float.init))
        let images = try ImageShape(height: 2, width: 2, channels: 3).reshape(x, source: "data.csv")
        #expect(images.shape == [3, 2, 2, 3])
        #expect(images.scalars == x.scalars)
        do {
            _ = try ImageShape(height: 4, width: 4).reshape(x, source: "data.csv")
            Issue.record("a 4x4 shape accepted rows of 12 values")
        } catch let error as DataError {
            #expect(error.description.contains("data.csv"))
            #expect(error.description.contains("16 values per sample"))
            #expect(error.description.contains("holds 12"))
        }
    }
}
