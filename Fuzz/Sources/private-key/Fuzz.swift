import FuzzTargets

// Fuzz target `private-key`: see FuzzTargets.privateKey(_:) and docs/fuzzing.md.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.privateKey(LibFuzzerDriver.bytes(start, count))
    return 0
}

/// The entry point SwiftPM links as `main` for module `private_key`; libFuzzer's driver takes over.
@_cdecl("private_key_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzerDriver.run(argc: argc, argv: argv)
}
