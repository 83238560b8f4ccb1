import DeepClustering
import Testing

@Suite struct ReexportTests {
    /// One `import DeepClustering` reaches the types of every lower module.
    @Test func umbrellaModuleReexportsLowerModules() throws {
        let t = Tensor(zeros: [2, 2])
        let d = try LabeledDataset(x: t)
        let p = Parameter(name: "p", value: t)
        #expect(d.count == 2 && p.count == 4)
    }
}
