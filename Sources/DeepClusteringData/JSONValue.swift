/// A JSON value, with a strict parser and a deterministic serializer, for safetensors headers.
///
/// Hand-written rather than Foundation's `JSONSerialization` so that every malformed input —
/// including deep nesting, huge numbers and invalid escapes — is a thrown error with a byte
/// offset, never a crash, and so that object keys keep their order and numbers keep their text
/// (integers are read exactly, never through `Double`).
indirect enum JSONValue: Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// A number, kept as its text.
    case number(String)
    case bool(Bool)
    case null

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// The value as an `Int` when it is an integer literal that fits.
    var integer: Int? {
        guard case let .number(text) = self else { return nil }
        return Int(text)
    }

    /// A short description of the kind of value, for error messages.
    var kind: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number(let text): return "the number \(text)"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// Why the text did not parse, and at which byte.
    struct ParseError: Error { let offset: Int; let message: String }

    /// Parses one JSON value that fills `text` (surrounding whitespace allowed).
    static func parse(_ text: UnsafeRawBufferPointer) throws(ParseError) -> JSONValue {
        var parser = Parser(text: text)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == text.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// The value as compact JSON text.
    var serialized: String {
        switch self {
        case let .object(entries):
            return "{" + entries.map { Self.quoted($0.key) + ":" + $0.value.serialized }.joined(separator: ",") + "}"
        case let .array(items): return "[" + items.map(\.serialized).joined(separator: ",") + "]"
        case let .string(s): return Self.quoted(s)
        case let .number(text): return text
        case let .bool(b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// A JSON string literal for `s`, escaping quotes, backslashes and control characters.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private struct Parser {
        let text: UnsafeRawBufferPointer
        var position = 0
        /// Maximum nesting; safetensors headers are two levels deep.
        static let maximumDepth = 64

        func error(_ message: String) -> ParseError { ParseError(offset: position, message: message) }

        mutating func skipSpace() {
            while position < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[position]) { position += 1 }
        }

        mutating func expect(_ word: String) throws(ParseError) {
            for byte in word.utf8 {
                guard position < text.count, text[position] == byte else { throw error("invalid literal (expected '\(word)')") }
                position += 1
            }
        }

        mutating func value(depth: Int) throws(ParseError) -> JSONValue {
            guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
            skipSpace()
            guard position < text.count else { throw error("unexpected end of JSON") }
            switch text[position] {
            case UInt8(ascii: "{"):
                position += 1
                var entries = [(key: String, value: JSONValue)]()
                skipSpace()
                if position < text.count, text[position] == UInt8(ascii: "}") { position += 1; return .object(entries) }
                while true {
                    skipSpace()
                    guard position < text.count, text[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                    let key = try string()
                    skipSpace()
                    guard position < text.count, text[position] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
                    position += 1
                    entries.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard position < text.count else { throw error("unterminated object") }
                    if text[position] == UInt8(ascii: ",") { position += 1; continue }
                    guard text[position] == UInt8(ascii: "}") else { throw error("expected ',' or '}' in an object") }
                    position += 1
                    return .object(entries)
                }
            case UInt8(ascii: "["):
                position += 1
                var items = [JSONValue]()
                skipSpace()
                if position < text.count, text[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
                while true {
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard position < text.count else { throw error("unterminated array") }
                    if text[position] == UInt8(ascii: ",") { position += 1; continue }
                    guard text[position] == UInt8(ascii: "]") else { throw error("expected ',' or ']' in an array") }
                    position += 1
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try number())
            default:
                throw error("unexpected character 0x\(String(hexByte: text[position]))")
            }
        }

        func isDigit(_ i: Int) -> Bool { i < text.count && text[i] >= UInt8(ascii: "0") && text[i] <= UInt8(ascii: "9") }

        mutating func number() throws(ParseError) -> String {
            let start = position
            if text[position] == UInt8(ascii: "-") { position += 1 }
            guard isDigit(position) else { throw error("invalid number") }
            if text[position] == UInt8(ascii: "0") { position += 1 } else { while isDigit(position) { position += 1 } }
            if position < text.count, text[position] == UInt8(ascii: ".") {
                position += 1
                guard isDigit(position) else { throw error("invalid number: no digits after '.'") }
                while isDigit(position) { position += 1 }
            }
            if position < text.count, text[position] == UInt8(ascii: "e") || text[position] == UInt8(ascii: "E") {
                position += 1
                if position < text.count, text[position] == UInt8(ascii: "+") || text[position] == UInt8(ascii: "-") { position += 1 }
                guard isDigit(position) else { throw error("invalid number: no digits in the exponent") }
                while isDigit(position) { position += 1 }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: text[start..<position]), as: UTF8.self)
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard position + 4 <= text.count else { throw error("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = text[position]
                let digit: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
                default: throw error("invalid hex digit in a \\u escape")
                }
                v = v << 4 | UInt32(digit)
                position += 1
            }
            return v
        }

        mutating func string() throws(ParseError) -> String {
            position += 1  // the opening quote
            var bytes = [UInt8]()
            while true {
                guard position < text.count else { throw error("unterminated string") }
                let c = text[position]
                switch c {
                case UInt8(ascii: "\""):
                    position += 1
                    guard let s = String(validating: bytes, as: UTF8.self) else { throw error("string is not valid UTF-8") }
                    return s
                case UInt8(ascii: "\\"):
                    position += 1
                    guard position < text.count else { throw error("unterminated escape") }
                    let e = text[position]
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
                    case UInt8(ascii: "b"): bytes.append(0x08)
                    case UInt8(ascii: "f"): bytes.append(0x0C)
                    case UInt8(ascii: "n"): bytes.append(0x0A)
                    case UInt8(ascii: "r"): bytes.append(0x0D)
                    case UInt8(ascii: "t"): bytes.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code) {
                            guard position + 6 <= text.count, text[position] == UInt8(ascii: "\\"), text[position + 1] == UInt8(ascii: "u") else {
                                throw error("unpaired surrogate in a \\u escape")
                            }
                            position += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate in a \\u escape") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape (lone surrogate)") }
                        bytes += Array(String(Character(scalar)).utf8)
                    default:
                        throw error("invalid escape '\\\(Unicode.Scalar(e))'")
                    }
                case 0..<0x20:
                    throw error("control character 0x\(String(hexByte: c)) inside a string")
                default:
                    bytes.append(c)
                    position += 1
                }
            }
        }
    }
}
