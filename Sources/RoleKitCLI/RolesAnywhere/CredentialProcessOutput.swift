import Logging
import RoleKitArgumentParser
import RoleKitCredentials

/// `credential-process`'s answer for the front ends outside this module (`quickstart`, in
/// `rolekit-emulator`): the same code path, not a copy of it.
package enum CredentialProcessOutput {
    /// The JSON line `rolekit credential-process` prints for `options`.
    package static func json(options: RolesAnywhereOptions, cache: CredentialProcessCache? = nil, logger: Logger? = nil) async throws -> String {
        try await CredentialProcessCommand.credentialProcessOutput(options: options, cache: cache, logger: logger)
    }
}
