import DeepClusteringCore

/// How a CSV file of numbers is laid out, and the reader and writer for that layout.
///
/// Every cell is a number (as Swift's `Float(_:)` parses it, so `1`, `-0.5`, `1e-3`, `nan`,
/// `inf`), optionally surrounded by spaces or double quotes; the label column, if any, holds
/// integers. Blank lines are skipped; `\n` and `\r\n` line endings are both accepted; quoted
/// cells may contain the delimiter and doubled quotes (RFC 4180).
///
/// ```swift
/// let format = CSVFormat(hasHeader: true, labelColumn: -1)     // label in the last column
/// let data = try format.read(contentsOf: "iris.csv")            // x: [150, 4], labels
/// try CSVFormat(hasHeader: true).write(rows: [["0", "3"]], columnNames: ["index", "cluster"],
///                                      to: "assignments.csv")
/// ```
public struct CSVFormat: Sendable, Equatable {
    /// The character between cells; one ASCII character other than a quote or line break.
    /// Defaults to `,`.
    public var delimiter: Character
    /// Whether the first non-blank line holds column names rather than numbers. Defaults to `false`.
    public var hasHeader: Bool
    /// The column (0-based; negative counts from the end, `-1` being the last) that holds
    /// integer labels rather than features, or `nil` for no labels. Defaults to `nil`.
    public var labelColumn: Int?

