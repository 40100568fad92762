#ifndef ROLEKIT_CLIBFUZZER_H
#define ROLEKIT_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer): parses the libFuzzer flags in
/// argv and fuzzes `callback` until done.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/// Defined by each fuzz target executable with @_cdecl.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
