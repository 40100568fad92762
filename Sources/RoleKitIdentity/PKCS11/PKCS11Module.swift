import CPKCS11
import FoundationEssentials
import RoleKitSupport
import Synchronization

/// A PKCS#11 module opened at run time (`dlopen`) and initialised once per process
/// (`CKF_OS_LOCKING_OK`), with the calls RoleKit makes. Every call runs under one lock: a
/// module may be thread-safe, but nothing is lost by not relying on it.
package final class PKCS11Module: @unchecked Sendable {
    // Written once in `open`; calls go through `lock`.
    private let functions: UnsafeMutablePointer<rk_CK_FUNCTION_LIST>
    private let lock = Mutex(())
    package let path: String

    private static let opened = Mutex<[String: PKCS11Module]>([:])

    private init(path: String, functions: UnsafeMutablePointer<rk_CK_FUNCTION_LIST>) {
        self.path = path
        self.functions = functions
    }

    /// The module at `path`, opened and initialised on first use.
    package static func open(_ path: String) throws(IdentityError) -> PKCS11Module {
        try opened.withLock { (modules: inout [String: PKCS11Module]) throws(IdentityError) -> PKCS11Module in
            if let module = modules[path] { return module }
            var handle: UnsafeMutableRawPointer?
            var list: UnsafeMutablePointer<rk_CK_FUNCTION_LIST>?
            let outcome = rk_pkcs11_load(path, &handle, &list)
            guard outcome == Int32(RK_PKCS11_LOADED), let list else {
                let why = outcome == Int32(RK_PKCS11_OPEN_FAILED) ? "cannot be opened (missing, or not a library for this machine)" : "is not a PKCS#11 module (no C_GetFunctionList)"
                throw IdentityError(.pkcs11ModuleUnavailable, "Failed to load provider library \(SafeText.excerpt(path, limit: 200)): it \(why); give the module with --pkcs11-lib")
            }
            var arguments = rk_CK_C_INITIALIZE_ARGS(CreateMutex: nil, DestroyMutex: nil, LockMutex: nil, UnlockMutex: nil, flags: 0x2, pReserved: nil)
            let rv = withUnsafeMutablePointer(to: &arguments) { list.pointee.C_Initialize?(UnsafeMutableRawPointer($0)) } ?? 0x54
            // CKR_CRYPTOKI_ALREADY_INITIALIZED: someone else in this process did it.
            guard rv == 0 || rv == 0x191 else {
                rk_pkcs11_unload(handle)
                throw IdentityError(.pkcs11ModuleUnavailable, "the PKCS#11 module \(SafeText.excerpt(path, limit: 200)) failed to initialise (\(Self.name(rv)))")
            }
            let module = PKCS11Module(path: path, functions: list)
            modules[path] = module
            return module
        }
    }

    /// Finalises and initialises the module again, so it rescans its slots: a token that was
    /// pulled and put back (or a module that lost track of it, as SoftHSM2 does when its token
    /// directory disappears) is found at the next call. Sessions of this process end.
    package func reinitialize() throws(IdentityError) {
        try locked { (f: rk_CK_FUNCTION_LIST) throws(IdentityError) in
            _ = f.C_Finalize?(nil)
            var arguments = rk_CK_C_INITIALIZE_ARGS(CreateMutex: nil, DestroyMutex: nil, LockMutex: nil, UnlockMutex: nil, flags: 0x2, pReserved: nil)
            let rv = withUnsafeMutablePointer(to: &arguments) { f.C_Initialize?(UnsafeMutableRawPointer($0)) } ?? 0x54
            guard rv == 0 || rv == 0x191 else {
                throw IdentityError(.pkcs11ModuleUnavailable, "the PKCS#11 module \(SafeText.excerpt(path, limit: 200)) failed to initialise again (\(Self.name(rv)))")
            }
        }
    }

    /// `CKR_…` for a return value.
    static func name(_ rv: rk_CK_RV) -> String {
        let names: [rk_CK_RV: String] = [
            0x0: "CKR_OK", 0x3: "CKR_SLOT_ID_INVALID", 0x5: "CKR_GENERAL_ERROR", 0x6: "CKR_FUNCTION_FAILED", 0x7: "CKR_ARGUMENTS_BAD",
            0x30: "CKR_DEVICE_ERROR", 0x31: "CKR_DEVICE_MEMORY", 0x32: "CKR_DEVICE_REMOVED", 0x54: "CKR_FUNCTION_NOT_SUPPORTED", 0x60: "CKR_KEY_HANDLE_INVALID",
            0x63: "CKR_KEY_TYPE_INCONSISTENT", 0x68: "CKR_KEY_FUNCTION_NOT_PERMITTED", 0x70: "CKR_MECHANISM_INVALID", 0x82: "CKR_OBJECT_HANDLE_INVALID",
            0x90: "CKR_OPERATION_ACTIVE", 0x91: "CKR_OPERATION_NOT_INITIALIZED", 0xA0: "CKR_PIN_INCORRECT", 0xA1: "CKR_PIN_INVALID", 0xA2: "CKR_PIN_LEN_RANGE",
            0xA3: "CKR_PIN_EXPIRED", 0xA4: "CKR_PIN_LOCKED", 0xB0: "CKR_SESSION_CLOSED", 0xB3: "CKR_SESSION_HANDLE_INVALID", 0xE0: "CKR_TOKEN_NOT_PRESENT",
            0xE1: "CKR_TOKEN_NOT_RECOGNIZED", 0x100: "CKR_USER_ALREADY_LOGGED_IN", 0x101: "CKR_USER_NOT_LOGGED_IN", 0x103: "CKR_USER_TYPE_INVALID",
            0x150: "CKR_BUFFER_TOO_SMALL", 0x190: "CKR_CRYPTOKI_NOT_INITIALIZED", 0x191: "CKR_CRYPTOKI_ALREADY_INITIALIZED",
        ]
        return names[rv] ?? "CKR 0x" + String(rv, radix: 16)
    }

    private func check(_ rv: rk_CK_RV?, _ what: String) throws(IdentityError) {
        guard let rv else { throw IdentityError(.pkcs11Failure, "the PKCS#11 module does not provide \(what)") }
        guard rv == 0 else {
            if rv == 0xA0 { throw IdentityError(.pkcs11WrongPIN, "the token refused the PIN (CKR_PIN_INCORRECT)") }
            throw IdentityError(.pkcs11Failure, "\(what) failed (\(Self.name(rv)))")
        }
    }

    private func locked<T>(_ body: (rk_CK_FUNCTION_LIST) throws(IdentityError) -> T) throws(IdentityError) -> T {
        try lock.withLock { _ throws(IdentityError) -> T in try body(functions.pointee) }
    }

    /// What `C_GetTokenInfo` says, blank padding trimmed.
    package struct TokenInfo: Sendable, Hashable {
        package var label: String
        package var manufacturer: String
        package var model: String
        package var serial: String
        package var loginRequired: Bool
        package var protectedAuthenticationPath: Bool
    }

    package struct SlotInfo: Sendable, Hashable {
        package var id: UInt64
        package var description: String
        package var manufacturer: String
        package var token: TokenInfo
    }

    private static func text<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            let bytes = Array(raw.prefix { $0 != 0 })
            return String(decoding: bytes, as: UTF8.self).strippingTrailingBlanks
        }
    }

    /// The slots with a token present, and what they hold.
    package func slots() throws(IdentityError) -> [SlotInfo] {
        try locked { (f: rk_CK_FUNCTION_LIST) throws(IdentityError) -> [SlotInfo] in
            var count: rk_CK_ULONG = 0
            try check(f.C_GetSlotList?(1, nil, &count), "C_GetSlotList")
            guard count > 0 else { return [] }
            guard count <= 1024 else { throw IdentityError(.pkcs11Failure, "the PKCS#11 module reports \(count) slots") }
            var ids = [rk_CK_SLOT_ID](repeating: 0, count: Int(count))
            try check(f.C_GetSlotList?(1, &ids, &count), "C_GetSlotList")
            var result: [SlotInfo] = []
            for id in ids.prefix(Int(min(count, rk_CK_ULONG(ids.count)))) {
                var slot = rk_CK_SLOT_INFO()
                var token = rk_CK_TOKEN_INFO()
                guard f.C_GetSlotInfo?(id, &slot) == 0, f.C_GetTokenInfo?(id, &token) == 0 else { continue }
                result.append(SlotInfo(
                    id: UInt64(id), description: Self.text(slot.slotDescription), manufacturer: Self.text(slot.manufacturerID),
                    token: TokenInfo(
                        label: Self.text(token.label), manufacturer: Self.text(token.manufacturerID), model: Self.text(token.model), serial: Self.text(token.serialNumber),
                        loginRequired: token.flags & 0x4 != 0, protectedAuthenticationPath: token.flags & 0x100 != 0
                    )
                ))
            }
            return result
        }
    }

    /// Runs `body` in a read-only serial session of `slot`, closed afterwards.
    package func withSession<T>(slot: UInt64, _ body: (Session) throws(IdentityError) -> T) throws(IdentityError) -> T {
        var handle: rk_CK_SESSION_HANDLE = 0
        try locked { (f: rk_CK_FUNCTION_LIST) throws(IdentityError) in try check(f.C_OpenSession?(rk_CK_SLOT_ID(slot), 0x4, nil, nil, &handle), "C_OpenSession") }
        defer { _ = try? locked { (f: rk_CK_FUNCTION_LIST) throws(IdentityError) in _ = f.C_CloseSession?(handle) } }
        return try body(Session(module: self, handle: handle))
    }

    /// One session's calls.
    package struct Session {
        let module: PKCS11Module
        let handle: rk_CK_SESSION_HANDLE

        /// `C_Login` as `user` (1 user, 2 context-specific); already logged in is fine.
        package func login(user: UInt = 1, pin: [UInt8]?) throws(IdentityError) {
            try module.locked { (f: rk_CK_FUNCTION_LIST) throws(IdentityError) in
                var bytes = pin ?? []
                let rv = bytes.withUnsafeMutableBufferPointer { buffer in
                    f.C_Login?(handle, rk_CK_USER_TYPE(user), pin == nil ? nil : buffer.baseAddress, rk_CK_ULONG(buffer.count))
                }
                for index in bytes.indices { bytes[index] = 0 }
                if rv == 0x100 { return }
                try module.check(rv, "C_Login")
            }
        }

        /// The objects matching `template` (attribute type → value bytes), at most 64.
        package func find(_ template: [(UInt, [UInt8])]) throws(IdentityError) -> [UInt] {
            try module.locked { (f: rk_CK_FUNCTION_LIST) throws(IdentityError) -> [UInt] in
                let buffers = template.map { entry -> UnsafeMutableRawBufferPointer in
                    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, entry.1.count), alignment: 8)
                    buffer.copyBytes(from: entry.1)
                    return buffer
                }
                defer { for buffer in buffers { buffer.deallocate() } }
                var attributes = zip(template, buffers).map { entry, buffer in
                    rk_CK_ATTRIBUTE(type: rk_CK_ATTRIBUTE_TYPE(entry.0), pValue: buffer.baseAddress, ulValueLen: rk_CK_ULONG(entry.1.count))
                }
                let rv = f.C_FindObjectsInit?(handle, &attributes, rk_CK_ULONG(attributes.count))
                try module.check(rv, "C_FindObjectsInit")
                defer { _ = f.C_FindObjectsFinal?(handle) }
                var found = [rk_CK_OBJECT_HANDLE](repeating: 0, count: 64)
                var count: rk_CK_ULONG = 0
                try module.check(f.C_FindObjects?(handle, &found, 64, &count), "C_FindObjects")
                return found.prefix(Int(min(count, 64))).map { UInt($0) }
            }
        }

        /// The value of `attribute` of `object`, `nil` when the object has none (at most 64 KiB).
        package func attribute(_ object: UInt, _ attribute: UInt) throws(IdentityError) -> [UInt8]? {
            try module.locked { (f: rk_CK_FUNCTION_LIST) throws(IdentityError) -> [UInt8]? in
                var query = rk_CK_ATTRIBUTE(type: rk_CK_ATTRIBUTE_TYPE(attribute), pValue: nil, ulValueLen: 0)
                let rv = f.C_GetAttributeValue?(handle, rk_CK_OBJECT_HANDLE(object), &query, 1)
                guard rv == 0, query.ulValueLen != rk_CK_ULONG.max else { return nil }
                guard query.ulValueLen <= 65_536 else { throw IdentityError(.pkcs11Failure, "a PKCS#11 attribute is larger than 64 KiB") }
                var value = [UInt8](repeating: 0, count: Int(query.ulValueLen))
                let filled: rk_CK_RV? = value.withUnsafeMutableBytes { raw in
                    query.pValue = raw.baseAddress
                    return f.C_GetAttributeValue?(handle, rk_CK_OBJECT_HANDLE(object), &query, 1)
                }
                try module.check(filled, "C_GetAttributeValue")
                return Array(value.prefix(Int(min(query.ulValueLen, rk_CK_ULONG(value.count)))))
            }
        }

        /// `C_SignInit` with `mechanism`; then, when `contextPIN` is given (CKA_ALWAYS_AUTHENTICATE),
        /// a context-specific login; then `C_Sign` (length first).
        package func sign(key: UInt, mechanism: UInt, data: [UInt8], contextPIN: [UInt8]?) throws(IdentityError) -> [UInt8] {
            try module.locked { (f: rk_CK_FUNCTION_LIST) throws(IdentityError) in
                var mech = rk_CK_MECHANISM(mechanism: rk_CK_MECHANISM_TYPE(mechanism), pParameter: nil, ulParameterLen: 0)
                try module.check(f.C_SignInit?(handle, &mech, rk_CK_OBJECT_HANDLE(key)), "signing initiation (C_SignInit)")
            }
            if let contextPIN { try login(user: 2, pin: contextPIN) }
            return try module.locked { (f: rk_CK_FUNCTION_LIST) throws(IdentityError) -> [UInt8] in
                var input = data
                var length: rk_CK_ULONG = 0
                let sized = input.withUnsafeMutableBufferPointer { f.C_Sign?(handle, $0.baseAddress, rk_CK_ULONG($0.count), nil, &length) }
                try module.check(sized, "signing (C_Sign)")
                guard length > 0, length <= 8192 else { throw IdentityError(.pkcs11Failure, "the token reports a signature of \(length) bytes") }
                var signature = [UInt8](repeating: 0, count: Int(length))
                let signed = input.withUnsafeMutableBufferPointer { data in
                    signature.withUnsafeMutableBufferPointer { f.C_Sign?(handle, data.baseAddress, rk_CK_ULONG(data.count), $0.baseAddress, &length) }
                }
                try module.check(signed, "signing (C_Sign)")
                return Array(signature.prefix(Int(min(length, rk_CK_ULONG(signature.count)))))
            }
        }
    }
}

extension String {
    var strippingTrailingBlanks: String {
        var text = Substring(self)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
