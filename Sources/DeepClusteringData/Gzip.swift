import CZlib

/// gzip decompression and compression in-process through the system zlib.
///
/// Decompression streams straight into one ``ByteBuffer`` preallocated from the size recorded
/// in the gzip trailer (ISIZE), so a well-formed file is inflated without regrowing or copying;
/// the buffer grows only for multi-member or mislabelled files, and never beyond deflate's
/// maximum expansion ratio (1032:1), so a corrupt trailer cannot demand unbounded memory.
enum Gzip {
    /// Whether `bytes` begin with the gzip magic number `1f 8b`.
    static func isCompressed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Largest chunk handed to zlib at once (its counters are 32-bit).
    private static let chunk = 1 << 30

    /// Decompresses a whole gzip file (one or more members).
    /// - Parameters:
    ///   - input: The compressed bytes, starting with the gzip magic number.
    ///   - path: The file name for error messages.
    /// - Throws: ``DataError/malformed(path:offset:message:)`` for a corrupt or truncated stream
    ///   or trailing garbage, naming the compressed byte offset.
    static func decompress(_ input: UnsafeRawBufferPointer, path: String) throws -> ByteBuffer {
        let (limit, overflow) = input.count.multipliedReportingOverflow(by: 1032)
        let maximumOutput = overflow ? Int.max : limit + 1024
        var guess = input.count * 4
        if input.count >= 18 {
            let isize = Int(UInt32(input[input.count - 4]) | UInt32(input[input.count - 3]) << 8
                | UInt32(input[input.count - 2]) << 16 | UInt32(input[input.count - 1]) << 24)
            guess = isize + 64  // room for inflate to see the trailer without regrowing
        }
        let output = ByteBuffer(capacity: min(max(guess, 64), maximumOutput))

        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.ioFailed(path: path, message: "zlib inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        guard let base = input.baseAddress else {
            throw DataError.malformed(path: path, offset: 0, message: "empty gzip stream")
        }
        let inputStart = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        var fed = 0  // input bytes handed to zlib so far
        func consumed() -> Int { fed - Int(stream.avail_in) }

        while true {
            if stream.avail_in == 0 && fed < input.count {
                let n = min(chunk, input.count - fed)
                stream.next_in = inputStart + fed
                stream.avail_in = uInt(n)
                fed += n
            }
            if output.count == output.capacity {
                guard output.capacity < maximumOutput else {
                    throw DataError.malformed(
                        path: path, offset: consumed(),
                        message: "corrupt gzip stream: output exceeds deflate's maximum expansion of \(input.count) compressed bytes")
                }
                output.reserve(min(output.capacity * 2, maximumOutput))
            }
            let room = min(chunk, output.capacity - output.count)
            stream.next_out = (output.pointer + output.count).assumingMemoryBound(to: UInt8.self)
            stream.avail_out = uInt(room)
            let status = inflate(&stream, Z_NO_FLUSH)
            output.count += room - Int(stream.avail_out)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                let position = consumed()
                if position == input.count { return output }
                if input.count - position >= 2 && input[position] == 0x1F && input[position + 1] == 0x8B {
                    inflateReset(&stream)  // another gzip member follows (as `cat a.gz b.gz` makes)
                    continue
                }
                throw DataError.malformed(
                    path: path, offset: position,
                    message: "corrupt gzip stream: \(input.count - position) unexpected bytes after the end of the compressed data")
            case Z_BUF_ERROR:
                if stream.avail_in == 0 && fed == input.count {
                    throw DataError.malformed(
                        path: path, offset: input.count,
                        message: "corrupt gzip stream: the compressed data ends early (truncated file); \(output.count) bytes decompressed so far")
                }
                continue  // no room for output: the buffer grows at the top of the loop
            case Z_MEM_ERROR:
                throw DataError.ioFailed(path: path, message: "zlib ran out of memory while decompressing")
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DataError.malformed(path: path, offset: consumed(), message: "corrupt gzip stream: \(reason)")
            }
        }
    }

    /// Compresses `input` into a single gzip member.
    /// - Parameter level: zlib compression level, 0...9 (default 6, as `gzip` uses).
    static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "Gzip.compress: deflateInit2 failed (\(status))")
        defer { deflateEnd(&stream) }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var fed = 0
        let start = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) }
        while true {
            if stream.avail_in == 0 && fed < input.count, let start {
                let n = min(chunk, input.count - fed)
                stream.next_in = start + fed
                stream.avail_in = uInt(n)
                fed += n
            }
            let flush = fed == input.count ? Z_FINISH : Z_NO_FLUSH
            let result = buffer.withUnsafeMutableBufferPointer { out -> Int32 in
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, flush)
            }
            output.append(contentsOf: buffer[0..<(buffer.count - Int(stream.avail_out))])
            if result == Z_STREAM_END { return output }
            precondition(result == Z_OK || result == Z_BUF_ERROR, "Gzip.compress: deflate failed (\(result))")
        }
    }
}
