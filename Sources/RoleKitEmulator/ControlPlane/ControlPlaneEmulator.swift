public import FoundationEssentials
import RoleKitServices
public import RoleKitSigning
public import RoleKitTransport

/// The emulated Roles Anywhere control plane: every operation of the service model, on the
/// ``EmulatorStore``, SigV4-verified against the configured admin keys, with the model's
/// constraints and the service's limits (50 tags, page sizes).
///
/// The operations live with their resource (`ControlPlaneEmulator+TrustAnchors.swift`,
/// `+Profiles`, `+CRLs`, `+Subjects`, `+Tags`); each call is authenticated before anything of
/// it is parsed. Times (signature window, `createdAt`, `updatedAt`) come from the injected
/// clock.
public final class ControlPlaneEmulator: Sendable {
    public let store: EmulatorStore
    public let accountId: String
    public let region: String
    /// The time of signature checks and timestamps.
    public let clock: any WallClock
    let verifier: SigV4Verifier

    public init(store: EmulatorStore, accountId: String, region: String, adminKeys: [String: String], toleranceSeconds: Int = 300, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.accountId = accountId
        self.region = region
        self.clock = clock
        self.verifier = SigV4Verifier(region: region, service: "rolesanywhere", toleranceSeconds: toleranceSeconds) { adminKeys[$0] }
    }

    /// The same, with the time read from `now` (kept for callers written before the clock was
    /// injected).
    public convenience init(store: EmulatorStore, accountId: String, region: String, adminKeys: [String: String], toleranceSeconds: Int = 300, now: @escaping @Sendable () -> Date) {
        self.init(store: store, accountId: accountId, region: region, adminKeys: adminKeys, toleranceSeconds: toleranceSeconds, clock: ClosureWallClock(now))
    }

    /// Answers a control-plane request in process (the server routes with Hummingbird's router
    /// instead), or `nil` when the method and path are not a control-plane operation.
    public func handle(_ request: SigningRequest) -> RolesAnywhereEmulator.Response? {
        guard let (route, parameters) = Self.route(request) else { return nil }
        return respond(route, to: request, parameters: parameters)
    }

    /// Authenticates `request` (SigV4, admin keys), then runs the operation of `route`.
    func respond(_ route: ControlPlaneRoute, to request: SigningRequest, parameters: [String: String]) -> RolesAnywhereEmulator.Response {
        do {
            let caller = try verifier.verify(request, now: clock.now())
            let call = ControlPlaneCall(parameters: parameters, query: QueryString.items(request.query), body: request.body, caller: caller)
            let body = try route.handler(self, call)
            return RolesAnywhereEmulator.Response(status: route.successStatus, headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", UUID().uuidString.lowercased())], body: body)
        } catch {
            return error.response
        }
    }

    // MARK: - Coding

    static func decode<T: RolesAnywhereShape>(_ type: T.Type, _ body: [UInt8]) throws(EmulatorError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
        } catch DecodingError.keyNotFound(let key, _) {
            throw EmulatorError.validation("1 validation error detected: Value null at '\(key.stringValue)' failed to satisfy constraint: Member must not be null")
        } catch {
            throw EmulatorError(status: 400, code: "SerializationException", message: "The request body does not match the model: \(error)")
        }
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    static func validate(_ value: some RolesAnywhereShape) throws(EmulatorError) {
        do {
            try value.validate("")
        } catch {
            throw EmulatorError.validation(error.message.hasPrefix(".") ? String(error.message.dropFirst()) : error.message)
        }
    }

    // MARK: - Store

    func load<T: Decodable>(_ type: T.Type, _ kind: EmulatorStore.Kind, id: String) throws(EmulatorError) -> (T, EmulatorStore.Entry) {
        guard let entry = try store.get(kind, id: id) else {
            throw EmulatorError.notFound("\(Self.noun(kind)) \(id) not found")
        }
        do {
            return (try JSONDecoder().decode(T.self, from: entry.document), entry)
        } catch {
            throw EmulatorError(status: 500, code: "InternalServerException", message: "stored \(Self.noun(kind)) \(id) is unreadable")
        }
    }

    func save(_ kind: EmulatorStore.Kind, id: String, arn: String, lookup: String? = nil, _ value: some Encodable) throws(EmulatorError) {
        try store.put(kind, id: id, arn: arn, lookup: lookup, document: Data(Self.encode(value)))
    }

    static func noun(_ kind: EmulatorStore.Kind) -> String {
        switch kind {
        case .trustAnchor: "Trust anchor"
        case .profile: "Profile"
        case .crl: "CRL"
        case .subject: "Subject"
        }
    }

    func arn(_ kind: EmulatorStore.Kind, _ id: String) -> String { kind.arn(region: region, accountId: accountId, id: id) }

    static func newId() -> String { UUID().uuidString.lowercased() }

    /// The clock's time at second precision, as the service reports.
    func timestamp() -> Date { Self.secondPrecision(clock.now()) }

    static func secondPrecision(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }
}
