public import FoundationEssentials
public import RoleKitSigning
public import RoleKitTransport

/// The IAM Roles Anywhere data plane: `CreateSession`, signed with SigV4-X509.
public struct RolesAnywhereClient: Sendable {
    public let transport: HTTPTransport
    /// Overrides `https://rolesanywhere.REGION.amazonaws.com` (for example the emulator).
    public let endpoint: URL?

    public init(transport: HTTPTransport, endpoint: URL? = nil) {
        self.transport = transport
        self.endpoint = endpoint
    }

    /// The endpoint for `region` (China regions use `amazonaws.com.cn`).
    public static func defaultEndpoint(region: String) throws(RolesAnywhereError) -> URL {
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        guard RegionName.isValid(region), let url = URL(string: "https://rolesanywhere.\(region.lowercased()).\(suffix)") else {
            throw RolesAnywhereError(.configuration, RegionName.problem(region, origin: "the Roles Anywhere region"))
        }
        return url
    }

    /// Calls `CreateSession`.
    /// - Parameters:
    ///   - input: The ARNs, duration and optional session name (validated before sending).
    ///   - region: The signing region; defaults to the trust anchor's.
    ///   - signer: Makes the SigV4-X509 signer for the region; called for each attempt, so a
    ///     rotated certificate is picked up.
    public func createSession(
        _ input: CreateSessionInput,
        region: String? = nil,
        signer: @Sendable (String) throws -> SigV4X509Signer
    ) async throws(RolesAnywhereError) -> CreateSessionOutput {
        let signingRegion = try input.validate(region: region)
        let base: URL
        if let endpoint { base = endpoint } else { base = try Self.defaultEndpoint(region: signingRegion) }
        guard let host = base.host() else {
            throw RolesAnywhereError(.configuration, "the endpoint \(EndpointURL.display(base)) has no host")
        }
        var path = base.path(percentEncoded: true)
        if path.hasSuffix("/") { path.removeLast() }
        let request = SigningRequest(
            method: "POST",
            path: path + "/sessions",
            headers: [
                .init("Host", base.port.map { "\(host):\($0)" } ?? host),
                .init("Content-Type", "application/json"),
            ],
            body: input.jsonBody()
        )
        let response: HTTPResponse
        do {
            response = try await transport.send(
                request,
                to: base,
                sign: { request, date in
                    do {
                        return try signer(signingRegion).sign(request, at: date)
                    } catch let error as RolesAnywhereError {
                        throw error
                    } catch {
                        throw RolesAnywhereError(.signing, "could not sign the request: \(error)")
                    }
                },
                parseError: RestJSONError.parse
            )
        } catch let error as RolesAnywhereError {
            throw error
        } catch let error as TransportError {
            throw RolesAnywhereError.from(error)
        } catch {
            throw RolesAnywhereError(.signing, "\(error)")
        }
        let output: CreateSessionOutput
        do {
            output = try JSONDecoder().decode(CreateSessionOutput.self, from: Data(response.body))
        } catch {
            throw RolesAnywhereError(.malformedResponse, "CreateSession returned HTTP \(response.status) with a body that is not the expected JSON")
        }
        guard let first = output.credentialSet.first, first.credentials != nil else {
            throw RolesAnywhereError(.malformedResponse, "CreateSession returned no credentials (empty credentialSet)")
        }
        return output
    }
}
