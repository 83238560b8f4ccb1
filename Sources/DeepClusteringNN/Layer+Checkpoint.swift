import DeepClusteringCore
import DeepClusteringData

extension Layer {
    /// The layer's parameter values by their dotted names (``namedParameters``), ready to save.
    /// - Parameter prefix: Prepended with a dot to every name (e.g. `encoder`), or `nil`.
    public func parameterTensors(prefix: String? = nil) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, p) in namedParameters { out[prefix.map { "\($0).\(name)" } ?? name] = p.value }
        return out
    }

    /// The shape of every parameter by its dotted name.
    /// - Parameter prefix: Prepended with a dot to every name, or `nil`.
    public func parameterShapes(prefix: String? = nil) -> [String: [Int]] {
        parameterTensors(prefix: prefix).mapValues(\.shape)
    }

    /// Saves every parameter to a safetensors file (F32, by dotted name), atomically.
    /// - Parameters:
    ///   - path: The destination file.
    ///   - metadata: Extra strings stored in the header (`__metadata__`), e.g. the training
    ///     configuration.
    /// - Throws: `DataError` when the file cannot be written.
    public func saveParameters(to path: String, metadata: [String: String] = [:]) throws {
        try SafeTensors(tensors: parameterTensors(), metadata: metadata).write(to: path)
    }

    /// Loads every parameter from a safetensors file written by ``saveParameters(to:metadata:)``
    /// (or by PyTorch/Keras tooling using the same names).
    ///
    /// Nothing is changed unless the file holds exactly this layer's names with the right
    /// shapes and only finite values; otherwise the error lists every missing, unexpected and
    /// mis-shaped tensor, or names the first NaN or infinite element.
    /// - Returns: The file's metadata.
    /// - Throws: `DataError` for an unreadable file, any mismatch or a non-finite value.
    @discardableResult
    public func loadParameters(from path: String) throws -> [String: String] {
        let file = try SafeTensors(contentsOf: path)
        try loadParameters(from: file, prefix: nil, allowingOtherNames: false)
        return file.metadata
    }

    /// Copies the tensors named `prefix.name` of `file` into this layer's parameters.
    /// - Parameters:
    ///   - file: The loaded tensors.
    ///   - prefix: The prefix of this layer's names in `file`, or `nil`.
    ///   - allowingOtherNames: Whether `file` may hold tensors that belong to other parts of a
    ///     model (names outside this prefix are then ignored).
    /// - Throws: `DataError.tensorMismatch(path:mismatches:)` listing every mismatch, or
    ///   `DataError.malformed(path:offset:message:)` naming the first tensor and element that is
    ///   NaN or infinite; nothing is copied in either case.
    public func loadParameters(from file: SafeTensors, prefix: String?, allowingOtherNames: Bool) throws {
        try verifyParameters(in: file, prefix: prefix, allowingOtherNames: allowingOtherNames)
        copyVerifiedParameters(from: file, prefix: prefix)
    }

    /// Copies the tensors named `prefix.name` of `file` into this layer's parameters, for a
    /// caller that has already run ``verifyParameters(in:prefix:allowingOtherNames:)`` on `file`.
    package func copyVerifiedParameters(from file: SafeTensors, prefix: String?) {
        for (name, p) in namedParameters {
            let key = prefix.map { "\($0).\(name)" } ?? name
            p.value = file.tensors[key]!
        }
    }

    /// Checks, without changing anything, that ``loadParameters(from:prefix:allowingOtherNames:)``
    /// would succeed: every parameter present with its shape and only finite values, and (unless
    /// `allowingOtherNames`) no other tensors. Lets a caller that loads several layers check them
    /// all before it changes any.
    /// - Throws: As ``loadParameters(from:prefix:allowingOtherNames:)``.
    public func verifyParameters(in file: SafeTensors, prefix: String?, allowingOtherNames: Bool) throws {
        let expected = parameterShapes(prefix: prefix)
        var relevant = file
        if allowingOtherNames {
            relevant.tensors = file.tensors.filter { name, _ in
                if let prefix { return name.hasPrefix(prefix + ".") }
                return expected[name] != nil
            }
        }
        try relevant.verify(shapes: expected)
        for name in expected.keys.sorted() {
            let values = relevant.tensors[name]!.scalars
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw DataError.malformed(
                    path: file.source, offset: nil, message: "'\(name)' holds \(values[i]) at element \(i); parameters must be finite")
            }
        }
    }
}
