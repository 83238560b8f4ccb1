import DeepClusteringCore
import DeepClusteringData
import Testing

@Suite struct NumPyArrayTests {
    // MARK: - Files written by numpy

    @Test func readsEveryDtypeWrittenByNumPy() throws {
        let cases: [(String, ElementType, [Int], [Float])] = [
            ("npy_f4.npy", .float32, [2, 3], FixtureValues.real(6)),
            ("npy_f8.npy", .float64, [2, 3], FixtureValues.real(6)),
            ("npy_u1.npy", .uint8, [2, 3], FixtureValues.pixel(6)),
            ("npy_i8.npy", .int64, [6], FixtureValues.integer(6)),
            ("npy_be_f4.npy", .float32, [2, 3], FixtureValues.real(6)),
            ("npy_v2.npy", .float32, [2, 3], FixtureValues.real(6)),
            ("npy_v3.npy", .float32, [2, 3], FixtureValues.real(6)),
        ]
        for (name, type, shape, values) in cases {
            let array = try NumPyArray(contentsOf: Fixture.path(name))
            #expect(array.elementType == type, "\(name)")
            #expect(array.shape == shape, "\(name)")
            #expect(array.tensor().scalars == values, "\(name)")
        }
        #expect(try NumPyArray(contentsOf: Fixture.path("npy_be_f4.npy")).isBigEndian)
        #expect(try NumPyArray(contentsOf: Fixture.path("npy_i8.npy")).integers() == FixtureValues.integer(6).map { Int($0) })
    }

    @Test func fortranOrderIsRefused() throws {
        let path = Fixture.path("npy_fortran.npy")
        let error = expectDataError(path: path, mentioning: ["Fortran-order", "[2, 3]", "ascontiguousarray"]) {
            _ = try NumPyArray(contentsOf: path)
        }
        if case .unsupported = error {} else { Issue.record("expected unsupported, got \(String(describing: error))") }
    }

    @Test func objectArraysAreRefused() throws {
        let path = Fixture.path("npy_object.npy")
        expectDataError(path: path, mentioning: ["unsupported", "object array", "'|O'"]) { _ = try NumPyArray(contentsOf: path) }
    }

    @Test func unsupportedDtypeIsRefused() throws {
        let path = Fixture.path("npy_complex.npy")
        expectDataError(path: path, mentioning: ["unsupported", "dtype '<c8'"]) { _ = try NumPyArray(contentsOf: path) }
    }

    // MARK: - Interoperability

    @Test func swiftWrittenFileIsByteIdenticalToCommittedFixture() throws {
        // swift_written.npy was written by this writer and loaded by numpy
        // (make_data_fixtures.py --verify swift_written.npy; output recorded in its header).
        let bytes = try NumPyArray(try Tensor(shape: [3, 4], scalars: FixtureValues.real(12))).serialized()
        try expectBytes(bytes, equalToFixture: "swift_written.npy")
        let labels = try NumPyArray(integers: FixtureValues.integer(5).map { Int($0) }).serialized()
        try expectBytes(labels, equalToFixture: "swift_written_labels.npy")
    }

    // MARK: - Round trips

    @Test(arguments: ElementType.allCases.filter { $0 != .bfloat16 })
    func roundTripsEveryNumPyType(type: ElementType) throws {
        var rng = SeededGenerator(seed: 3)
        let directory = try TemporaryDirectory()
        for shape in [[2, 3, 4], [7], [], [0, 3]] {
            let count = shape.reduce(1, *)
            let tensor = try Tensor(shape: shape, scalars: representableValues(count, of: type, using: &rng))
            let path = directory.file("\(type)-\(shape.count).npy")
            let array = try NumPyArray(tensor, elementType: type)
            try array.write(to: path)
            let bytes = try Fixture.bytesAt(path)
            #expect(bytes == array.serialized())
            // numpy's alignment: the data starts at a multiple of 64 bytes.
            #expect((bytes.count - count * type.byteWidth) % 64 == 0)
            let back = try NumPyArray(contentsOf: path)
            #expect(back.elementType == type && back.shape == shape && !back.isBigEndian)
            #expect(back.tensor() == tensor, "\(type) \(shape)")
        }
    }

