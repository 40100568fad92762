import RoleKitSupport

/// Writes ASCII/UTF-8 pieces straight into a new string's storage: the string to sign and the
/// `Authorization` value are built with one allocation and no per-piece appends.
///
/// The capacity must be computed from the pieces' UTF-8 counts; a piece that would not fit is
/// cut (never written past the end), so a wrong count shows as a wrong signature, not as memory
/// corruption.
struct TextBuilder: ~Copyable {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    /// Builds a string of at most `capacity` bytes with `body`.
    static func build(capacity: Int, _ body: (inout TextBuilder) -> Void) -> String {
        String(unsafeUninitializedCapacity: max(capacity, 1)) { buffer in
            var builder = TextBuilder(buffer: buffer)
            body(&builder)
            return builder.count
        }
    }

    private init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func append(_ text: String) {
        if let done = text.utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
            append(UnsafeRawBufferPointer(bytes))
            return true
        }), done {
            return
        }
        for byte in text.utf8 { append(byte) }
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let length = min(bytes.count, buffer.count - count)
        guard length > 0, let target = buffer.baseAddress, let source = bytes.baseAddress else { return }
        (target + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: length)
        count += length
    }

    mutating func append(_ byte: UInt8) {
        guard count < buffer.count else { return }
        buffer[count] = byte
        count += 1
    }

    /// `bytes` as lowercase hexadecimal.
    mutating func appendHex(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            append(Hex.digit(byte >> 4))
            append(Hex.digit(byte & 0x0f))
        }
    }
}
