import DeepClusteringCore
import DeepClusteringData
import Foundation
import Testing

@Suite struct IDXArrayTests {
    // MARK: - Fixtures written by numpy

    @Test func readsEveryElementTypeWrittenByNumPy() throws {
        let cases: [(String, ElementType, [Float])] = [
            ("idx_i8.idx", .int8, FixtureValues.integer(6)),
            ("idx_i16.idx", .int16, FixtureValues.integer(6)),
            ("idx_i32.idx", .int32, FixtureValues.integer(6)),
            ("idx_f32.idx", .float32, FixtureValues.real(6)),
            ("idx_f64.idx", .float64, FixtureValues.real(6)),
        ]
        for (name, type, values) in cases {
            let array = try IDXArray(contentsOf: Fixture.path(name))
            #expect(array.elementType == type, "\(name)")
            #expect(array.shape == [2, 3], "\(name)")
            #expect(array.tensor().scalars == values, "\(name)")
        }
    }

    @Test func readsPlainAndGzipUInt8Images() throws {
        let plain = try IDXArray(contentsOf: Fixture.path("idx_u8.idx"))
        let compressed = try IDXArray(contentsOf: Fixture.path("idx_u8.idx.gz"))
        #expect(plain.elementType == .uint8 && compressed.elementType == .uint8)
        #expect(plain.shape == [3, 4, 5] && compressed.shape == [3, 4, 5])
        #expect(plain.tensor().scalars == FixtureValues.pixel(60))
        #expect(compressed.tensor() == plain.tensor())
        // Division by 255 as numpy does it: in double precision, rounded once to float32.
        let scaled = compressed.tensor(dividingBy: 255).scalars
        #expect(scaled == FixtureValues.pixel(60).map { Float(Double($0) / 255) })
        #expect(scaled.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func readsLabelsAsIntegers() throws {
        #expect(try IDXArray(contentsOf: Fixture.path("idx_labels.idx")).integers() == [7, 0, 9])
        let fractions = try IDXArray(try Tensor(shape: [2], scalars: [1, 2.5]))
        #expect(throws: DataError.self) { try fractions.integers() }
    }

    // MARK: - Round trips

    @Test(arguments: [ElementType.uint8, .int8, .int16, .int32, .float32, .float64])
    func roundTripsEveryIDXTypePlainAndCompressed(type: ElementType) throws {
        var rng = SeededGenerator(seed: 7)
        let directory = try TemporaryDirectory()
        for shape in [[4, 3, 2], [5], [], [0, 3]] {
            let count = shape.reduce(1, *)
            let tensor = try Tensor(shape: shape, scalars: representableValues(count, of: type, using: &rng))
            let array = try IDXArray(tensor, elementType: type)
            for compressed in [false, true] {
                let path = directory.file("a\(shape.count)-\(compressed).idx" + (compressed ? ".gz" : ""))
                try array.write(to: path)
                let bytes = try Fixture.bytesAt(path)
                #expect((bytes.prefix(2) == [0x1F, 0x8B]) == compressed)
                let back = try IDXArray(contentsOf: path)
                #expect(back.elementType == type)
                #expect(back.shape == shape)
                #expect(back.tensor() == tensor, "\(type) \(shape) compressed: \(compressed)")
                #expect(try IDXArray(bytes: array.serialized(compressed: compressed)).tensor() == tensor)
            }
        }
    }

    @Test func labelsRoundTrip() throws {
        let labels = [3, 1, 4, 1, 5, 9, 2, 6]
        let array = try IDXArray(labels: labels)
        #expect(try IDXArray(bytes: array.serialized()).integers() == labels)
        #expect(try IDXArray(bytes: array.serialized(compressed: true)).integers() == labels)
    }

    @Test func writerRefusesValuesTheTypeCannotHold() throws {
        let cases: [(ElementType, Float)] = [(.uint8, 256), (.uint8, -1), (.int8, 0.5), (.int16, 40000), (.int32, .nan)]
        for (type, value) in cases {
            let tensor = Tensor([0, value])
            let error = expectDataError(path: "IDXArray(_:elementType:)", mentioning: ["element 1", type.rawValue]) {
                _ = try IDXArray(tensor, elementType: type)
            }
            #expect(error != nil)
        }
        expectDataError(path: "IDXArray(_:elementType:)", mentioning: ["IDX cannot store int64"]) {
            _ = try IDXArray(Tensor([1]), elementType: .int64)
        }
        expectDataError(path: "IDXArray(labels:elementType:)", mentioning: ["300"]) {
            _ = try IDXArray(labels: [300])
        }
    }

    // MARK: - Bad input

    /// A valid file to corrupt: uint8 [2, 3] holding 0...5.
    static let valid: [UInt8] = [0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 3, 4, 5]

    @Test func wrongMagicNumber() throws {
        let directory = try TemporaryDirectory()
        var bytes = Self.valid
        bytes[0] = 0x50
        let path = try directory.write(bytes, to: "bad-magic.idx")
        expectDataError(path: path, mentioning: ["wrong magic number", "50 00"]) { _ = try IDXArray(contentsOf: path) }
    }

    @Test func unknownTypeCode() throws {
        let directory = try TemporaryDirectory()
        var bytes = Self.valid
        bytes[2] = 0x0A
        let path = try directory.write(bytes, to: "bad-type.idx")
        expectDataError(path: path, mentioning: ["type code 0x0A"]) { _ = try IDXArray(contentsOf: path) }
    }

