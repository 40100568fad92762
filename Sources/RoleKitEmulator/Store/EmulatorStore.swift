public import FoundationEssentials
import GRDB

/// The emulator's state in SQLite (through GRDB): trust anchors, profiles, CRLs and subjects as
/// JSON documents of the service model's detail types, and tags. A file keeps state across
/// restarts; without one the database lives in memory.
public final class EmulatorStore: Sendable {
    /// The kinds of resources, with their ARN resource type.
    public enum Kind: String, Sendable, CaseIterable {
        case trustAnchor = "trust-anchor"
        case profile
        case crl
        case subject

        /// `arn:aws:rolesanywhere:REGION:ACCOUNT:KIND/ID`.
        public func arn(region: String, accountId: String, id: String) -> String {
            "arn:aws:rolesanywhere:\(region):\(accountId):\(rawValue)/\(id)"
        }
    }

    /// A stored resource: its id, ARN and document.
    public struct Entry: Sendable {
        public var id: String
        public var arn: String
        public var document: Data
    }

    private let database: DatabaseQueue
    /// The file, or `nil` in memory.
    public let path: String?

    /// Opens (creating when needed) the database in `directory`, or an in-memory one.
    public init(directory: String? = nil) throws(EmulatorError) {
        do {
            if let directory {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let path = directory + "/emulator.sqlite"
                database = try DatabaseQueue(path: path)
                self.path = path
            } else {
                database = try DatabaseQueue()
                self.path = nil
            }
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.create(table: "resource") { table in
                    table.autoIncrementedPrimaryKey("seq")
                    table.column("kind", .text).notNull()
                    table.column("id", .text).notNull()
                    table.column("arn", .text).notNull().unique()
                    table.column("lookup", .text)
                    table.column("document", .blob).notNull()
                    table.uniqueKey(["kind", "id"])
                }
                try db.create(index: "resource_lookup", on: "resource", columns: ["kind", "lookup"])
                try db.create(table: "tag") { table in
                    table.column("arn", .text).notNull()
                    table.column("key", .text).notNull()
                    table.column("value", .text).notNull()
                    table.primaryKey(["arn", "key"])
                }
            }
            try migrator.migrate(database)
        } catch {
            throw EmulatorError.configuration("cannot open the emulator database\(directory.map { " in \($0)" } ?? ""): \(error)")
        }
    }

    private func run<T>(_ body: (Database) throws -> T) throws(EmulatorError) -> T {
        do {
            return try database.write(body)
        } catch let error as EmulatorError {
            throw error
        } catch {
            throw EmulatorError(status: 500, code: "InternalServerException", message: "emulator database error: \(error)")
        }
    }

    /// Inserts a resource, or replaces the one with the same id.
    /// - Parameter lookup: A secondary key (a subject's distinguished name, a CRL's trust anchor).
    public func put(_ kind: Kind, id: String, arn: String, lookup: String? = nil, document: Data) throws(EmulatorError) {
        try run { db in
            try db.execute(
                sql: "INSERT INTO resource (kind, id, arn, lookup, document) VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind, id) DO UPDATE SET arn = excluded.arn, lookup = excluded.lookup, document = excluded.document",
                arguments: [kind.rawValue, id, arn, lookup, document]
            )
        }
    }

    public func get(_ kind: Kind, id: String) throws(EmulatorError) -> Entry? {
        try run { db in
            try Row.fetchOne(db, sql: "SELECT id, arn, document FROM resource WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id]).map(Self.entry)
        }
    }

    public func get(_ kind: Kind, arn: String) throws(EmulatorError) -> Entry? {
        try run { db in
            try Row.fetchOne(db, sql: "SELECT id, arn, document FROM resource WHERE kind = ? AND arn = ?", arguments: [kind.rawValue, arn]).map(Self.entry)
        }
    }

    /// Resources whose secondary key is `lookup`, oldest first.
    public func find(_ kind: Kind, lookup: String) throws(EmulatorError) -> [Entry] {
        try run { db in
            try Row.fetchAll(db, sql: "SELECT id, arn, document FROM resource WHERE kind = ? AND lookup = ? ORDER BY seq", arguments: [kind.rawValue, lookup]).map(Self.entry)
        }
    }

    /// Whether the resource existed.
    @discardableResult
    public func delete(_ kind: Kind, id: String) throws(EmulatorError) -> Bool {
        try run { db in
            guard let arn = try String.fetchOne(db, sql: "SELECT arn FROM resource WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id]) else { return false }
            try db.execute(sql: "DELETE FROM resource WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id])
            try db.execute(sql: "DELETE FROM tag WHERE arn = ?", arguments: [arn])
            return true
        }
    }

    /// One page in creation order, from `after` (the `seq` a previous page ended with).
    /// - Returns: The entries and the position to continue from, `nil` on the last page.
    public func list(_ kind: Kind, after: Int64, limit: Int) throws(EmulatorError) -> ([Entry], Int64?) {
        try run { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT seq, id, arn, document FROM resource WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [kind.rawValue, after, limit + 1]
            )
            let page = rows.prefix(limit)
            let next: Int64? = rows.count > limit ? page.last.map { $0["seq"] } : nil
            return (page.map(Self.entry), next)
        }
    }

    /// Every resource of a kind, oldest first.
    public func all(_ kind: Kind) throws(EmulatorError) -> [Entry] {
        try run { db in
            try Row.fetchAll(db, sql: "SELECT id, arn, document FROM resource WHERE kind = ? ORDER BY seq", arguments: [kind.rawValue]).map(Self.entry)
        }
    }

    private static func entry(_ row: Row) -> Entry {
        Entry(id: row["id"], arn: row["arn"], document: row["document"])
    }

    // MARK: - Tags

    /// The tags of `arn`, sorted by key.
    public func tags(of arn: String) throws(EmulatorError) -> [(key: String, value: String)] {
        try run { db in
            try Row.fetchAll(db, sql: "SELECT key, value FROM tag WHERE arn = ? ORDER BY key", arguments: [arn]).map { (key: $0["key"], value: $0["value"]) }
        }
    }

    /// Adds or overwrites tags, all or nothing: with more than `limit` tags in the end nothing
    /// changes and `TooManyTagsException` is thrown.
    public func addTags(_ tags: [(key: String, value: String)], to arn: String, limit: Int = 50) throws(EmulatorError) {
        try run { db in
            let existing = Set(try String.fetchAll(db, sql: "SELECT key FROM tag WHERE arn = ?", arguments: [arn]))
            let total = existing.union(tags.map(\.key)).count
            guard total <= limit else {
                throw EmulatorError(status: 400, code: "TooManyTagsException", message: "The resource would have \(total) tags; at most \(limit) are allowed")
            }
            for tag in tags {
                try db.execute(sql: "INSERT OR REPLACE INTO tag (arn, key, value) VALUES (?, ?, ?)", arguments: [arn, tag.key, tag.value])
            }
        }
    }

    public func removeTags(_ keys: [String], from arn: String) throws(EmulatorError) {
        try run { db in
            for key in keys {
                try db.execute(sql: "DELETE FROM tag WHERE arn = ? AND key = ?", arguments: [arn, key])
            }
        }
    }
}
