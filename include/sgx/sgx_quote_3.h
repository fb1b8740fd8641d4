/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_quote_3.h: the SGX DCAP ECDSA quote, version 3, with the DCAP library's names. */
#ifndef CELLA_SGX_QUOTE_3_H
#define CELLA_SGX_QUOTE_3_H

#include <stddef.h>
#include <stdint.h>

#include "../cella/defs.h"
#include "sgx_key.h"
#include "sgx_report.h"

CELLA_EXTERN_C_BEGIN

/*
 * Layout of a v3 quote (all integers little-endian, no padding; ECDSA values big-endian):
 *
 *   0     sgx_quote_header_t           48 bytes
 *   48    sgx_report_body_t            384 bytes, the attested enclave
 *   432   signature_data_len           u32 = total length - 436
 *   436   sgx_ql_ecdsa_sig_data_t      576 bytes: ISV signature, attestation key,
 *                                      QE report body, QE report signature
 *   1012  sgx_ql_auth_data_t           u16 size n, then n bytes of QE auth data
 *   1014+n sgx_ql_certification_data_t u16 type, u32 size m, then m bytes
 *
 * The quote, the ECDSA data and the two variable parts are overlaid on the byte buffer, so
 * every struct here is packed (alignment 1) and may sit at any address.
 */

/* Attestation key algorithm (sgx_quote_header_t.att_key_type). */
typedef enum {
    SGX_QL_ALG_EPID = 0,       /* EPID 2.0; not a DCAP quote */
    SGX_QL_ALG_RESERVED_1 = 1, /* reserved */
    SGX_QL_ALG_ECDSA_P256 = 2, /* ECDSA-256 with P-256: every SGX v3 quote */
    SGX_QL_ALG_ECDSA_P384 = 3, /* ECDSA-384 with P-384: defined, not supported */
    SGX_QL_ALG_MAX = 4         /* one past the last value */
} sgx_ql_attestation_algorithm_id_t;

/* The same type under the name the quote header's documentation uses. */
typedef sgx_ql_attestation_algorithm_id_t sgx_attestation_algorithm_id_t;

/* What the certification data of a quote holds (sgx_ql_certification_data_t.cert_key_type). */
typedef enum {
    PPID_CLEARTEXT = 1,         /* PPID in clear, then CPUSVN and PCESVN */
    PPID_RSA2048_ENCRYPTED = 2, /* PPID encrypted with RSA-2048-OAEP, then CPUSVN, PCESVN, PCE-ID */
    PPID_RSA3072_ENCRYPTED = 3, /* PPID encrypted with RSA-3072-OAEP, then CPUSVN, PCESVN, PCE-ID */
    PCK_CLEARTEXT = 4,          /* PCK leaf certificate */
    PCK_CERT_CHAIN = 5,         /* PEM chain: PCK leaf, intermediate CA, root CA */
    ECDSA_SIG_AUX_DATA = 6,     /* QE report certification data (v4/v5 quotes) */
    PLATFORM_MANIFEST = 7,      /* platform manifest */
    QL_CERT_KEY_TYPE_MAX = 16   /* upper bound of the type space */
} sgx_ql_cert_key_type_t;

#define CELLA_QUOTE3_VERSION 3 /* sgx_quote_header_t.version of a v3 quote */

/* Intel's QE vendor ID (sgx_quote_header_t.vendor_id), as an initializer for uint8_t[16]. */
#define CELLA_QUOTE3_INTEL_QE_VENDOR_ID                                                           \
    {                                                                                             \
        0x93, 0x9A, 0x72, 0x33, 0xF7, 0x9C, 0x4C, 0xA9, 0x94, 0x0A, 0x0D, 0xB3, 0x95, 0x7F, 0x06, \
            0x07                                                                                  \
    }

/* Sizes of the fixed parts. */
#define CELLA_QUOTE3_VENDOR_ID_BYTES       16  /* sgx_quote_header_t.vendor_id */
#define CELLA_QUOTE3_USER_DATA_BYTES       20  /* sgx_quote_header_t.user_data */
#define CELLA_QUOTE3_ECDSA_SIGNATURE_BYTES 64  /* raw r || s, each 32 bytes big-endian */
#define CELLA_QUOTE3_ECDSA_PUB_KEY_BYTES   64  /* raw x || y, each 32 bytes big-endian */
#define CELLA_QUOTE3_HEADER_BYTES          48  /* sizeof(sgx_quote_header_t) */
#define CELLA_QUOTE3_ECDSA_SIG_DATA_BYTES  576 /* sizeof(sgx_ql_ecdsa_sig_data_t) */

