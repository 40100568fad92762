public import FoundationEssentials
public import RoleKitSigning
public import RoleKitTransport

/// A request or response shape of the Roles Anywhere model.
public protocol RolesAnywhereShape: Codable, Sendable {
    /// Checks the model's constraints; `path` names the value in error messages.
    func validate(_ path: String) throws(RolesAnywhereError)
}

/// The IAM Roles Anywhere control plane (trust anchors, profiles, CRLs, subjects, tags,
/// attribute mappings, notification settings): rest-json over HTTPS, signed with SigV4 for the
/// service `rolesanywhere`. One method per operation of the service model (generated, see
/// `scripts/generate/rolesanywhere_control_plane.py`), and paginators as `AsyncSequence`s.
///
/// ```swift
/// let client = RolesAnywhereControlPlane(transport: transport, region: "eu-west-1") { try await provider.credentials().signingCredentials }
/// for try await profile in client.listProfilesItems(pageSize: 50) { print(profile.name ?? "") }
/// ```
public struct RolesAnywhereControlPlane: Sendable {
    public let transport: HTTPTransport
    public let region: String
    /// Overrides `https://rolesanywhere.REGION.amazonaws.com` (for example the emulator); by
    /// default `AWS_ENDPOINT_URL_ROLESANYWHERE` or `AWS_ENDPOINT_URL` when set.
    public let endpoint: URL?
    /// Check each input against the model's constraints before sending (default on).
    public var validatesInput: Bool
    /// A malformed region or `AWS_ENDPOINT_URL*` value, reported by every call.
    private let configurationProblem: RolesAnywhereError?
    private let credentials: @Sendable () async throws -> SigningCredentials

    /// - Parameter credentials: Asked before each call (so a refreshing provider fits).
    public init(
        transport: HTTPTransport,
        region: String,
        endpoint: URL? = nil,
        validatesInput: Bool = true,
        environment: (String) -> String? = ProcessEnvironment.value,
        credentials: @escaping @Sendable () async throws -> SigningCredentials
    ) {
        self.transport = transport
        self.region = region
        do {
            if let endpoint { self.endpoint = endpoint } else { self.endpoint = try ProcessEnvironment.configuredEndpoint(service: "ROLESANYWHERE", environment: environment) }
            self.configurationProblem = nil
        } catch {
            self.endpoint = nil
            self.configurationProblem = RolesAnywhereError(.configuration, error.message)
        }
        self.validatesInput = validatesInput
        self.credentials = credentials
    }

