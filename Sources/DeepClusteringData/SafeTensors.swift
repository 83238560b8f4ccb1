import DeepClusteringCore

/// A set of named tensors with string metadata, stored in the safetensors format: model
/// checkpoints that PyTorch, Keras and Hugging Face tooling read and write.
///
/// A safetensors file is an 8-byte little-endian header length `N`, then `N` bytes of JSON
/// mapping each tensor name to `{"dtype": "F32", "shape": [784, 500], "data_offsets": [begin,
/// end]}` (offsets relative to the end of the header) plus an optional `"__metadata__"` object
/// of strings, then the raw little-endian elements.
///
/// Writing stores `F32` (the library's type) with names sorted, atomically. Reading accepts
/// `F32`, `F64`, `F16`, `BF16`, signed and unsigned integers and `BOOL`, converting to `Float`,
/// and validates the whole header before reading any element: every problem found (a bad
/// dtype, shape or offsets, sizes that do not match, overlapping tensors) is reported at once.
///
/// ```swift
/// var checkpoint = SafeTensors(metadata: ["epochs": "300"])
/// checkpoint["encoder.0.weight"] = weight
/// try checkpoint.write(to: "ae.safetensors")
///
/// let loaded = try SafeTensors(contentsOf: "ae.safetensors")
/// try loaded.verify(shapes: ["encoder.0.weight": [784, 500]])   // lists every mismatch
/// ```
public struct SafeTensors: Sendable {
    /// The tensors by name.
    public var tensors: [String: Tensor]
    /// Free-form string metadata (the `"__metadata__"` entry), e.g. a training configuration.
    public var metadata: [String: String]
    /// The file the set was read from, or a description of where it came from; used in errors.
    public var source: String

    /// The reserved header key for metadata.
    static let metadataKey = "__metadata__"

