/// An Amazon Resource Name: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
///
/// Parsing checks the shape only (six parts, a known partition, a 12-digit account where one is
/// required); it never calls AWS.
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var accountId: String
    public var resource: String

    /// The partitions RoleKit knows.
    public static let knownPartitions: Set<String> = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]

    public init(partition: String, service: String, region: String, accountId: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.accountId = accountId
        self.resource = resource
    }

    /// Parses `text`, or throws an ``ARNError`` that says what is wrong.
    public init(parsing text: String) throws(ARNError) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn" else {
            throw ARNError(text: text, reason: "an ARN has the form arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE")
        }
        guard Self.knownPartitions.contains(parts[1]) else {
            throw ARNError(text: text, reason: "unknown partition \"\(parts[1])\" (expected aws, aws-cn or aws-us-gov)")
        }
        guard !parts[2].isEmpty, parts[2].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }) else {
            throw ARNError(text: text, reason: "the service part \"\(parts[2])\" is empty or malformed")
        }
        guard parts[4].isEmpty || parts[4] == "aws" || (parts[4].count == 12 && parts[4].allSatisfy(\.isASCIIDigit)) else {
            throw ARNError(text: text, reason: "the account id \"\(parts[4])\" must be 12 digits (or aws, for AWS managed policies)")
        }
        guard !parts[5].isEmpty else {
            throw ARNError(text: text, reason: "the resource part is empty")
        }
        self.init(partition: parts[1], service: parts[2], region: parts[3], accountId: parts[4], resource: parts[5])
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(accountId):\(resource)" }

    /// The resource type and id for `type/id` resources (`role/name`, `profile/uuid`).
    public var resourceTypeAndId: (type: String, id: String)? {
        guard let slash = resource.firstIndex(of: "/") else { return nil }
        return (String(resource[..<slash]), String(resource[resource.index(after: slash)...]))
    }
}

extension ARN {
    /// Checks that this is a Roles Anywhere ARN of `resourceType` (`profile`, `trust-anchor`, `crl`, `subject`).
    public func requireRolesAnywhere(_ resourceType: String, parameter: String) throws(ARNError) {
        guard service == "rolesanywhere" else {
            throw ARNError(text: description, parameter: parameter, reason: "\(parameter) must be a Roles Anywhere ARN (arn:aws:rolesanywhere:REGION:ACCOUNT:\(resourceType)/ID), not a \(service) ARN")
        }
        guard !region.isEmpty, !accountId.isEmpty else {
            throw ARNError(text: description, parameter: parameter, reason: "\(parameter) needs a region and an account id")
        }
        guard let (type, id) = resourceTypeAndId, type == resourceType, !id.isEmpty else {
            throw ARNError(text: description, parameter: parameter, reason: "\(parameter) must name a \(resourceType) (…:\(resourceType)/ID)")
        }
    }

    /// Checks that this is an IAM role ARN (`arn:aws:iam::ACCOUNT:role/NAME`).
    public func requireIAMRole(parameter: String) throws(ARNError) {
        guard service == "iam", region.isEmpty, !accountId.isEmpty, resource.hasPrefix("role/"), resource.count > 5 else {
            throw ARNError(text: description, parameter: parameter, reason: "\(parameter) must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
