import DeepClusteringCore
import Foundation

/// The golden values written by `Fixtures/make_nn_fixtures.py` (numpy, Keras 2 formulas).
struct Fixture {
    struct Entry: Decodable {
        let shape: [Int]
        let data: [Double]
    }

    let entries: [String: Entry]

    static let golden: Fixture = {
        guard let url = Bundle.module.url(forResource: "nn_fixtures", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let entries = try? JSONDecoder().decode([String: Entry].self, from: data)
        else { fatalError("Fixtures/nn_fixtures.json missing or unreadable: run make_nn_fixtures.py") }
        return Fixture(entries: entries)
    }()

    /// The entry `name` as a Float32 tensor.
    func tensor(_ name: String) throws -> Tensor {
        guard let e = entries[name] else { throw FixtureError.missing(name) }
        return try Tensor(shape: e.shape, scalars: e.data.map { Float($0) })
    }

    /// The scalar entry `name`.
    func value(_ name: String) throws -> Float {
        try tensor(name).scalar
    }
}

enum FixtureError: Error { case missing(String) }