/* Absolute offsets in a v3 quote; those after the QE auth data depend on its size n. */
#define CELLA_QUOTE3_REPORT_BODY_OFFSET         48   /* ISV enclave report body */
#define CELLA_QUOTE3_SIGNATURE_DATA_LEN_OFFSET  432  /* u32 signature_data_len */
#define CELLA_QUOTE3_SIGNED_BYTES               432  /* the ISV signature covers [0, 432) */
#define CELLA_QUOTE3_SIGNATURE_DATA_OFFSET      436  /* signature_data[] */
#define CELLA_QUOTE3_ISV_SIGNATURE_OFFSET       436  /* ECDSA signature over [0, 432) */
#define CELLA_QUOTE3_ATTEST_PUB_KEY_OFFSET      500  /* attestation public key */
#define CELLA_QUOTE3_QE_REPORT_BODY_OFFSET      564  /* QE report body */
#define CELLA_QUOTE3_QE_REPORT_SIGNATURE_OFFSET 948  /* PCK signature over the QE report body */
#define CELLA_QUOTE3_QE_AUTH_DATA_SIZE_OFFSET   1012 /* u16 QE auth data size n */
#define CELLA_QUOTE3_QE_AUTH_DATA_OFFSET        1014 /* QE auth data, n bytes */
#define CELLA_QUOTE3_CERT_KEY_TYPE_OFFSET(n)    (1014 + (n)) /* u16 certification data type */
#define CELLA_QUOTE3_CERT_DATA_SIZE_OFFSET(n)   (1016 + (n)) /* u32 certification data size m */
#define CELLA_QUOTE3_CERT_DATA_OFFSET(n)        (1020 + (n)) /* certification data, m bytes */

/* Smallest v3 quote: no QE auth data and no certification data. */
#define CELLA_QUOTE3_MIN_BYTES 1020

/* Quote header, 48 bytes. */
typedef struct CELLA_PACKED sgx_quote_header {
    uint16_t version;        /* 0: 3 */
    uint16_t att_key_type;   /* 2: sgx_ql_attestation_algorithm_id_t; 2 = ECDSA P-256 */
    uint32_t att_key_data_0; /* 4: reserved, 0 for SGX (tee_type in v4) */
    sgx_isv_svn_t qe_svn;    /* 8: ISVSVN of the quoting enclave */
    sgx_isv_svn_t pce_svn;   /* 10: ISVSVN of the provisioning certification enclave */
    union {
        uint8_t vendor_id[CELLA_QUOTE3_VENDOR_ID_BYTES];    /* 12: QE vendor (SDK name) */
        uint8_t qe_vendor_id[CELLA_QUOTE3_VENDOR_ID_BYTES]; /* 12: the same bytes */
    };
    uint8_t user_data[CELLA_QUOTE3_USER_DATA_BYTES]; /* 28: bytes 0-15 QE-ID, 16-19 zero */
} sgx_quote_header_t;

CELLA_STATIC_ASSERT(sizeof(sgx_quote_header_t) == CELLA_QUOTE3_HEADER_BYTES,
                    "sgx_quote_header_t is 48 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_quote_header_t, att_key_data_0) == 4,
                    "header.att_key_data_0 at 4");
CELLA_STATIC_ASSERT(offsetof(sgx_quote_header_t, qe_svn) == 8, "header.qe_svn at 8");
CELLA_STATIC_ASSERT(offsetof(sgx_quote_header_t, pce_svn) == 10, "header.pce_svn at 10");
CELLA_STATIC_ASSERT(offsetof(sgx_quote_header_t, vendor_id) == 12, "header.vendor_id at 12");
CELLA_STATIC_ASSERT(offsetof(sgx_quote_header_t, qe_vendor_id) == 12, "header.qe_vendor_id at 12");
CELLA_STATIC_ASSERT(offsetof(sgx_quote_header_t, user_data) == 28, "header.user_data at 28");

/* A v3 quote: 436 fixed bytes, then signature_data_len bytes of signature data. */
typedef struct CELLA_PACKED sgx_quote3 {
    sgx_quote_header_t header;     /* 0: quote header */
    sgx_report_body_t report_body; /* 48: report body of the attested enclave */
    uint32_t signature_data_len;   /* 432: bytes of signature_data */
    uint8_t signature_data[];      /* 436: sgx_ql_ecdsa_sig_data_t for ECDSA P-256 */
} sgx_quote3_t;

CELLA_STATIC_ASSERT(sizeof(sgx_quote3_t) == 436, "sgx_quote3_t fixed part is 436 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_quote3_t, report_body) == CELLA_QUOTE3_REPORT_BODY_OFFSET,
                    "quote.report_body at 48");
CELLA_STATIC_ASSERT(offsetof(sgx_quote3_t, signature_data_len) ==
                        CELLA_QUOTE3_SIGNATURE_DATA_LEN_OFFSET,
                    "quote.signature_data_len at 432");
