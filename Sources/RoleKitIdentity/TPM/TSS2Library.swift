import CTSS2
import RoleKitSupport
import Synchronization

/// The TPM Software Stack (libtss2-esys, -tctildr, -mu), opened at run time (`dlopen`) once per
/// process, and the few ESAPI calls RoleKit makes.
///
/// Every TPM structure stays opaque: it is built from wire bytes with the stack's own
/// `Tss2_MU_*_Unmarshal` into an aligned buffer (``TPMStructure``) and read back with
/// `Tss2_MU_*_Marshal`, so RoleKit declares no TPM union by hand. One TPM operation runs at a
/// time in this process (a TPM without a resource manager holds three transient objects).
package final class TSS2Library: @unchecked Sendable {
    // Written once in `load`, then only read.
    let functions: rk_tss2
    private let lock = Mutex(())

    private static let shared = Mutex<TSS2Library?>(nil)

    private init(functions: rk_tss2) { self.functions = functions }

    /// The stack, opened on first use.
    package static func load() throws(IdentityError) -> TSS2Library {
        try shared.withLock { (library: inout TSS2Library?) throws(IdentityError) -> TSS2Library in
            if let library { return library }
            var functions = rk_tss2()
            let outcome = rk_tss2_load(&functions)
            guard outcome == Int32(RK_TSS2_LOADED) else {
                let missing = switch outcome {
                case Int32(RK_TSS2_NO_MU): "libtss2-mu.so.0"
                case Int32(RK_TSS2_NO_TCTILDR): "libtss2-tctildr.so.0"
                case Int32(RK_TSS2_NO_ESYS): "libtss2-esys.so.0"
                default: "a TSS 2.0 function RoleKit needs"
                }
                throw IdentityError(
                    .tpmUnavailable,
                    "the TPM software stack is not installed (\(missing) could not be opened); install it (Debian: apt-get install libtss2-esys-3.0.2-0 libtss2-tctildr0 libtss2-mu0, plus libtss2-tcti-device0 or libtss2-tcti-swtpm0)"
                )
            }
            let opened = TSS2Library(functions: functions)
            library = opened
            return opened
        }
    }

    /// ESYS_TR constants of the ESAPI specification.
    package enum Handle {
        static let none: UInt32 = 0xFFF
        static let password: UInt32 = 0x0FF
        static let owner: UInt32 = 0x101
        static let null: UInt32 = 0x107
        static let endorsement: UInt32 = 0x10B
        static let platform: UInt32 = 0x10C
    }

    /// Runs `body` with a fresh ESAPI context on the TPM named by `tcti` (a TCTI configuration
    /// such as `device:/dev/tpmrm0`), one operation at a time, then finalises context and TCTI.
    package func withContext<T>(tcti: String, _ body: (Context) throws(IdentityError) -> T) throws(IdentityError) -> T {
        try lock.withLock { _ throws(IdentityError) -> T in
            guard let initialize = functions.TctiLdr_Initialize, let finalizeTCTI = functions.TctiLdr_Finalize,
                let esysInitialize = functions.Esys_Initialize, let esysFinalize = functions.Esys_Finalize
            else { throw IdentityError(.tpmUnavailable, "the TPM software stack lacks its loader functions") }
            var tctiContext: UnsafeMutableRawPointer?
            let loaded = initialize(tcti, &tctiContext)
            guard loaded == 0, tctiContext != nil else {
                throw IdentityError(
                    .tpmUnavailable,
                    "cannot reach the TPM through TCTI \(SafeText.excerpt(tcti, limit: 120)) (\(describe(loaded))); check that the TPM (or swtpm) is there and that you may open it, or give another with --tpm-tcti"
                )
            }
            defer { finalizeTCTI(&tctiContext) }
            var esys: UnsafeMutableRawPointer?
            let started = esysInitialize(&esys, tctiContext, nil)
            defer { if esys != nil { esysFinalize(&esys) } }
            guard started == 0, let opened = esys else {
                throw IdentityError(.tpmUnavailable, "the TPM at \(SafeText.excerpt(tcti, limit: 120)) did not answer (\(describe(started)))")
            }
            // Block at most 30 s on one answer: a TPM that stops answering is an error, not a hang.
            _ = functions.Esys_SetTimeout?(opened, 30_000)
            return try body(Context(library: self, esys: opened))
        }
    }

    /// A readable form of a TSS2_RC: the hex code and, with libtss2-rc, its text.
    func describe(_ rc: UInt32) -> String {
        let hex = "0x" + String(rc, radix: 16)
        guard let decode = functions.RC_Decode, let text = decode(rc) else { return hex }
        return "\(hex): \(SafeText.excerpt(String(cString: text), limit: 160))"
    }

    /// One ESAPI context, valid inside ``withContext(tcti:_:)`` only.
    package struct Context {
        let library: TSS2Library
        let esys: UnsafeMutableRawPointer

        var functions: rk_tss2 { library.functions }

        func check(_ rc: UInt32?, _ what: String) throws(IdentityError) {
            guard let rc else { throw IdentityError(.tpmUnavailable, "the TPM software stack lacks \(what)") }
            guard rc != 0 else { return }
            throw TPMResponseCode(rc).error(what, described: library.describe(rc))
        }

        /// An ESYS_TR for a persistent object (`0x81…`).
        func persistent(_ handle: UInt32) throws(IdentityError) -> UInt32 {
            var object: UInt32 = Handle.none
            let rc = functions.Esys_TR_FromTPMPublic?(esys, handle, Handle.none, Handle.none, Handle.none, &object)
            if let rc, TPMResponseCode(rc).formatOneError == 0x08B {
                throw IdentityError(.invalidTPMKey, "the TPM has no persistent object at handle 0x\(String(handle, radix: 16)) (tpm2_getcap handles-persistent lists them)")
            }
            try check(rc, "reading persistent handle 0x\(String(handle, radix: 16))")
            return object
        }

        /// CreatePrimary under `hierarchy` (an ESYS_TR), empty hierarchy auth and sensitive data.
        func createPrimary(hierarchy: UInt32, template: TPMStructure) throws(IdentityError) -> UInt32 {
            let sensitive = try TPMStructure(library, functions.TPM2B_SENSITIVE_CREATE_Unmarshal, [0x00, 0x04, 0x00, 0x00, 0x00, 0x00], "TPM2B_SENSITIVE_CREATE")
            let outsideInfo = try TPMStructure(library, functions.TPM2B_DATA_Unmarshal, [0x00, 0x00], "TPM2B_DATA")
            let pcrs = try TPMStructure(library, functions.TPML_PCR_SELECTION_Unmarshal, [0x00, 0x00, 0x00, 0x00], "TPML_PCR_SELECTION")
            var object: UInt32 = Handle.none
            try check(
                functions.Esys_CreatePrimary?(
                    esys, hierarchy, Handle.password, Handle.none, Handle.none, sensitive.pointer, template.pointer, outsideInfo.pointer, pcrs.pointer, &object, nil, nil, nil, nil
                ),
                "creating the parent key (CreatePrimary)"
            )
            return object
        }

        func load(parent: UInt32, privateArea: TPMStructure, publicArea: TPMStructure) throws(IdentityError) -> UInt32 {
            var object: UInt32 = Handle.none
            try check(functions.Esys_Load?(esys, parent, Handle.password, Handle.none, Handle.none, privateArea.pointer, publicArea.pointer, &object), "loading the key (Load)")
            return object
        }

        func setAuth(_ object: UInt32, _ password: [UInt8]) throws(IdentityError) {
            guard password.count <= 64 else {
                throw IdentityError(.tpmFailure, "the TPM key password is longer than 64 bytes, which no TPM key can have")
            }
            let auth = try TPMStructure(library, functions.TPM2B_DIGEST_Unmarshal, TPMWire.sized(password), "TPM2B_AUTH")
            try check(functions.Esys_TR_SetAuth?(esys, object, auth.pointer), "setting the key password")
        }

        /// The object's TPM2B_PUBLIC in wire form.
        func readPublic(_ object: UInt32) throws(IdentityError) -> [UInt8] {
            var output: UnsafeMutableRawPointer?
            try check(functions.Esys_ReadPublic?(esys, object, Handle.none, Handle.none, Handle.none, &output, nil, nil), "reading the key's public area (ReadPublic)")
            defer { functions.Esys_Free?(output) }
            guard let output else { throw IdentityError(.tpmFailure, "ReadPublic returned nothing") }
            return try marshal(functions.TPM2B_PUBLIC_Marshal, output, "TPM2B_PUBLIC")
        }

        /// TPM2_Sign with `scheme` (a TPMT_SIG_SCHEME in wire form) over `digest`, with the
        /// null hash-check ticket; the TPMT_SIGNATURE in wire form.
        func sign(_ object: UInt32, digest: [UInt8], scheme: [UInt8]) throws(IdentityError) -> [UInt8] {
            let digestStructure = try TPMStructure(library, functions.TPM2B_DIGEST_Unmarshal, TPMWire.sized(digest), "TPM2B_DIGEST")
            let schemeStructure = try TPMStructure(library, functions.TPMT_SIG_SCHEME_Unmarshal, scheme, "TPMT_SIG_SCHEME")
            // TPM_ST_HASHCHECK, TPM_RH_NULL, empty digest.
            let ticket = try TPMStructure(library, functions.TPMT_TK_HASHCHECK_Unmarshal, [0x80, 0x24, 0x40, 0x00, 0x00, 0x07, 0x00, 0x00], "TPMT_TK_HASHCHECK")
            var output: UnsafeMutableRawPointer?
            try check(
                functions.Esys_Sign?(esys, object, Handle.password, Handle.none, Handle.none, digestStructure.pointer, schemeStructure.pointer, ticket.pointer, &output),
                "signing with the TPM key (Sign)"
            )
            defer { functions.Esys_Free?(output) }
            guard let output else { throw IdentityError(.tpmFailure, "Sign returned no signature") }
            return try marshal(functions.TPMT_SIGNATURE_Marshal, output, "TPMT_SIGNATURE")
        }

        /// Flushes a transient object; errors are ignored (the context is finalised next).
        func flush(_ object: UInt32) {
            _ = functions.Esys_FlushContext?(esys, object)
        }

        private func marshal(_ function: rk_tss2_marshal?, _ source: UnsafeRawPointer, _ what: String) throws(IdentityError) -> [UInt8] {
            guard let function else { throw IdentityError(.tpmUnavailable, "the TPM software stack lacks Tss2_MU_\(what)_Marshal") }
            var buffer = [UInt8](repeating: 0, count: 4096)
            var offset = 0
            let rc = buffer.withUnsafeMutableBufferPointer { function(source, $0.baseAddress, $0.count, &offset) }
            guard rc == 0, offset <= buffer.count else { throw IdentityError(.tpmFailure, "the TPM's \(what) could not be encoded (\(library.describe(rc)))") }
            return Array(buffer[..<offset])
        }
    }
}

