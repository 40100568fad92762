public import ArgumentParser

/// The version of this build.
public enum RoleKitVersion {
    public static let string = "0.1.0"
}
