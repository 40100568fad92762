public import FoundationEssentials
import RoleKitServices
import RoleKitSupport

/// Where an MFA code comes from when a profile (or `--mfa-serial`) needs one, in order:
/// a command whose standard output is the code (`mfa_process`, aws-vault's key, or
/// `--mfa-process`); a YubiKey's OATH account through `ykman oath accounts code --single`
/// (`mfa_ykman_account`); the caller's prompt (the terminal, for the CLI); else a typed error
/// saying how to give one.
///
/// Commands run without a shell, stdin from `/dev/null`, for at most ``timeout`` (touching a
/// key takes a moment), and may print at most 256 bytes; the code must be 6 digits. Messages
/// name the program only, never its command line or what it printed.
public struct MFACodeSource: Sendable, Hashable {
    /// A command line (shell words) printing the code.
    public var process: String?
    /// The OATH account `ykman` reads the code from.
    public var ykmanAccount: String?
    /// Asks the user (`nil`: no one to ask).
    public var prompt: (@Sendable (_ serial: String) async throws -> String)?
    public var timeout: Duration

    public init(process: String? = nil, ykmanAccount: String? = nil, prompt: (@Sendable (_ serial: String) async throws -> String)? = nil, timeout: Duration = .seconds(120)) {
        self.process = process
        self.ykmanAccount = ykmanAccount
        self.prompt = prompt
        self.timeout = timeout
    }

    /// This source with a profile's `mfa_process` and `mfa_ykman_account` (an explicit
    /// `--mfa-process` wins over the profile's).
    public func applying(profile: SharedConfiguration.Profile) -> MFACodeSource {
        var source = self
        if source.process == nil, let command = profile["mfa_process"], !command.isEmpty { source.process = command }
        if source.ykmanAccount == nil, let account = profile["mfa_ykman_account"], !account.isEmpty { source.ykmanAccount = account }
        return source
    }

    /// Equal when the commands, the account and the timeout are, and both have a prompt or neither
    /// (closures cannot be compared).
    public static func == (lhs: MFACodeSource, rhs: MFACodeSource) -> Bool {
        lhs.process == rhs.process && lhs.ykmanAccount == rhs.ykmanAccount && lhs.timeout == rhs.timeout && (lhs.prompt == nil) == (rhs.prompt == nil)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(process)
        hasher.combine(ykmanAccount)
        hasher.combine(timeout)
        hasher.combine(prompt == nil)
    }

    /// Whether anything can give a code.
    public var canProvide: Bool { process != nil || ykmanAccount != nil || prompt != nil }

    /// A code for `serial`, checked to be 6 digits.
    /// - Parameter context: Names what needs it (`profile dev`), for the error without a source.
    public func code(serial: String, context: String) async throws -> String {
        let code: String
        if let process {
            guard let arguments = ShellWords.split(process), let first = arguments.first, !first.isEmpty else {
                throw STSError(.mfaCodeRequired, "the mfa_process setting of \(context) is not a valid command line (check its quotes and backslashes)")
            }
            code = try await Self.run(arguments, what: "mfa_process", timeout: timeout)
        } else if let ykmanAccount {
            code = try await Self.run(["ykman", "oath", "accounts", "code", "--single", ykmanAccount], what: "ykman", timeout: timeout)
        } else if let prompt {
            code = try await prompt(serial).filter { !$0.isWhitespace }
        } else {
            throw STSError(
                .mfaCodeRequired,
                "\(context) needs an MFA code for \(serial) and nothing can give one here: set mfa_process (a command printing the code) or mfa_ykman_account in the profile, pass --mfa-process, or run on a terminal"
            )
        }
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw STSError(.mfaCodeRequired, "the MFA code for \(serial) from \(process != nil ? "mfa_process" : ykmanAccount != nil ? "ykman" : "the prompt") is not 6 digits")
        }
        return code
    }

    static let maximumOutput = 256

    /// Runs a code-printing program and returns its output without white space.
    static func run(_ arguments: [String], what: String, timeout: Duration) async throws -> String {
        let program = ProcessCredentialProvider.programName(arguments[0])
        let bounded = min(max(timeout, .milliseconds(1)), .seconds(600))
        let outcome = await DedicatedThread.run { ChildProcess.runCapturingOutput(arguments, timeout: bounded, maximumOutput: maximumOutput) }
        switch outcome {
        case .finished(let status, let printed):
            let signal = status & 0x7f
            guard signal == 0, (status >> 8) & 0xff == 0 else {
                throw STSError(.mfaCodeRequired, signal == 0 ? "\(what) \(program) exited with status \((status >> 8) & 0xff) instead of printing an MFA code" : "\(what) \(program) was killed by signal \(signal)")
            }
            return String(decoding: printed, as: UTF8.self).filter { !$0.isWhitespace }
        case .pipeFailed(let code), .readFailed(let code):
            throw STSError(.mfaCodeRequired, "cannot read the output of \(what) \(program) (errno \(code))")
        case .spawnFailed(let code):
            throw STSError(.mfaCodeRequired, "\(what): cannot run \(program) (\(ChildProcess.describe(errno: code)))")
        case .timedOut:
            throw STSError(.mfaCodeRequired, "\(what) \(program) printed no MFA code within \(bounded); it was stopped")
        case .tooMuchOutput:
            throw STSError(.mfaCodeRequired, "\(what) \(program) printed more than \(maximumOutput) bytes, not an MFA code; it was stopped")
        }
    }
}
