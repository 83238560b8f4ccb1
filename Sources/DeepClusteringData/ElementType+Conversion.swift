/// Conversions between stored elements (raw bytes in either byte order) and `Float`/`Int`.
extension ElementType {
    /// Converts `count` stored elements at `source` to `Float`, dividing each by `divisor`, into
    /// `destination`.
    ///
    /// The division is done in `Double` and rounded once to `Float`, so that `uint8` pixels
    /// divided by 255 equal NumPy's `(x / 255.).astype(np.float32)` bit for bit.
    func decode(
        _ source: UnsafeRawPointer, count: Int, bigEndian: Bool, dividingBy divisor: Double = 1,
        into destination: UnsafeMutablePointer<Float>
    ) {
        switch self {
        case .uint8, .bool:
            // A 256-entry table: as fast as the plain conversion and exact for any divisor.
            var table = [Float](repeating: 0, count: 256)
            for v in 0..<256 { table[v] = Float(Double(v) / divisor) }
            let bytes = source.assumingMemoryBound(to: UInt8.self)
            table.withUnsafeBufferPointer { t in
                for i in 0..<count { destination[i] = t[Int(bytes[i])] }
            }
        case .int8:
            let bytes = source.assumingMemoryBound(to: Int8.self)
            convert(count, destination, divisor) { Double(bytes[$0]) }
        case .int16:
            convert(count, destination, divisor) { Double(Int16(bitPattern: Self.load(UInt16.self, source, $0, bigEndian))) }
        case .uint16:
            convert(count, destination, divisor) { Double(Self.load(UInt16.self, source, $0, bigEndian)) }
        case .int32:
            convert(count, destination, divisor) { Double(Int32(bitPattern: Self.load(UInt32.self, source, $0, bigEndian))) }
        case .uint32:
            convert(count, destination, divisor) { Double(Self.load(UInt32.self, source, $0, bigEndian)) }
        case .int64:
            convert(count, destination, divisor) { Double(Int64(bitPattern: Self.load(UInt64.self, source, $0, bigEndian))) }
        case .uint64:
            convert(count, destination, divisor) { Double(Self.load(UInt64.self, source, $0, bigEndian)) }
        case .float16:
            convert(count, destination, divisor) { Self.halfToDouble(Self.load(UInt16.self, source, $0, bigEndian)) }
        case .bfloat16:
            convert(count, destination, divisor) {
                Double(Float(bitPattern: UInt32(Self.load(UInt16.self, source, $0, bigEndian)) << 16))
            }
        case .float32:
            if divisor == 1 {
                for i in 0..<count { destination[i] = Float(bitPattern: Self.load(UInt32.self, source, i, bigEndian)) }
            } else {
                convert(count, destination, divisor) { Double(Float(bitPattern: Self.load(UInt32.self, source, $0, bigEndian))) }
            }
        case .float64:
            convert(count, destination, divisor) { Double(bitPattern: Self.load(UInt64.self, source, $0, bigEndian)) }
        }
    }

    /// Converts `count` stored elements to `Int`, or returns the index of the first element that
    /// is not an integer representable as `Int` (a fraction, NaN, or out of range).
    func decodeIntegers(_ source: UnsafeRawPointer, count: Int, bigEndian: Bool) -> Result<[Int], IndexError> {
        var out = [Int]()
        out.reserveCapacity(count)
        switch self {
        case .uint64:
            for i in 0..<count {
                guard let v = Int(exactly: Self.load(UInt64.self, source, i, bigEndian)) else {
                    return .failure(IndexError(index: i))
                }
                out.append(v)
            }
        case .int64:
            for i in 0..<count { out.append(Int(Int64(bitPattern: Self.load(UInt64.self, source, i, bigEndian)))) }
        default:
            // Every other type converts to Double exactly.
            for i in 0..<count {
                guard let v = Int(exactly: value(source, at: i, bigEndian: bigEndian)) else {
                    return .failure(IndexError(index: i))
                }
                out.append(v)
            }
        }
        return .success(out)
    }

    /// The index of an element that failed a conversion.
    struct IndexError: Error { let index: Int }

