import Foundation
import RoleKitCredentials
import RoleKitTesting
import Synchronization
import Testing

/// A fetch function whose answers the test scripts: credentials expiring after `lifetime`
/// seconds of the manual clock, or a failure.
final class ScriptedFetch: Sendable {
    struct Failure: Error {}

    let clock: ManualWallClock
    private let state = Mutex<(calls: Int, failNext: Int, lifetime: TimeInterval, delay: Duration?)>((0, 0, 3600, nil))

    init(clock: ManualWallClock, lifetime: TimeInterval = 3600) {
        self.clock = clock
        state.withLock { $0.lifetime = lifetime }
    }

    var calls: Int { state.withLock { $0.calls } }
    func failNext(_ count: Int) { state.withLock { $0.failNext = count } }
    func delayEachFetch(_ delay: Duration) { state.withLock { $0.delay = delay } }

    func fetch() async throws -> Credentials {
        let (call, fail, lifetime, delay) = state.withLock { state -> (Int, Bool, TimeInterval, Duration?) in
            state.calls += 1
            let fail = state.failNext > 0
            if fail { state.failNext -= 1 }
            return (state.calls, fail, state.lifetime, state.delay)
        }
        // A real delay (not the manual clock) so concurrent callers pile up behind one fetch.
        if let delay { try await Task.sleep(for: delay) }
        if fail { throw Failure() }
        return Credentials(accessKeyId: "ASIAFETCH\(call)XXXXXXX", secretAccessKey: "secret-\(call)", sessionToken: "token-\(call)", expiration: clock.now().addingTimeInterval(lifetime))
    }
}

@Suite("Refreshing provider")
struct RefreshingCredentialProviderTests {
    let clock = ManualWallClock()

    func makeProvider(_ fetch: ScriptedFetch, keepLastGood: Bool = false) -> RefreshingCredentialProvider {
        RefreshingCredentialProvider(clock: clock, configuration: .init(retryInterval: .seconds(10), keepLastGoodInMandatoryWindow: keepLastGood)) {
            try await fetch.fetch()
        }
    }

