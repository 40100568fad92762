import Foundation

/// `moto_server` (PyPI `moto[server]`) as a third-party STS on loopback.
///
/// `scripts/test` starts one and exports `ROLEKIT_MOTO_ENDPOINT`; when that is not set (a plain
/// `swift test` after `scripts/setup-python.sh`), the first use starts `.venv/bin/moto_server` on
/// a free port for this test process. A moto that cannot start is a test failure, never a skip.
public enum MotoServer {
    public static let endpoint: URL = {
        if let value = ProcessInfo.processInfo.environment["ROLEKIT_MOTO_ENDPOINT"], let url = URL(string: value) { return url }
        do {
            return try start()
        } catch {
            fatalError("could not start moto_server (run scripts/setup-python.sh first): \(error)")
        }
    }()

    private static func start() throws -> URL {
        let binary = TestEnvironment.repositoryRoot.appendingPathComponent(".venv/bin/moto_server").path
        let port = try Subprocess.run([TestEnvironment.python, "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        guard port.status == 0, let number = Int(port.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CocoaError(.executableNotLoadable)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-H", "127.0.0.1", "-p", String(number)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let url = URL(string: "http://127.0.0.1:\(number)")!
        // Wait until it answers (at most 30 s); it is killed when the test process exits.
        for _ in 0..<300 {
            if acceptsConnections(port: number) { break }
            guard process.isRunning else { throw CocoaError(.executableLoad) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        motoProcessID = process.processIdentifier
        atexit { if motoProcessID > 0 { kill(motoProcessID, SIGKILL) } }
        return url
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` (Foundation cannot fetch
    /// `http:` URLs on Linux without FoundationNetworking, so probe the socket).
    private static func acceptsConnections(port: Int) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// Set once, before `atexit` can run; read only by the exit handler.
nonisolated(unsafe) private var motoProcessID: Int32 = 0
