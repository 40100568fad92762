#include "rolekit_pkcs11.h"
#include <dlfcn.h>

typedef rk_CK_RV (*rk_get_function_list)(rk_CK_FUNCTION_LIST **);

int rk_pkcs11_load(const char *path, void **handle, rk_CK_FUNCTION_LIST **list) {
    *handle = NULL;
    *list = NULL;
    void *module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (module == NULL) return RK_PKCS11_OPEN_FAILED;
    rk_get_function_list get = (rk_get_function_list)dlsym(module, "C_GetFunctionList");
    if (get == NULL) {
        dlclose(module);
        return RK_PKCS11_NO_ENTRY_POINT;
    }
    rk_CK_FUNCTION_LIST *functions = NULL;
    if (get(&functions) != 0 || functions == NULL) {
        dlclose(module);
        return RK_PKCS11_NO_FUNCTION_LIST;
    }
    *handle = module;
    *list = functions;
    return RK_PKCS11_LOADED;
}

void rk_pkcs11_unload(void *handle) {
    if (handle != NULL) dlclose(handle);
}
