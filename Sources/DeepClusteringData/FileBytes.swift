import Glibc

/// Whole-file reads and atomic whole-file writes, with errors that name the file.
enum FileBytes {
    /// Reads the whole file at `path`.
    /// - Parameter hint: What to tell the user when the file does not exist.
    /// - Throws: ``DataError/notFound(path:hint:)`` or ``DataError/ioFailed(path:message:)``.
    static func read(_ path: String, hint: String = "Check the path.") throws -> ByteBuffer {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw DataError.notFound(path: path, hint: hint) }
            throw DataError.ioFailed(path: path, message: "cannot open: \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw DataError.ioFailed(path: path, message: "cannot stat: \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            throw DataError.ioFailed(path: path, message: "is a directory, not a file")
        case S_IFCHR, S_IFBLK, S_IFSOCK:
            // /dev/zero and the like never end: reading would grow the buffer until memory runs out.
            throw DataError.ioFailed(path: path, message: "is a device or socket, not a file (regular files and pipes can be read)")
        default:
            break
        }
        let size = Int(info.st_size)
        let buffer = ByteBuffer(capacity: size)
        while true {
            if buffer.count == buffer.capacity { buffer.reserve(buffer.capacity * 2) }  // a file that grew
            let n = Glibc.read(fd, buffer.pointer + buffer.count, buffer.capacity - buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError.ioFailed(path: path, message: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            buffer.count += n
        }
        return buffer
    }

    /// Writes `bytes` to `path` atomically: into a temporary file in the same directory, flushed
    /// to disk, then renamed over `path`. On any error the temporary file is removed and `path`
    /// is left as it was, so a reader never sees a half-written file.
    /// - Throws: ``DataError/ioFailed(path:message:)``.
    static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory).\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw DataError.ioFailed(path: path, message: "cannot create a temporary file in '\(directory.isEmpty ? "." : directory)': \(String(cString: strerror(errno)))")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var closed = false
        do {
            var written = 0
            while written < bytes.count {
                let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DataError.ioFailed(path: path, message: "write failed: \(String(cString: strerror(errno)))")
                }
                written += n
            }
            guard fsync(fd) == 0 else {
                throw DataError.ioFailed(path: path, message: "fsync failed: \(String(cString: strerror(errno)))")
            }
            // mkstemp creates 0600; give the file the usual permissions (0644 under umask 022).
            let mask = umask(0); umask(mask)
            fchmod(fd, 0o666 & ~mask)
            closed = true
            guard close(fd) == 0 else {
                throw DataError.ioFailed(path: path, message: "close failed: \(String(cString: strerror(errno)))")
            }
            guard rename(temporary, path) == 0 else {
                throw DataError.ioFailed(path: path, message: "cannot rename the temporary file into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
    }

    /// Writes `bytes` to `path` atomically (see the raw-buffer overload).
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try writeAtomically($0, to: path) }
    }
}
