/* SPDX-License-Identifier: Apache-2.0 */
/* cella_libc_defs.h: macros shared by the headers of cella's trusted (enclave) C library. */
#ifndef CELLA_LIBC_DEFS_H
#define CELLA_LIBC_DEFS_H

#ifdef __cplusplus
#define CELLA_LIBC_BEGIN    extern "C" {
#define CELLA_LIBC_END      }
#define CELLA_LIBC_RESTRICT __restrict
#else
#define CELLA_LIBC_BEGIN
#define CELLA_LIBC_END
#define CELLA_LIBC_RESTRICT restrict
#endif

#define CELLA_LIBC_NORETURN __attribute__((noreturn))
#define CELLA_LIBC_PRINTF(format_index, first_arg) \
    __attribute__((format(__printf__, format_index, first_arg)))
#define CELLA_LIBC_MUST_CHECK   __attribute__((warn_unused_result))
#define CELLA_LIBC_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))

/*
 * A function (or object) that does not exist inside an enclave. Using it is a compile error
 * whose text names it and says what to do instead; anything not declared at all is a link error
 * (enclaves link with -nostdlib -Wl,--no-undefined).
 */
#if defined(__has_attribute)
#if __has_attribute(unavailable)
#define CELLA_LIBC_UNAVAILABLE(message) __attribute__((unavailable(message)))
#endif
#endif
#ifndef CELLA_LIBC_UNAVAILABLE
#define CELLA_LIBC_UNAVAILABLE(message) __attribute__((error(message)))
#endif

#define CELLA_LIBC_NOT_IN_ENCLAVE(name, instead) \
    CELLA_LIBC_UNAVAILABLE(#name " is not available inside an enclave: " instead)

/* The advice shared by several unavailable functions. */
#define CELLA_LIBC_USE_OCALL "make an OCALL to the host (and treat what it returns as untrusted)"
#define CELLA_LIBC_USE_OCALL_FILES \
    "make an OCALL to the host for file I/O (seal data that must stay secret)"
#define CELLA_LIBC_USE_OCALL_TIME \
    "the enclave has no trusted clock; get the time from the host with an OCALL (untrusted input)"
#define CELLA_LIBC_USE_OCALL_NET    "make an OCALL to the host for networking"
#define CELLA_LIBC_USE_RETURN       "return from the ECALL instead, or call abort() to stop the enclave"
#define CELLA_LIBC_USE_READ_RAND    "use sgx_read_rand() for random bytes"
#define CELLA_LIBC_USE_ECALL_PARAMS "pass configuration in through an ECALL parameter"
#define CELLA_LIBC_USE_HOST_THREADS \
    "enclave threads are host threads that enter through an ECALL; create them on the host"

#endif /* CELLA_LIBC_DEFS_H */
