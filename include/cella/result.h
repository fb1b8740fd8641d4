/* SPDX-License-Identifier: Apache-2.0 */
/* cella/result.h: the result codes every cella function returns. */
#ifndef CELLA_RESULT_H
#define CELLA_RESULT_H

#include "defs.h"

CELLA_EXTERN_C_BEGIN

/*
 * A small, stable set of codes. Detail goes into the log message, not into new codes.
 * The numeric values are part of the ABI: never renumber, only append.
 */
typedef enum cella_result {
    CELLA_OK = 0,
    CELLA_ERR_UNEXPECTED = 1,       /* an internal error; a bug or a broken invariant */
    CELLA_ERR_INVALID_ARGUMENT = 2, /* the caller passed a bad argument */
    CELLA_ERR_OUT_OF_MEMORY = 3,    /* an allocation failed */
    CELLA_ERR_BUFFER_TOO_SMALL = 4, /* output buffer too small; *size holds what is needed */
    CELLA_ERR_INVALID_FORMAT = 5,   /* input does not parse: bad encoding, length, field */
    CELLA_ERR_VERIFY_FAILED = 6,    /* a signature, MAC, measurement or policy check failed */
    CELLA_ERR_NOT_FOUND = 7,        /* a file, key, entry or device does not exist */
    CELLA_ERR_ACCESS_DENIED = 8,    /* the OS or a policy refused access */
    CELLA_ERR_IO = 9,               /* reading or writing a file, socket or device failed */
    CELLA_ERR_UNSUPPORTED = 10,     /* not available on this platform or in this version */
    CELLA_ERR_INVALID_STATE = 11,   /* called in the wrong order or on a dead object */
    CELLA_ERR_OVERFLOW = 12,        /* a size or count computation would overflow */
    CELLA_ERR_TIMEOUT = 13,         /* an operation did not finish in time */
    CELLA_ERR_ENCLAVE_CRASHED = 14, /* the enclave aborted or faulted; destroy and recreate */
    CELLA_ERR_ENCLAVE_LOST = 15,    /* the enclave's process or monitor is gone */
    CELLA_ERR_BUSY = 16,            /* a resource is exhausted for now (e.g. no free TCS) */
} cella_result_t;

/* One past the largest code; for tables and tests. */
#define CELLA_RESULT_COUNT 17

/* The code's name without its prefix context, e.g. "invalid argument". Never NULL. */
CELLA_API const char *cella_result_str(cella_result_t result);

CELLA_EXTERN_C_END

#endif /* CELLA_RESULT_H */
