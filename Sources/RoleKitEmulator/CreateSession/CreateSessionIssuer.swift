import FoundationEssentials
import RoleKitServices
import RoleKitSigning
import RoleKitTransport
import X509

/// Step 3 of `CreateSession`: mints the session of an authorized caller, expiring
/// `durationSeconds` after the emulator's time.
///
/// The session name is the caller's `roleSessionName`, or the certificate's serial in
/// lowercase hexadecimal as the service does; the source identity is the certificate's common
/// name (else its whole subject).
struct CreateSessionIssuer {
    /// The account of assumed-role ARNs when the role ARN names none.
    var defaultAccount: String
    /// ``EmulatorConfiguration/sessionLifetimeSeconds``: a lifetime that overrides the duration.
    var lifetimeOverride: Int? = nil

    struct Issued {
        var session: RolesAnywhereEmulator.IssuedSession
        var output: CreateSessionOutput
    }

    func issue(_ authorization: CreateSessionAuthorization, leaf: Certificate, subjectArn: String, now: Date) -> Issued {
        let sessionName = authorization.roleSessionName ?? leaf.serialNumber.bytes.lowercaseHex
        let expiration = now.addingTimeInterval(TimeInterval(lifetimeOverride ?? authorization.durationSeconds))
        let subject = leaf.subject.description
        let session = RolesAnywhereEmulator.IssuedSession(
            accessKeyId: "ASIA" + RolesAnywhereEmulator.random(16, alphabet: Self.keyIdAlphabet),
            secretAccessKey: RolesAnywhereEmulator.random(40, alphabet: Self.secretAlphabet),
            sessionToken: "IQoJb3JpZ2luX2VtdWxhdG9y" + RolesAnywhereEmulator.random(300, alphabet: Self.secretAlphabet),
            roleArn: authorization.roleArn, sessionName: sessionName, expiration: expiration, subject: subject
        )
        let assumed = AssumedRole(roleArn: authorization.roleArn, sessionName: sessionName, fallbackAccount: defaultAccount, emptyAccountFallsBack: true)
        let output = CreateSessionOutput(
            credentialSet: [
                .init(
                    assumedRoleUser: .init(arn: assumed.arn, assumedRoleId: "AROA\(RolesAnywhereEmulator.random(17, alphabet: Self.keyIdAlphabet)):\(sessionName)"),
                    credentials: .init(
                        accessKeyId: session.accessKeyId,
                        secretAccessKey: session.secretAccessKey,
                        sessionToken: session.sessionToken,
                        expiration: ISO8601Timestamp.format(expiration)
                    ),
                    packedPolicySize: 0,
                    roleArn: authorization.roleArn,
                    sourceIdentity: leaf.subject.commonName ?? subject
                )
            ],
            subjectArn: subjectArn
        )
        return Issued(session: session, output: output)
    }

    static let keyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    static let secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
}
