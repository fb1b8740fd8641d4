/* SPDX-License-Identifier: Apache-2.0 */
/* cella/quote.h: strict parsing of SGX DCAP quotes (version 3, ECDSA P-256). */
#ifndef CELLA_QUOTE_H
#define CELLA_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include "../sgx/sgx_quote_3.h"
#include "../sgx/sgx_report.h"
#include "defs.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/* The largest quote accepted: real ones are under 5 KiB; the PEM chain is most of it. */
#define CELLA_QUOTE_MAX_BYTES (64u * 1024u)

/* The 16-byte header of an Open Enclave remote report, in front of the quote. */
#define CELLA_QUOTE_OE_REPORT_HEADER_BYTES 16

/*
 * A parsed quote. Fixed-size parts are copies (aligned, safe to read field by field);
 * variable-size parts point into the buffer given to cella_quote_parse(), which must stay
 * valid and unchanged while they are used.
 */
typedef struct cella_quote {
    sgx_quote_header_t header;         /* version 3, att_key_type 2, att_key_data_0 0 */
    sgx_report_body_t isv_report;      /* the attested enclave */
    uint8_t isv_signature[64];         /* ECDSA r || s (big-endian) by the attestation key */
    uint8_t attestation_key[64];       /* P-256 x || y (big-endian) */
    sgx_report_body_t qe_report;       /* the quoting enclave's report */
    uint8_t qe_signature[64];          /* ECDSA r || s by the PCK key over qe_report_bytes */
    const uint8_t *signed_bytes;       /* [0, 432): what the attestation key signs */
    size_t signed_size;                /* 432 */
    const uint8_t *qe_report_bytes;    /* the 384 bytes of the QE report, as signed */
    const uint8_t *qe_auth_data;       /* hashed with the attestation key into the QE report */
    size_t qe_auth_data_size;          /* 0 to 65535; Intel's QE: 32 */
    uint16_t certification_data_type;  /* sgx_ql_cert_key_type_t: 1 to 5 */
    const uint8_t *certification_data; /* type 5: PEM chain, leaf first, any final NUL kept */
    size_t certification_data_size;
} cella_quote_t;

/*
 * Parses quote_size bytes at quote as a v3 ECDSA P-256 SGX quote, without checking any
 * signature (that is the verifier's job). Every length is checked before it is used:
 * signature_data_len must cover exactly the rest of the quote (436 + signature_data_len ==
 * quote_size), the QE auth data and the certification data must fit in it, and the
 * certification data must end the quote (no trailing bytes). The header must say version 3,
 * attestation key type 2 (ECDSA P-256) and 0 in att_key_data_0; the certification data
 * type must be 1 to 5. The QE vendor is not checked here (the verifier decides whom it
 * trusts), nor are the reserved fields of the report bodies. The log names the field that
 * failed.
 *   quote, quote_size: the quote's bytes; the variable-size parts of *parsed point into
 *                      them, so they must outlive every use of those pointers.
 *   parsed:            receives the result; written only on success.
 * Returns CELLA_OK;
 * CELLA_ERR_INVALID_ARGUMENT when quote or parsed is NULL;
 * CELLA_ERR_UNSUPPORTED for a quote of another kind: version 1 or 2 (EPID), 4 or 5 (SGX or
 *   TDX, tee_type in place of att_key_data_0), or attestation key type 0 (EPID) or 3
 *   (ECDSA P-384);
 * CELLA_ERR_INVALID_FORMAT for anything else: fewer than 1020 bytes (48 when the header
 *   itself is cut), more than CELLA_QUOTE_MAX_BYTES, inconsistent lengths, trailing bytes,
 *   version 0 or above 5, an undefined key type, a non-zero att_key_data_0, a certification
 *   data type other than 1 to 5.
 * Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_quote_parse(const void *quote, size_t quote_size,
                                                            cella_quote_t *parsed);

/*
 * Finds the quote inside an Open Enclave remote report: a 16-byte header (version u32 = 1,
 * report type u32 = 2 for remote, the quote's size as u64), then the quote, which must
 * fill the rest of the report exactly. The quote itself is not parsed: pass it to
 * cella_quote_parse().
 *   report, report_size: the report's bytes.
 *   quote, quote_size:   receive where the quote starts (inside report) and its size;
 *                        written only on success.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT when a pointer is NULL;
 * CELLA_ERR_INVALID_FORMAT for a report shorter than its header, another version, a local
 * report (type 1) or any type but 2, a quote size of 0 or one that does not match the rest
 * of the report. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_quote_from_oe_report(const void *report,
                                                                     size_t report_size,
                                                                     const uint8_t **quote,
                                                                     size_t *quote_size);

CELLA_EXTERN_C_END

#endif /* CELLA_QUOTE_H */
