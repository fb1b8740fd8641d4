/* SPDX-License-Identifier: Apache-2.0 */
/* cella/enclave_config.h: Enclave.config.xml, the enclave's build-time configuration. */
#ifndef CELLA_ENCLAVE_CONFIG_H
#define CELLA_ENCLAVE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/*
 * The settings of Enclave.config.xml that cella uses. The defaults are the Intel SGX SDK's
 * sgx_sign defaults (its parameter table in sdk/sign_tool/SignTool/sign_tool.cpp), so an
 * enclave gets the same configuration from the same file with either tool.
 */
typedef struct cella_enclave_config {
    uint16_t prod_id;        /* ProdID: SIGSTRUCT ISVPRODID; default 0 */
    uint16_t isv_svn;        /* ISVSVN: SIGSTRUCT ISVSVN; default 0 */
    uint64_t stack_max_size; /* StackMaxSize: bytes of stack per thread; default 0x40000 */
    uint64_t heap_max_size;  /* HeapMaxSize: bytes of heap; default 0x100000 */
    uint32_t tcs_num;        /* TCSNum: threads (TCS pages); default 1 */
    uint32_t tcs_policy;     /* TCSPolicy: 0 bind, 1 unbind; default 1 */
    bool disable_debug;      /* DisableDebug: forbid debug launches; default false */
    uint32_t misc_select;    /* MiscSelect: SIGSTRUCT MISCSELECT; default 0 */
    uint32_t misc_mask;      /* MiscMask: SIGSTRUCT MISCMASK; default 0xFFFFFFFF */
} cella_enclave_config_t;

#define CELLA_ENCLAVE_CONFIG_DEFAULT_STACK_MAX_SIZE 0x40000ULL
#define CELLA_ENCLAVE_CONFIG_DEFAULT_HEAP_MAX_SIZE  0x100000ULL
#define CELLA_ENCLAVE_CONFIG_DEFAULT_TCS_NUM        1U
#define CELLA_ENCLAVE_CONFIG_DEFAULT_TCS_POLICY     1U
#define CELLA_ENCLAVE_CONFIG_DEFAULT_MISC_MASK      0xFFFFFFFFU

/* Largest Enclave.config.xml accepted. */
#define CELLA_ENCLAVE_CONFIG_MAX_BYTES (1024 * 1024)

/* Fills *config with the defaults above. NULL is a no-op. Thread safe. */
CELLA_API void cella_enclave_config_init(cella_enclave_config_t *config);

/*
 * Parses the xml_size bytes at xml as Enclave.config.xml into *config, starting from the
 * defaults.
 *
 * The root element is <EnclaveConfiguration>; each child element holds one number, in
 * decimal, in hexadecimal with 0x, or in octal with a leading 0 (as sgx_sign reads it;
 * octal draws a warning), with optional surrounding whitespace. Ranges (the error message
 * names the element and its range):
 *   ProdID, ISVSVN          0 .. 0xFFFF
 *   TCSNum                  1 .. 0xFFFFFFFF
 *   TCSPolicy, DisableDebug 0 .. 1
 *   StackMaxSize            0x1000 .. 0x1FFFFFFFFF, a multiple of 0x1000
 *   HeapMaxSize             0 .. 0x1FFFFFFFFF, a multiple of 0x1000
 *   MiscSelect              0 .. 1 (bit 0, EXINFO, is the only MISCSELECT bit defined)
 *   MiscMask                0 .. 0xFFFFFFFF
 * sgx_sign elements for features cella does not use (TCSMaxNum, TCSMinPool, StackMinSize,
 * HeapMinSize, HeapInitSize, UserRegionSize, ReservedMem*) are range-checked and ignored
 * with a warning. Elements that would change the enclave's identity through a feature
 * cella does not support (ProvisionKey, LaunchKey, EnableKSS, ISVFAMILYID_H/_L,
 * ISVEXTPRODID_H/_L, HeapExecutable, ReservedMemExecutable, ReleaseType, IntelSigned, HW,
 * EnableAEXNotify) are accepted only with the value 0. Unknown elements draw a warning
 * naming them. An element given twice, attributes on a child, nested children, text in
 * the root, a missing value, a DOCTYPE (no DTDs, so no entity expansion) or malformed XML
 * are errors.
 *
 * Returns CELLA_OK; CELLA_ERR_INVALID_FORMAT (the log says what and where: line and
 * element); CELLA_ERR_INVALID_ARGUMENT for NULL pointers or xml_size above
 * CELLA_ENCLAVE_CONFIG_MAX_BYTES; CELLA_ERR_OUT_OF_MEMORY. *config is written only on
 * success. Warnings and errors go to the cella log. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_enclave_config_parse(const void *xml, size_t xml_size, cella_enclave_config_t *config);

CELLA_EXTERN_C_END

#endif /* CELLA_ENCLAVE_CONFIG_H */
