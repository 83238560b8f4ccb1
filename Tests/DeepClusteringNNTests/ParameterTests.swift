import DeepClusteringCore
import DeepClusteringNN
import Testing

@Suite struct ParameterTests {
    @Test func gradientStartsAtZeroAndResets() {
        let p = Parameter(name: "w", value: Tensor(shape: [2, 3], repeating: 1))
        #expect(p.gradient == Tensor(zeros: [2, 3]))
        p.gradient.fill(with: 5)
        p.zeroGradient()
        #expect(p.gradient.scalars.allSatisfy { $0 == 0 })
        #expect(p.count == 6)
    }
}