    @Test func integersRoundTrip() throws {
        let labels = [0, -5, 1 << 40, 9]
        #expect(try NumPyArray(bytes: NumPyArray(integers: labels).serialized()).integers() == labels)
        let matrix = try NumPyArray(integers: [1, 2, 3, 4, 5, 6], shape: [3, 2], elementType: .int32)
        let back = try NumPyArray(bytes: matrix.serialized())
        #expect(back.shape == [3, 2] && back.elementType == .int32)
        #expect(try back.integers() == [1, 2, 3, 4, 5, 6])
        expectDataError(path: "NumPyArray(integers:shape:elementType:)", mentioning: ["[4]", "5 elements"]) {
            _ = try NumPyArray(integers: [1, 2, 3, 4, 5], shape: [4])
        }
        // 2⁶² × 4 wraps to 0 elements: the check must see the overflow, not the wrapped product.
        expectDataError(path: "NumPyArray(integers:shape:elementType:)", mentioning: ["0 elements"]) {
            _ = try NumPyArray(integers: [], shape: [1 << 62, 4])
        }
    }

    @Test func writerRefusesBFloat16AndUnrepresentableValues() throws {
        expectDataError(path: "NumPyArray(_:elementType:)", mentioning: ["NumPy has no bfloat16"]) {
            _ = try NumPyArray(Tensor([1]), elementType: .bfloat16)
        }
        expectDataError(path: "NumPyArray(_:elementType:)", mentioning: ["element 2", "-3.0", "uint16"]) {
            _ = try NumPyArray(Tensor([1, 2, -3]), elementType: .uint16)
        }
    }

    // MARK: - Bad input

    static func valid() throws -> [UInt8] { try NumPyArray(Tensor([1, 2, 3])).serialized() }

    /// ``valid()`` with the start of its header overwritten by `header` (the rest stays spaces).
    static func valid(header: String) throws -> [UInt8] {
        var bytes = try valid()
        bytes.replaceSubrange(10..<(10 + header.utf8.count), with: Array(header.utf8))
        return bytes
    }

    @Test func wrongMagicString() throws {
        let directory = try TemporaryDirectory()
        var bytes = try Self.valid()
        bytes[1] = UInt8(ascii: "n")
        let path = try directory.write(bytes, to: "magic.npy")
        expectDataError(path: path, mentioning: ["wrong magic string", "93 6E 55 4D 50 59"]) { _ = try NumPyArray(contentsOf: path) }
    }

    @Test func unsupportedFormatVersion() throws {
        let directory = try TemporaryDirectory()
        var bytes = try Self.valid()
        bytes[6] = 4
        let path = try directory.write(bytes, to: "version.npy")
        expectDataError(path: path, mentioning: ["format version 4.0"]) { _ = try NumPyArray(contentsOf: path) }
    }

    @Test func headerLengthPastTheEndOfTheFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(try Self.valid().prefix(40)), to: "short-header.npy")
        expectDataError(path: path, mentioning: ["truncated .npy header", "needs 118 bytes from offset 10", "only 30 remain"]) {
            _ = try NumPyArray(contentsOf: path)
        }
    }

    @Test func truncatedData() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(try Self.valid().dropLast(3)), to: "short-data.npy")
        expectDataError(path: path, mentioning: ["truncated data", "[3]", "needs 12 bytes from offset 128", "only 9 remain"]) {
            _ = try NumPyArray(contentsOf: path)
        }
    }

    @Test func malformedHeaderLiteral() throws {
        let directory = try TemporaryDirectory()
        let bytes = try Self.valid(header: "{'descr': '<f4' 'fortran_order': False, 'shape': (3,), }")
        let path = try directory.write(bytes, to: "header.npy")
        expectDataError(path: path, mentioning: [".npy header", "expected ',' or '}'", "at byte 26"]) {
            _ = try NumPyArray(contentsOf: path)
        }
    }

    @Test func negativeShapeIsRefused() throws {
        let directory = try TemporaryDirectory()
        let bytes = try Self.valid(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }")
        let path = try directory.write(bytes, to: "negative.npy")
        expectDataError(path: path, mentioning: ["sizes ≥ 0"]) { _ = try NumPyArray(contentsOf: path) }
    }
}
