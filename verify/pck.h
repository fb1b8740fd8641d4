/* SPDX-License-Identifier: Apache-2.0 */
/* verify/pck.h: the SGX extension of PCK certificates (internal to libcella_verify). */
#ifndef CELLA_VERIFY_PCK_H
#define CELLA_VERIFY_PCK_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/x509.h>

#include <cella/collateral.h>
#include <cella/result.h>

/* The SGX extension's OID (Intel's arc 1.2.840.113741.1.13.1). */
#define CELLA_PCK_EXTENSION_OID "1.2.840.113741.1.13.1"

/* What a PCK certificate certifies about its platform. */
typedef struct cella_pck_info {
    uint8_t ppid[16];
    uint8_t components[CELLA_TCB_COMPONENT_COUNT]; /* certified TCB component SVNs */
    uint16_t pce_svn;                              /* certified PCESVN */
    uint8_t cpu_svn[16];                           /* certified CPUSVN */
    uint8_t pce_id[2];
    uint8_t fmspc[6];
    uint32_t sgx_type; /* 0 Standard, 1 Scalable, 2 Scalable with integrity */
} cella_pck_info_t;

/*
 * Reads the SGX extension of certificate: PPID, TCB (16 component SVNs, PCESVN, CPUSVN),
 * PCE-ID, FMSPC and SGX type, each of its exact ASN.1 type and size, each exactly once.
 * The optional Platform-CA fields (platform instance ID, configuration) are accepted and
 * not reported. Returns CELLA_OK; CELLA_ERR_NOT_FOUND (no extension);
 * CELLA_ERR_INVALID_FORMAT (the log says what is wrong). Thread safe.
 */
CELLA_MUST_CHECK cella_result_t cella_pck_info_get(X509 *certificate, cella_pck_info_t *info);

/* The same, from the extension's value (its DER SEQUENCE) of `size` bytes. */
CELLA_MUST_CHECK cella_result_t cella_pck_info_parse(const uint8_t *der, size_t size,
                                                     cella_pck_info_t *info);

#endif /* CELLA_VERIFY_PCK_H */