    /// Element `i` as a `Double` (exact for every type except 64-bit integers beyond 2^53).
    func value(_ source: UnsafeRawPointer, at i: Int, bigEndian: Bool) -> Double {
        switch self {
        case .uint8, .bool: return Double(source.load(fromByteOffset: i, as: UInt8.self))
        case .int8: return Double(source.load(fromByteOffset: i, as: Int8.self))
        case .int16: return Double(Int16(bitPattern: Self.load(UInt16.self, source, i, bigEndian)))
        case .uint16: return Double(Self.load(UInt16.self, source, i, bigEndian))
        case .int32: return Double(Int32(bitPattern: Self.load(UInt32.self, source, i, bigEndian)))
        case .uint32: return Double(Self.load(UInt32.self, source, i, bigEndian))
        case .int64: return Double(Int64(bitPattern: Self.load(UInt64.self, source, i, bigEndian)))
        case .uint64: return Double(Self.load(UInt64.self, source, i, bigEndian))
        case .float16: return Self.halfToDouble(Self.load(UInt16.self, source, i, bigEndian))
        case .bfloat16: return Double(Float(bitPattern: UInt32(Self.load(UInt16.self, source, i, bigEndian)) << 16))
        case .float32: return Double(Float(bitPattern: Self.load(UInt32.self, source, i, bigEndian)))
        case .float64: return Double(bitPattern: Self.load(UInt64.self, source, i, bigEndian))
        }
    }

    /// Encodes `count` values (`value(i)` for each index) as stored elements in the given byte
    /// order.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` naming `operation` and the
    ///   first value an integer type cannot hold exactly.
    func encode(count: Int, bigEndian: Bool, operation: String, value: (Int) -> Double) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count * byteWidth)
        let range = exactRange
        try out.withUnsafeMutableBytes { raw in
            for i in 0..<count {
                let v = value(i)
                if isInteger {
                    guard v.rounded() == v, range.contains(v) else {
                        throw DataError.invalidArgument(
                            operation: operation,
                            message: "element \(i) is \(v), which \(rawValue) cannot hold exactly (range \(range.lowerBound)...\(range.upperBound), integers only)")
                    }
                }
                switch self {
                case .uint8, .bool: raw[i] = UInt8(v)
                case .int8: raw[i] = UInt8(bitPattern: Int8(v))
                case .int16: Self.store(UInt16(bitPattern: Int16(v)), raw, i, bigEndian)
                case .uint16: Self.store(UInt16(v), raw, i, bigEndian)
                case .int32: Self.store(UInt32(bitPattern: Int32(v)), raw, i, bigEndian)
                case .uint32: Self.store(UInt32(v), raw, i, bigEndian)
                case .int64: Self.store(UInt64(bitPattern: Int64(v)), raw, i, bigEndian)
                case .uint64: Self.store(UInt64(v), raw, i, bigEndian)
                case .float16: Self.store(Float16(v).bitPattern, raw, i, bigEndian)
                case .bfloat16: Self.store(Self.bfloat16Bits(Float(v)), raw, i, bigEndian)
                case .float32: Self.store(Float(v).bitPattern, raw, i, bigEndian)
                case .float64: Self.store(v.bitPattern, raw, i, bigEndian)
                }
            }
        }
        return out
    }

    // MARK: - Helpers

    @inline(__always)
    private func convert(
        _ count: Int, _ destination: UnsafeMutablePointer<Float>, _ divisor: Double, _ element: (Int) -> Double
    ) {
        if divisor == 1 {
            for i in 0..<count { destination[i] = Float(element(i)) }
        } else {
            for i in 0..<count { destination[i] = Float(element(i) / divisor) }
        }
    }

    /// Loads element `i` of width `T` in the given byte order (unaligned loads are allowed).
    @inline(__always)
    static func load<T: FixedWidthInteger>(_: T.Type, _ p: UnsafeRawPointer, _ i: Int, _ bigEndian: Bool) -> T {
        let v = p.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
        return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
    }

    @inline(__always)
    static func store<T: FixedWidthInteger>(_ v: T, _ p: UnsafeMutableRawBufferPointer, _ i: Int, _ bigEndian: Bool) {
        p.storeBytes(of: bigEndian ? v.bigEndian : v.littleEndian, toByteOffset: i * MemoryLayout<T>.size, as: T.self)
    }

    /// IEEE half-precision bits to `Double` (no reliance on the platform's `Float16`).
    static func halfToDouble(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F), mantissa = Double(h & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// `Float` to bfloat16 bits, rounding to nearest even (NaN stays NaN).
    static func bfloat16Bits(_ f: Float) -> UInt16 {
        if f.isNaN { return 0x7FC0 }
        let bits = f.bitPattern
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }
}