    /// Creates a CSV layout.
    /// - Parameters:
    ///   - delimiter: The cell separator; defaults to `,` (use `";"` or `"\t"` for others).
    ///   - hasHeader: Whether the first line holds column names; defaults to `false`.
    ///   - labelColumn: The column holding integer labels (negative counts from the end), or
    ///     `nil` (the default) for none.
    public init(delimiter: Character = ",", hasHeader: Bool = false, labelColumn: Int? = nil) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.labelColumn = labelColumn
    }

    /// The delimiter as a byte, checked.
    private func delimiterByte(_ operation: String) throws -> UInt8 {
        guard let ascii = delimiter.asciiValue, ascii != UInt8(ascii: "\""), ascii != 0x0A, ascii != 0x0D else {
            throw DataError.invalidArgument(
                operation: operation, message: "delimiter '\(delimiter)' must be one ASCII character other than a quote or line break")
        }
        return ascii
    }

    // MARK: - Reading

    /// Reads a CSV file of numbers.
    /// - Parameter path: The file to read.
    /// - Returns: The features as `[rows, featureColumns]` (every column except the label
    ///   column) and the labels when ``labelColumn`` is set.
    /// - Throws: ``DataError`` naming the file, line and column: a row with a different number
    ///   of cells than the first (ragged rows), a cell that is not a number, a label that is not
    ///   an integer, an unterminated quote, a label column outside the row, or no data rows.
    public func read(contentsOf path: String) throws -> LabeledDataset {
        let buffer = try FileBytes.read(path)
        return try read(buffer.bytes, source: path)
    }

    /// Parses CSV text held in memory (see ``read(contentsOf:)``).
    /// - Parameters:
    ///   - bytes: The UTF-8 text.
    ///   - source: The name used in error messages.
    /// - Returns: The features and, when ``labelColumn`` is set, the labels.
    /// - Throws: ``DataError`` as ``read(contentsOf:)`` does, naming `source`.
    public func read(bytes: [UInt8], source: String = "<CSV bytes>") throws -> LabeledDataset {
        try bytes.withUnsafeBytes { try read($0, source: source) }
    }

    func read(_ text: UnsafeRawBufferPointer, source: String) throws -> LabeledDataset {
        let delimiter = try delimiterByte("CSVFormat.read")
        var tokenizer = CSVTokenizer(text: text, delimiter: delimiter)
        var features = [Float](), labels = [Int](), width = -1, rows = 0, firstLine = 0
        var label = -1
        var skipHeader = hasHeader
        while let record = try tokenizer.nextRecord(source: source) {
            if skipHeader { skipHeader = false; continue }
            if width < 0 {
                width = record.cells.count
                firstLine = record.line
                if let column = labelColumn {
                    label = column < 0 ? width + column : column
                    guard label >= 0, label < width else {
                        throw DataError.malformed(
                            path: source, offset: record.cells[0].offset,
                            message: "line \(record.line): label column \(column) is outside the \(width) columns")
                    }
                }
            }
            guard record.cells.count == width else {
                throw DataError.malformed(
                    path: source, offset: record.cells[0].offset,
                    message: "line \(record.line) has \(record.cells.count) cells, expected \(width) as on line \(firstLine) (ragged rows)")
            }
            for (c, cell) in record.cells.enumerated() {
                let text = cell.text.trimmingASCIISpaces()
                if c == label {
                    guard let value = Int(text) ?? Double(text).flatMap({ Int(exactly: $0) }) else {
                        throw DataError.malformed(
                            path: source, offset: cell.offset,
                            message: "line \(record.line), column \(c + 1): label '\(text)' is not an integer")
                    }
                    labels.append(value)
                } else {
                    guard !text.isEmpty, let value = Float(text) else {
                        throw DataError.malformed(
                            path: source, offset: cell.offset,
                            message: "line \(record.line), column \(c + 1): "
                                + (text.isEmpty ? "empty cell" : "cannot read '\(text)' as a number"))
                    }
                    features.append(value)
                }
            }
            rows += 1
        }
        guard rows > 0 else {
            throw DataError.malformed(path: source, offset: nil, message: "no data rows\(hasHeader ? " after the header" : "")")
        }
        let x = try Tensor(shape: [rows, label >= 0 ? width - 1 : width], scalars: features)
        return try LabeledDataset(x: x, labels: label >= 0 ? labels : nil)
    }

    // MARK: - Writing

    /// Writes a matrix of numbers (and optional labels) as CSV, atomically.
    ///
    /// Integral values up to 2^24 are written without a decimal point (`3`), others in the
    /// shortest form that reads back to the same `Float` (`0.1`, `1e-05`), so write → read
    /// gives back exactly the same tensor.
    /// - Parameters:
    ///   - x: A rank-2 tensor `[rows, columns]` (a rank-1 tensor is one column).
    ///   - labels: One integer per row, written in ``labelColumn``; requires ``labelColumn``.
    ///   - columnNames: The header; defaults to `x0, x1, …` (and `label`) when ``hasHeader``
    ///     is set, no header otherwise.
    ///   - path: The destination.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` for a tensor of another rank,
    ///   a label count or header width that does not match, or labels without a label column;
    ///   ``DataError/ioFailed(path:message:)``.
    public func write(_ x: Tensor, labels: [Int]? = nil, columnNames: [String]? = nil, to path: String) throws {
        let operation = "CSVFormat.write(_:labels:columnNames:to:)"
        guard x.rank == 1 || x.rank == 2 else {
            throw DataError.invalidArgument(operation: operation, message: "expected a rank-1 or rank-2 tensor, got shape \(x.shape)")
        }
        let rows = x.shape[0], columns = x.rank == 2 ? x.shape[1] : 1
        var label = -1
        if let labels {
            guard let column = labelColumn else {
                throw DataError.invalidArgument(operation: operation, message: "labels given but labelColumn is nil")
            }
            guard labels.count == rows else {
                throw DataError.invalidArgument(operation: operation, message: "\(labels.count) labels for \(rows) rows")
            }
            label = column < 0 ? columns + 1 + column : column
            guard label >= 0, label <= columns else {
                throw DataError.invalidArgument(operation: operation, message: "label column \(column) is outside the \(columns + 1) columns")
            }
        }
        var names = columnNames
        if names == nil && hasHeader {
            names = (0..<columns).map { "x\($0)" }
            if label >= 0 { names!.insert("label", at: label) }
        }
        let table: [[String]] = x.withUnsafeBufferPointer { values in
            (0..<rows).map { r in
                var row = (0..<columns).map { Self.format(values[r * columns + $0]) }
                if let labels { row.insert(String(labels[r]), at: label) }
                return row
            }
        }
        try write(rows: table, columnNames: names, to: path)
    }

    /// Writes a table of text cells as CSV, atomically (for reports such as `assignments.csv`).
    /// Cells containing the delimiter, a quote or a line break are quoted.
    /// - Parameters:
    ///   - rows: The cells, row by row; all rows must have the same number of cells.
    ///   - columnNames: The header line, or `nil` for none.
    ///   - path: The destination.
    /// - Throws: ``DataError/invalidArgument(operation:message:)`` for ragged rows or a header of
    ///   another width; ``DataError/ioFailed(path:message:)``.
    public func write(rows: [[String]], columnNames: [String]? = nil, to path: String) throws {
        let operation = "CSVFormat.write(rows:columnNames:to:)"
        let delimiter = try delimiterByte(operation)
        let width = columnNames?.count ?? rows.first?.count ?? 0
        var out = [UInt8]()
        for (i, row) in ((columnNames.map { [$0] } ?? []) + rows).enumerated() {
            guard row.count == width else {
                throw DataError.invalidArgument(
                    operation: operation, message: "\(columnNames != nil && i == 0 ? "header" : "row \(i - (columnNames == nil ? 0 : 1))") has \(row.count) cells, expected \(width)")
            }
            for (c, cell) in row.enumerated() {
                if c > 0 { out.append(delimiter) }
                let bytes = Array(cell.utf8)
                if bytes.contains(where: { $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                    out.append(UInt8(ascii: "\""))
                    for b in bytes {
                        if b == UInt8(ascii: "\"") { out.append(b) }
                        out.append(b)
                    }
                    out.append(UInt8(ascii: "\""))
                } else {
                    out += bytes
                }
            }
            out.append(0x0A)
        }
        try FileBytes.writeAtomically(out, to: path)
    }

    /// A `Float` in the shortest text that reads back to the same value, without `.0` for
    /// integers (exactly representable below 2^24).
    static func format(_ v: Float) -> String {
        if v.rounded() == v && abs(v) < 0x1p24 { return String(Int(v)) }
        return String(v)
    }
}

