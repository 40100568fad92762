import FuzzTargets

// Fuzz target `certificate`: see FuzzTargets.certificate(_:) and docs/fuzzing.md.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.certificate(LibFuzzerDriver.bytes(start, count))
    return 0
}

/// The entry point SwiftPM links as `main` for module `certificate`; libFuzzer's driver takes over.
@_cdecl("certificate_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzerDriver.run(argc: argc, argv: argv)
}
