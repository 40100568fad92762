#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs blocking work (waiting for a child, `flock`) on a thread of its own, so it never holds
/// one of Swift concurrency's cooperative threads or a libdispatch worker (which the global
/// executor shares on Linux).
package enum DedicatedThread {
    private final class Job: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// The result of `body`, run on a new thread.
    package static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let job = Job { continuation.resume(returning: body()) }
            if !start(job) {
                // No thread could be made (resource limits): run it here rather than never.
                job.body()
            }
        }
    }

    /// ``run(_:)`` for throwing work.
    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let result: Result<T, any Error> = await run { Result { try body() } }
        return try result.get()
    }

    private static func start(_ job: Job) -> Bool {
        let context = Unmanaged.passRetained(job).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 1 << 20)
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let status = pthread_create(&thread, &attributes, { raw in
            #if canImport(Darwin)
            let pointer = raw
            #else
            guard let pointer = raw else { return nil }
            #endif
            let job = Unmanaged<Job>.fromOpaque(pointer).takeRetainedValue()
            job.body()
            return nil
        }, context)
        if status != 0 {
            Unmanaged<Job>.fromOpaque(context).release()
            return false
        }
        return true
    }
}
