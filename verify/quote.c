/* SPDX-License-Identifier: Apache-2.0 */
/* verify/quote.c: strict parsing of SGX DCAP quotes v3 and of Open Enclave remote reports. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cella/quote.h>

#include "../common/log_internal.h"

/*
 * The quote is little-endian on the wire and its fixed parts are copied into host structs
 * byte for byte, which is only right on a little-endian host (every SGX host is one).
 */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "verify/quote.c copies little-endian wire structs and needs a little-endian host"
#endif

/* Open Enclave's remote report header: version u32, report type u32, quote size u64. */
#define OE_REPORT_VERSION     1u
#define OE_REPORT_TYPE_LOCAL  1u
#define OE_REPORT_TYPE_REMOTE 2u
#define OE_REPORT_TYPE_OFFSET 4
#define OE_REPORT_SIZE_OFFSET 8

/* Quote versions other than 3 that exist: EPID quotes (1, 2) and v4/v5 (SGX or TDX). */
#define QUOTE_VERSION_EPID_MAX 2u
#define QUOTE_VERSION_MAX      5u

static uint16_t read_u16(const uint8_t *bytes)
{
    return (uint16_t)(bytes[0] | (unsigned)bytes[1] << 8);
}

static uint32_t read_u32(const uint8_t *bytes)
{
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
           (uint32_t)bytes[3] << 24;
}

static uint64_t read_u64(const uint8_t *bytes)
{
    return (uint64_t)read_u32(bytes) | (uint64_t)read_u32(bytes + 4) << 32;
}

/* The header's version and attestation key type: what kind of quote this is at all. */
static cella_result_t check_header(const sgx_quote_header_t *header)
{
    if (header->version != CELLA_QUOTE3_VERSION) {
        if (header->version == 0 || header->version > QUOTE_VERSION_MAX) {
            cella_log(CELLA_LOG_ERROR, "quote: header.version %u: not a quote version",
                      (unsigned)header->version);
            return CELLA_ERR_INVALID_FORMAT;
        }
        cella_log(CELLA_LOG_ERROR, "quote: header.version %u: only version 3 is supported%s",
                  (unsigned)header->version,
                  header->version <= QUOTE_VERSION_EPID_MAX ? " (this is an EPID quote)"
                                                            : " (SGX or TDX quote v4/v5)");
        return CELLA_ERR_UNSUPPORTED;
    }
    switch (header->att_key_type) {
    case SGX_QL_ALG_ECDSA_P256:
        break;
    case SGX_QL_ALG_EPID:
    case SGX_QL_ALG_ECDSA_P384:
        cella_log(CELLA_LOG_ERROR,
                  "quote: header.att_key_type %u: only 2 (ECDSA P-256) is supported",
                  (unsigned)header->att_key_type);
        return CELLA_ERR_UNSUPPORTED;
    case SGX_QL_ALG_RESERVED_1:
    case SGX_QL_ALG_MAX:
    default:
        cella_log(CELLA_LOG_ERROR, "quote: header.att_key_type %u: not an attestation key type",
                  (unsigned)header->att_key_type);
        return CELLA_ERR_INVALID_FORMAT;
    }
    /* Reserved in v3 (it became tee_type in v4): an SGX v3 quote has 0 there. */
    if (header->att_key_data_0 != 0) {
        cella_log(CELLA_LOG_ERROR, "quote: header.att_key_data_0 0x%08x: must be 0 in a v3 quote",
                  (unsigned)header->att_key_data_0);
        return CELLA_ERR_INVALID_FORMAT;
    }
    return CELLA_OK;
}

