import DeepClusteringCore
import DeepClusteringData
import Foundation
import Testing

/// The values of the committed fixtures, computed from the same formulas as
/// `Fixtures/make_data_fixtures.py` (flat element index `i`).
enum FixtureValues {
    /// `(i * 37 + 11) % 200 - 100`: fits int8.
    static func integer(_ n: Int) -> [Float] { (0..<n).map { Float(($0 * 37 + 11) % 200 - 100) } }
    /// `integer(i) * 0.25`: exact in every float type.
    static func real(_ n: Int) -> [Float] { integer(n).map { $0 * 0.25 } }
    /// `(i * 37 + 11) % 256`: uint8 pixels.
    static func pixel(_ n: Int) -> [Float] { (0..<n).map { Float(($0 * 37 + 11) % 256) } }
}

/// Paths of the committed fixtures.
enum Fixture {
    /// The full path of fixture `name`.
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name).path
    }

    /// The bytes of fixture `name`.
    static func bytes(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: path(name))))
    }
}

/// Expects `bytes` to equal committed fixture `name` (a file written by the Swift writers and
/// verified with Python); on a difference, writes the new bytes to the temporary directory so
/// they can be re-verified and committed.
func expectBytes(_ bytes: [UInt8], equalToFixture name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let committed = (try? Fixture.bytes(name)) ?? []
    guard bytes != committed else { return }
    let out = NSTemporaryDirectory() + name
    try Data(bytes).write(to: URL(fileURLWithPath: out))
    Issue.record("output differs from fixture \(name); new bytes written to \(out) (re-verify with make_data_fixtures.py --verify)",
                 sourceLocation: sourceLocation)
}

/// A fresh directory under the system temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "dc-data-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` inside the directory and returns its path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let p = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// The names of the files in the directory.
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body`, expecting a ``DataError`` whose ``DataError/path`` is `path` and whose
/// description contains every fragment; returns the error for further checks.
@discardableResult
func expectDataError(
    path: String, mentioning fragments: [String], sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> DataError? {
    do {
        try body()
        Issue.record("expected a DataError for \(path), but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as DataError {
        #expect(error.path == path, "error names \(error.path)", sourceLocation: sourceLocation)
        #expect(error.description.contains(path), "\(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.description.contains(fragment), "'\(fragment)' not in: \(error)", sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected a DataError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Random values that `type` holds exactly, for round trips.
func representableValues(_ count: Int, of type: ElementType, using rng: inout SeededGenerator) -> [Float] {
    (0..<count).map { _ in
        switch type {
        case .bool: return Float(rng.next() & 1)
        case .uint8: return Float(rng.next() % 256)
        case .int8: return Float(Int(rng.next() % 256) - 128)
        case .int16: return Float(Int(rng.next() % 65536) - 32768)
        case .uint16: return Float(rng.next() % 65536)
        case .int32, .int64: return Float(Int(rng.next() % (1 << 24)) - (1 << 23))  // exact in Float
        case .uint32, .uint64: return Float(rng.next() % (1 << 24))
        case .float16, .bfloat16: return Float(Int(rng.next() % 512) - 256) * 0.125  // at most 8 significant bits: exact in bfloat16
        case .float32: return rng.nextUnitFloat() * 200 - 100
        case .float64: return Float(rng.nextUnitDouble() * 2 - 1)
        }
    }
}
