import DeepClusteringCore
import DeepClusteringData
import Foundation
import Testing

@Suite struct SafeTensorsTests {
    /// A safetensors file from a JSON header (padded as given) and raw data bytes.
    static func file(header: String, data: [UInt8] = []) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json + data
    }

    /// Little-endian bytes of `values`.
    static func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    }

    // MARK: - Interoperability with the Python safetensors package

    @Test func readsTheFileWrittenByPython() throws {
        let set = try SafeTensors(contentsOf: Fixture.path("python_written.safetensors"))
        #expect(set.names == ["a.f32", "b.f64", "c.f16", "d.i64", "e.u8", "f.bool"])
        #expect(set["a.f32"] == (try Tensor(shape: [2, 3], scalars: FixtureValues.real(6))))
        #expect(set["b.f64"] == (try Tensor(shape: [4], scalars: FixtureValues.real(4))))
        #expect(set["c.f16"] == (try Tensor(shape: [2, 2], scalars: FixtureValues.real(4))))
        #expect(set["d.i64"] == (try Tensor(shape: [3], scalars: FixtureValues.integer(3))))
        #expect(set["e.u8"] == (try Tensor(shape: [5], scalars: FixtureValues.pixel(5))))
        #expect(set["f.bool"] == (try Tensor(shape: [2], scalars: [1, 0])))
        #expect(set.metadata == ["epochs": "300", "writer": "python"])
    }

    /// The set whose serialization is committed as `swift_written.safetensors` and verified
    /// with the Python package (see the header of make_data_fixtures.py).
    static func swiftWrittenSet() throws -> SafeTensors {
        SafeTensors(
            tensors: [
                "encoder.weight": try Tensor(shape: [3, 4], scalars: FixtureValues.real(12)),
                "encoder.bias": try Tensor(shape: [4], scalars: FixtureValues.real(4).map { $0 + 0.5 }),
                "empty": Tensor(zeros: [0, 3]),
            ],
            metadata: ["config": "{\"epochs\": 300}", "note": "ünïcødé"])
    }

    @Test func swiftWrittenFileIsByteIdenticalToCommittedFixture() throws {
        let bytes = try Self.swiftWrittenSet().serialized()
        try expectBytes(bytes, equalToFixture: "swift_written.safetensors")
        let committed = try Fixture.bytes("swift_written.safetensors")
        // And it reads back.
        let back = try SafeTensors(bytes: committed)
        let expected = try Self.swiftWrittenSet()
        #expect(back.tensors == expected.tensors && back.metadata == expected.metadata)
        // Header padded to a multiple of 8, as the Python package does.
        #expect(Int(committed[0]) % 8 == 0)
    }

    // MARK: - Round trips and other element types

    @Test func roundTripsTensorsAndMetadataThroughAFile() throws {
        var rng = SeededGenerator(seed: 9)
        let directory = try TemporaryDirectory()
        var set = SafeTensors(metadata: ["quote\"back\\slash": "tab\tnewline\n\u{1}", "emoji": "🧪"])
        set["dense.0.weight"] = Tensor(randomNormal: [784, 50], using: &rng)
        set["dense.0.bias"] = Tensor(randomUniform: [50], using: &rng)
        set["scalar"] = Tensor(Float(-0.0))
        set["special"] = Tensor([.infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude])
        let path = directory.file("model.safetensors")
        try set.write(to: path)
        #expect(try directory.contents() == ["model.safetensors"])  // no temporary file left
        let back = try SafeTensors(contentsOf: path)
        #expect(back.tensors == set.tensors)
        #expect(back.metadata == set.metadata)
        #expect(back.source == path)
        // NaN survives bit for bit (== would be false for NaN).
        set["nan"] = Tensor([.nan])
        let nan = try SafeTensors(bytes: set.serialized())["nan"]!.scalars[0]
        #expect(nan.isNaN)
    }

    @Test func readsOtherDtypesConvertingToFloat() throws {
        let f64 = FixtureValues.real(3).flatMap { v in withUnsafeBytes(of: Double(v).bitPattern.littleEndian) { Array($0) } }
        let f16 = Self.bytes(FixtureValues.real(3).map { Float16($0).bitPattern })
        let bf16 = Self.bytes(FixtureValues.real(3).map { UInt16($0.bitPattern >> 16) })  // exact: 8 significant bits
        let i32 = Self.bytes([Int32(-7), 1 << 20, 3])
        let u16 = Self.bytes([UInt16(65535), 0, 1])
        let i8: [UInt8] = [0xFF, 0x80, 0x05]
        var data = [UInt8](), header = [String]()
        for (name, dtype, bytes) in [("f64", "F64", f64), ("f16", "F16", f16), ("bf16", "BF16", bf16),
                                     ("i32", "I32", i32), ("u16", "U16", u16), ("i8", "I8", i8)] {
            header.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":[3],\"data_offsets\":[\(data.count),\(data.count + bytes.count)]}")
            data += bytes
        }
        let set = try SafeTensors(bytes: Self.file(header: "{" + header.joined(separator: ",") + "}", data: data))
        for name in ["f64", "f16", "bf16"] { #expect(set[name]?.scalars == FixtureValues.real(3), "\(name)") }
        #expect(set["i32"]?.scalars == [-7, Float(1 << 20), 3])
        #expect(set["u16"]?.scalars == [65535, 0, 1])
        #expect(set["i8"]?.scalars == [-1, -128, 5])
    }

    // MARK: - Checking names and shapes

    @Test func verifyReportsEveryMismatchAtOnce() throws {
        let set = SafeTensors(tensors: ["w": Tensor(zeros: [3, 2]), "b": Tensor(zeros: [2]), "extra": Tensor(zeros: [1])])
        let expected = ["w": [2, 3], "b": [2], "missing": [4]]
        #expect(set.mismatches(comparedWith: expected) == [
            .unexpected(name: "extra", shape: [1]),
            .missing(name: "missing", expectedShape: [4]),
            .wrongShape(name: "w", expected: [2, 3], found: [3, 2]),
        ])
        let error = expectDataError(path: set.source, mentioning: ["3 mismatches", "unexpected 'extra'", "missing 'missing'", "'w': expected shape [2, 3], found [3, 2]"]) {
            try set.verify(shapes: expected)
        }
        #expect(error != nil)
        try set.verify(shapes: ["w": [3, 2], "b": [2], "extra": [1]])
        #expect(try set.tensor(named: "b", shape: [2]) == Tensor(zeros: [2]))
        expectDataError(path: set.source, mentioning: ["'w': expected shape [6]"]) { _ = try set.tensor(named: "w", shape: [6]) }
        expectDataError(path: set.source, mentioning: ["missing 'v'"]) { _ = try set.tensor(named: "v", shape: [6]) }
    }

    // MARK: - Atomic writes

    @Test func failedWriteLeavesNothingBehind() throws {
        let directory = try TemporaryDirectory()
        let target = directory.file("taken")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        let set = SafeTensors(tensors: ["a": Tensor([1, 2])])
        expectDataError(path: target, mentioning: ["rename"]) { try set.write(to: target) }
        #expect(try directory.contents() == ["taken"])  // the temporary file was removed
        let absent = directory.file("no-such-dir/model.safetensors")
        expectDataError(path: absent, mentioning: ["temporary file"]) { try set.write(to: absent) }
        expectDataError(path: "SafeTensors.serialized", mentioning: ["reserved"]) {
            try SafeTensors(tensors: ["__metadata__": Tensor([1])]).write(to: directory.file("x"))
        }
        #expect(try directory.contents() == ["taken"])
    }

    @Test func overwritingKeepsTheOldFileUntilTheNewOneIsComplete() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ckpt.safetensors")
        try SafeTensors(tensors: ["a": Tensor([1])]).write(to: path)
        try SafeTensors(tensors: ["a": Tensor([2, 3])]).write(to: path)
        #expect(try SafeTensors(contentsOf: path)["a"] == Tensor([2, 3]))
        #expect(try directory.contents() == ["ckpt.safetensors"])
    }

    // MARK: - Bad input

    @Test func fileShorterThanTheLengthField() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write([1, 2, 3], to: "tiny.safetensors")
        expectDataError(path: path, mentioning: ["truncated header length field", "needs 8 bytes", "only 3 remain"]) {
            _ = try SafeTensors(contentsOf: path)
        }
    }

    @Test func headerLengthPastTheEndOfTheFile() throws {
        let directory = try TemporaryDirectory()
        var bytes = Self.file(header: "{}")
        bytes[0] = 200
        let path = try directory.write(bytes, to: "long-header.safetensors")
        expectDataError(path: path, mentioning: ["header length 200 is past the end of the file", "only 2 remain"]) {
            _ = try SafeTensors(contentsOf: path)
        }
        bytes.replaceSubrange(0..<8, with: [UInt8](repeating: 0xFF, count: 8))
        let huge = try directory.write(bytes, to: "huge-header.safetensors")
        expectDataError(path: huge, mentioning: ["header length 18446744073709551615 is past the end"]) {
            _ = try SafeTensors(contentsOf: huge)
        }
    }

    @Test func badJSON() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Self.file(header: "{\"a\": {\"dtype\": \"F32\",}}"), to: "json.safetensors")
        expectDataError(path: path, mentioning: ["bad JSON header", "expected a string key", "at byte 30"]) {
            _ = try SafeTensors(contentsOf: path)
        }
        let array = try directory.write(Self.file(header: "[1, 2]"), to: "array.safetensors")
        expectDataError(path: array, mentioning: ["expected an object, found an array"]) { _ = try SafeTensors(contentsOf: array) }
        let deep = try directory.write(Self.file(header: String(repeating: "[", count: 5000)), to: "deep.safetensors")
        expectDataError(path: deep, mentioning: ["nested more than 64 levels"]) { _ = try SafeTensors(contentsOf: deep) }
    }

    @Test func overlappingOffsets() throws {
        let directory = try TemporaryDirectory()
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}"
        let path = try directory.write(Self.file(header: header, data: [UInt8](repeating: 0, count: 12)), to: "overlap.safetensors")
        expectDataError(path: path, mentioning: ["'b' (data bytes 4..<12) overlaps 'a' (0..<8)"]) { _ = try SafeTensors(contentsOf: path) }
    }

    @Test func outOfRangeOffsets() throws {
        let directory = try TemporaryDirectory()
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}"
        let path = try directory.write(Self.file(header: header, data: [UInt8](repeating: 0, count: 12)), to: "range.safetensors")
        expectDataError(path: path, mentioning: ["'a': data_offsets [0, 16] are out of range", "12 bytes"]) {
            _ = try SafeTensors(contentsOf: path)
        }
    }

    @Test func offsetsThatDoNotMatchShapeAndDtype() throws {
        let directory = try TemporaryDirectory()
        let header = "{\"a\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"
        let path = try directory.write(Self.file(header: header, data: [UInt8](repeating: 0, count: 16)), to: "size.safetensors")
        expectDataError(path: path, mentioning: ["shape [2, 2] of F64 needs 32 bytes, but data_offsets [0, 16] span 16"]) {
            _ = try SafeTensors(contentsOf: path)
        }
    }

    @Test func unknownAndUnsupportedDtypes() throws {
        let directory = try TemporaryDirectory()
        let header = "{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,1]},\"b\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[1,2]}}"
        let path = try directory.write(Self.file(header: header, data: [0, 0]), to: "dtype.safetensors")
        expectDataError(path: path, mentioning: ["'a': unknown dtype 'Q7'", "'b': unsupported dtype 'F8_E4M3'"]) {
            _ = try SafeTensors(contentsOf: path)
        }
    }

    @Test func everyProblemIsReportedTogether() throws {
        let directory = try TemporaryDirectory()
        let header = """
            {"__metadata__":{"n":3},"a":{"dtype":"X","shape":[1],"data_offsets":[0,4]},\
            "b":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]},"c":{"dtype":"F32","shape":[1],"data_offsets":[8,4]},\
            "d":{"dtype":"F32","shape":[1]},"d":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e":7,\
            "f":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}
            """
        let path = try directory.write(Self.file(header: header, data: [0, 0, 0, 0]), to: "many.safetensors")
        let error = expectDataError(path: path, mentioning: [
            "8 problems", "metadata 'n' must be a string", "unknown dtype 'X'", "'b': shape [-1] must list sizes ≥ 0",
            "data_offsets [8, 4] end before they begin", "'d': no data_offsets", "'d' appears more than once",
            "'e' must be an object", "'f': shape [4294967296, 4294967296] has an element count that overflows",
        ]) { _ = try SafeTensors(contentsOf: path) }
        if case let .invalidHeader(_, problems)? = error { #expect(problems.count == 8) } else {
            Issue.record("expected invalidHeader, got \(String(describing: error))")
        }
    }
}
