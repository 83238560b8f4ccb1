import DeepClusteringCore
import DeepClusteringData
import Foundation
import Testing

/// Seeded random-mutation fuzzing of the IDX (plain and gzip), safetensors, .npy and CSV parsers:
/// valid files are corrupted with bit flips, byte overwrites, truncations, insertions,
/// deletions and duplicated chunks, and every parser must either throw a ``DataError`` naming
/// the source or return values that survive being written and read back — never crash, never hang.
///
/// The normal suite runs a fixed number of iterations (a few seconds in a debug build). Set
/// `DC_FUZZ_SECONDS=60` to fuzz for that long instead, e.g.
/// `DC_FUZZ_SECONDS=60 swift test -c release --filter ParserFuzzTests`; the number of
/// executions is printed.
@Suite struct ParserFuzzTests {
    enum Parser: CaseIterable { case idx, safeTensors, numPy, csv }

    /// Valid inputs to mutate, with the parser each is meant for.
    static func corpus() throws -> [(Parser, [UInt8])] {
        var rng = SeededGenerator(seed: 1)
        let images = IDXArray.self
        return [
            (.idx, try Fixture.bytes("idx_u8.idx")),
            (.idx, try Fixture.bytes("idx_u8.idx.gz")),
            (.idx, try Fixture.bytes("idx_u8_two_members.idx.gz")),
            (.idx, try Fixture.bytes("idx_f64.idx")),
            (.idx, try images.init(Tensor(randomUniform: [4, 5], using: &rng)).serialized(compressed: true)),
            (.safeTensors, try Fixture.bytes("python_written.safetensors")),
            (.safeTensors, try Fixture.bytes("swift_written.safetensors")),
            (.numPy, try Fixture.bytes("npy_f4.npy")),
            (.numPy, try Fixture.bytes("npy_v3.npy")),
            (.csv, try Fixture.bytes("csv_header_label.csv")),
        ]
    }

    /// Applies one to four random mutations.
    static func mutate(_ input: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let interesting: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x22, 0x2C, 0x5B, 0x7B, 0x7D, 0x30, 0x39]
        for _ in 0..<(1 + Int(rng.next() % 4)) {
            let position = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
            switch rng.next() % 7 {
            case 0 where !bytes.isEmpty:  // flip one bit
                bytes[position] ^= 1 << UInt8(rng.next() % 8)
            case 1 where !bytes.isEmpty:  // overwrite with an interesting byte
                bytes[position] = interesting[Int(rng.next() % UInt64(interesting.count))]
            case 2:  // truncate
                bytes.removeLast(bytes.count - position)
            case 3:  // insert random bytes
                bytes.insert(contentsOf: (0..<(1 + rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: position)
            case 4 where !bytes.isEmpty:  // delete a run
                bytes.removeSubrange(position..<min(bytes.count, position + 1 + Int(rng.next() % 8)))
            case 5 where !bytes.isEmpty:  // duplicate a chunk
                let end = min(bytes.count, position + 1 + Int(rng.next() % 16))
                bytes.insert(contentsOf: bytes[position..<end], at: Int(rng.next() % UInt64(bytes.count)))
            default:  // overwrite a random 32-bit word (sizes, lengths, offsets)
                if bytes.count >= 4 {
                    let p = min(position, bytes.count - 4)
                    for k in 0..<4 { bytes[p + k] = UInt8(truncatingIfNeeded: rng.next()) }
                }
            }
        }
        return bytes
    }

    /// The shape and the exact bits of `t`, every NaN as one value (conversions between float
    /// widths may change a NaN's payload), for round-trip comparisons.
    static func bits(_ t: Tensor) -> [Int] { t.shape + t.scalars.map { $0.isNaN ? -1 : Int($0.bitPattern) } }

    /// Runs `parser` on `bytes`: whatever it accepts must survive being written and read back
    /// unchanged, and whatever it rejects must be rejected with a DataError naming the source.
    static func check(_ parser: Parser, _ bytes: [UInt8]) {
        do {
            switch parser {
            case .idx:
                let array = try IDXArray(bytes: bytes, source: "fuzz")
                // Written back from its values (`serialized()` would return the input bytes).
                let again = try IDXArray(bytes: IDXArray(array.tensor(), elementType: .float32).serialized(), source: "fuzz (written back)")
                #expect(again.shape == array.shape && bits(again.tensor()) == bits(array.tensor()))
            case .safeTensors:
                let set = try SafeTensors(bytes: bytes, source: "fuzz")
                let again = try SafeTensors(bytes: set.serialized(), source: "fuzz (written back)")
                #expect(again.names == set.names && again.metadata == set.metadata)
                for (name, tensor) in set.tensors { #expect(again.tensors[name].map(bits) == bits(tensor)) }
            case .numPy:
                let array = try NumPyArray(bytes: bytes, source: "fuzz")
                let again = try NumPyArray(bytes: NumPyArray(array.tensor()).serialized(), source: "fuzz (written back)")
                #expect(bits(again.tensor()) == bits(array.tensor()))
            case .csv:
                let data = try CSVFormat(hasHeader: true, labelColumn: -1).read(bytes: bytes, source: "fuzz")
                #expect(data.labels?.count == data.x.rowCount)
            }
        } catch let error as DataError {
            #expect(error.path == "fuzz", "\(error)")
        } catch {
            Issue.record("\(parser) threw a non-DataError: \(error)")
        }
    }

    @Test func mutatedInputsNeverCrashTheParsers() throws {
        let corpus = try Self.corpus()
        var rng = SeededGenerator(seed: 20_261_123)
        let seconds = ProcessInfo.processInfo.environment["DC_FUZZ_SECONDS"].flatMap(Double.init)
        let deadline = Date().addingTimeInterval(seconds ?? 0)
        var executions = 0
        while seconds == nil ? executions < 20_000 : Date() < deadline {
            let (parser, seed) = corpus[Int(rng.next() % UInt64(corpus.count))]
            let input = Self.mutate(seed, using: &rng)
            // Each parser also gets the others' inputs now and then.
            let target = rng.next() % 8 == 0 ? Parser.allCases[Int(rng.next() % UInt64(Parser.allCases.count))] : parser
            Self.check(target, input)
            executions += 1
        }
        print("ParserFuzzTests: \(executions) executions over \(corpus.count) seed inputs")
    }

    @Test func unmutatedCorpusParses() throws {
        // The fuzzer's seeds are valid, so mutations start from inputs that reach deep into each parser.
        for (parser, bytes) in try Self.corpus() {
            switch parser {
            case .idx: _ = try IDXArray(bytes: bytes)
            case .safeTensors: _ = try SafeTensors(bytes: bytes)
            case .numPy: _ = try NumPyArray(bytes: bytes)
            case .csv: _ = try CSVFormat(hasHeader: true, labelColumn: -1).read(bytes: bytes)
            }
        }
    }
}
