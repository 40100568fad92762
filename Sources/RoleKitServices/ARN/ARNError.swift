/// A malformed or unexpected ARN.
public struct ARNError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    /// The parameter that held it (`roleArn`, …), when a check named one.
    public var parameter: String?
    public var reason: String
    public var description: String { "invalid ARN \"\(text)\": \(reason)" }
}