    /// Creates a set of named tensors in memory.
    /// - Parameters:
    ///   - tensors: The tensors by name; defaults to none.
    ///   - metadata: String metadata; defaults to none.
    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
        self.source = "<SafeTensors in memory>"
    }

    /// The tensor names, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// Accesses the tensor called `name` (`nil` when absent).
    public subscript(name: String) -> Tensor? {
        get { tensors[name] }
        set { tensors[name] = newValue }
    }

    // MARK: - Reading

    /// Reads a safetensors file, validating its whole header first.
    /// - Parameter path: The file to read.
    /// - Throws: ``DataError`` naming the file: ``DataError/notFound(path:hint:)``; a file too
    ///   short for the length field or a header length past the end of the file
    ///   (``DataError/truncated(path:what:offset:expectedBytes:availableBytes:)``); JSON that
    ///   does not parse (``DataError/malformed(path:offset:message:)``); or
    ///   ``DataError/invalidHeader(path:problems:)`` listing every bad entry (unknown or
    ///   unsupported dtype, bad shape, offsets out of range, overlapping, or not matching
    ///   shape × element size).
    public init(contentsOf path: String) throws {
        let buffer = try FileBytes.read(path)
        try self.init(buffer.bytes, source: path)
    }

    /// Parses the bytes of a safetensors file held in memory (see ``init(contentsOf:)``).
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - source: The name used in error messages.
    /// - Throws: ``DataError`` as ``init(contentsOf:)`` does, naming `source`.
    public init(bytes: [UInt8], source: String = "<safetensors bytes>") throws {
        try self = bytes.withUnsafeBytes { try SafeTensors($0, source: source) }
    }

    /// One validated tensor entry of a header.
    private struct Entry {
        var name: String, type: ElementType, shape: [Int], begin: Int, end: Int
    }

    init(_ bytes: UnsafeRawBufferPointer, source: String) throws {
        guard bytes.count >= 8 else {
            throw DataError.truncated(path: source, what: "header length field", offset: 0, expectedBytes: 8, availableBytes: bytes.count)
        }
        let declared = ElementType.load(UInt64.self, bytes.baseAddress!, 0, false)
        let available = bytes.count - 8
        guard declared <= UInt64(available) else {
            throw DataError.truncated(
                path: source, what: "JSON header (header length \(declared) is past the end of the file)", offset: 8,
                expectedBytes: Int(exactly: declared) ?? Int.max, availableBytes: available)
        }
        let headerLength = Int(declared)
        let header: JSONValue
        do {
            header = try JSONValue.parse(UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerLength)]))
        } catch {
            throw DataError.malformed(path: source, offset: 8 + error.offset, message: "bad JSON header: \(error.message)")
        }
        guard case let .object(fields) = header else {
            throw DataError.malformed(path: source, offset: 8, message: "bad JSON header: expected an object, found \(header.kind)")
        }
        let dataStart = 8 + headerLength, dataLength = bytes.count - dataStart
        var problems = [String](), entries = [Entry](), metadata = [String: String](), seen = Set<String>()
        for (name, value) in fields {
            guard seen.insert(name).inserted else {
                problems.append("'\(name)' appears more than once")
                continue
            }
            if name == Self.metadataKey {
                guard case let .object(items) = value else {
                    problems.append("'\(Self.metadataKey)' must be an object of strings, found \(value.kind)")
                    continue
                }
                for (key, item) in items {
                    guard case let .string(text) = item else {
                        problems.append("metadata '\(key)' must be a string, found \(item.kind)")
                        continue
                    }
                    metadata[key] = text
                }
                continue
            }
            if let entry = Self.entry(name: name, value, dataLength: dataLength, problems: &problems) {
                entries.append(entry)
            }
        }
        // Overlaps, in the order of the data (entries that occupy no bytes cannot overlap).
        let occupied = entries.filter { $0.end > $0.begin }.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var furthest: Entry?
        for entry in occupied {
            if let previous = furthest, entry.begin < previous.end {
                problems.append("'\(entry.name)' (data bytes \(entry.begin)..<\(entry.end)) overlaps '\(previous.name)' (\(previous.begin)..<\(previous.end))")
            }
            if furthest == nil || entry.end > furthest!.end { furthest = entry }
        }
        guard problems.isEmpty else { throw DataError.invalidHeader(path: source, problems: problems) }

        var tensors = [String: Tensor](minimumCapacity: entries.count)
        for entry in entries {
            var tensor = Tensor(zeros: entry.shape)
            tensor.withUnsafeMutableBufferPointer {
                entry.type.decode(bytes.baseAddress! + dataStart + entry.begin, count: $0.count, bigEndian: false, into: $0.baseAddress!)
            }
            tensors[entry.name] = tensor
        }
        self.tensors = tensors
        self.metadata = metadata
        self.source = source
    }

    /// Validates one tensor entry of the header, appending every problem found.
    private static func entry(name: String, _ value: JSONValue, dataLength: Int, problems: inout [String]) -> Entry? {
        guard case .object(let fields) = value else {
            problems.append("'\(name)' must be an object with dtype, shape and data_offsets, found \(value.kind)")
            return nil
        }
        func field(_ key: String) -> JSONValue? { fields.first { $0.key == key }?.value }
        let before = problems.count
        var type: ElementType?
        switch field("dtype") {
        case .string(let dtype)?:
            type = ElementType(safeTensorsName: dtype)
            if type == nil {
                problems.append(ElementType.knownUnsupportedSafeTensorsNames.contains(dtype)
                    ? "'\(name)': unsupported dtype '\(dtype)'"
                    : "'\(name)': unknown dtype '\(dtype)'")
            }
        case let other?: problems.append("'\(name)': dtype must be a string, found \(other.kind)")
        case nil: problems.append("'\(name)': no dtype")
        }
        var shape: [Int]?
        switch field("shape") {
        case .array(let items)?:
            let sizes = items.compactMap { $0.integer.flatMap { $0 >= 0 ? $0 : nil } }
            if sizes.count == items.count { shape = sizes } else {
                problems.append("'\(name)': shape \(JSONValue.array(items).serialized) must list sizes ≥ 0")
            }
        case let other?: problems.append("'\(name)': shape must be an array, found \(other.kind)")
        case nil: problems.append("'\(name)': no shape")
        }
        var offsets: (Int, Int)?
        switch field("data_offsets") {
        case .array(let items)? where items.count == 2:
            if let begin = items[0].integer, let end = items[1].integer, begin >= 0, end >= 0 {
                if begin > end {
                    problems.append("'\(name)': data_offsets [\(begin), \(end)] end before they begin")
                } else if end > dataLength {
                    problems.append("'\(name)': data_offsets [\(begin), \(end)] are out of range: the data section has \(dataLength) bytes")
                } else {
                    offsets = (begin, end)
                }
            } else {
                problems.append("'\(name)': data_offsets \(JSONValue.array(items).serialized) must be two integers ≥ 0")
            }
        case let other?: problems.append("'\(name)': data_offsets must be an array [begin, end], found \(other.serialized)")
        case nil: problems.append("'\(name)': no data_offsets")
        }
        guard problems.count == before, let type, let shape, let (begin, end) = offsets else { return nil }
        var count = 1, overflow = false
        for d in shape where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: d) }
        let (bytes, overflowBytes) = count.multipliedReportingOverflow(by: type.byteWidth)
        guard !overflow, !overflowBytes else {
            problems.append("'\(name)': shape \(shape) has an element count that overflows")
            return nil
        }
        guard bytes == end - begin else {
            problems.append("'\(name)': shape \(shape) of \(type.safeTensorsName) needs \(bytes) bytes, but data_offsets [\(begin), \(end)] span \(end - begin)")
            return nil
        }
        return Entry(name: name, type: type, shape: shape, begin: begin, end: end)
    }

    // MARK: - Writing

    /// The bytes of the safetensors file: tensors as `F32` in sorted-name order, metadata keys
    /// sorted, the header padded with spaces to a multiple of 8 bytes (as the Python package
    /// does) so that the data is aligned.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` for a tensor named
    ///   `__metadata__`.
    public func serialized() throws -> [UInt8] {
        guard tensors[Self.metadataKey] == nil else {
            throw DataError.invalidArgument(operation: "SafeTensors.serialized", message: "'\(Self.metadataKey)' is reserved and cannot name a tensor")
        }
        var fields = [(key: String, value: JSONValue)]()
        if !metadata.isEmpty {
            fields.append((Self.metadataKey, .object(metadata.keys.sorted().map { ($0, .string(metadata[$0]!)) })))
        }
        var offset = 0
        let names = self.names
        for name in names {
            let tensor = tensors[name]!
            let size = tensor.count * 4
            fields.append((name, .object([
                ("dtype", .string("F32")),
                ("shape", .array(tensor.shape.map { .number(String($0)) })),
                ("data_offsets", .array([.number(String(offset)), .number(String(offset + size))])),
            ])))
            offset += size
        }
        var header = Array(JSONValue.object(fields).serialized.utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out += $0 }
        out += header
        for name in names {
            tensors[name]!.withUnsafeBufferPointer { values in
                #if _endian(little)
                out += UnsafeRawBufferPointer(values)  // already little-endian: one copy
                #else
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
                #endif
            }
        }
        return out
    }

    /// Writes the set as a safetensors file, atomically: a temporary file in the same directory
    /// is written, flushed and renamed over `path`, so `path` is never left half-written.
    /// - Parameter path: The destination.
    /// - Throws: ``DataError/ioFailed(path:message:)`` or the errors of ``serialized()``.
    public func write(to path: String) throws {
        try FileBytes.writeAtomically(serialized(), to: path)
    }

    // MARK: - Checking names and shapes

    /// Every difference between this set and the names and shapes a model expects: missing
    /// names, unexpected names and wrong shapes, sorted by name.
    /// - Parameter expected: The shape the model expects for each name.
    public func mismatches(comparedWith expected: [String: [Int]]) -> [TensorMismatch] {
        var found = [TensorMismatch]()
        for name in Set(expected.keys).union(tensors.keys).sorted() {
            switch (expected[name], tensors[name]?.shape) {
            case let (want?, nil): found.append(.missing(name: name, expectedShape: want))
            case let (nil, have?): found.append(.unexpected(name: name, shape: have))
            case let (want?, have?) where want != have: found.append(.wrongShape(name: name, expected: want, found: have))
            default: break
            }
        }
        return found
    }

    /// Checks that the set holds exactly the expected names with the expected shapes.
    /// - Parameter expected: The shape the model expects for each name.
    /// - Throws: ``DataError/tensorMismatch(path:mismatches:)`` listing every mismatch at once.
    public func verify(shapes expected: [String: [Int]]) throws {
        let found = mismatches(comparedWith: expected)
        guard found.isEmpty else { throw DataError.tensorMismatch(path: source, mismatches: found) }
    }

    /// The tensor called `name`, checked against the shape the caller expects.
    /// - Throws: ``DataError/tensorMismatch(path:mismatches:)`` when it is missing or has
    ///   another shape.
    public func tensor(named name: String, shape: [Int]) throws -> Tensor {
        guard let tensor = tensors[name] else {
            throw DataError.tensorMismatch(path: source, mismatches: [.missing(name: name, expectedShape: shape)])
        }
        guard tensor.shape == shape else {
            throw DataError.tensorMismatch(path: source, mismatches: [.wrongShape(name: name, expected: shape, found: tensor.shape)])
        }
        return tensor
    }
}

extension ElementType {
    /// The safetensors dtype name.
    var safeTensorsName: String {
        switch self {
        case .uint8: return "U8"
        case .int8: return "I8"
        case .int16: return "I16"
        case .uint16: return "U16"
        case .int32: return "I32"
        case .uint32: return "U32"
        case .int64: return "I64"
        case .uint64: return "U64"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .float32: return "F32"
        case .float64: return "F64"
        case .bool: return "BOOL"
        }
    }

    /// The element type of a safetensors dtype name, or `nil` for one not read here.
    init?(safeTensorsName name: String) {
        guard let type = ElementType.allCases.first(where: { $0.safeTensorsName == name }) else { return nil }
        self = type
    }

    /// Dtypes the safetensors format defines that this library does not convert (8-, 6- and
    /// 4-bit floats, complex numbers): reported as "unsupported" rather than "unknown".
    static let knownUnsupportedSafeTensorsNames: Set<String> = [
        "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64",
    ]
}
