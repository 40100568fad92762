import RoleKitServices

/// A control-plane operation and the function that answers it.
///
/// The resource files (`ControlPlaneEmulator+TrustAnchors.swift`, `+Profiles`, `+CRLs`,
/// `+Subjects`, `+Tags`) each list their routes; the server registers them on Hummingbird's
/// router with the operation's method and URI template (`/trustanchor/{trustAnchorId}`).
struct ControlPlaneRoute: Sendable {
    typealias Handler = @Sendable (ControlPlaneEmulator, ControlPlaneCall) throws(EmulatorError) -> [UInt8]

    let operation: RolesAnywhere.Operation
    let handler: Handler

    init(_ operation: RolesAnywhere.Operation, _ handler: @escaping Handler) {
        self.operation = operation
        self.handler = handler
    }

    /// `201` for the `Create…` operations, `200` for the others, as the model says.
    var successStatus: Int { operation.name.hasPrefix("Create") ? 201 : 200 }

    /// The segments of the URI template, without the leading empty one.
    var templateSegments: [Substring] {
        Array(operation.requestURI.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
    }

    /// The names of the template's `{parameters}`.
    var parameterNames: [String] {
        templateSegments.compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }
}
