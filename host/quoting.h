/* SPDX-License-Identifier: Apache-2.0 */
/* host/quoting.h: the software quoting enclave: its PKI, DCAP v3 quotes and their collateral. */
#ifndef CELLA_HOST_QUOTING_H
#define CELLA_HOST_QUOTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cella/result.h>
#include <sgx_ql_lib_common.h>
#include <sgx_report.h>

#include "keys.h"

/*
 * What Intel's quoting enclave (QE3), its provisioning enclave (PCE) and Intel's PKI do on SGX
 * hardware, done in software by the party that plays the CPU: the host process in dev mode
 * and sim, cella-platformd's monitor in service mode (monitor/protocol.h, QUOTE).
 *
 * Every private key is derived from the platform secrets (cella_keys_derive_material()), so
 * the secrets file is the only thing to protect and back up; certificates are rebuilt from the
 * keys in memory by every process that quotes, and are the same certificates each time up to
 * their ECDSA signatures (which are random, of a fixed length: a quote has the same size on
 * every platform). The hierarchy, with names that say it is a software TEE and never Intel:
 *
 *   cella software TEE Root CA             self-signed, CA, path length 1
 *   ├── cella software TEE PCK Platform CA  CA, path length 0
 *   │   └── cella software TEE PCK Certificate   Intel's SGX extension (FMSPC ce11a0000001,
 *   │                                        PCE-ID 0000, TCB = the platform's CPUSVN, PCESVN 1)
 *   └── cella software TEE TCB Signing     signs TCB Info and QE Identity
 *
 * The PCK key signs the QE's report; the QE's report data binds the attestation key, which
 * signs every quote. Quotes carry cella's QE vendor ID (CELLA_VERIFY_SOFTWARE_TEE_QE_VENDOR_ID),
 * so a verifier accepts them only from a root it was given as a software-TEE root.
 *
 * The collateral directory, as cella_quoting_export() writes it (`cella platform export`),
 * for verifiers to read:
 *
 *   DIR/root-ca.pem                   the root certificate: what verifiers must be given to
 *                                     trust this platform (a software-TEE root)
 *   DIR/root-ca-crl.der               the root CA's CRL (DER)
 *   DIR/pck-crl-platform.der          the PCK Platform CA's CRL (DER)
 *   DIR/tcb-info/<fmspc>.json         TCB Info v3, <fmspc> in lower-case hex (ce11a0000001)
 *   DIR/tcb-info-issuer-chain.pem     TCB Signing certificate, then the root
 *   DIR/qe-identity.json              QE Identity v2
 *   DIR/qe-identity-issuer-chain.pem  TCB Signing certificate, then the root
 *
 * TCB Info and QE Identity are valid for CELLA_QUOTING_COLLATERAL_VALIDITY_SECONDS from the
 * time they are made, as are the CRLs; the certificates from 2025-01-01 to 2049-12-31.
 */

/* The FMSPC and PCE-ID of every cella software-TEE platform. */
#define CELLA_QUOTING_FMSPC_INIT           \
    {                                      \
        0xce, 0x11, 0xa0, 0x00, 0x00, 0x01 \
    }
#define CELLA_QUOTING_FMSPC_HEX "ce11a0000001"
#define CELLA_QUOTING_PCE_ID_INIT \
    {                             \
        0x00, 0x00                \
    }

#define CELLA_QUOTING_QE_SVN          1  /* the QE's ISVSVN, in quote headers */
#define CELLA_QUOTING_PCE_SVN         1  /* the PCE's ISVSVN: quote headers, the PCK's TCB */
#define CELLA_QUOTING_AUTH_DATA_BYTES 32 /* QE auth data: bytes 00 01 ... 1f, as Intel's QE3 */

/* How long TCB Info, QE Identity and the CRLs stay current after they are made: 30 days. */
#define CELLA_QUOTING_COLLATERAL_VALIDITY_SECONDS (30 * 24 * 60 * 60)

/* The collateral directory's file names (see above). */
#define CELLA_QUOTING_ROOT_CA_FILE                  "root-ca.pem"
#define CELLA_QUOTING_ROOT_CA_CRL_FILE              "root-ca-crl.der"
#define CELLA_QUOTING_PCK_CRL_FILE                  "pck-crl-platform.der"
#define CELLA_QUOTING_TCB_INFO_DIR                  "tcb-info"
#define CELLA_QUOTING_TCB_INFO_FILE                 "tcb-info/" CELLA_QUOTING_FMSPC_HEX ".json"
#define CELLA_QUOTING_TCB_INFO_ISSUER_CHAIN_FILE    "tcb-info-issuer-chain.pem"
#define CELLA_QUOTING_QE_IDENTITY_FILE              "qe-identity.json"
#define CELLA_QUOTING_QE_IDENTITY_ISSUER_CHAIN_FILE "qe-identity-issuer-chain.pem"

/* The quoting enclave of one platform: its keys and certificates. Immutable once created. */
typedef struct cella_quoting cella_quoting_t;

/*
 * The collateral of one platform at one time, each item as (bytes, size); the PEM and JSON
 * texts are NUL-terminated (the NUL not counted). Owned by the object.
 */
