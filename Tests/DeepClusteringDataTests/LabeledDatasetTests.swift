import DeepClusteringCore
import DeepClusteringData
import Testing

@Suite struct LabeledDatasetTests {
    @Test func labelCountMustMatchSampleCount() throws {
        let x = Tensor(zeros: [3, 2])
        #expect(throws: TensorError.self) { try LabeledDataset(x: x, labels: [0, 1]) }
        let d = try LabeledDataset(x: x, labels: [0, 1, 2])
        #expect(d.count == 3)
    }
}
