/// The subset of Python literals found in a NumPy `.npy` header: a dict of strings, booleans,
/// `None`, integers and tuples/lists, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case bool(Bool)
    case none
    case integer(Int)
    case sequence([PythonLiteral])
    case dictionary([(key: String, value: PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.none, .none): return true
        case let (.integer(x), .integer(y)): return x == y
        case let (.sequence(x), .sequence(y)): return x == y
        case let (.dictionary(x), .dictionary(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The value for `key` in a dictionary literal.
    subscript(key: String) -> PythonLiteral? {
        guard case let .dictionary(entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// Parses one literal that fills `text` (surrounding whitespace allowed).
    /// - Throws: A message saying what was expected at which character offset.
    static func parse(_ text: [UInt8]) throws(ParseError) -> PythonLiteral {
        var parser = Parser(text: text)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == text.count else { throw parser.error("unexpected text after the literal") }
        return value
    }

    /// Why a literal did not parse, and where.
    struct ParseError: Error { let offset: Int; let message: String }

    private struct Parser {
        let text: [UInt8]
        var position = 0

        func error(_ message: String) -> ParseError { ParseError(offset: position, message: message) }

        mutating func skipSpace() {
            while position < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[position]) { position += 1 }
        }

        mutating func value(depth: Int) throws(ParseError) -> PythonLiteral {
            guard depth < 32 else { throw error("literal nested too deeply") }
            skipSpace()
            guard position < text.count else { throw error("unexpected end of header") }
            switch text[position] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "{"): return try dictionary(depth: depth)
            case UInt8(ascii: "("): return try sequence(close: UInt8(ascii: ")"), depth: depth)
            case UInt8(ascii: "["): return try sequence(close: UInt8(ascii: "]"), depth: depth)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try integer())
            default:
                for (word, literal) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)]
                where text[position...].starts(with: word.utf8) {
                    position += word.utf8.count
                    return literal
                }
                throw error("unexpected character '\(Unicode.Scalar(text[position]))'")
            }
        }

        mutating func string() throws(ParseError) -> String {
            let quote = text[position]
            position += 1
            var bytes = [UInt8]()
            while position < text.count, text[position] != quote {
                if text[position] == UInt8(ascii: "\\") {
                    position += 1
                    guard position < text.count else { break }
                }
                bytes.append(text[position])
                position += 1
            }
            guard position < text.count else { throw error("unterminated string") }
            position += 1
            return String(decoding: bytes, as: UTF8.self)
        }

        mutating func integer() throws(ParseError) -> Int {
            let start = position
            if text[position] == UInt8(ascii: "-") { position += 1 }
            while position < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[position]) { position += 1 }
            guard let value = Int(String(decoding: text[start..<position], as: UTF8.self)) else {
                position = start
                throw error("integer out of range or malformed")
            }
            if position < text.count, text[position] == UInt8(ascii: "L") { position += 1 }  // Python 2 long
            return value
        }

        mutating func sequence(close: UInt8, depth: Int) throws(ParseError) -> PythonLiteral {
            position += 1
            var items = [PythonLiteral]()
            while true {
                skipSpace()
                guard position < text.count else { throw error("unterminated tuple or list") }
                if text[position] == close { position += 1; return .sequence(items) }
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard position < text.count else { throw error("unterminated tuple or list") }
                if text[position] == UInt8(ascii: ",") { position += 1 } else if text[position] != close {
                    throw error("expected ',' or '\(Unicode.Scalar(close))'")
                }
            }
        }

        mutating func dictionary(depth: Int) throws(ParseError) -> PythonLiteral {
            position += 1
            var entries = [(key: String, value: PythonLiteral)]()
            while true {
                skipSpace()
                guard position < text.count else { throw error("unterminated dict") }
                if text[position] == UInt8(ascii: "}") { position += 1; return .dictionary(entries) }
                guard text[position] == UInt8(ascii: "'") || text[position] == UInt8(ascii: "\"") else {
                    throw error("expected a string key")
                }
                let key = try string()
                skipSpace()
                guard position < text.count, text[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                entries.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard position < text.count else { throw error("unterminated dict") }
                if text[position] == UInt8(ascii: ",") { position += 1 } else if text[position] != UInt8(ascii: "}") {
                    throw error("expected ',' or '}'")
                }
            }
        }
    }
}
