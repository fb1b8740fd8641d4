/* SPDX-License-Identifier: Apache-2.0 */
/* cella/verify.h: verifying SGX DCAP quotes, from Intel SGX hardware or cella's software TEE. */
#ifndef CELLA_VERIFY_H
#define CELLA_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sgx/sgx_quote_3.h"
#include "../sgx/sgx_report.h"
#include "collateral.h"
#include "defs.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/*
 * The QE vendor ID of quotes made by cella's software TEE, never Intel's: the ASCII bytes
 * "CELLA-SOFT-TEE-1". A verifier accepts them only from a root added as
 * CELLA_VERIFY_ROOT_SOFTWARE_TEE.
 */
#define CELLA_VERIFY_SOFTWARE_TEE_QE_VENDOR_ID                                                    \
    {                                                                                             \
        0x43, 0x45, 0x4c, 0x4c, 0x41, 0x2d, 0x53, 0x4f, 0x46, 0x54, 0x2d, 0x54, 0x45, 0x45, 0x2d, \
            0x31                                                                                  \
    }

/* A verifier: the roots it trusts and its options. Create once, use from many threads. */
typedef struct cella_verifier cella_verifier_t;

/* What a root added with cella_verifier_add_root() certifies. */
typedef enum cella_verify_root_kind {
    /* Intel SGX quotes (Intel's QE vendor ID): e.g. Intel's test hierarchy. */
    CELLA_VERIFY_ROOT_INTEL = 1,
    /* cella software-TEE quotes (CELLA_VERIFY_SOFTWARE_TEE_QE_VENDOR_ID). */
    CELLA_VERIFY_ROOT_SOFTWARE_TEE = 2,
} cella_verify_root_kind_t;

/* The check that refused a quote. */
typedef enum cella_verify_failure {
    CELLA_VERIFY_OK = 0,
    CELLA_VERIFY_QUOTE_FORMAT,       /* the quote does not parse (cella_quote_parse()) */
    CELLA_VERIFY_QE_VENDOR,          /* a QE vendor no trusted root certifies */
    CELLA_VERIFY_CERTIFICATION_DATA, /* no usable PCK certificate chain */
    CELLA_VERIFY_PCK_CHAIN,      /* the PCK chain does not lead to a trusted root at that time */
    CELLA_VERIFY_PCK_REVOKED,    /* a CRL revokes the PCK certificate or its CA */
    CELLA_VERIFY_PCK_EXTENSION,  /* the PCK certificate's SGX extension is missing or bad */
    CELLA_VERIFY_CRL,            /* a CRL is missing, malformed, badly signed or expired */
    CELLA_VERIFY_TCB_INFO,       /* TCB Info: format, issuer chain, signature, dates, type */
    CELLA_VERIFY_QE_IDENTITY,    /* QE Identity: format, issuer chain, signature, dates */
    CELLA_VERIFY_FMSPC_MISMATCH, /* the PCK's FMSPC or PCE-ID is not the TCB Info's */
    CELLA_VERIFY_QE_REPORT_SIGNATURE,  /* the PCK key did not sign the QE report */
    CELLA_VERIFY_QE_REPORT_DATA,       /* the QE report does not bind the attestation key */
    CELLA_VERIFY_QE_IDENTITY_MISMATCH, /* the QE is not the one the QE Identity describes */
    CELLA_VERIFY_ISV_SIGNATURE,        /* the attestation key did not sign header and report */
    CELLA_VERIFY_TCB_NOT_SUPPORTED,    /* no TCB level of the TCB Info matches the PCK's */
    CELLA_VERIFY_QE_TCB_NOT_SUPPORTED, /* no TCB level of the QE Identity matches the QE */
    CELLA_VERIFY_TCB_REVOKED,          /* the platform's or the QE's TCB level is Revoked */
} cella_verify_failure_t;

/* A short name of a failure ("pck-chain", ...), for logs and JSON. */
CELLA_API const char *cella_verify_failure_str(cella_verify_failure_t failure);

/*
 * The collateral of one verification, as PCS, a PCCS or a collateral directory serve it.
 * Every pointer is (data, size); NULL with size 0 means absent. Nothing is kept after the call
 * but what the verifier's cache keeps by content.
 */
