import ArgumentParser
import RoleKitArgumentParser
import FoundationEssentials
import RoleKitSupport
import RoleKitCredentials
import RoleKitServices
import RoleKitIdentity
import RoleKitSigning
import RoleKitTransport

/// Flags shared by the control-plane commands: endpoint, output, transport and the auth options.
struct ControlPlaneOptions: ParsableArguments {
    enum Output: String, ExpressibleByArgument, CaseIterable {
        case json, table, text
    }

    @OptionGroup(title: "Credentials") var auth: AWSAuthOptions

    @Option(name: .customLong("endpoint-url"), help: ArgumentHelp("Roles Anywhere endpoint (default: AWS_ENDPOINT_URL_ROLESANYWHERE, AWS_ENDPOINT_URL, else https://rolesanywhere.REGION.amazonaws.com).", valueName: "url"))
    var endpointURL: String?

    @Option(help: "Output: json (the API's answer), table or text (tab-separated).")
    var output: Output = .json

    @OptionGroup var transport: TransportOptions

    /// `--endpoint-url`; without it the client reads `AWS_ENDPOINT_URL_ROLESANYWHERE` itself.
    func endpoint() throws -> URL? {
        try endpointURL.map(RolesAnywhereOptions.parseEndpoint)
    }

    /// Runs `body` with a client signed by the auth options' credentials; prints its result.
    func run(_ body: (RolesAnywhereControlPlane) async throws -> RenderedValue) async throws {
        let text = try await StandardError.failingWithOneLine { () async throws -> String in
            try await transport.withTransport { transport in
                let session = auth.session(transport: transport)
                let provider = try await session.provider()
                let client = RolesAnywhereControlPlane(transport: transport, region: session.region, endpoint: try endpoint()) {
                    try await provider.credentials().signingCredentials
                }
                let value = try await body(client)
                if auth.authDebug { StandardError.line("rolekit: credentials from \(session.method ?? "?")") }
                return value.render(output)
            }
        }
        if !text.isEmpty { print(text) }
    }

    /// `--tag KEY=VALUE` values as model tags.
    static func tags(_ values: [String]) throws -> [RolesAnywhere.Tag]? {
        guard !values.isEmpty else { return nil }
        return try values.map { text in
            let (key, value) = try AssumeRoleCommand.keyValue(text, flag: "--tag")
            return RolesAnywhere.Tag(key: key, value: value)
        }
    }

    /// An id, or the id at the end of an ARN (`…:profile/ID`).
    static func id(_ value: String) -> String {
        value.hasPrefix("arn:") ? String(value.split(separator: "/").last ?? Substring(value)) : value
    }

    /// A file's text (`@path` or a plain path).
    static func fileText(_ path: String, what: String) throws -> String {
        let bytes = try SecureFileReader.readFile(SecureFileReader.expandTilde(path.hasPrefix("@") ? String(path.dropFirst()) : path), what: what)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// An answer to print: the API's JSON, and for table/text the rows of the interesting part.
struct RenderedValue {
    /// The whole answer as JSON.
    var json: JSONValue
    /// The rows for table and text output (one object per row).
    var rows: [JSONValue]
    /// Preferred column order; other scalar members follow alphabetically.
    var columns: [String]

    init(_ value: some Encodable, rows: (JSONValue) -> [JSONValue], columns: [String]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let decoded = (try? encoder.encode(value)).flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) } ?? .object([])
        self.json = decoded
        self.rows = rows(decoded)
        self.columns = columns
    }

    /// Nothing to print (an operation that answers `{}`).
    static var empty: RenderedValue { RenderedValue([String: String](), rows: { _ in [] }, columns: []) }

    func render(_ output: ControlPlaneOptions.Output) -> String {
        switch output {
        case .json:
            if case .object(let members) = json, members.isEmpty { return "" }
            return JSONWriter.pretty().render(json.sortingKeys)
        case .text, .table:
            let names = columnNames()
            let cells = rows.map { row in names.map { row[$0]?.scalarText ?? "" } }
            if output == .text { return cells.map { $0.joined(separator: "\t") }.joined(separator: "\n") }
            guard !cells.isEmpty else { return "(none)" }
            var widths = names.map(\.count)
            for row in cells { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
            func line(_ values: [String]) -> String {
                zip(values, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ").trimmingTrailingSpaces()
            }
            return ([line(names), line(widths.map { String(repeating: "-", count: $0) })] + cells.map(line)).joined(separator: "\n")
        }
    }

    private func columnNames() -> [String] {
        var present: Set<String> = []
        for row in rows {
            if case .object(let members) = row {
                for member in members where member.value.scalarText != nil { present.insert(member.name) }
            }
        }
        return columns.filter(present.contains) + present.subtracting(columns).sorted()
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

extension JSONValue {
    /// The value of a scalar as text (as the AWS CLI's text output shows it); `nil` for arrays
    /// and objects.
    var scalarText: String? {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .double(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let value): return value.replacing("\n", with: "\\n")
        case .array, .object: return nil
        }
    }

    var arrayValue: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
}