/// Splits CSV text into records of cells, following RFC 4180 quoting.
struct CSVTokenizer {
    let text: UnsafeRawBufferPointer
    let delimiter: UInt8
    var position = 0
    var line = 1

    /// One cell: its unquoted text and the byte offset where it starts.
    struct Cell { var text: String; var offset: Int }

    /// The next non-blank record and the line it starts on, or `nil` at the end.
    /// - Throws: ``DataError/malformed(path:offset:message:)`` for an unterminated quote or text
    ///   after a closing quote.
    mutating func nextRecord(source: String) throws -> (cells: [Cell], line: Int)? {
        while position < text.count {
            let startLine = line
            var cells = [Cell](), current = [UInt8](), cellStart = position, quoted = false
            var blank = true
            recordLoop: while true {
                if position == text.count { break }
                let b = text[position]
                if b == UInt8(ascii: "\"") && current.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) && !quoted {
                    // A quoted cell.
                    quoted = true
                    current.removeAll()
                    position += 1
                    while true {
                        guard position < text.count else {
                            throw DataError.malformed(path: source, offset: cellStart, message: "line \(startLine): unterminated quoted cell")
                        }
                        let q = text[position]
                        position += 1
                        if q == UInt8(ascii: "\"") {
                            if position < text.count && text[position] == UInt8(ascii: "\"") {
                                current.append(q)
                                position += 1
                            } else {
                                break
                            }
                        } else {
                            if q == 0x0A { line += 1 }
                            current.append(q)
                        }
                    }
                    blank = false
                    continue
                }
                switch b {
                case delimiter:
                    cells.append(Cell(text: String(decoding: current, as: UTF8.self), offset: cellStart))
                    current.removeAll(keepingCapacity: true)
                    quoted = false
                    blank = false
                    position += 1
                    cellStart = position
                case 0x0A:
                    position += 1
                    line += 1
                    break recordLoop
                case 0x0D where position + 1 < text.count && text[position + 1] == 0x0A:
                    position += 2
                    line += 1
                    break recordLoop
                default:
                    if quoted && b != 0x20 && b != 0x09 {
                        throw DataError.malformed(
                            path: source, offset: position, message: "line \(startLine): text after the closing quote of a cell")
                    }
                    if b != 0x20 && b != 0x09 && b != 0x0D { blank = false }
                    if !quoted { current.append(b) }
                    position += 1
                }
            }
            if blank && cells.isEmpty { continue }  // skip blank lines
            cells.append(Cell(text: String(decoding: current, as: UTF8.self), offset: cellStart))
            return (cells, startLine)
        }
        return nil
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and carriage returns.
    func trimmingASCIISpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