/// One TPM structure in the stack's own memory layout: wire bytes unmarshalled by libtss2-mu
/// into a zeroed, aligned buffer far larger than any structure RoleKit passes.
package final class TPMStructure {
    static let capacity = 16 * 1024
    let pointer: UnsafeMutableRawPointer

    init(_ library: TSS2Library, _ unmarshal: rk_tss2_unmarshal?, _ bytes: [UInt8], _ what: String) throws(IdentityError) {
        guard let unmarshal else { throw IdentityError(.tpmUnavailable, "the TPM software stack lacks Tss2_MU_\(what)_Unmarshal") }
        pointer = UnsafeMutableRawPointer.allocate(byteCount: Self.capacity, alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: Self.capacity)
        var offset = 0
        let rc = bytes.withUnsafeBufferPointer { unmarshal($0.baseAddress, $0.count, &offset, pointer) }
        // On a throw, deinit still runs (every stored property is set) and frees the buffer.
        guard rc == 0, offset == bytes.count else {
            throw IdentityError(.invalidTPMKey, "the \(what) is malformed (\(rc == 0 ? "\(bytes.count - offset) bytes left over" : library.describe(rc)))")
        }
    }

    deinit {
        // The buffer may have held a key password (TPM2B_AUTH).
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: Self.capacity)
        pointer.deallocate()
    }
}
