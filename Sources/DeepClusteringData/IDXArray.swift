import DeepClusteringCore

/// An array stored in the IDX format, the format of the MNIST and Fashion-MNIST files, read
/// from a file (gzip-compressed or plain) or built from a tensor to be written.
///
/// An IDX file is a 4-byte magic number — two zero bytes, the element type code
/// (`0x08` uint8, `0x09` int8, `0x0B` int16, `0x0C` int32, `0x0D` float32, `0x0E` float64) and
/// the rank — then one big-endian `UInt32` size per dimension, then the elements, big-endian,
/// in row-major order. A file starting with the gzip magic number is decompressed in-process
/// through zlib first.
///
/// ```swift
/// let images = try IDXArray(contentsOf: "train-images-idx3-ubyte.gz")  // shape [60000, 28, 28]
/// let x = images.tensor(dividingBy: 255)                               // pixels in [0, 1]
/// let labels = try IDXArray(contentsOf: "train-labels-idx1-ubyte.gz").integers()
/// ```
public struct IDXArray: Sendable {
    /// The type of the stored elements.
    public let elementType: ElementType
    /// The size of each dimension, outermost first.
    public let shape: [Int]
    /// The number of elements (the product of ``shape``).
    public let count: Int
    /// The file the array was read from, or a description of where it came from.
    public let source: String
    /// The whole (decompressed) file: header then elements.
    let buffer: ByteBuffer
    /// Offset of the first element in ``buffer``.
    let dataOffset: Int

    /// Reads an IDX file, decompressing it first if it starts with the gzip magic number.
    /// - Parameter path: The file to read.
    /// - Throws: ``DataError`` naming the file: not found, a corrupt gzip stream, a wrong magic
    ///   number or type code, a truncated header or data, dimensions whose product overflows,
    ///   or bytes left over after the data.
    public init(contentsOf path: String) throws {
        try self.init(buffer: FileBytes.read(path), source: path)
    }

    /// Parses the bytes of an IDX file (gzip-compressed or plain) held in memory.
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - source: The name used in error messages.
    /// - Throws: ``DataError`` as ``init(contentsOf:)`` does.
    public init(bytes: [UInt8], source: String = "<IDX bytes>") throws {
        try self.init(buffer: ByteBuffer(bytes), source: source)
    }

