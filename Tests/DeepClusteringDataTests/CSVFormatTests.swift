import DeepClusteringCore
import DeepClusteringData
import Testing

@Suite struct CSVFormatTests {
    // MARK: - Files written by Python

    @Test func readsHeaderAndLabelInTheLastColumn() throws {
        let data = try CSVFormat(hasHeader: true, labelColumn: -1).read(contentsOf: Fixture.path("csv_header_label.csv"))
        #expect(data.x.shape == [5, 3])
        #expect(data.x.scalars == FixtureValues.real(15))
        #expect(data.labels == (0..<5).map { $0 % 3 })
        // Same file, label column given from the front.
        let same = try CSVFormat(hasHeader: true, labelColumn: 3).read(contentsOf: Fixture.path("csv_header_label.csv"))
        #expect(same.x == data.x && same.labels == data.labels)
    }

    @Test func readsSemicolonsCRLFAndLabelInTheFirstColumn() throws {
        let data = try CSVFormat(delimiter: ";", labelColumn: 0).read(contentsOf: Fixture.path("csv_semicolon.csv"))
        #expect(data.x.shape == [4, 2])
        #expect(data.x.scalars == FixtureValues.real(8))
        #expect(data.labels == (0..<4).map { $0 % 3 })
    }

    @Test func readsWithoutLabels() throws {
        let data = try CSVFormat(delimiter: ";").read(contentsOf: Fixture.path("csv_semicolon.csv"))
        #expect(data.x.shape == [4, 3])
        #expect(data.labels == nil)
    }

    @Test func acceptsQuotesSpacesAndBlankLines() throws {
        let text = "a, \"b,c\"\n\n 1.5 ,\"-2\"\n\n3, 4e1\n"
        let data = try CSVFormat(hasHeader: true).read(bytes: Array(text.utf8))
        #expect(data.x.shape == [2, 2])
        #expect(data.x.scalars == [1.5, -2, 3, 40])
    }

    // MARK: - Round trips

    @Test func roundTripsFeaturesAndLabels() throws {
        var rng = SeededGenerator(seed: 5)
        let directory = try TemporaryDirectory()
        let x = Tensor(randomNormal: [20, 4], standardDeviation: 3, using: &rng)
        let labels = (0..<20).map { _ in Int(rng.next() % 7) - 3 }
        for format in [CSVFormat(hasHeader: true, labelColumn: -1), CSVFormat(delimiter: "\t", labelColumn: 2),
                       CSVFormat(delimiter: ";", hasHeader: true, labelColumn: 0)] {
            let path = directory.file("table-\(format.labelColumn!).csv")
            try format.write(x, labels: labels, to: path)
            let back = try format.read(contentsOf: path)
            #expect(back.x == x, "\(format)")
            #expect(back.labels == labels, "\(format)")
        }
        let plain = directory.file("plain.csv")
        try CSVFormat().write(x, to: plain)
        #expect(try CSVFormat().read(contentsOf: plain).x == x)
    }

    @Test func writesReportsWithQuotedCells() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("assignments.csv")
        try CSVFormat().write(rows: [["0", "3", "say \"hi\", then"], ["1", "7", "plain"]],
                              columnNames: ["index", "cluster", "note"], to: path)
        let text = String(decoding: try Fixture.bytesAt(path), as: UTF8.self)
        #expect(text == "index,cluster,note\n0,3,\"say \"\"hi\"\", then\"\n1,7,plain\n")
        expectDataError(path: "CSVFormat.write(rows:columnNames:to:)", mentioning: ["row 1 has 1 cells, expected 2"]) {
            try CSVFormat().write(rows: [["0", "1"], ["2"]], to: path)
        }
        // The failed write left the previous file untouched.
        #expect(String(decoding: try Fixture.bytesAt(path), as: UTF8.self) == text)
    }

    @Test func integralValuesAreWrittenWithoutADecimalPoint() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ints.csv")
        try CSVFormat(hasHeader: true).write(try Tensor(shape: [2, 2], scalars: [1, -2, 0.5, 1e-5]), to: path)
        #expect(String(decoding: try Fixture.bytesAt(path), as: UTF8.self) == "x0,x1\n1,-2\n0.5,1e-05\n")
    }

    // MARK: - Bad input

    @Test func raggedRows() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array("1,2,3\n4,5,6\n7,8\n".utf8), to: "ragged.csv")
        expectDataError(path: path, mentioning: ["line 3 has 2 cells, expected 3 as on line 1", "ragged"]) {
            _ = try CSVFormat().read(contentsOf: path)
        }
    }

    @Test func nonNumericCell() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array("a,b\n1,2\n3,abc\n".utf8), to: "text.csv")
        expectDataError(path: path, mentioning: ["line 3, column 2", "cannot read 'abc' as a number", "at byte 10"]) {
            _ = try CSVFormat(hasHeader: true).read(contentsOf: path)
        }
    }

    @Test func emptyCell() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array("1,,3\n".utf8), to: "empty.csv")
        expectDataError(path: path, mentioning: ["line 1, column 2", "empty cell"]) { _ = try CSVFormat().read(contentsOf: path) }
    }

    @Test func labelThatIsNotAnInteger() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array("1,2,0\n3,4,1.5\n".utf8), to: "labels.csv")
        expectDataError(path: path, mentioning: ["line 2, column 3", "label '1.5' is not an integer"]) {
            _ = try CSVFormat(labelColumn: -1).read(contentsOf: path)
        }
    }

    @Test func labelColumnOutsideTheRow() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array("1,2\n".utf8), to: "narrow.csv")
        expectDataError(path: path, mentioning: ["label column 5 is outside the 2 columns"]) {
            _ = try CSVFormat(labelColumn: 5).read(contentsOf: path)
        }
    }

    @Test func unterminatedQuote() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array("1,2\n3,\"4\n".utf8), to: "quote.csv")
        expectDataError(path: path, mentioning: ["line 2: unterminated quoted cell"]) { _ = try CSVFormat().read(contentsOf: path) }
    }

    @Test func noDataRows() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array("a,b\n\n".utf8), to: "header-only.csv")
        expectDataError(path: path, mentioning: ["no data rows after the header"]) {
            _ = try CSVFormat(hasHeader: true).read(contentsOf: path)
        }
    }

    @Test func invalidDelimiterAndLabelsWithoutAColumn() throws {
        expectDataError(path: "CSVFormat.read", mentioning: ["delimiter"]) {
            _ = try CSVFormat(delimiter: "é").read(bytes: Array("1".utf8))
        }
        expectDataError(path: "CSVFormat.write(_:labels:columnNames:to:)", mentioning: ["labelColumn is nil"]) {
            try CSVFormat().write(Tensor(zeros: [2, 2]), labels: [0, 1], to: "/nonexistent/never-written.csv")
        }
    }
}
