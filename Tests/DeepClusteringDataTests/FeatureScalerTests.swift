import DeepClusteringCore
import DeepClusteringData
import Testing

@Suite struct FeatureScalerTests {
    @Test func automaticKeepsUnitRangeData() throws {
        let x = try Tensor(shape: [2, 3], scalars: [0, 0.5, 1, 0.25, 0.75, 0])
        let s = try FeatureScaler.fit(x, scaling: .automatic, isImageData: false, source: "t")
        #expect(s.kind == .identity)
        #expect(try s.transform(x) == x)
    }

    @Test func automaticDividesEightBitImagesBy255() throws {
        let x = try Tensor(shape: [2, 4], scalars: [0, 51, 255, 102, 0, 0, 204, 17])
        let s = try FeatureScaler.fit(x, scaling: .automatic, isImageData: true, source: "t")
        #expect(s.kind == .global)
        let y = try s.transform(x)
        for (a, b) in zip(y.scalars, x.scalars) { #expect(abs(a - b / 255) < 1e-6) }
    }

    @Test func automaticMapsOtherImagesByGlobalRange() throws {
        let x = try Tensor(shape: [2, 2], scalars: [0, 16, 8, 4])  // scikit-learn's 8x8 digits: 0…16
        let s = try FeatureScaler.fit(x, scaling: .automatic, isImageData: true, source: "t")
        // Integers that never need the eighth bit are not 8-bit pixels: stretched to [0, 1].
        #expect(s.kind == .global && s.offsets == [0] && s.factors == [1 / 16])
        #expect(try s.transform(x).scalars == [0, 1, 0.5, 0.25])
        // One pixel above 127 makes them 8-bit: divided by 255.
        let bright = try Tensor(shape: [2, 2], scalars: [0, 128, 8, 4])
        #expect(try FeatureScaler.fit(bright, scaling: .automatic, isImageData: true, source: "t").factors == [1 / 255])
        let z = try Tensor(shape: [2, 2], scalars: [-1, 1, 0, 0.5])
        let t = try FeatureScaler.fit(z, scaling: .automatic, isImageData: true, source: "t")
        #expect(try t.transform(z).scalars == [0, 1, 0.5, 0.75])
    }

    @Test func automaticStandardisesTabularFeatures() throws {
        let x = try Tensor(shape: [4, 2], scalars: [1, 100, 2, 300, 3, 500, 4, 700])
        let s = try FeatureScaler.fit(x, scaling: .automatic, isImageData: false, source: "t")
        #expect(s.scaling == .standard)
        let y = try s.transform(x)
        for j in 0..<2 {
            let col = (0..<4).map { y[$0, j] }
            let mean = col.reduce(0, +) / 4
            let variance = col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-4)
        }
        // New data takes the training statistics: the training mean maps to 0.
        let new = try s.transform(Tensor(shape: [1, 2], scalars: [2.5, 400]))
        #expect(abs(new[0, 0]) < 1e-6 && abs(new[0, 1]) < 1e-6)
    }

    @Test func minMaxAndUnitNorm() throws {
        let x = try Tensor(shape: [2, 2], scalars: [1, 10, 3, 30])
        let m = try FeatureScaler.fit(x, scaling: .minMax, isImageData: false, source: "t")
        #expect(try m.transform(x).scalars == [0, 0, 1, 1])
        let u = try FeatureScaler.fit(x, scaling: .unitNorm, isImageData: false, source: "t")
        let y = try u.transform(Tensor(shape: [1, 2], scalars: [3, 4]))
        #expect(abs(y[0, 0] - 0.6) < 1e-6 && abs(y[0, 1] - 0.8) < 1e-6)
    }

    @Test func refusesConstantColumnsNaNAndWrongWidth() throws {
        let constant = try Tensor(shape: [3, 3], scalars: [1, 5, 2, 2, 5, 3, 4, 5, 9])
        for scaling in [FeatureScaling.standard, .minMax, .automatic] {
            do {
                _ = try FeatureScaler.fit(constant, scaling: scaling, isImageData: false, source: "wine.csv")
                Issue.record("\(scaling) accepted a constant column")
            } catch let error as DataError {
                #expect(error.description.contains("wine.csv"))
                #expect(error.description.contains("feature 1"))
            }
        }
        let nan = try Tensor(shape: [2, 2], scalars: [1, 2, .nan, 4])
        do {
            _ = try FeatureScaler.fit(nan, scaling: .standard, isImageData: false, source: "t")
            Issue.record("NaN accepted")
        } catch let error as DataError {
            #expect(error.description.contains("sample 1, feature 0"))
        }
        let inf = try Tensor(shape: [2, 2], scalars: [1, 2, 3, .infinity])
        #expect(throws: DataError.self) { try FeatureScaler.fit(inf, scaling: .none, isImageData: false, source: "t") }
        let s = try FeatureScaler.fit(try Tensor(shape: [2, 2], scalars: [1, 2, 3, 5]), scaling: .standard, isImageData: false, source: "t")
        #expect(throws: DataError.self) { try s.transform(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])) }
        let zero = try Tensor(shape: [2, 2], scalars: [0, 0, 3, 4])
        #expect(throws: DataError.self) { try FeatureScaler.fit(zero, scaling: .unitNorm, isImageData: false, source: "t") }
    }

    @Test func codableRoundTrip() throws {
        let x = try Tensor(shape: [3, 2], scalars: [1, 10, 2, 20, 4, 70])
        let s = try FeatureScaler.fit(x, scaling: .standard, isImageData: false, source: "t")
        let data = try JSONEncoder().encode(s)
        #expect(try JSONDecoder().decode(FeatureScaler.self, from: data) == s)
    }
}

import Foundation