    /// Sends one operation and decodes its answer.
    func perform<Input: RolesAnywhereShape, Output: Decodable>(
        _ operation: RolesAnywhere.Operation,
        _ input: Input,
        pathParameters: [String: String],
        query: [(String, String)]
    ) async throws(RolesAnywhereError) -> Output {
        if let configurationProblem { throw configurationProblem }
        // The signing region, whether or not the endpoint is explicit.
        guard RegionName.isValid(region) else { throw RolesAnywhereError(.configuration, RegionName.problem(region, origin: "the Roles Anywhere region")) }
        if validatesInput { try input.validate(RolesAnywhereNaming.snakeCase(operation.name)) }
        let base: URL
        if let endpoint { base = endpoint } else { base = try RolesAnywhereClient.defaultEndpoint(region: region) }
        guard base.host() != nil else { throw RolesAnywhereError(.configuration, "the endpoint \(EndpointURL.display(base)) has no host") }
        var path = base.path(percentEncoded: true)
        if path.hasSuffix("/") { path.removeLast() }
        var uri = operation.requestURI
        for (name, value) in pathParameters {
            guard !value.isEmpty else { throw RolesAnywhereError(.invalidInput, "\(name) must not be empty") }
            uri = uri.replacing("{\(name)}", with: URIEncoding.encode(value))
        }
        let queryText = query.map { "\(URIEncoding.encode($0.0))=\(URIEncoding.encode($0.1))" }.joined(separator: "&")
        var headers: [SigningRequest.Header] = []
        var body: [UInt8] = []
        if ["POST", "PUT", "PATCH"].contains(operation.method) {
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
                body = Array(try encoder.encode(input))
            } catch {
                throw RolesAnywhereError(.invalidInput, "\(operation.name): \(error)")
            }
            headers.append(.init("Content-Type", "application/json"))
        }
        let signing: SigningCredentials
        do {
            signing = try await credentials()
        } catch let error as RolesAnywhereError {
            throw error
        } catch {
            throw RolesAnywhereError(.signing, "no credentials to sign \(operation.name): \(error)")
        }
        var request = SigningRequest(method: operation.method, url: base, headers: headers, body: body)
        request.path = path + uri
        request.query = queryText
        let region = self.region
        let response: HTTPResponse
        do {
            response = try await transport.send(
                request,
                to: base,
                sign: { request, date in SigV4Signer(credentials: signing, region: region, service: "rolesanywhere").sign(request, at: date) },
                parseError: RestJSONError.parse
            )
        } catch let error as TransportError {
            throw RolesAnywhereError.controlPlane(error, operation: operation.name)
        } catch {
            throw RolesAnywhereError(.signing, "\(error)")
        }
        do {
            return try JSONDecoder().decode(Output.self, from: Data(response.body.isEmpty ? Array("{}".utf8) : response.body))
        } catch {
            throw RolesAnywhereError(.malformedResponse, "\(operation.name) returned HTTP \(response.status) with a body that is not the expected JSON (\(error))")
        }
    }
}

/// The pages of a paginated list operation, fetched one at a time as the sequence is iterated.
public struct RolesAnywherePages<Page: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Page
    let pageSize: Int?
    let nextToken: @Sendable (Page) -> String?
    let fetch: @Sendable (RolesAnywhere.ListRequest) async throws(RolesAnywhereError) -> Page

    init(pageSize: Int?, nextToken: @escaping @Sendable (Page) -> String?, fetch: @escaping @Sendable (RolesAnywhere.ListRequest) async throws(RolesAnywhereError) -> Page) {
        self.pageSize = pageSize
        self.nextToken = nextToken
        self.fetch = fetch
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let pages: RolesAnywherePages
        var token: String?
        var finished = false
        var seen: Set<String> = []

        public mutating func next() async throws -> Page? {
            guard !finished else { return nil }
            let page = try await pages.fetch(.init(nextToken: token, pageSize: pages.pageSize))
            token = pages.nextToken(page).flatMap { $0.isEmpty ? nil : $0 }
            if let token {
                // A service that hands out a token twice would loop for ever.
                guard seen.insert(token).inserted else {
                    throw RolesAnywhereError(.malformedResponse, "the service returned the same nextToken twice")
                }
            } else {
                finished = true
            }
            return page
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: self) }
}

/// The items of every page of a paginated list operation.
public struct RolesAnywhereItems<Page: Sendable, Item: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Item
    let pages: RolesAnywherePages<Page>
    let items: @Sendable (Page) -> [Item]

    init(pages: RolesAnywherePages<Page>, items: @escaping @Sendable (Page) -> [Item]) {
        self.pages = pages
        self.items = items
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pages: RolesAnywherePages<Page>.AsyncIterator
        let items: @Sendable (Page) -> [Item]
        var buffer: [Item] = []

        public mutating func next() async throws -> Item? {
            while buffer.isEmpty {
                guard let page = try await pages.next() else { return nil }
                buffer = items(page).reversed()
            }
            return buffer.popLast()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: pages.makeAsyncIterator(), items: items) }

    /// All items, fetching every page; at most `limit` when given.
    public func collect(limit: Int? = nil) async throws -> [Item] {
        var all: [Item] = []
        for try await item in self {
            all.append(item)
            if let limit, all.count >= limit { break }
        }
        return all
    }
}
