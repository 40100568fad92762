import FoundationEssentials

/// The CreateSession parameters, from the JSON body or the query string. Read only once the
/// signature has verified.
struct CreateSessionParameters {
    var profileArn: String
    var roleArn: String
    var trustAnchorArn: String
    var durationSeconds: Int?
    var roleSessionName: String?
    var instanceProperties: [String: String]?

    init(body: [UInt8], query: String) throws(EmulatorError) {
        struct Body: Decodable {
            var profileArn: String?
            var roleArn: String?
            var trustAnchorArn: String?
            var durationSeconds: Int?
            var roleSessionName: String?
            var instanceProperties: [String: String]?
        }
        var decoded = Body()
        if !body.isEmpty {
            do {
                decoded = try JSONDecoder().decode(Body.self, from: Data(body))
            } catch {
                throw EmulatorError(status: 400, code: "SerializationException", message: "The request body is not valid JSON")
            }
        }
        for (name, value) in QueryString.items(query) {
            switch name {
            case "profileArn": decoded.profileArn = decoded.profileArn ?? value
            case "roleArn": decoded.roleArn = decoded.roleArn ?? value
            case "trustAnchorArn": decoded.trustAnchorArn = decoded.trustAnchorArn ?? value
            default: break
            }
        }
        guard let profileArn = decoded.profileArn, let roleArn = decoded.roleArn, let trustAnchorArn = decoded.trustAnchorArn else {
            throw EmulatorError.validation("profileArn, roleArn and trustAnchorArn are required")
        }
        self.profileArn = profileArn
        self.roleArn = roleArn
        self.trustAnchorArn = trustAnchorArn
        self.durationSeconds = decoded.durationSeconds
        self.roleSessionName = decoded.roleSessionName
        self.instanceProperties = decoded.instanceProperties
        if let properties = instanceProperties {
            guard properties.count <= 50, properties.allSatisfy({ (1...200).contains($0.key.count) && (1...200).contains($0.value.count) }) else {
                throw EmulatorError.validation("instanceProperties: at most 50, keys and values 1–200 characters")
            }
        }
    }
}
