// RoleKit's own declarations of the few TPM Software Stack (TSS 2.0) entry points it calls,
// written from the TCG "TSS 2.0 Enhanced System API (ESAPI)", "TCTI Loader" and "Marshaling/
// Unmarshaling API" specifications. Every TPM structure is opaque here: RoleKit builds them from
// and reads them back into TPM wire format with the library's own Tss2_MU_* functions, so no
// union or structure layout is declared by hand.
//
// The libraries (libtss2-esys, libtss2-tctildr, libtss2-mu) are opened at run time with dlopen:
// building RoleKit needs no TPM package.
#ifndef ROLEKIT_TSS2_H
#define ROLEKIT_TSS2_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t rk_TSS2_RC;
typedef uint32_t rk_ESYS_TR;

/// Unmarshals one TPM structure of a given type from wire bytes into `dest`.
typedef rk_TSS2_RC (*rk_tss2_unmarshal)(const uint8_t *buffer, size_t size, size_t *offset, void *dest);
/// Marshals one TPM structure of a given type into wire bytes.
typedef rk_TSS2_RC (*rk_tss2_marshal)(const void *src, uint8_t *buffer, size_t size, size_t *offset);

typedef struct rk_tss2 {
    void *esysHandle;
    void *tctildrHandle;
    void *muHandle;
    void *rcHandle;

    rk_TSS2_RC (*TctiLdr_Initialize)(const char *nameConf, void **tcti);
    void (*TctiLdr_Finalize)(void **tcti);

    rk_TSS2_RC (*Esys_Initialize)(void **context, void *tcti, void *abiVersion);
    void (*Esys_Finalize)(void **context);
    rk_TSS2_RC (*Esys_SetTimeout)(void *context, int32_t timeout);
    rk_TSS2_RC (*Esys_TR_FromTPMPublic)(void *context, uint32_t tpmHandle, rk_ESYS_TR session1, rk_ESYS_TR session2,
                                       rk_ESYS_TR session3, rk_ESYS_TR *object);
    rk_TSS2_RC (*Esys_TR_SetAuth)(void *context, rk_ESYS_TR handle, const void *authValue);
    rk_TSS2_RC (*Esys_CreatePrimary)(void *context, rk_ESYS_TR primaryHandle, rk_ESYS_TR session1, rk_ESYS_TR session2,
                                    rk_ESYS_TR session3, const void *inSensitive, const void *inPublic,
                                    const void *outsideInfo, const void *creationPCR, rk_ESYS_TR *objectHandle,
                                    void **outPublic, void **creationData, void **creationHash, void **creationTicket);
    rk_TSS2_RC (*Esys_Load)(void *context, rk_ESYS_TR parentHandle, rk_ESYS_TR session1, rk_ESYS_TR session2,
                           rk_ESYS_TR session3, const void *inPrivate, const void *inPublic, rk_ESYS_TR *objectHandle);
    rk_TSS2_RC (*Esys_ReadPublic)(void *context, rk_ESYS_TR objectHandle, rk_ESYS_TR session1, rk_ESYS_TR session2,
                                 rk_ESYS_TR session3, void **outPublic, void **name, void **qualifiedName);
    rk_TSS2_RC (*Esys_Sign)(void *context, rk_ESYS_TR keyHandle, rk_ESYS_TR session1, rk_ESYS_TR session2,
                           rk_ESYS_TR session3, const void *digest, const void *inScheme, const void *validation,
                           void **signature);
    rk_TSS2_RC (*Esys_FlushContext)(void *context, rk_ESYS_TR flushHandle);
    void (*Esys_Free)(void *pointer);

    rk_tss2_unmarshal TPM2B_PUBLIC_Unmarshal;
    rk_tss2_unmarshal TPM2B_PRIVATE_Unmarshal;
    rk_tss2_unmarshal TPM2B_DIGEST_Unmarshal;
    rk_tss2_unmarshal TPM2B_DATA_Unmarshal;
    rk_tss2_unmarshal TPM2B_SENSITIVE_CREATE_Unmarshal;
    rk_tss2_unmarshal TPML_PCR_SELECTION_Unmarshal;
    rk_tss2_unmarshal TPMT_SIG_SCHEME_Unmarshal;
    rk_tss2_unmarshal TPMT_TK_HASHCHECK_Unmarshal;
    rk_tss2_marshal TPM2B_PUBLIC_Marshal;
    rk_tss2_marshal TPMT_SIGNATURE_Marshal;

    /// libtss2-rc's Tss2_RC_Decode, when that library is present (only for messages).
    const char *(*RC_Decode)(rk_TSS2_RC rc);
} rk_tss2;

enum {
    RK_TSS2_LOADED = 0,
    RK_TSS2_NO_ESYS = 1,
    RK_TSS2_NO_TCTILDR = 2,
    RK_TSS2_NO_MU = 3,
    RK_TSS2_MISSING_SYMBOL = 4,
};

/// Opens the TSS libraries (the versioned sonames first) and fills `functions`. Before the first
/// load, TSS2_LOG defaults to "all+none" so the stack does not write its own error lines to
/// stderr (a value the user set is kept). Returns one of the RK_TSS2_* codes; on failure
/// nothing stays open.
int rk_tss2_load(rk_tss2 *functions);

#endif
