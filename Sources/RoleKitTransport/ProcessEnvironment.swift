import AsyncHTTPClient
public import FoundationEssentials
public import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
public import RoleKitSigning
import RoleKitSupport
import Synchronization

/// Reads the process environment without Foundation's `ProcessInfo` (FoundationEssentials only).
public enum ProcessEnvironment {
    /// The process's variable `name` (prefer an injected ``AWSEnvironment``).
    public static func value(_ name: String) -> String? { SystemEnvironment.value(name) }

    /// botocore's configured endpoint for a service: `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `STS`,
    /// `IAM`, `ROLESANYWHERE`), else `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`
    /// is `true`; `nil` when none applies.
    ///
    /// - Throws: A malformed value is an error naming the variable: requests are never sent to
    ///   the default AWS endpoint instead of the one the user meant.
    public static func configuredEndpoint(service: String, environment: (String) -> String?) throws(TransportError) -> URL? {
        guard environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.lowercased() != "true" else { return nil }
        for name in ["AWS_ENDPOINT_URL_\(service)", "AWS_ENDPOINT_URL"] {
            if let value = environment(name), !value.isEmpty { return try EndpointURL.parse(value, origin: name) }
        }
        return nil
    }
}