    /// Parses a buffer, decompressing it first if it is gzip.
    init(buffer raw: ByteBuffer, source: String) throws {
        let buffer = Gzip.isCompressed(raw.bytes) ? try Gzip.decompress(raw.bytes, path: source) : raw
        let bytes = buffer.bytes
        guard bytes.count >= 4 else {
            throw DataError.truncated(path: source, what: "IDX magic number", offset: 0, expectedBytes: 4, availableBytes: bytes.count)
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DataError.malformed(
                path: source, offset: 0,
                message: "wrong magic number: an IDX file starts with two zero bytes, found "
                    + String(hexByte: bytes[0]) + " " + String(hexByte: bytes[1]))
        }
        guard let type = ElementType(idxCode: bytes[2]) else {
            throw DataError.unsupported(
                path: source, message: "IDX element type code 0x\(String(hexByte: bytes[2])) at byte 2 (expected one of 08, 09, 0B, 0C, 0D, 0E)")
        }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DataError.truncated(
                path: source, what: "IDX header (rank \(rank), so \(rank) dimension sizes)", offset: 4,
                expectedBytes: 4 * rank, availableBytes: bytes.count - 4)
        }
        var shape = [Int]()
        shape.reserveCapacity(rank)
        for d in 0..<rank {
            shape.append(Int(ElementType.load(UInt32.self, bytes.baseAddress! + 4, d, true)))
        }
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw DataError.malformed(path: source, offset: 4, message: "dimensions \(shape): the element count overflows")
            }
            count = p
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: type.byteWidth)
        let available = bytes.count - headerSize
        guard !overflow, needed <= available else {
            throw DataError.truncated(
                path: source, what: "data (dimensions \(shape) of \(type.rawValue))", offset: headerSize,
                expectedBytes: overflow ? Int.max : needed, availableBytes: available)
        }
        guard needed == available else {
            throw DataError.malformed(
                path: source, offset: headerSize + needed,
                message: "\(available - needed) unexpected bytes after the \(needed) bytes of data for dimensions \(shape)")
        }
        self.elementType = type
        self.shape = shape
        self.count = count
        self.source = source
        self.buffer = buffer
        self.dataOffset = headerSize
    }

    /// Builds an IDX array holding the elements of `tensor`, for writing.
    /// - Parameters:
    ///   - tensor: The values; its shape becomes the IDX dimensions.
    ///   - elementType: The stored type; defaults to `.float32`, which holds every `Float`
    ///     exactly. IDX has no 16-bit float, unsigned 16/32/64-bit, int64 or bool codes.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` for a type IDX cannot store,
    ///   a rank above 255 or a dimension above `UInt32.max`, or a value the type cannot hold.
    public init(_ tensor: Tensor, elementType: ElementType = .float32) throws {
        try self.init(shape: tensor.shape, elementType: elementType, source: "IDXArray(_:elementType:)") { i in
            tensor.withUnsafeBufferPointer { Double($0[i]) }
        }
    }

    /// Builds a rank-1 IDX array of integer labels, for writing (as MNIST's label files).
    /// - Parameters:
    ///   - labels: The labels.
    ///   - elementType: The stored type; defaults to `.uint8`, as in MNIST.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` for a label the type cannot hold.
    public init(labels: [Int], elementType: ElementType = .uint8) throws {
        try self.init(shape: [labels.count], elementType: elementType, source: "IDXArray(labels:elementType:)") {
            Double(labels[$0])
        }
    }

    private init(shape: [Int], elementType: ElementType, source: String, value: (Int) -> Double) throws {
        guard let code = elementType.idxCode else {
            throw DataError.invalidArgument(operation: source, message: "IDX cannot store \(elementType.rawValue) elements")
        }
        guard shape.count <= 255, shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw DataError.invalidArgument(operation: source, message: "IDX cannot store shape \(shape) (rank ≤ 255, sizes < 2^32)")
        }
        let count = shape.reduce(1, *)
        var bytes: [UInt8] = [0, 0, code, UInt8(shape.count)]
        for d in shape { withUnsafeBytes(of: UInt32(d).bigEndian) { bytes.append(contentsOf: $0) } }
        let header = bytes.count
        bytes += try elementType.encode(count: count, bigEndian: true, operation: source, value: value)
        self.elementType = elementType
        self.shape = shape
        self.count = count
        self.source = source
        self.buffer = ByteBuffer(bytes)
        self.dataOffset = header
    }

    /// The elements as a tensor of ``shape``, each divided by `divisor`.
    /// - Parameter divisor: Divides every element; `255` maps `uint8` pixels to `[0, 1]` as the
    ///   DEC seed does (`x / 255.`). Defaults to 1 (the stored values).
    public func tensor(dividingBy divisor: Float = 1) -> Tensor {
        var out = Tensor(zeros: shape)
        out.withUnsafeMutableBufferPointer { decode(into: $0.baseAddress!, dividingBy: Double(divisor)) }
        return out
    }

    /// Converts every element to `Float` into `destination` (``count`` elements).
    func decode(into destination: UnsafeMutablePointer<Float>, dividingBy divisor: Double) {
        elementType.decode(buffer.pointer + dataOffset, count: count, bigEndian: true, dividingBy: divisor, into: destination)
    }

    /// The elements as integers, e.g. the labels of an `idx1` label file.
    /// - Throws: ``DataError/malformed(path:offset:message:)`` naming the first element that is
    ///   not an integer (a fraction or NaN in a float file).
    public func integers() throws -> [Int] {
        switch elementType.decodeIntegers(buffer.pointer + dataOffset, count: count, bigEndian: true) {
        case .success(let values): return values
        case .failure(let failure):
            throw DataError.malformed(
                path: source, offset: dataOffset + failure.index * elementType.byteWidth,
                message: "element \(failure.index) is not an integer")
        }
    }

    /// The bytes of the IDX file, plain or gzip-compressed.
    /// - Parameter compressed: Whether to gzip the file; defaults to `false`.
    public func serialized(compressed: Bool = false) -> [UInt8] {
        compressed ? Gzip.compress(buffer.bytes) : buffer.array
    }

    /// Writes the array as an IDX file, atomically (temporary file, then rename).
    /// - Parameters:
    ///   - path: The destination.
    ///   - compressed: Whether to gzip the file; defaults to whether `path` ends in `.gz`.
    /// - Throws: ``DataError/ioFailed(path:message:)``.
    public func write(to path: String, compressed: Bool? = nil) throws {
        if compressed ?? path.hasSuffix(".gz") {
            try FileBytes.writeAtomically(Gzip.compress(buffer.bytes), to: path)
        } else {
            try FileBytes.writeAtomically(buffer.bytes, to: path)
        }
    }
}

extension ElementType {
    /// The IDX type code, or `nil` for a type IDX does not define.
    var idxCode: UInt8? {
        switch self {
        case .uint8: return 0x08
        case .int8: return 0x09
        case .int16: return 0x0B
        case .int32: return 0x0C
        case .float32: return 0x0D
        case .float64: return 0x0E
        default: return nil
        }
    }

    /// The element type of an IDX type code.
    init?(idxCode: UInt8) {
        guard let type = ElementType.allCases.first(where: { $0.idxCode == idxCode }) else { return nil }
        self = type
    }
}

extension String {
    /// Two uppercase hexadecimal digits.
    init(hexByte byte: UInt8) {
        let s = String(byte, radix: 16, uppercase: true)
        self = byte < 16 ? "0" + s : s
    }
}
