import FuzzTargets

// Fuzz target `sts-xml`: see FuzzTargets.stsXML(_:) and docs/fuzzing.md.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.stsXML(LibFuzzerDriver.bytes(start, count))
    return 0
}

/// The entry point SwiftPM links as `main` for module `sts_xml`; libFuzzer's driver takes over.
@_cdecl("sts_xml_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzerDriver.run(argc: argc, argv: argv)
}
