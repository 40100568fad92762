import FuzzTargets

// Fuzz target `pkcs12`: see FuzzTargets.pkcs12(_:) and docs/fuzzing.md.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.pkcs12(LibFuzzerDriver.bytes(start, count))
    return 0
}

/// The entry point SwiftPM links as `main` for module `pkcs12`; libFuzzer's driver takes over.
@_cdecl("pkcs12_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzerDriver.run(argc: argc, argv: argv)
}
