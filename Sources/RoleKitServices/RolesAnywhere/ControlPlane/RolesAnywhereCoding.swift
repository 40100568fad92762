public import FoundationEssentials
import RoleKitSigning

/// A JSON member name of the Roles Anywhere model.
public struct RolesAnywhereCodingKey: CodingKey, Hashable, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }
    public init(_ name: String) { self.stringValue = name }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == RolesAnywhereCodingKey {
    /// An ISO-8601 timestamp (with or without fractional seconds), or epoch seconds.
    public func decodeTimestamp(forKey key: Key) throws -> Date {
        if let text = try? decode(String.self, forKey: key) {
            guard let date = ISO8601Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "\(key.stringValue) is not an ISO-8601 timestamp")
            }
            return date
        }
        let seconds = try decode(Double.self, forKey: key)
        guard let date = ISO8601Timestamp.date(epochSeconds: seconds) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "\(key.stringValue) is not a time between 1970 and 9999")
        }
        return date
    }

    public func decodeTimestampIfPresent(forKey key: Key) throws -> Date? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeTimestamp(forKey: key)
    }
}

extension KeyedEncodingContainer where Key == RolesAnywhereCodingKey {
    /// Writes `2024-01-02T03:04:05.678Z`, the form the service uses.
    public mutating func encodeTimestamp(_ date: Date, forKey key: Key) throws {
        let whole = ISO8601Timestamp.format(date)
        let seconds = date.timeIntervalSince1970
        let fraction = seconds.isFinite ? seconds - seconds.rounded(.down) : 0
        let milliseconds = min(999, max(0, Int((fraction * 1000).rounded(.down))))
        let text = whole.dropLast() + "." + String(String(milliseconds + 1000).dropFirst()) + "Z"
        try encode(String(text), forKey: key)
    }

    public mutating func encodeTimestampIfPresent(_ date: Date?, forKey key: Key) throws {
        if let date { try encodeTimestamp(date, forKey: key) }
    }
}

/// The model's constraints, checked before a request is sent (and by the emulator).
public enum RolesAnywhereValidation {
    public static func string(_ value: String, _ path: String, min: Int? = nil, max: Int? = nil, pattern: String? = nil) throws(RolesAnywhereError) {
        try count(value.count, path, min: min, max: max, unit: "characters")
        if let pattern {
            let matches: Bool
            do {
                matches = try Regex(pattern).wholeMatch(in: value) != nil
            } catch {
                matches = true  // a pattern Swift cannot compile is not enforced
            }
            guard matches else {
                throw RolesAnywhereError(.invalidInput, "\(path) must match \(pattern)")
            }
        }
    }

    public static func integer(_ value: Int, _ path: String, min: Int? = nil, max: Int? = nil) throws(RolesAnywhereError) {
        if let min, value < min { throw RolesAnywhereError(.invalidInput, "\(path) must be at least \(min), not \(value)") }
        if let max, value > max { throw RolesAnywhereError(.invalidInput, "\(path) must be at most \(max), not \(value)") }
    }

    public static func count(_ count: Int, _ path: String, min: Int? = nil, max: Int? = nil, unit: String = "items") throws(RolesAnywhereError) {
        if let min, count < min { throw RolesAnywhereError(.invalidInput, "\(path) must have at least \(min) \(unit), not \(count)") }
        if let max, count > max { throw RolesAnywhereError(.invalidInput, "\(path) must have at most \(max) \(unit), not \(count)") }
    }
}

/// Operation names as boto3 spells them.
public enum RolesAnywhereNaming {
    /// `ListTagsForResource` → `list_tags_for_resource`.
    public static func snakeCase(_ name: String) -> String {
        var out = ""
        for (index, character) in name.enumerated() {
            if character.isUppercase, index > 0 { out.append("_") }
            out.append(contentsOf: character.lowercased())
        }
        return out
    }
}
