#include "rolekit_tss2.h"
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

static void *open_first(const char *const *names) {
    for (; *names != NULL; names++) {
        void *handle = dlopen(*names, RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL) return handle;
    }
    return NULL;
}

static void close_all(rk_tss2 *functions) {
    if (functions->esysHandle != NULL) dlclose(functions->esysHandle);
    if (functions->tctildrHandle != NULL) dlclose(functions->tctildrHandle);
    if (functions->muHandle != NULL) dlclose(functions->muHandle);
    if (functions->rcHandle != NULL) dlclose(functions->rcHandle);
    memset(functions, 0, sizeof(*functions));
}

#define RK_BIND(handle, field, symbol)                                   \
    do {                                                                 \
        void *address = dlsym(handle, symbol);                           \
        if (address == NULL) {                                           \
            close_all(functions);                                        \
            return RK_TSS2_MISSING_SYMBOL;                               \
        }                                                                \
        memcpy(&functions->field, &address, sizeof(address));            \
    } while (0)

int rk_tss2_load(rk_tss2 *functions) {
    static const char *const esys[] = {"libtss2-esys.so.0", "libtss2-esys.so", "libtss2-esys.0.dylib", "libtss2-esys.dylib", NULL};
    static const char *const tctildr[] = {"libtss2-tctildr.so.0", "libtss2-tctildr.so", "libtss2-tctildr.0.dylib", "libtss2-tctildr.dylib", NULL};
    static const char *const mu[] = {"libtss2-mu.so.0", "libtss2-mu.so", "libtss2-mu.0.dylib", "libtss2-mu.dylib", NULL};
    static const char *const rc[] = {"libtss2-rc.so.0", "libtss2-rc.so", "libtss2-rc.0.dylib", "libtss2-rc.dylib", NULL};
    memset(functions, 0, sizeof(*functions));
    setenv("TSS2_LOG", "all+none", 0);
    functions->muHandle = open_first(mu);
    if (functions->muHandle == NULL) return RK_TSS2_NO_MU;
    functions->tctildrHandle = open_first(tctildr);
    if (functions->tctildrHandle == NULL) {
        close_all(functions);
        return RK_TSS2_NO_TCTILDR;
    }
    functions->esysHandle = open_first(esys);
    if (functions->esysHandle == NULL) {
        close_all(functions);
        return RK_TSS2_NO_ESYS;
    }
    RK_BIND(functions->tctildrHandle, TctiLdr_Initialize, "Tss2_TctiLdr_Initialize");
    RK_BIND(functions->tctildrHandle, TctiLdr_Finalize, "Tss2_TctiLdr_Finalize");
    RK_BIND(functions->esysHandle, Esys_Initialize, "Esys_Initialize");
    RK_BIND(functions->esysHandle, Esys_Finalize, "Esys_Finalize");
    RK_BIND(functions->esysHandle, Esys_SetTimeout, "Esys_SetTimeout");
    RK_BIND(functions->esysHandle, Esys_TR_FromTPMPublic, "Esys_TR_FromTPMPublic");
    RK_BIND(functions->esysHandle, Esys_TR_SetAuth, "Esys_TR_SetAuth");
    RK_BIND(functions->esysHandle, Esys_CreatePrimary, "Esys_CreatePrimary");
    RK_BIND(functions->esysHandle, Esys_Load, "Esys_Load");
    RK_BIND(functions->esysHandle, Esys_ReadPublic, "Esys_ReadPublic");
    RK_BIND(functions->esysHandle, Esys_Sign, "Esys_Sign");
    RK_BIND(functions->esysHandle, Esys_FlushContext, "Esys_FlushContext");
    RK_BIND(functions->esysHandle, Esys_Free, "Esys_Free");
    RK_BIND(functions->muHandle, TPM2B_PUBLIC_Unmarshal, "Tss2_MU_TPM2B_PUBLIC_Unmarshal");
    RK_BIND(functions->muHandle, TPM2B_PRIVATE_Unmarshal, "Tss2_MU_TPM2B_PRIVATE_Unmarshal");
    RK_BIND(functions->muHandle, TPM2B_DIGEST_Unmarshal, "Tss2_MU_TPM2B_DIGEST_Unmarshal");
    RK_BIND(functions->muHandle, TPM2B_DATA_Unmarshal, "Tss2_MU_TPM2B_DATA_Unmarshal");
    RK_BIND(functions->muHandle, TPM2B_SENSITIVE_CREATE_Unmarshal, "Tss2_MU_TPM2B_SENSITIVE_CREATE_Unmarshal");
    RK_BIND(functions->muHandle, TPML_PCR_SELECTION_Unmarshal, "Tss2_MU_TPML_PCR_SELECTION_Unmarshal");
    RK_BIND(functions->muHandle, TPMT_SIG_SCHEME_Unmarshal, "Tss2_MU_TPMT_SIG_SCHEME_Unmarshal");
    RK_BIND(functions->muHandle, TPMT_TK_HASHCHECK_Unmarshal, "Tss2_MU_TPMT_TK_HASHCHECK_Unmarshal");
    RK_BIND(functions->muHandle, TPM2B_PUBLIC_Marshal, "Tss2_MU_TPM2B_PUBLIC_Marshal");
    RK_BIND(functions->muHandle, TPMT_SIGNATURE_Marshal, "Tss2_MU_TPMT_SIGNATURE_Marshal");
    functions->rcHandle = open_first(rc);
    if (functions->rcHandle != NULL) {
        void *address = dlsym(functions->rcHandle, "Tss2_RC_Decode");
        if (address != NULL) memcpy(&functions->RC_Decode, &address, sizeof(address));
    }
    return RK_TSS2_LOADED;
}
