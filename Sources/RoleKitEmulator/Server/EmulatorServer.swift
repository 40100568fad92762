import FoundationEssentials
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import HTTPTypes
public import Logging
import NIOCore
import RoleKitSigning
import ServiceLifecycle
import UnixSignals
import Synchronization

/// Serves the emulator over HTTP with Hummingbird.
///
/// Requests are routed by Hummingbird's router (`makeRouter(rolesAnywhere:)`): `POST /sessions`,
/// the control-plane operations at their model URIs, STS on `/`. Every time check and
/// expiration uses the Roles Anywhere emulator's ``RolesAnywhereEmulator/clock``, which its
/// control plane and the STS served here share.
///
/// Use ``start()`` and ``stop()`` to run it inside a process (tests, `rolekit quickstart`), or
/// ``run()`` to serve until the task is cancelled or the process gets SIGINT/SIGTERM
/// (`rolekit emulator`).
public final class EmulatorServer: Sendable {
    public struct Configuration: Sendable {
        /// The address to listen on. Loopback by default: the emulator is not meant for networks.
        public var host: String
        /// The port; 0 picks a free one (read it from ``start()``).
        public var port: Int
        /// Largest request body accepted.
        public var maximumBodyBytes: Int
        /// Serve HTTPS with this certificate chain (PEM, leaf first) and key; plain HTTP when `nil`.
        public var tls: (certificateChain: String, privateKey: String)?

        public init(host: String = "127.0.0.1", port: Int = 0, maximumBodyBytes: Int = 1 << 20, tls: (certificateChain: String, privateKey: String)? = nil) {
            self.host = host
            self.port = port
            self.maximumBodyBytes = maximumBodyBytes
            self.tls = tls
        }
    }

    public let rolesAnywhere: RolesAnywhereEmulator
    public let configuration: Configuration
    private let logger: Logger
    private let running = Mutex<(group: ServiceGroup, task: Task<Void, any Error>)?>(nil)

    public init(rolesAnywhere: RolesAnywhereEmulator, configuration: Configuration = .init(), logger: Logger = Logger(label: "rolekit.emulator")) {
        self.rolesAnywhere = rolesAnywhere
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts serving in the background and returns the bound port once the socket listens.
    public func start() async throws(EmulatorError) -> Int {
        let (stream, continuation) = AsyncStream<Int?>.makeStream()
        let application = try makeApplication { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        running.withLock { $0 = (group, task) }
        var iterator = stream.makeAsyncIterator()
        guard let bound = await iterator.next(), let port = bound else {
            let reason: String
            do {
                try await task.value
                reason = "the server stopped at once"
            } catch {
                reason = "\(error)"
            }
            running.withLock { $0 = nil }
            throw EmulatorError.configuration("the emulator could not listen on \(configuration.host):\(configuration.port): \(reason)")
        }
        return port
    }

    /// Stops a server started with ``start()``, waiting for open requests to finish.
    public func stop() async {
        guard let (group, task) = running.withLock({ state in defer { state = nil }; return state }) else { return }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Serves until cancelled or until SIGINT/SIGTERM; `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let application = try makeApplication { port in if let port { onListening(port) } }
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint, .sighup], logger: logger))
        try await group.run()
    }

    private func makeApplication(onBound: @escaping @Sendable (Int?) -> Void) throws(EmulatorError) -> some Service {
        let responder = EmulatorResponder(router: Self.makeRouter(rolesAnywhere: rolesAnywhere).buildResponder(), maximumBodyBytes: configuration.maximumBodyBytes)
        var logger = self.logger
        logger.logLevel = .warning
        var server = HTTPServerBuilder.http1()
        if let tls = configuration.tls {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChain).map { NIOSSLCertificateSource.certificate($0) }
                let key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
                server = try .tls(.http1(), tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
            } catch {
                throw EmulatorError.configuration("cannot use \(tls.certificateChain) and \(tls.privateKey) for TLS: \(error)")
            }
        }
        return Application(
            responder: responder,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "rolekit-emulator"),
            onServerRunning: { channel in onBound(channel.localAddress?.port) },
            logger: logger
        )
    }

    /// The Hummingbird response of an emulator answer.
    static func response(_ response: RolesAnywhereEmulator.Response) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return Response(status: .init(code: response.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}
