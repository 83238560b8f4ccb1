import Glibc

/// An owned, growable block of bytes: the contents of a file or a decompressed stream.
///
/// Readers parse straight from this buffer; it is a class so that a multi-megabyte file is
/// never copied when it is handed around, and it grows with `realloc` so that decompressing
/// into it does not zero-fill or copy more than needed.
final class ByteBuffer: @unchecked Sendable {
    /// Start of the bytes (valid even when `count` is 0).
    private(set) var pointer: UnsafeMutableRawPointer
    /// Number of valid bytes.
    var count: Int
    /// Number of bytes allocated.
    private(set) var capacity: Int

    /// Allocates an empty buffer with room for `capacity` bytes.
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        guard let p = malloc(self.capacity) else { fatalError("ByteBuffer: out of memory allocating \(capacity) bytes") }
        pointer = p
        count = 0
    }

    /// A buffer holding a copy of `bytes`.
    convenience init(_ bytes: [UInt8]) {
        self.init(capacity: bytes.count)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { pointer.copyMemory(from: base, byteCount: bytes.count) } }
        count = bytes.count
    }

    /// Grows the allocation to at least `newCapacity` bytes, keeping the contents.
    func reserve(_ newCapacity: Int) {
        guard newCapacity > capacity else { return }
        guard let p = realloc(pointer, newCapacity) else { fatalError("ByteBuffer: out of memory growing to \(newCapacity) bytes") }
        pointer = p
        capacity = newCapacity
    }

    /// The valid bytes as a buffer pointer (valid while this object is alive and unchanged).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: count) }

    /// The valid bytes copied into an array.
    var array: [UInt8] { [UInt8](bytes) }

    deinit { free(pointer) }
}
