/// The type of the elements stored in a data file, whatever the format calls it (IDX type
/// codes, NumPy `descr` strings, safetensors `dtype` names).
///
/// Readers convert every element type to the library's `Float`; writers convert `Float` values
/// to the requested type, refusing values that the type cannot hold exactly (a fraction or an
/// out-of-range value for an integer type) rather than silently rounding or wrapping them.
public enum ElementType: String, CaseIterable, Sendable {
    /// Unsigned 8-bit integers (IDX `0x08`, NumPy `u1`, safetensors `U8`): pixels.
    case uint8
    /// Signed 8-bit integers (IDX `0x09`, NumPy `i1`, safetensors `I8`).
    case int8
    /// Signed 16-bit integers (IDX `0x0B`, NumPy `i2`, safetensors `I16`).
    case int16
    /// Unsigned 16-bit integers (NumPy `u2`, safetensors `U16`).
    case uint16
    /// Signed 32-bit integers (IDX `0x0C`, NumPy `i4`, safetensors `I32`).
    case int32
    /// Unsigned 32-bit integers (NumPy `u4`, safetensors `U32`).
    case uint32
    /// Signed 64-bit integers (NumPy `i8`, safetensors `I64`): NumPy's default for labels.
    case int64
    /// Unsigned 64-bit integers (NumPy `u8`, safetensors `U64`).
    case uint64
    /// IEEE half precision (NumPy `f2`, safetensors `F16`).
    case float16
    /// Brain floating point: the top 16 bits of a `Float` (safetensors `BF16`).
    case bfloat16
    /// IEEE single precision (IDX `0x0D`, NumPy `f4`, safetensors `F32`): the library's own type.
    case float32
    /// IEEE double precision (IDX `0x0E`, NumPy `f8`, safetensors `F64`).
    case float64
    /// Booleans stored as one byte, 0 or 1 (NumPy `b1`, safetensors `BOOL`).
    case bool

    /// The number of bytes one element occupies.
    public var byteWidth: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .int16, .uint16, .float16, .bfloat16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// Whether the type holds integers (or booleans) rather than floating-point values.
    public var isInteger: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64: return false
        default: return true
        }
    }

    /// The smallest and largest values the type holds exactly, for checking values to write.
    var exactRange: ClosedRange<Double> {
        switch self {
        case .uint8: return 0...Double(UInt8.max)
        case .int8: return Double(Int8.min)...Double(Int8.max)
        case .int16: return Double(Int16.min)...Double(Int16.max)
        case .uint16: return 0...Double(UInt16.max)
        case .int32: return Double(Int32.min)...Double(Int32.max)
        case .uint32: return 0...Double(UInt32.max)
        // Doubles above 2^63 (resp. 2^64) do not convert; stay one ulp inside.
        case .int64: return -0x1p63...0x1.fffffffffffffp62
        case .uint64: return 0...0x1.fffffffffffffp63
        case .bool: return 0...1
        case .float16, .bfloat16, .float32, .float64: return -Double.infinity...Double.infinity
        }
    }
}