    /// Lets a background refresh task run to completion.
    func settle(_ provider: RefreshingCredentialProvider) async {
        for _ in 0..<200 {
            await Task.yield()
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test func fetchesOnceWhileFresh() async throws {
        let fetch = ScriptedFetch(clock: clock)
        let provider = makeProvider(fetch)
        let first = try await provider.credentials()
        clock.advance(by: 30 * 60)  // 30 minutes left: outside the 15-minute advisory window
        let second = try await provider.credentials()
        #expect(first.accessKeyId == "ASIAFETCH1XXXXXXX")
        #expect(second == first)
        #expect(fetch.calls == 1)
    }

    @Test func advisoryWindowRefreshesInTheBackgroundAndKeepsCurrentOnFailure() async throws {
        let fetch = ScriptedFetch(clock: clock)
        let provider = makeProvider(fetch)
        let first = try await provider.credentials()
        clock.advance(by: 3600 - 12 * 60)  // 12 minutes left: advisory, not mandatory
        fetch.failNext(1)
        let during = try await provider.credentials()
        #expect(during == first, "the advisory window returns the current credentials at once")
        await settle(provider)
        #expect(fetch.calls == 2, "one background refresh was tried")
        // The failed try is not repeated before the retry interval.
        _ = try await provider.credentials()
        await settle(provider)
        #expect(fetch.calls == 2)
        clock.advance(by: 11)
        let still = try await provider.credentials()
        #expect(still == first)
        await settle(provider)
        #expect(fetch.calls == 3, "after the retry interval the refresh is tried again")
        let refreshed = try await provider.credentials()
        #expect(refreshed.accessKeyId == "ASIAFETCH3XXXXXXX")
    }

    @Test func mandatoryWindowWaitsAndThrowsOnFailure() async throws {
        let fetch = ScriptedFetch(clock: clock)
        let provider = makeProvider(fetch)
        _ = try await provider.credentials()
        clock.advance(by: 3600 - 5 * 60)  // 5 minutes left: mandatory
        fetch.failNext(1)
        await #expect(throws: ScriptedFetch.Failure.self) { try await provider.credentials() }
        // Backoff: a caller right after the failure gets the same error without a new fetch.
        await #expect(throws: ScriptedFetch.Failure.self) { try await provider.credentials() }
        #expect(fetch.calls == 2)
        // Recovery: after the backoff (1 s) the next call fetches again and succeeds.
        clock.advance(by: 1)
        let recovered = try await provider.credentials()
        #expect(recovered.accessKeyId == "ASIAFETCH3XXXXXXX")
        #expect(fetch.calls == 3)
    }

    @Test func mandatoryWindowKeepsLastGoodWhenConfigured() async throws {
        let fetch = ScriptedFetch(clock: clock)
        let provider = makeProvider(fetch, keepLastGood: true)
        let first = try await provider.credentials()
        clock.advance(by: 3600 - 5 * 60)
        fetch.failNext(1)
        let kept = try await provider.credentials()
        #expect(kept == first)
        #expect(fetch.calls == 2)
    }

    @Test func neverReturnsExpiredCredentials() async throws {
        let fetch = ScriptedFetch(clock: clock)
        let provider = makeProvider(fetch, keepLastGood: true)
        _ = try await provider.credentials()
        clock.advance(by: 3601)
        fetch.failNext(1)
        await #expect(throws: ScriptedFetch.Failure.self) { try await provider.credentials() }
        clock.advance(by: 1)
        let fresh = try await provider.credentials()
        #expect(!fresh.isExpired(at: clock.now()))
        #expect(fresh.accessKeyId == "ASIAFETCH3XXXXXXX")
    }

    @Test func shortLivedCredentialsAreNotRefreshedOnEveryCall() async throws {
        // 15-minute credentials sit inside the default 15-minute advisory window from the start;
        // the windows shrink to half and a quarter of the lifetime.
        let fetch = ScriptedFetch(clock: clock, lifetime: 900)
        let provider = makeProvider(fetch)
        _ = try await provider.credentials()
        clock.advance(by: 400)  // 500 s left > 450 s
        _ = try await provider.credentials()
        await settle(provider)
        #expect(fetch.calls == 1)
        clock.advance(by: 300)  // 200 s left < 225 s: mandatory
        let next = try await provider.credentials()
        #expect(next.accessKeyId == "ASIAFETCH2XXXXXXX")
    }

    @Test func tenThousandConcurrentCallersAtExpiryMakeOneFetch() async throws {
        let fetch = ScriptedFetch(clock: clock)
        let provider = makeProvider(fetch)
        _ = try await provider.credentials()
        clock.advance(by: 3600)  // expired
        fetch.delayEachFetch(.milliseconds(200))
        let keys = try await withThrowingTaskGroup(of: String.self, returning: Set<String>.self) { group in
            for _ in 0..<10_000 {
                group.addTask { try await provider.credentials().accessKeyId }
            }
            var keys = Set<String>()
            for try await key in group { keys.insert(key) }
            return keys
        }
        #expect(fetch.calls == 2, "one initial fetch and exactly one refresh for 10,000 callers")
        #expect(provider.fetchCount == 2)
        #expect(keys == ["ASIAFETCH2XXXXXXX"])
    }

    @Test func explicitRefreshJoinsTheFetchInFlight() async throws {
        let fetch = ScriptedFetch(clock: clock)
        fetch.delayEachFetch(.milliseconds(100))
        let provider = makeProvider(fetch)
        async let a = provider.refresh()
        async let b = provider.credentials()
        let (first, second) = try await (a, b)
        #expect(first == second)
        #expect(fetch.calls == 1)
    }

    @Test func malformedOrExpiredFetchResultsAreRefused() async throws {
        // Each answer would be handed out (and written to files) without the validation.
        let now = clock.now()
        let bad: [(String, Credentials)] = [
            ("short id", Credentials(accessKeyId: "ASIA", secretAccessKey: "s", sessionToken: "t", expiration: now.addingTimeInterval(3600))),
            ("lowercase id", Credentials(accessKeyId: "asiaexampleexample", secretAccessKey: "s", sessionToken: "t", expiration: now.addingTimeInterval(3600))),
            ("newline in token", Credentials(accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "s", sessionToken: "t\n[evil]\ncredential_process = sh", expiration: now.addingTimeInterval(3600))),
            ("CR in secret", Credentials(accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "s\rx", sessionToken: "t", expiration: now.addingTimeInterval(3600))),
            ("NUL in secret", Credentials(accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "s\u{0}x", sessionToken: "t", expiration: now.addingTimeInterval(3600))),
            ("empty secret", Credentials(accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "", sessionToken: "t", expiration: now.addingTimeInterval(3600))),
            ("empty token", Credentials(accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "s", sessionToken: "", expiration: now.addingTimeInterval(3600))),
            ("huge token", Credentials(accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "s", sessionToken: String(repeating: "t", count: 17_000), expiration: now.addingTimeInterval(3600))),
            ("expired", Credentials(accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "s", sessionToken: "t", expiration: now.addingTimeInterval(-1))),
        ]
        for (name, credentials) in bad {
            let provider = RefreshingCredentialProvider(clock: clock) { credentials }
            await #expect(throws: CredentialsError.self, "\(name)") { try await provider.credentials() }
        }
    }

    @Test func descriptionRedactsSecrets() {
        let credentials = Credentials(accessKeyId: "ASIAEXAMPLE", secretAccessKey: "very-secret-value", sessionToken: "token-value", expiration: Date(timeIntervalSince1970: 0))
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [String(describing: credentials), String(reflecting: credentials), "\(credentials)", dumped] {
            #expect(!text.contains("very-secret-value"))
            #expect(!text.contains("token-value"))
            #expect(text.contains("ASIAEXAMPLE"))
        }
    }
}
