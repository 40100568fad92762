import RoleKitServices

/// Step 2 of `CreateSession`: what the profile allows a trusted caller.
///
/// The profile must be enabled and list the role; a `roleSessionName` needs
/// `acceptRoleSessionName`; `requireInstanceProperties` needs instance properties; the duration
/// (3600 s unless asked) must be within 900–43200 s and the profile's `durationSeconds`.
struct CreateSessionAuthorization: Hashable {
    var roleArn: String
    /// The caller's `roleSessionName`, or `nil` for the default (the certificate's serial).
    var roleSessionName: String?
    var durationSeconds: Int

    /// - Throws: `AccessDeniedException` or `ValidationException`, as the service answers.
    init(profile: RolesAnywhere.ProfileDetail, parameters: CreateSessionParameters) throws(EmulatorError) {
        let name = profile.name ?? profile.profileId ?? "?"
        guard profile.enabled == true else { throw EmulatorError.accessDenied("Profile \(name) is disabled") }
        guard (profile.roleArns ?? []).contains(parameters.roleArn) else {
            throw EmulatorError.accessDenied("Role \(parameters.roleArn) is not in profile \(name)")
        }
        if parameters.roleSessionName != nil, profile.acceptRoleSessionName != true {
            throw EmulatorError.accessDenied("Not authorized to set roleSessionName")
        }
        if profile.requireInstanceProperties == true, parameters.instanceProperties?.isEmpty ?? true {
            throw EmulatorError.accessDenied("Profile \(name) requires instance properties")
        }
        let duration = parameters.durationSeconds ?? 3600
        guard (900...43_200).contains(duration) else {
            throw EmulatorError.validation("durationSeconds must be between 900 and 43200")
        }
        let maximum = profile.durationSeconds ?? 3600
        guard duration <= maximum else {
            throw EmulatorError.validation("durationSeconds \(duration) exceeds the profile's maximum of \(maximum)")
        }
        roleArn = parameters.roleArn
        roleSessionName = parameters.roleSessionName
        durationSeconds = duration
    }
}