typedef struct cella_quoting_collateral {
    char *root_ca; /* PEM */
    size_t root_ca_size;
    uint8_t *root_ca_crl; /* DER */
    size_t root_ca_crl_size;
    uint8_t *pck_crl; /* DER, by the PCK Platform CA */
    size_t pck_crl_size;
    char *tcb_info; /* {"tcbInfo":{...},"signature":"..."} */
    size_t tcb_info_size;
    char *tcb_info_issuer_chain; /* PEM: TCB Signing, root */
    size_t tcb_info_issuer_chain_size;
    char *qe_identity; /* {"enclaveIdentity":{...},"signature":"..."} */
    size_t qe_identity_size;
    char *qe_identity_issuer_chain; /* PEM: TCB Signing, root */
    size_t qe_identity_issuer_chain_size;
} cella_quoting_collateral_t;

/*
 * The QE's identity, the same on every platform: MRENCLAVE and MRSIGNER (SHA-256 of fixed
 * cella strings), ISVPRODID 1, ISVSVN 1, attributes INITTED | MODE64BIT | PROVISION_KEY with
 * XFRM 3, MISCSELECT 0, the platform's CPUSVN; report data zero.
 */
void cella_quoting_get_identity(sgx_report_body_t *identity);

/* The QE's target info (sgx_qe_get_target_info): what an enclave makes its report for. */
void cella_quoting_get_target_info(sgx_target_info_t *target_info);

/*
 * Derives the platform's keys from secrets and builds its certificates and the QE's signed
 * report. secrets is borrowed: it must outlive the object (quotes check reports with it).
 * Returns CELLA_OK and *out (free with cella_quoting_destroy()); CELLA_ERR_INVALID_ARGUMENT;
 * CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_UNEXPECTED (the log says which step failed).
 * Thread safe.
 */
CELLA_MUST_CHECK cella_result_t cella_quoting_create(const cella_keys_secrets_t *secrets,
                                                     cella_quoting_t **out);

/* Frees the object, wiping its keys. NULL is a no-op. */
void cella_quoting_destroy(cella_quoting_t *quoting);

/* The size of every quote of this platform, in bytes (sgx_qe_get_quote_size). Thread safe. */
uint32_t cella_quoting_get_quote_size(const cella_quoting_t *quoting);

/*
 * Turns report, made by an enclave for the QE's target info on this platform, into a v3
 * ECDSA P-256 quote (sgx_qe_get_quote): the report's MAC is checked first, with the QE's
 * report key, then the quote is written to the first cella_quoting_get_quote_size() bytes of
 * quote (the bytes after them are left as they are).
 * Returns SGX_QL_SUCCESS; SGX_QL_ERROR_INVALID_PARAMETER (NULL, or quote_size too small);
 * SGX_QL_INVALID_REPORT (made for another target, on another platform, or changed);
 * SGX_QL_ERROR_UNEXPECTED. On failure nothing is written to quote. Thread safe.
 */
CELLA_MUST_CHECK quote3_error_t cella_quoting_get_quote(const cella_quoting_t *quoting,
                                                        const sgx_report_t *report, uint8_t *quote,
                                                        uint32_t quote_size);

/*
 * The certification data of every quote: PEM of the PCK certificate, the PCK Platform CA and
 * the root, in that order, NUL-terminated; *size counts the NUL. Owned by the object.
 */
const char *cella_quoting_get_certification_data(const cella_quoting_t *quoting, size_t *size);

/* The attestation public key as quotes carry it: x || y, big-endian. */
void cella_quoting_get_attestation_key(const cella_quoting_t *quoting, uint8_t key[64]);

/*
 * The platform's collateral made at time `now` (seconds since the epoch): TCB Info and QE
 * Identity issued then, and CRLs updated then, all current for
 * CELLA_QUOTING_COLLATERAL_VALIDITY_SECONDS. revoke_pck: the PCK CRL revokes this platform's
 * PCK certificate, so verifiers given this collateral refuse every quote of the platform
 * (for a platform whose secrets may have leaked). Returns CELLA_OK and *out (free with
 * cella_quoting_collateral_destroy()); CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY;
 * CELLA_ERR_UNEXPECTED. Thread safe.
 */
CELLA_MUST_CHECK cella_result_t cella_quoting_collateral_create(const cella_quoting_t *quoting,
                                                                int64_t now, bool revoke_pck,
                                                                cella_quoting_collateral_t **out);

/* Frees collateral. NULL is a no-op. */
void cella_quoting_collateral_destroy(cella_quoting_collateral_t *collateral);

/*
 * Writes the collateral made at `now` into directory (created, with missing parents, when
 * it does not exist) in the layout above; every file is written whole under a temporary
 * name and then renamed, readable by everyone (it is public). Without overwrite, a directory
 * that already holds any of the files is left untouched.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_ACCESS_DENIED (a file exists and
 * overwrite is false, or the system refused); CELLA_ERR_IO; CELLA_ERR_OUT_OF_MEMORY;
 * CELLA_ERR_UNEXPECTED. The log names the file.
 */
CELLA_MUST_CHECK cella_result_t cella_quoting_export(const cella_quoting_t *quoting, int64_t now,
                                                     const char *directory, bool overwrite);

#endif /* CELLA_HOST_QUOTING_H */
