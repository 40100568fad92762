/// A command that can often finish without Swift concurrency (``RoleKitCommand/runAsMain(_:)``
/// tries this first): starting the concurrency runtime costs threads and about a millisecond,
/// which is most of a cached `credential-process`.
protocol SynchronousFastPath {
    /// Finishes the command and returns `true` when it can without waiting on anything;
    /// `false` sends it down its usual asynchronous `run()`.
    func runSynchronouslyIfPossible() throws -> Bool
}