typedef struct cella_verify_collateral {
    const char *tcb_info; /* TCB Info JSON for the quote's FMSPC */
    size_t tcb_info_size;
    const char *tcb_info_issuer_chain; /* PEM: TCB Signing certificate, then the root */
    size_t tcb_info_issuer_chain_size;
    const char *qe_identity; /* QE Identity JSON */
    size_t qe_identity_size;
    const char *qe_identity_issuer_chain; /* PEM: TCB Signing certificate, then the root */
    size_t qe_identity_issuer_chain_size;
    const uint8_t *root_ca_crl; /* the root CA's CRL, DER or PEM */
    size_t root_ca_crl_size;
    const uint8_t *pck_crl; /* the PCK CA's CRL, DER or PEM */
    size_t pck_crl_size;
    /*
     * PEM: the PCK certificate, its CA and the root, for quotes whose certification data is
     * not the chain itself (types 1 to 4). Ignored for type 5.
     */
    const char *pck_certificate_chain;
    size_t pck_certificate_chain_size;
} cella_verify_collateral_t;

#define CELLA_VERIFY_ADVISORIES_MAX   32
#define CELLA_VERIFY_REASON_MAX_BYTES 256

/* The verdict, and what was verified. */
typedef struct cella_verify_result {
    cella_verify_failure_t failure;             /* CELLA_VERIFY_OK when the quote verified */
    char reason[CELLA_VERIFY_REASON_MAX_BYTES]; /* what failed, in one line; "" on success */
    /*
     * False when verified without collateral: signatures, key binding and the PCK chain were
     * checked, TCB and QE identity were not, and the status fields mean nothing.
     */
    bool tcb_evaluated;
    bool software_tee;             /* certified by a software-TEE root */
    cella_tcb_status_t tcb_status; /* platform and QE combined, Intel's rule */
    cella_tcb_status_t platform_tcb_status;
    cella_tcb_status_t qe_tcb_status;
    int64_t tcb_date; /* of the platform's TCB level */
    uint32_t tcb_evaluation_data_number;
    /* The earliest end of validity of anything used (certificates, CRLs, TCB Info,
     * QE Identity): the verdict holds until then. */
    int64_t collateral_expiration;
    size_t advisory_count; /* platform and QE advisories, each once */
    char advisory_ids[CELLA_VERIFY_ADVISORIES_MAX][CELLA_ADVISORY_ID_MAX_BYTES];
    sgx_quote_header_t header;    /* the quote's header */
    sgx_report_body_t isv_report; /* the attested enclave: check it against policy */
    uint8_t fmspc[6];             /* from the PCK certificate */
    uint8_t pce_id[2];
    uint8_t pck_tcb_components[CELLA_TCB_COMPONENT_COUNT]; /* the certified TCB */
    uint16_t pck_pce_svn;
    /* cella_verifier_verify_from() only: the collateral the quote was checked against, as
     * the source keeps it (valid until the source is destroyed); zeros otherwise. */
    cella_verify_collateral_t collateral;
} cella_verify_result_t;

/*
 * A verifier that trusts Intel's SGX Root CA, by subject and public key (so every
 * certificate Intel issued for that key is accepted), and requires CRLs. Returns CELLA_OK
 * and *out (free with cella_verifier_destroy()); CELLA_ERR_OUT_OF_MEMORY;
 * CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_verifier_create(cella_verifier_t **out);
CELLA_API void cella_verifier_destroy(cella_verifier_t *verifier);

/*
 * Trusts one more root (a self-signed PEM certificate), by its subject and public key, for
 * quotes of `kind`. Not thread safe against verifications in progress: add roots first.
 * Returns CELLA_OK; CELLA_ERR_INVALID_FORMAT (not one self-signed certificate);
 * CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_verifier_add_root(cella_verifier_t *verifier,
                                                                  const char *pem, size_t pem_size,
                                                                  cella_verify_root_kind_t kind);

/* Whether CRLs must be supplied (default true). Without them, revocation is not checked. */
CELLA_API void cella_verifier_set_crls_required(cella_verifier_t *verifier, bool required);

