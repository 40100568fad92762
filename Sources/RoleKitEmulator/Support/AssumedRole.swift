import RoleKitServices

/// The assumed-role identity of a session for a role: `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`.
///
/// The role ARN is read with RoleKitServices' ``RoleKitServices/ARN``: the account is its
/// account id, the name the last `/` component of its resource (`role/path/name` → `name`).
/// An ARN that does not parse keeps `fallbackAccount` and the text after its last `/`.
struct AssumedRole: Hashable {
    var account: String
    var roleName: String
    var sessionName: String

    /// - Parameter fallbackAccount: Used when the ARN does not parse, and also when its account is
    ///   empty if `emptyAccountFallsBack` is set.
    init(roleArn: String, sessionName: String, fallbackAccount: String, emptyAccountFallsBack: Bool) {
        let arn = try? ARN(parsing: roleArn)
        let resource = arn?.resource ?? roleArn
        roleName = resource.split(separator: "/").last.map(String.init) ?? "role"
        if let arn, !(emptyAccountFallsBack && arn.accountId.isEmpty) {
            account = arn.accountId
        } else {
            account = fallbackAccount
        }
        self.sessionName = sessionName
    }

    var arn: String { "arn:aws:sts::\(account):assumed-role/\(roleName)/\(sessionName)" }
}
