// RoleKit's own declarations of the PKCS#11 subset it calls, written from the type and
// function definitions of the OASIS PKCS #11 Cryptographic Token Interface Base
// Specification v2.40 (sections 3 and 5). Only what RoleKit uses is typed; the other
// entries of the function list are kept as untyped pointers so the layout is the standard one.
//
// The module is opened at run time (dlopen): building RoleKit needs no PKCS#11 package.
#ifndef ROLEKIT_PKCS11_H
#define ROLEKIT_PKCS11_H

#include <stddef.h>

typedef unsigned char rk_CK_BYTE;
typedef unsigned char rk_CK_BBOOL;
typedef unsigned long rk_CK_ULONG;
typedef rk_CK_ULONG rk_CK_RV;
typedef rk_CK_ULONG rk_CK_FLAGS;
typedef rk_CK_ULONG rk_CK_SLOT_ID;
typedef rk_CK_ULONG rk_CK_SESSION_HANDLE;
typedef rk_CK_ULONG rk_CK_OBJECT_HANDLE;
typedef rk_CK_ULONG rk_CK_ATTRIBUTE_TYPE;
typedef rk_CK_ULONG rk_CK_MECHANISM_TYPE;
typedef rk_CK_ULONG rk_CK_USER_TYPE;

typedef struct rk_CK_VERSION {
    rk_CK_BYTE major;
    rk_CK_BYTE minor;
} rk_CK_VERSION;

typedef struct rk_CK_ATTRIBUTE {
    rk_CK_ATTRIBUTE_TYPE type;
    void *pValue;
    rk_CK_ULONG ulValueLen;
} rk_CK_ATTRIBUTE;

typedef struct rk_CK_MECHANISM {
    rk_CK_MECHANISM_TYPE mechanism;
    void *pParameter;
    rk_CK_ULONG ulParameterLen;
} rk_CK_MECHANISM;

typedef struct rk_CK_C_INITIALIZE_ARGS {
    void *CreateMutex;
    void *DestroyMutex;
    void *LockMutex;
    void *UnlockMutex;
    rk_CK_FLAGS flags;
    void *pReserved;
} rk_CK_C_INITIALIZE_ARGS;

typedef struct rk_CK_SLOT_INFO {
    rk_CK_BYTE slotDescription[64];
    rk_CK_BYTE manufacturerID[32];
    rk_CK_FLAGS flags;
    rk_CK_VERSION hardwareVersion;
    rk_CK_VERSION firmwareVersion;
} rk_CK_SLOT_INFO;

typedef struct rk_CK_TOKEN_INFO {
    rk_CK_BYTE label[32];
    rk_CK_BYTE manufacturerID[32];
    rk_CK_BYTE model[16];
    rk_CK_BYTE serialNumber[16];
    rk_CK_FLAGS flags;
    rk_CK_ULONG ulMaxSessionCount;
    rk_CK_ULONG ulSessionCount;
    rk_CK_ULONG ulMaxRwSessionCount;
    rk_CK_ULONG ulRwSessionCount;
    rk_CK_ULONG ulMaxPinLen;
    rk_CK_ULONG ulMinPinLen;
    rk_CK_ULONG ulTotalPublicMemory;
    rk_CK_ULONG ulFreePublicMemory;
    rk_CK_ULONG ulTotalPrivateMemory;
    rk_CK_ULONG ulFreePrivateMemory;
    rk_CK_VERSION hardwareVersion;
    rk_CK_VERSION firmwareVersion;
    rk_CK_BYTE utcTime[16];
} rk_CK_TOKEN_INFO;

