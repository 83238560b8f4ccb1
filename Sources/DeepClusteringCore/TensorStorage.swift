/// The heap buffer behind a ``Tensor``: a 64-byte aligned block of `Float`s.
///
/// Storage is shared between tensor copies and copied only when a shared tensor is mutated
/// (copy-on-write). `capacity` may exceed the element count of the tensor using it, so that a
/// workspace tensor can shrink for a smaller last batch and grow back without reallocating.
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    /// Start of the buffer.
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    /// Number of `Float`s the buffer holds.
    @usableFromInline let capacity: Int

    /// Allocates uninitialised storage for `capacity` elements (at least one, so the pointer is
    /// always valid).
    @usableFromInline
    init(capacity: Int) {
        self.capacity = capacity
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(capacity, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(capacity, 1))
    }

    /// Allocates storage for `count` elements, all set to `value`.
    @usableFromInline
    convenience init(count: Int, repeating value: Float) {
        self.init(capacity: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// A new storage holding a copy of the first `count` elements of this one.
    @usableFromInline
    func copy(count: Int) -> TensorStorage {
        let new = TensorStorage(capacity: count)
        new.pointer.update(from: pointer, count: count)
        return new
    }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
