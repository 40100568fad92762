public import FoundationEssentials
public import RoleKitTransport
import RoleKitSigning

/// A provider that knows a region (the default for clients and for roles assumed from it).
public protocol RegionalCredentialProvider: CredentialProvider {
    /// The current region, if the source has one.
    var region: String? { get }
}
