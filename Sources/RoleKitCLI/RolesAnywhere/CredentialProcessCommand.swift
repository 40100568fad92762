import ArgumentParser
import FoundationEssentials
import Logging
import RoleKitArgumentParser
import RoleKitCredentials
import RoleKitIdentity
import RoleKitSigning
import RoleKitTransport

/// `rolekit credential-process`: prints credential_process JSON, as `aws_signing_helper`.
struct CredentialProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential-process",
        // Parsed on its own first (see `RoleKitCommand.directlyParsed`): usage says `rolekit`.
        _superCommandName: "rolekit",
        abstract: "Get Roles Anywhere credentials and print them as credential_process JSON (Version 1).",
        discussion: """
            Put it in ~/.aws/config:
              credential_process = rolekit credential-process --certificate cert.pem --private-key key.pem --trust-anchor-arn ... --profile-arn ... --role-arn ...
            With --cache the answer is reused until 15 minutes before it expires, which keeps
            every AWS CLI command from calling CreateSession (it is rate-limited).
            """
    )

    @OptionGroup var options: RolesAnywhereOptions

    @Flag(help: "Reuse credentials from a 0600 file cache until 15 minutes before they expire.")
    var cache = false

    @Option(name: .customLong("cache-dir"), help: ArgumentHelp("Directory of the --cache files (default ~/.cache/rolekit/credential-process).", valueName: "path"))
    var cacheDirectory: String?

    private var fileCache: CredentialProcessCache? {
        guard cache else { return nil }
        let environment = AWSEnvironment.process
        let directory = cacheDirectory.map(environment.expandingTilde) ?? CredentialProcessCache.defaultDirectory(environment: environment)
        return CredentialProcessCache(directory: directory)
    }

    func run() async throws {
        let fileCache = self.fileCache
        let output = try await StandardError.failingWithOneLine {
            try await Self.credentialProcessOutput(options: options, cache: fileCache)
        }
        print(output)
    }

    /// The JSON line `credential-process` prints: from the cache when fresh, else from
    /// `CreateSession` (the path `quickstart` takes too).
    static func credentialProcessOutput(options: RolesAnywhereOptions, cache: CredentialProcessCache?, logger: Logger? = nil) async throws -> String {
        let logger = logger ?? options.logger
        let configuration = try options.providerConfiguration
        let fetch: @Sendable () async throws -> Credentials = { try await Self.fetch(options: options, configuration: configuration, logger: logger) }
        guard let cache else { return try await fetch().credentialProcessJSON() }
        let cached = FileCachedCredentialProvider(cache: cache, key: configuration.cacheKey(), logger: logger, onWriteFailure: { error in
            // The credentials are good; a cache that cannot be written only costs a call next time.
            StandardError.line("rolekit: warning: could not write the credential cache: \(error)")
        }, fetch: fetch)
        return try await cached.credentials().credentialProcessJSON()
    }

    private static func fetch(options: RolesAnywhereOptions, configuration: RolesAnywhereCredentialProvider.Configuration, logger: Logger) async throws -> Credentials {
        let transport = try options.makeTransport(logger: logger)
        do {
            let provider = RolesAnywhereCredentialProvider(configuration: configuration, passphrase: options.identity.passphrase.source, pkcs11: options.identity.pkcs11.options, tpm: options.identity.tpm.options, transport: transport, logger: logger)
            try provider.validate()
            let credentials = try await provider.credentials()
            try? await transport.shutdown()
            return credentials
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }
}

extension CredentialProcessCommand: SynchronousFastPath {
    /// With `--cache` and a fresh entry: the cached answer, read and printed without starting
    /// the concurrency runtime (what `FileCachedCredentialProvider` would return first).
    func runSynchronouslyIfPossible() throws -> Bool {
        guard let fileCache else { return false }
        let cached: Credentials?
        do {
            cached = fileCache.read(key: try options.providerConfiguration.cacheKey())?.0
        } catch {
            // The asynchronous path reports the same error with its usual one line.
            return false
        }
        guard let cached else { return false }
        options.logger.debug("using cached credentials", metadata: ["accessKeyId": "\(cached.accessKeyId)"])
        print(try cached.credentialProcessJSON())
        return true
    }
}