cella_result_t cella_quote_parse(const void *quote, size_t quote_size, cella_quote_t *parsed)
{
    const uint8_t *bytes = quote;
    cella_quote_t result;
    cella_result_t r;

    if (quote == NULL || parsed == NULL) {
        cella_log(CELLA_LOG_ERROR, "quote: %s is NULL", quote == NULL ? "quote" : "parsed");
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    if (quote_size > CELLA_QUOTE_MAX_BYTES) {
        cella_log(CELLA_LOG_ERROR, "quote: %zu bytes: more than the %u accepted", quote_size,
                  (unsigned)CELLA_QUOTE_MAX_BYTES);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (quote_size < CELLA_QUOTE3_HEADER_BYTES) {
        cella_log(CELLA_LOG_ERROR, "quote: header: truncated (%zu bytes, the header has %u)",
                  quote_size, (unsigned)CELLA_QUOTE3_HEADER_BYTES);
        return CELLA_ERR_INVALID_FORMAT;
    }
    memset(&result, 0, sizeof(result));
    memcpy(&result.header, bytes, sizeof(result.header));
    r = check_header(&result.header);
    if (r != CELLA_OK)
        return r;
    if (quote_size < CELLA_QUOTE3_MIN_BYTES) {
        cella_log(CELLA_LOG_ERROR, "quote: truncated: %zu bytes, a v3 quote has at least %u",
                  quote_size, (unsigned)CELLA_QUOTE3_MIN_BYTES);
        return CELLA_ERR_INVALID_FORMAT;
    }

    /* From here on the 1020 fixed bytes are known to be there. */
    uint32_t signature_data_size = read_u32(bytes + CELLA_QUOTE3_SIGNATURE_DATA_LEN_OFFSET);
    size_t signature_data_end = 0;
    if (__builtin_add_overflow((size_t)CELLA_QUOTE3_SIGNATURE_DATA_OFFSET,
                               (size_t)signature_data_size, &signature_data_end) ||
        signature_data_end != quote_size) {
        cella_log(CELLA_LOG_ERROR,
                  "quote: signature_data_len %u: the quote has %zu bytes after offset %u",
                  (unsigned)signature_data_size,
                  quote_size - (size_t)CELLA_QUOTE3_SIGNATURE_DATA_OFFSET,
                  (unsigned)CELLA_QUOTE3_SIGNATURE_DATA_OFFSET);
        return CELLA_ERR_INVALID_FORMAT;
    }

    /* QE auth data: u16 size n at 1012, then n bytes, then at least the 6-byte header of the
     * certification data. */
    size_t auth_size = read_u16(bytes + CELLA_QUOTE3_QE_AUTH_DATA_SIZE_OFFSET);
    size_t certification_header_end = 0;
    if (__builtin_add_overflow((size_t)CELLA_QUOTE3_CERT_DATA_OFFSET(0), auth_size,
                               &certification_header_end) ||
        certification_header_end > quote_size) {
        cella_log(CELLA_LOG_ERROR,
                  "quote: QE auth data size %zu: runs past the end of the %zu-byte quote",
                  auth_size, quote_size);
        return CELLA_ERR_INVALID_FORMAT;
    }

    /* Certification data: u16 type, u32 size m, then m bytes that end the quote exactly. */
    const uint8_t *certification = bytes + CELLA_QUOTE3_CERT_KEY_TYPE_OFFSET(auth_size);
    uint16_t certification_type = read_u16(certification);
    size_t certification_size = read_u32(certification + 2);
    size_t certification_end = 0;
    if (__builtin_add_overflow(certification_header_end, certification_size, &certification_end) ||
        certification_end > quote_size) {
        cella_log(CELLA_LOG_ERROR,
                  "quote: certification data size %zu: runs past the end of the %zu-byte quote",
                  certification_size, quote_size);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (certification_end != quote_size) {
        cella_log(CELLA_LOG_ERROR,
                  "quote: certification data size %zu: %zu trailing bytes after it",
                  certification_size, quote_size - certification_end);
        return CELLA_ERR_INVALID_FORMAT;
    }
    /* A v3 quote carries PPID data (1-3), a PCK certificate (4) or the PCK chain (5); 6 and
     * 7 belong to v4/v5 quotes. */
    if (certification_type < PPID_CLEARTEXT || certification_type > PCK_CERT_CHAIN) {
        cella_log(CELLA_LOG_ERROR, "quote: certification data type %u: a v3 quote has type 1 to 5",
                  (unsigned)certification_type);
        return CELLA_ERR_INVALID_FORMAT;
    }

    memcpy(&result.isv_report, bytes + CELLA_QUOTE3_REPORT_BODY_OFFSET, sizeof(result.isv_report));
    memcpy(result.isv_signature, bytes + CELLA_QUOTE3_ISV_SIGNATURE_OFFSET,
           sizeof(result.isv_signature));
    memcpy(result.attestation_key, bytes + CELLA_QUOTE3_ATTEST_PUB_KEY_OFFSET,
           sizeof(result.attestation_key));
    memcpy(&result.qe_report, bytes + CELLA_QUOTE3_QE_REPORT_BODY_OFFSET, sizeof(result.qe_report));
    memcpy(result.qe_signature, bytes + CELLA_QUOTE3_QE_REPORT_SIGNATURE_OFFSET,
           sizeof(result.qe_signature));
    result.signed_bytes = bytes;
    result.signed_size = CELLA_QUOTE3_SIGNED_BYTES;
    result.qe_report_bytes = bytes + CELLA_QUOTE3_QE_REPORT_BODY_OFFSET;
    result.qe_auth_data = bytes + CELLA_QUOTE3_QE_AUTH_DATA_OFFSET;
    result.qe_auth_data_size = auth_size;
    result.certification_data_type = certification_type;
    result.certification_data = bytes + certification_header_end;
    result.certification_data_size = certification_size;
    *parsed = result;
    return CELLA_OK;
}

cella_result_t cella_quote_from_oe_report(const void *report, size_t report_size,
                                          const uint8_t **quote, size_t *quote_size)
{
    const uint8_t *bytes = report;

    if (report == NULL || quote == NULL || quote_size == NULL) {
        cella_log(CELLA_LOG_ERROR, "quote: OE report: %s is NULL",
                  report == NULL  ? "report"
                  : quote == NULL ? "quote"
                                  : "quote_size");
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    if (report_size < CELLA_QUOTE_OE_REPORT_HEADER_BYTES) {
        cella_log(CELLA_LOG_ERROR, "quote: OE report: header truncated (%zu bytes, it has %u)",
                  report_size, (unsigned)CELLA_QUOTE_OE_REPORT_HEADER_BYTES);
        return CELLA_ERR_INVALID_FORMAT;
    }
    uint32_t version = read_u32(bytes);
    uint32_t type = read_u32(bytes + OE_REPORT_TYPE_OFFSET);
    uint64_t size = read_u64(bytes + OE_REPORT_SIZE_OFFSET);
    if (version != OE_REPORT_VERSION) {
        cella_log(CELLA_LOG_ERROR, "quote: OE report: version %u: only version 1 is known",
                  (unsigned)version);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (type != OE_REPORT_TYPE_REMOTE) {
        cella_log(CELLA_LOG_ERROR, "quote: OE report: report type %u: %s", (unsigned)type,
                  type == OE_REPORT_TYPE_LOCAL ? "a local report carries no quote"
                                               : "not a remote report (type 2)");
        return CELLA_ERR_INVALID_FORMAT;
    }
    /* The quote must fill the rest of the report exactly; compared in 64 bits, so a size
     * that does not fit in size_t cannot wrap into a match. */
    uint64_t rest = (uint64_t)(report_size - CELLA_QUOTE_OE_REPORT_HEADER_BYTES);
    if (size == 0 || size != rest) {
        cella_log(CELLA_LOG_ERROR,
                  "quote: OE report: report size %llu: the report has %llu bytes after its "
                  "header",
                  (unsigned long long)size, (unsigned long long)rest);
        return CELLA_ERR_INVALID_FORMAT;
    }
    *quote = bytes + CELLA_QUOTE_OE_REPORT_HEADER_BYTES;
    *quote_size = (size_t)size;
    return CELLA_OK;
}
