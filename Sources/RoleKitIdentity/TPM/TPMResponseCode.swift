/// A TSS2_RC as RoleKit reads it: which layer answered and, for the TPM's own codes, the
/// format-one error number or the format-zero warning.
struct TPMResponseCode: Sendable, Hashable {
    let value: UInt32

    init(_ value: UInt32) { self.value = value }

    /// 0 for the TPM itself; 7 ESAPI, 8 SAPI, 9 marshalling, 10 TCTI (the transport).
    var layer: UInt32 { value >> 16 }

    /// For a TPM format-one code (bit 7 set): the error number with the handle, session or
    /// parameter index removed (e.g. 0x08E for TPM_RC_AUTH_FAIL whatever the session).
    var formatOneError: UInt32? {
        guard layer == 0, value & 0x80 != 0 else { return nil }
        return 0x80 | (value & 0x3F)
    }

    var isWrongPassword: Bool { formatOneError == 0x08E || formatOneError == 0x0A2 }
    var isLockout: Bool { layer == 0 && value & 0xFFF == 0x921 }
    /// TPM_RC_RETRY, TPM_RC_YIELDED, TPM_RC_TESTING: asked again, the TPM may answer.
    var isTransient: Bool { layer == 0 && [0x922, 0x908, 0x90A].contains(value & 0xFFF) }
    var isObjectMemory: Bool { layer == 0 && [0x902, 0x903].contains(value & 0xFFF) }
    var isIntegrity: Bool { formatOneError == 0x09F }
    var isTransport: Bool { layer == 10 }

    func error(_ what: String, described: String) -> IdentityError {
        if isWrongPassword {
            return IdentityError(.tpmWrongPassword, "incorrect TPM key password (\(described)); give the key's password (--tpm-key-password-env, --tpm-key-password-file or the prompt)")
        }
        if isLockout {
            return IdentityError(.tpmLockout, "the TPM is in dictionary-attack lockout after too many wrong passwords (\(described)); wait for its recovery time or clear it (tpm2_dictionarylockout --clear-lockout)")
        }
        if isTransient {
            return IdentityError(.tpmBusy, "\(what) failed: the TPM is busy (\(described)); try again")
        }
        if isObjectMemory {
            // Another client of a TPM without a resource manager may hold the object slots for
            // a moment: busy, so the caller asks again before giving up.
            return IdentityError(.tpmBusy, "\(what) failed: the TPM is out of object memory (\(described)); use a resource manager (/dev/tpmrm0 or tpm2-abrmd) or flush stale objects (tpm2_flushcontext -t)")
        }
        if isIntegrity {
            return IdentityError(.invalidTPMKey, "\(what) failed: the key was not made by this TPM under this parent (\(described)); check the TPM and the key file")
        }
        if isTransport {
            return IdentityError(.tpmUnavailable, "\(what) failed: the TPM stopped answering (\(described))")
        }
        return IdentityError(.tpmFailure, "\(what) failed (\(described))")
    }
}

/// TPM wire-format helpers (all integers big-endian).
enum TPMWire {
    /// A TPM2B: a UINT16 size, then the bytes.
    static func sized(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8(truncatingIfNeeded: bytes.count >> 8), UInt8(truncatingIfNeeded: bytes.count)] + bytes
    }

    static func uint16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    /// A bounded big-endian reader over TPM wire bytes; every read checks the remaining length.
    struct Reader {
        private let bytes: [UInt8]
        private(set) var offset = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { offset == bytes.count }

        mutating func uint16() throws(IdentityError) -> UInt16 {
            let part = try take(2)
            return UInt16(part[0]) << 8 | UInt16(part[1])
        }

        mutating func uint32() throws(IdentityError) -> UInt32 {
            let part = try take(4)
            return part.reduce(0) { $0 << 8 | UInt32($1) }
        }

        /// A TPM2B: its UINT16 size, then that many bytes (at most `limit`).
        mutating func sized(limit: Int) throws(IdentityError) -> [UInt8] {
            let count = Int(try uint16())
            guard count <= limit else { throw IdentityError(.invalidTPMKey, "a TPM field of \(count) bytes is longer than the \(limit) it may be") }
            return try take(count)
        }

        mutating func take(_ count: Int) throws(IdentityError) -> [UInt8] {
            guard count >= 0, count <= bytes.count - offset else {
                throw IdentityError(.invalidTPMKey, "the TPM structure ends early (at byte \(offset) of \(bytes.count))")
            }
            defer { offset += count }
            return Array(bytes[offset..<(offset + count)])
        }
    }
}
