import DeepClusteringCore

/// An array stored in NumPy's `.npy` format, read from a file or built from a tensor to be
/// written.
///
/// A `.npy` file is the magic string `\x93NUMPY`, a version (1.0, 2.0 or 3.0), the header
/// length (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), a Python dict
/// literal `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces,
/// then the raw elements. Reading accepts floats (`f2`, `f4`, `f8`), signed and unsigned
/// integers of 1–8 bytes and booleans, in either byte order, in C (row-major) order.
/// Fortran-order arrays (of rank 2 or more), object arrays, structured dtypes and other kinds
/// (complex, strings, dates) are refused with a clear error rather than misread.
///
/// ```swift
/// let x = try NumPyArray(contentsOf: "features.npy").tensor()
/// try NumPyArray(x, elementType: .float32).write(to: "copy.npy")
/// ```
public struct NumPyArray: Sendable {
    /// The type of the stored elements.
    public let elementType: ElementType
    /// Whether the elements are stored big-endian (`>` in the `descr`).
    public let isBigEndian: Bool
    /// The size of each dimension, outermost first (`[]` for a 0-d array).
    public let shape: [Int]
    /// The number of elements (the product of ``shape``).
    public let count: Int
    /// The file the array was read from, or a description of where it came from.
    public let source: String
    /// The whole file: header then elements.
    let buffer: ByteBuffer
    /// Offset of the first element in ``buffer``.
    let dataOffset: Int

    /// The magic string every `.npy` file starts with.
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads a `.npy` file.
    /// - Parameter path: The file to read.
    /// - Throws: ``DataError`` naming the file: not found, a wrong magic string or version, a
    ///   truncated or malformed header, an unsupported dtype, Fortran order, or a data size that
    ///   does not match the shape.
    public init(contentsOf path: String) throws {
        try self.init(buffer: FileBytes.read(path), source: path)
    }

    /// Parses the bytes of a `.npy` file held in memory.
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - source: The name used in error messages.
    /// - Throws: ``DataError`` as ``init(contentsOf:)`` does.
    public init(bytes: [UInt8], source: String = "<npy bytes>") throws {
        try self.init(buffer: ByteBuffer(bytes), source: source)
    }

