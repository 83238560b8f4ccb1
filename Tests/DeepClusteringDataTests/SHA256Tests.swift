import DeepClusteringData
import Testing

/// SHA-256 against the FIPS 180-4 examples and Python's `hashlib.sha256`.
@Suite struct SHA256Tests {
    func digest(_ bytes: [UInt8]) -> String {
        var hash = SHA256()
        hash.update(bytes)
        return hash.hexDigest()
    }

    @Test func standardExamples() {
        #expect(digest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(digest([UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Pieces of every size up to a block and beyond give the digest of the whole.
    @Test func piecesGiveTheDigestOfTheWhole() {
        let bytes = (0..<3).flatMap { _ in (0...255).map(UInt8.init) }
        let whole = "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363"  // hashlib.sha256(bytes(range(256)) * 3)
        #expect(digest(bytes) == whole)
        for piece in [1, 7, 63, 64, 65, 200] {
            var hash = SHA256()
            var start = 0
            while start < bytes.count {
                hash.update(Array(bytes[start..<min(start + piece, bytes.count)]))
                start += piece
            }
            #expect(hash.hexDigest() == whole, "pieces of \(piece)")
            #expect(hash.hexDigest() == whole, "finalising twice changes nothing")
        }
    }
}
