import FuzzTargets

// Fuzz target `timestamps`: see FuzzTargets.timestamps(_:) and docs/fuzzing.md.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.timestamps(LibFuzzerDriver.bytes(start, count))
    return 0
}

/// The entry point SwiftPM links as `main` for module `timestamps`; libFuzzer's driver takes over.
@_cdecl("timestamps_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzerDriver.run(argc: argc, argv: argv)
}