/*
 * Verifies quote_size bytes of quote (copied once into the verifier's memory) at time `now`
 * (seconds since the epoch; every validity window must contain it) with collateral. The
 * steps: parse strictly; the QE vendor must be one a trusted root certifies; the PCK chain
 * (certification data type 5, or collateral->pck_certificate_chain) must lead to such a root
 * with CRLs; the PCK's SGX extension gives FMSPC, PCE-ID and the certified TCB; TCB Info and
 * QE Identity must chain to the same root, carry valid signatures over their exact bytes and
 * be current; FMSPC and PCE-ID must match; the PCK key must have signed the QE report, whose
 * report data binds the attestation key and auth data; the QE must match the QE Identity;
 * the attestation key must have signed header and report; then the platform's and the QE's
 * TCB levels are matched and their statuses combined. collateral NULL: everything but the
 * TCB and QE identity steps (result->tcb_evaluated false).
 *
 * Returns CELLA_OK when the quote verified (result->tcb_status then says how current the
 * platform is; the caller's policy decides what to accept); CELLA_ERR_VERIFY_FAILED with
 * result->failure and result->reason; CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 * *result is always written. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_verifier_verify(
    cella_verifier_t *verifier, const void *quote, size_t quote_size,
    const cella_verify_collateral_t *collateral, int64_t now, cella_verify_result_t *result);

/*
 * Where collateral comes from: a directory (offline) or a PCCS-compatible service. A source
 * fetches what a quote needs, by the FMSPC and the CA of its PCK certificate, and keeps it
 * for later verifications. Thread safe.
 *
 * A collateral directory holds, for any number of platforms (`cella platform export` writes
 * one for cella's software TEE; Intel's PCS documents can be laid out the same way):
 *     root-ca-crl.der                  the root CA's CRL (DER, PEM or hex)
 *     pck-crl-processor.der            the PCK Processor CA's CRL
 *     pck-crl-platform.der             the PCK Platform CA's CRL
 *     tcb-info/<fmspc>.json            TCB Info per FMSPC (12 lowercase hex digits)
 *     tcb-info-issuer-chain.pem        its issuer chain (TCB Signing certificate, root)
 *     qe-identity.json                 the QE Identity
 *     qe-identity-issuer-chain.pem     its issuer chain
 * A missing CRL counts as absent (the verifier then refuses unless CRLs are not required);
 * every other file must be there.
 */
typedef struct cella_collateral_source cella_collateral_source_t;

/*
 * A source reading the directory dir (the layout above); files are read when first needed
 * and kept. Returns CELLA_OK and *out (free with cella_collateral_source_destroy());
 * CELLA_ERR_NOT_FOUND (no such directory); CELLA_ERR_INVALID_ARGUMENT;
 * CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_collateral_source_open_dir(const char *dir, cella_collateral_source_t **out);

/*
 * A source fetching from Intel's PCS or a PCCS-compatible service at base_url (http:// or
 * https://, e.g. "https://api.trustedservices.intel.com"; no query or fragment), with the
 * PCS v4 requests: {base_url}/sgx/certification/v4/tcb?fmspc=..., .../qe/identity,
 * .../pckcrl?ca=...&encoding=der and .../rootcacrl, the issuer chains taken from the
 * response headers. https always verifies the server against the system's CA store.
 * Each request times out after 30 s (10 s to connect); larger bodies than
 * CELLA_COLLATERAL_MAX_BYTES are refused. Documents are kept until the earlier next update
 * of the TCB Info and the QE Identity, or an hour when that has passed already. A CRL the
 * service does not have (HTTP 404) counts as absent; any other failure makes
 * cella_collateral_source_get() return CELLA_ERR_IO (or CELLA_ERR_NOT_FOUND for a 404 on
 * TCB Info or QE Identity), the URL and the HTTP status in the log. Returns CELLA_OK and
 * *out (free with cella_collateral_source_destroy()); CELLA_ERR_INVALID_ARGUMENT (NULL, or
 * not such a URL); CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_UNEXPECTED (libcurl did not start).
 * Nothing is fetched before the first cella_collateral_source_get().
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_collateral_source_open_pccs(const char *base_url, cella_collateral_source_t **out);
CELLA_API void cella_collateral_source_destroy(cella_collateral_source_t *source);

/*
 * The collateral of the platform with fmspc whose PCK certificate comes from the CA `pck_ca`
 * ("processor" or "platform"), fetched now or kept from before. The pointers in *collateral
 * stay valid until the source is destroyed (pck_certificate_chain is never set). Returns
 * CELLA_OK; CELLA_ERR_NOT_FOUND (a required document is missing: the log names it);
 * CELLA_ERR_IO; CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_collateral_source_get(cella_collateral_source_t *source, const uint8_t fmspc[6],
                            const char *pck_ca, cella_verify_collateral_t *collateral);

/*
 * cella_verifier_verify() with the collateral from source, chosen by the quote's own PCK
 * certificate (its FMSPC, and its issuer: the Processor or the Platform CA). A quote whose
 * certification data is not a PCK chain cannot be verified this way
 * (CELLA_VERIFY_CERTIFICATION_DATA). A source that cannot provide the collateral makes
 * the verification fail with CELLA_VERIFY_TCB_INFO and the reason.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_verifier_verify_from(
    cella_verifier_t *verifier, const void *quote, size_t quote_size,
    cella_collateral_source_t *source, int64_t now, cella_verify_result_t *result);

CELLA_EXTERN_C_END

#endif /* CELLA_VERIFY_H */
