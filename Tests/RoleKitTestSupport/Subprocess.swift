import Foundation

/// Runs a program to completion and captures its output (tests only).
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        /// True when the process ended by a signal (``status`` is then the signal number).
        public var signalled: Bool
        public var stdout: [UInt8]
        public var stderr: String
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `arguments[0]` (looked up in `PATH` when it has no slash) with the rest as arguments.
    public static func run(
        _ arguments: [String],
        environment: [String: String]? = nil,
        stdin: [UInt8] = [],
        currentDirectory: String? = nil
    ) throws -> Result {
        let process = Process()
        if arguments[0].contains("/") {
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let input = Pipe()
        let output = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin))
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        let errorData = LockedBox(Data())
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorData.value = error.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            signalled: process.terminationReason == .uncaughtSignal,
            stdout: Array(outputData),
            stderr: String(decoding: errorData.value, as: UTF8.self)
        )
    }

    /// ``run(_:environment:stdin:currentDirectory:)`` on a dispatch thread, so the test's
    /// cooperative threads stay free to serve in-process servers the child talks to.
    public static func runAsync(
        _ arguments: [String],
        environment: [String: String]? = nil,
        stdin: [UInt8] = [],
        currentDirectory: String? = nil
    ) async throws -> Result {
        // A thread of its own, not a dispatch worker: twenty children waited for at once would
        // otherwise take up libdispatch's worker threads, which Swift concurrency's global
        // executor shares on Linux, and stall the in-process servers the children talk to.
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Swift.Result { try run(arguments, environment: environment, stdin: stdin, currentDirectory: currentDirectory) })
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs the built `rolekit` with `arguments` off the cooperative thread pool.
    public static func rolekitAsync(_ arguments: [String], environment: [String: String]? = nil, stdin: [UInt8] = []) async throws -> Result {
        try await runAsync([TestEnvironment.rolekitBinary] + arguments, environment: environment, stdin: stdin)
    }

    /// Runs the built `rolekit` with `arguments`.
    public static func rolekit(_ arguments: [String], environment: [String: String]? = nil, stdin: [UInt8] = []) throws -> Result {
        try run([TestEnvironment.rolekitBinary] + arguments, environment: environment, stdin: stdin)
    }
}

/// A tiny lock-protected box for test helpers.
public final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: Value
    public init(_ value: Value) { _value = value }
    public var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return _value }
        set { lock.lock(); defer { lock.unlock() }; _value = newValue }
    }
}

extension Subprocess {
    /// Reads `pipe` until `marker` appears or the pipe closes, on a dispatch thread: a blocking
    /// read on the test's cooperative threads would starve every other test of the process.
    public static func readUntil(_ pipe: Pipe, marker: String) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var text = ""
                while !text.contains(marker) {
                    let chunk = pipe.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                continuation.resume(returning: text)
            }
        }
    }

    /// Waits for `process` to end, on a dispatch thread; returns its status.
    @discardableResult
    public static func waitForExit(_ process: Process) async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }
}