CELLA_STATIC_ASSERT(offsetof(sgx_quote3_t, signature_data) == CELLA_QUOTE3_SIGNATURE_DATA_OFFSET,
                    "quote.signature_data at 436");

/*
 * ECDSA P-256 signature data, 576 fixed bytes, at quote offset 436. qe3_report and
 * qe3_report_sig are the SDK's names; qe_report and qe_report_sig name the same bytes.
 */
typedef struct CELLA_PACKED sgx_ql_ecdsa_sig_data {
    uint8_t sig[CELLA_QUOTE3_ECDSA_SIGNATURE_BYTES];          /* 0: attestation key over [0, 432) */
    uint8_t attest_pub_key[CELLA_QUOTE3_ECDSA_PUB_KEY_BYTES]; /* 64: attestation public key */
    union {
        sgx_report_body_t qe3_report; /* 128: QE report body */
        sgx_report_body_t qe_report;  /* 128: the same bytes */
    };
    union {
        uint8_t qe3_report_sig[CELLA_QUOTE3_ECDSA_SIGNATURE_BYTES]; /* 512: PCK over QE report */
        uint8_t qe_report_sig[CELLA_QUOTE3_ECDSA_SIGNATURE_BYTES];  /* 512: the same bytes */
    };
    /* 576: sgx_ql_auth_data_t, then sgx_ql_certification_data_t */
    uint8_t auth_certification_data[];
} sgx_ql_ecdsa_sig_data_t;

CELLA_STATIC_ASSERT(sizeof(sgx_ql_ecdsa_sig_data_t) == CELLA_QUOTE3_ECDSA_SIG_DATA_BYTES,
                    "sgx_ql_ecdsa_sig_data_t fixed part is 576 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_ql_ecdsa_sig_data_t, attest_pub_key) ==
                        CELLA_QUOTE3_ATTEST_PUB_KEY_OFFSET - CELLA_QUOTE3_SIGNATURE_DATA_OFFSET,
                    "sig_data.attest_pub_key at 64");
CELLA_STATIC_ASSERT(offsetof(sgx_ql_ecdsa_sig_data_t, qe3_report) ==
                        CELLA_QUOTE3_QE_REPORT_BODY_OFFSET - CELLA_QUOTE3_SIGNATURE_DATA_OFFSET,
                    "sig_data.qe3_report at 128");
CELLA_STATIC_ASSERT(offsetof(sgx_ql_ecdsa_sig_data_t, qe3_report_sig) ==
                        CELLA_QUOTE3_QE_REPORT_SIGNATURE_OFFSET -
                            CELLA_QUOTE3_SIGNATURE_DATA_OFFSET,
                    "sig_data.qe3_report_sig at 512");
CELLA_STATIC_ASSERT(offsetof(sgx_ql_ecdsa_sig_data_t, auth_certification_data) ==
                        CELLA_QUOTE3_QE_AUTH_DATA_SIZE_OFFSET - CELLA_QUOTE3_SIGNATURE_DATA_OFFSET,
                    "sig_data.auth_certification_data at 576");

/* QE authentication data: a u16 size, then that many bytes (Intel's QE3: 32 bytes 00..1f). */
typedef struct CELLA_PACKED sgx_ql_auth_data {
    uint16_t size;       /* 0: bytes of auth_data */
    uint8_t auth_data[]; /* 2: hashed with the attestation key into the QE report data */
} sgx_ql_auth_data_t;

CELLA_STATIC_ASSERT(sizeof(sgx_ql_auth_data_t) == 2, "sgx_ql_auth_data_t fixed part is 2 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_ql_auth_data_t, auth_data) == 2, "auth_data.auth_data at 2");

/* Certification data: who certifies the attestation key (normally the PCK chain, type 5). */
typedef struct CELLA_PACKED sgx_ql_certification_data {
    uint16_t cert_key_type;       /* 0: sgx_ql_cert_key_type_t */
    uint32_t size;                /* 2: bytes of certification_data */
    uint8_t certification_data[]; /* 6: type 5: PEM chain, often NUL-terminated (NUL counted) */
} sgx_ql_certification_data_t;

CELLA_STATIC_ASSERT(sizeof(sgx_ql_certification_data_t) == 6,
                    "sgx_ql_certification_data_t fixed part is 6 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_ql_certification_data_t, size) == 2, "cert_data.size at 2");
CELLA_STATIC_ASSERT(offsetof(sgx_ql_certification_data_t, certification_data) == 6,
                    "cert_data.certification_data at 6");

CELLA_STATIC_ASSERT(CELLA_QUOTE3_MIN_BYTES ==
                        sizeof(sgx_quote3_t) + sizeof(sgx_ql_ecdsa_sig_data_t) +
                            sizeof(sgx_ql_auth_data_t) + sizeof(sgx_ql_certification_data_t),
                    "a v3 quote has at least 1020 bytes");

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_QUOTE_3_H */
