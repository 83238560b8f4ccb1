import Glibc

/// Existence checks for files and directories (through `stat`, without Foundation).
enum FileExists {
    /// Whether `path` exists; `isDirectory` is set to whether it is a directory.
    static func at(_ path: String, isDirectory: inout Bool) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        return true
    }

    /// Whether `path` exists and is not a directory.
    static func at(_ path: String) -> Bool {
        var isDirectory = false
        return at(path, isDirectory: &isDirectory) && !isDirectory
    }
}
