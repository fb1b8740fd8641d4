/* SPDX-License-Identifier: Apache-2.0 */
/* common/result.c: names of cella's result codes. */
#include <cella/result.h>

const char *cella_result_str(cella_result_t result)
{
    /* Exhaustive, no default: -Wswitch-enum reports a code added without a name. */
    switch (result) {
    case CELLA_OK:
        return "success";
    case CELLA_ERR_UNEXPECTED:
        return "unexpected internal error";
    case CELLA_ERR_INVALID_ARGUMENT:
        return "invalid argument";
    case CELLA_ERR_OUT_OF_MEMORY:
        return "out of memory";
    case CELLA_ERR_BUFFER_TOO_SMALL:
        return "buffer too small";
    case CELLA_ERR_INVALID_FORMAT:
        return "invalid format";
    case CELLA_ERR_VERIFY_FAILED:
        return "verification failed";
    case CELLA_ERR_NOT_FOUND:
        return "not found";
    case CELLA_ERR_ACCESS_DENIED:
        return "access denied";
    case CELLA_ERR_IO:
        return "input/output error";
    case CELLA_ERR_UNSUPPORTED:
        return "not supported";
    case CELLA_ERR_INVALID_STATE:
        return "invalid state";
    case CELLA_ERR_OVERFLOW:
        return "size overflow";
    case CELLA_ERR_TIMEOUT:
        return "timed out";
    case CELLA_ERR_ENCLAVE_CRASHED:
        return "enclave crashed";
    case CELLA_ERR_ENCLAVE_LOST:
        return "enclave lost";
    case CELLA_ERR_BUSY:
        return "resource busy";
    }
    return "unknown result code";
}