typedef struct rk_CK_FUNCTION_LIST {
    rk_CK_VERSION version;
    rk_CK_RV (*C_Initialize)(void *pInitArgs);
    rk_CK_RV (*C_Finalize)(void *pReserved);
    void *C_GetInfo;
    void *C_GetFunctionList;
    rk_CK_RV (*C_GetSlotList)(rk_CK_BBOOL tokenPresent, rk_CK_SLOT_ID *pSlotList, rk_CK_ULONG *pulCount);
    rk_CK_RV (*C_GetSlotInfo)(rk_CK_SLOT_ID slotID, rk_CK_SLOT_INFO *pInfo);
    rk_CK_RV (*C_GetTokenInfo)(rk_CK_SLOT_ID slotID, rk_CK_TOKEN_INFO *pInfo);
    void *C_GetMechanismList;
    void *C_GetMechanismInfo;
    void *C_InitToken;
    void *C_InitPIN;
    void *C_SetPIN;
    rk_CK_RV (*C_OpenSession)(rk_CK_SLOT_ID slotID, rk_CK_FLAGS flags, void *pApplication, void *Notify, rk_CK_SESSION_HANDLE *phSession);
    rk_CK_RV (*C_CloseSession)(rk_CK_SESSION_HANDLE hSession);
    void *C_CloseAllSessions;
    void *C_GetSessionInfo;
    void *C_GetOperationState;
    void *C_SetOperationState;
    rk_CK_RV (*C_Login)(rk_CK_SESSION_HANDLE hSession, rk_CK_USER_TYPE userType, rk_CK_BYTE *pPin, rk_CK_ULONG ulPinLen);
    rk_CK_RV (*C_Logout)(rk_CK_SESSION_HANDLE hSession);
    void *C_CreateObject;
    void *C_CopyObject;
    void *C_DestroyObject;
    void *C_GetObjectSize;
    rk_CK_RV (*C_GetAttributeValue)(rk_CK_SESSION_HANDLE hSession, rk_CK_OBJECT_HANDLE hObject, rk_CK_ATTRIBUTE *pTemplate, rk_CK_ULONG ulCount);
    void *C_SetAttributeValue;
    rk_CK_RV (*C_FindObjectsInit)(rk_CK_SESSION_HANDLE hSession, rk_CK_ATTRIBUTE *pTemplate, rk_CK_ULONG ulCount);
    rk_CK_RV (*C_FindObjects)(rk_CK_SESSION_HANDLE hSession, rk_CK_OBJECT_HANDLE *phObject, rk_CK_ULONG ulMaxObjectCount, rk_CK_ULONG *pulObjectCount);
    rk_CK_RV (*C_FindObjectsFinal)(rk_CK_SESSION_HANDLE hSession);
    void *C_EncryptInit;
    void *C_Encrypt;
    void *C_EncryptUpdate;
    void *C_EncryptFinal;
    void *C_DecryptInit;
    void *C_Decrypt;
    void *C_DecryptUpdate;
    void *C_DecryptFinal;
    void *C_DigestInit;
    void *C_Digest;
    void *C_DigestUpdate;
    void *C_DigestKey;
    void *C_DigestFinal;
    rk_CK_RV (*C_SignInit)(rk_CK_SESSION_HANDLE hSession, rk_CK_MECHANISM *pMechanism, rk_CK_OBJECT_HANDLE hKey);
    rk_CK_RV (*C_Sign)(rk_CK_SESSION_HANDLE hSession, rk_CK_BYTE *pData, rk_CK_ULONG ulDataLen, rk_CK_BYTE *pSignature, rk_CK_ULONG *pulSignatureLen);
    void *C_SignUpdate;
    void *C_SignFinal;
    void *C_SignRecoverInit;
    void *C_SignRecover;
    void *C_VerifyInit;
    void *C_Verify;
    void *C_VerifyUpdate;
    void *C_VerifyFinal;
    void *C_VerifyRecoverInit;
    void *C_VerifyRecover;
    void *C_DigestEncryptUpdate;
    void *C_DecryptDigestUpdate;
    void *C_SignEncryptUpdate;
    void *C_DecryptVerifyUpdate;
    void *C_GenerateKey;
    void *C_GenerateKeyPair;
    void *C_WrapKey;
    void *C_UnwrapKey;
    void *C_DeriveKey;
    void *C_SeedRandom;
    void *C_GenerateRandom;
    void *C_GetFunctionStatus;
    void *C_CancelFunction;
    void *C_WaitForSlotEvent;
} rk_CK_FUNCTION_LIST;

/// Outcomes of rk_pkcs11_load.
enum {
    RK_PKCS11_LOADED = 0,
    RK_PKCS11_OPEN_FAILED = 1,
    RK_PKCS11_NO_ENTRY_POINT = 2,
    RK_PKCS11_NO_FUNCTION_LIST = 3,
};

/// Opens the module at `path` (RTLD_NOW | RTLD_LOCAL) and asks it for its function list.
int rk_pkcs11_load(const char *path, void **handle, rk_CK_FUNCTION_LIST **list);

/// Closes a module opened by rk_pkcs11_load.
void rk_pkcs11_unload(void *handle);

#endif