    init(buffer: ByteBuffer, source: String) throws {
        let bytes = buffer.bytes
        guard bytes.count >= 10 else {
            throw DataError.truncated(path: source, what: ".npy preamble", offset: 0, expectedBytes: 10, availableBytes: bytes.count)
        }
        guard bytes.prefix(6).elementsEqual(Self.magic) else {
            throw DataError.malformed(
                path: source, offset: 0,
                message: "wrong magic string: a .npy file starts with \\x93NUMPY, found "
                    + bytes.prefix(6).map { String(hexByte: $0) }.joined(separator: " "))
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(ElementType.load(UInt16.self, bytes.baseAddress! + 8, 0, false))
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else {
                throw DataError.truncated(path: source, what: ".npy header length", offset: 8, expectedBytes: 4, availableBytes: bytes.count - 8)
            }
            headerLength = Int(ElementType.load(UInt32.self, bytes.baseAddress! + 8, 0, false))
            headerStart = 12
        default:
            throw DataError.unsupported(path: source, message: ".npy format version \(major).\(bytes[7]) (expected 1.0, 2.0 or 3.0)")
        }
        guard headerLength <= bytes.count - headerStart else {
            throw DataError.truncated(
                path: source, what: ".npy header", offset: headerStart, expectedBytes: headerLength,
                availableBytes: bytes.count - headerStart)
        }
        let dataOffset = headerStart + headerLength
        let header: PythonLiteral
        do {
            header = try PythonLiteral.parse(Array(bytes[headerStart..<dataOffset]))
        } catch {
            throw DataError.malformed(path: source, offset: headerStart + error.offset, message: ".npy header: \(error.message)")
        }
        func malformed(_ message: String) -> DataError {
            DataError.malformed(path: source, offset: headerStart, message: ".npy header: \(message)")
        }
        guard case .dictionary = header else { throw malformed("expected a dict literal") }
        guard let descr = header["descr"] else { throw malformed("no 'descr' key") }
        guard case let .string(typeString) = descr else {
            throw DataError.unsupported(path: source, message: "structured dtype \(descr) (only plain numeric dtypes are read)")
        }
        guard case let .bool(fortranOrder) = header["fortran_order"] else { throw malformed("no boolean 'fortran_order' key") }
        guard case let .sequence(dimensions) = header["shape"] else { throw malformed("no 'shape' tuple") }
        var shape = [Int]()
        for d in dimensions {
            guard case let .integer(size) = d, size >= 0 else { throw malformed("shape \(dimensions) is not a tuple of sizes ≥ 0") }
            shape.append(size)
        }
        let (type, bigEndian) = try Self.elementType(of: typeString, source: source)
        if fortranOrder && shape.filter({ $0 > 1 }).count > 1 {
            throw DataError.unsupported(
                path: source,
                message: "Fortran-order (column-major) array of shape \(shape); save it with np.save(path, np.ascontiguousarray(a)) for C order")
        }
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw malformed("shape \(shape): the element count overflows") }
            count = p
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: type.byteWidth)
        let available = bytes.count - dataOffset
        guard !overflow, needed <= available else {
            throw DataError.truncated(
                path: source, what: "data (shape \(shape) of \(typeString))", offset: dataOffset,
                expectedBytes: overflow ? Int.max : needed, availableBytes: available)
        }
        guard needed == available else {
            throw DataError.malformed(
                path: source, offset: dataOffset + needed,
                message: "\(available - needed) unexpected bytes after the \(needed) bytes of data for shape \(shape)")
        }
        self.elementType = type
        self.isBigEndian = bigEndian
        self.shape = shape
        self.count = count
        self.source = source
        self.buffer = buffer
        self.dataOffset = dataOffset
    }

    /// The element type and byte order of a NumPy `descr` such as `<f4` or `|u1`.
    static func elementType(of descr: String, source: String) throws -> (ElementType, bigEndian: Bool) {
        let chars = Array(descr.utf8)
        guard chars.count >= 2, let order = chars.first, "<>|=".utf8.contains(order) else {
            if descr.contains("O") {
                throw DataError.unsupported(path: source, message: "object array (dtype '\(descr)'); only numeric arrays are read")
            }
            throw DataError.unsupported(path: source, message: "dtype '\(descr)'")
        }
        let code = String(decoding: chars.dropFirst(), as: UTF8.self)
        let types: [String: ElementType] = [
            "u1": .uint8, "i1": .int8, "i2": .int16, "u2": .uint16, "i4": .int32, "u4": .uint32,
            "i8": .int64, "u8": .uint64, "f2": .float16, "f4": .float32, "f8": .float64, "b1": .bool,
        ]
        guard let type = types[code] else {
            if code.hasPrefix("O") {
                throw DataError.unsupported(path: source, message: "object array (dtype '\(descr)'); only numeric arrays are read")
            }
            throw DataError.unsupported(
                path: source,
                message: "dtype '\(descr)' (supported: float16/32/64, signed and unsigned integers of 1-8 bytes, bool)")
        }
        return (type, order == UInt8(ascii: ">"))
    }

    /// Builds a `.npy` array holding the elements of `tensor`, for writing.
    /// - Parameters:
    ///   - tensor: The values; its shape becomes the array's shape.
    ///   - elementType: The stored type; defaults to `.float32`, which holds every `Float`
    ///     exactly. `.bfloat16` has no NumPy dtype and is refused.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` for `.bfloat16`, a value the
    ///   type cannot hold exactly, or a shape whose header exceeds 65,535 bytes.
    public init(_ tensor: Tensor, elementType: ElementType = .float32) throws {
        try self.init(shape: tensor.shape, elementType: elementType, source: "NumPyArray(_:elementType:)") { i in
            tensor.withUnsafeBufferPointer { Double($0[i]) }
        }
    }

    /// Builds a `.npy` array of integers (labels, cluster assignments), for writing.
    /// - Parameters:
    ///   - integers: The values in row-major order.
    ///   - shape: The shape; defaults to `[integers.count]`.
    ///   - elementType: The stored type; defaults to `.int64`, NumPy's default integer.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` when `shape` does not hold
    ///   `integers.count` elements or a value does not fit the type.
    public init(integers: [Int], shape: [Int]? = nil, elementType: ElementType = .int64) throws {
        let shape = shape ?? [integers.count]
        guard (try? Tensor.elementCount(of: shape, operation: "NumPyArray(integers:shape:elementType:)")) == integers.count else {
            throw DataError.invalidArgument(
                operation: "NumPyArray(integers:shape:elementType:)", message: "shape \(shape) does not hold \(integers.count) elements")
        }
        try self.init(shape: shape, elementType: elementType, source: "NumPyArray(integers:shape:elementType:)") {
            Double(integers[$0])
        }
    }

    private init(shape: [Int], elementType: ElementType, source: String, value: (Int) -> Double) throws {
        guard let code = elementType.numPyCode else {
            throw DataError.invalidArgument(operation: source, message: "NumPy has no \(elementType.rawValue) dtype")
        }
        let count = shape.reduce(1, *)
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = Array("{'descr': '\(code)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        // Pad with spaces and a final newline so that the data starts at a multiple of 64 bytes.
        let unpadded = Self.magic.count + 4 + header.count + 1
        header += [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64) + [0x0A]
        guard header.count <= Int(UInt16.max) else {
            throw DataError.invalidArgument(operation: source, message: "shape \(shape) is too long for a version 1.0 .npy header")
        }
        var bytes = Self.magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        let dataOffset = bytes.count
        bytes += try elementType.encode(count: count, bigEndian: false, operation: source, value: value)
        self.elementType = elementType
        self.isBigEndian = false
        self.shape = shape
        self.count = count
        self.source = source
        self.buffer = ByteBuffer(bytes)
        self.dataOffset = dataOffset
    }

    /// The elements as a tensor of ``shape`` (converted to `Float`).
    public func tensor() -> Tensor {
        var out = Tensor(zeros: shape)
        out.withUnsafeMutableBufferPointer {
            elementType.decode(buffer.pointer + dataOffset, count: count, bigEndian: isBigEndian, into: $0.baseAddress!)
        }
        return out
    }

    /// The elements as integers in row-major order, e.g. labels saved with `np.save`.
    /// - Throws: ``DataError/malformed(path:offset:message:)`` naming the first element that is
    ///   not an integer representable as `Int`.
    public func integers() throws -> [Int] {
        switch elementType.decodeIntegers(buffer.pointer + dataOffset, count: count, bigEndian: isBigEndian) {
        case .success(let values): return values
        case .failure(let failure):
            throw DataError.malformed(
                path: source, offset: dataOffset + failure.index * elementType.byteWidth,
                message: "element \(failure.index) is not an integer")
        }
    }

    /// The bytes of the `.npy` file (version 1.0 header, little-endian data).
    public func serialized() -> [UInt8] { buffer.array }

    /// Writes the array as a `.npy` file, atomically (temporary file, then rename).
    /// - Throws: ``DataError/ioFailed(path:message:)``.
    public func write(to path: String) throws {
        try FileBytes.writeAtomically(buffer.bytes, to: path)
    }
}

extension ElementType {
    /// The little-endian NumPy `descr` for writing, or `nil` for bfloat16.
    var numPyCode: String? {
        switch self {
        case .uint8: return "|u1"
        case .int8: return "|i1"
        case .bool: return "|b1"
        case .int16: return "<i2"
        case .uint16: return "<u2"
        case .int32: return "<i4"
        case .uint32: return "<u4"
        case .int64: return "<i8"
        case .uint64: return "<u8"
        case .float16: return "<f2"
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .bfloat16: return nil
        }
    }
}
