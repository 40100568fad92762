internal import CLibFuzzer

/// The glue between libFuzzer and Swift.
///
/// SwiftPM links an executable module's entry point `<module>_main` as `main` (so tests can
/// link executables), and `-parse-as-library` means Swift generates none; each fuzz target
/// therefore defines `<module>_main` with `@_cdecl` and hands over to libFuzzer's own driver,
/// which calls the target's `LLVMFuzzerTestOneInput`.
public enum LibFuzzerDriver {
    /// Runs libFuzzer with the process arguments; returns its exit status.
    public static func run(argc: CInt, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments, LLVMFuzzerTestOneInput)
    }

    /// The input libFuzzer passes, copied into an array.
    public static func bytes(_ start: UnsafeRawPointer?, _ count: Int) -> [UInt8] {
        guard let start, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: start, count: count))
    }
}