    @Test func fileShorterThanTheMagicNumber() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write([0, 0], to: "short.idx")
        expectDataError(path: path, mentioning: ["truncated IDX magic number", "needs 4 bytes", "only 2 remain"]) {
            _ = try IDXArray(contentsOf: path)
        }
    }

    @Test func truncatedHeader() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(Self.valid.prefix(10)), to: "short-header.idx")
        expectDataError(path: path, mentioning: ["truncated IDX header", "rank 2", "needs 8 bytes from offset 4", "only 6 remain"]) {
            _ = try IDXArray(contentsOf: path)
        }
    }

    @Test func truncatedData() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(Self.valid.dropLast(2)), to: "short-data.idx")
        let error = expectDataError(path: path, mentioning: ["truncated data", "[2, 3]", "needs 6 bytes from offset 12", "only 4 remain"]) {
            _ = try IDXArray(contentsOf: path)
        }
        #expect(error == .truncated(path: path, what: "data (dimensions [2, 3] of uint8)", offset: 12, expectedBytes: 6, availableBytes: 4))
    }

    @Test func dimensionsWhoseProductOverflows() throws {
        let directory = try TemporaryDirectory()
        // Rank 3 of 0xFFFFFFFF each: 2^96 elements.
        let bytes: [UInt8] = [0, 0, 0x0D, 3] + [UInt8](repeating: 0xFF, count: 12) + [1, 2, 3, 4]
        let path = try directory.write(bytes, to: "overflow.idx")
        expectDataError(path: path, mentioning: ["[4294967295, 4294967295, 4294967295]", "overflows"]) {
            _ = try IDXArray(contentsOf: path)
        }
    }

    @Test func dimensionsThatExceedTheFile() throws {
        let directory = try TemporaryDirectory()
        // float64 [65536, 65536]: 2^35 bytes claimed by a 16-byte file; refused before allocating.
        let bytes: [UInt8] = [0, 0, 0x0E, 2, 0, 1, 0, 0, 0, 1, 0, 0, 9, 9, 9, 9]
        let path = try directory.write(bytes, to: "huge.idx")
        expectDataError(path: path, mentioning: ["[65536, 65536]", "needs 34359738368 bytes", "only 4 remain"]) {
            _ = try IDXArray(contentsOf: path)
        }
    }

    @Test func trailingBytesAfterTheData() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Self.valid + [7, 7], to: "trailing.idx")
        expectDataError(path: path, mentioning: ["2 unexpected bytes after the 6 bytes of data", "at byte 18"]) {
            _ = try IDXArray(contentsOf: path)
        }
    }

    @Test func corruptGzipStream() throws {
        let directory = try TemporaryDirectory()
        var bytes = try IDXArray(bytes: Self.valid).serialized(compressed: true)
        // Invalid deflate block type (BTYPE = 11) in the first block header after the 10-byte gzip header.
        bytes[10] = 0xFF
        let path = try directory.write(bytes, to: "corrupt.idx.gz")
        expectDataError(path: path, mentioning: ["corrupt gzip stream"]) { _ = try IDXArray(contentsOf: path) }
    }

    @Test func corruptGzipChecksum() throws {
        let directory = try TemporaryDirectory()
        var bytes = try IDXArray(bytes: Self.valid).serialized(compressed: true)
        bytes[bytes.count - 8] ^= 0xFF  // the CRC-32 of the trailer
        let path = try directory.write(bytes, to: "bad-crc.idx.gz")
        expectDataError(path: path, mentioning: ["corrupt gzip stream", "check"]) { _ = try IDXArray(contentsOf: path) }
    }

    @Test func truncatedGzipStream() throws {
        let directory = try TemporaryDirectory()
        let bytes = try IDXArray(bytes: Self.valid).serialized(compressed: true)
        let path = try directory.write(Array(bytes.prefix(bytes.count - 5)), to: "truncated.idx.gz")
        expectDataError(path: path, mentioning: ["corrupt gzip stream", "ends early"]) { _ = try IDXArray(contentsOf: path) }
    }

    @Test func garbageAfterTheGzipStream() throws {
        let directory = try TemporaryDirectory()
        let bytes = try IDXArray(bytes: Self.valid).serialized(compressed: true)
        let path = try directory.write(bytes + [1, 2, 3], to: "garbage.idx.gz")
        expectDataError(path: path, mentioning: ["3 unexpected bytes after the end of the compressed data"]) {
            _ = try IDXArray(contentsOf: path)
        }
    }

    @Test func concatenatedGzipMembersAreOneFile() throws {
        // `cat a.gz b.gz` is a valid gzip file of the concatenated contents: the fixture holds
        // the header of idx_u8.idx in one member and its data in a second.
        let array = try IDXArray(contentsOf: Fixture.path("idx_u8_two_members.idx.gz"))
        #expect(array.shape == [3, 4, 5])
        #expect(array.tensor().scalars == FixtureValues.pixel(60))
    }

    @Test func missingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent.idx")
        let error = expectDataError(path: path, mentioning: ["not found"]) { _ = try IDXArray(contentsOf: path) }
        if case .notFound = error {} else { Issue.record("expected notFound, got \(String(describing: error))") }
    }

    @Test func devicesAreRejectedInsteadOfReadForever() throws {
        // /dev/zero never ends: reading it grew the buffer until memory ran out.
        let path = "/dev/zero"
        let error = expectDataError(path: path, mentioning: ["device"]) { _ = try IDXArray(contentsOf: path) }
        if case .ioFailed = error {} else { Issue.record("expected ioFailed, got \(String(describing: error))") }
    }
}

extension Fixture {
    /// The bytes of any file.
    static func bytesAt(_ path: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
