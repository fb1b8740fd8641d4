/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the SGX wire structures: layouts against the reference tables and real quotes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <cella/sgx_arch.h>
#include <sgx/sgx_attributes.h>
#include <sgx/sgx_key.h>
#include <sgx/sgx_quote_3.h>
#include <sgx/sgx_report.h>
#include <sgx/sgx_tseal.h>

/* ------------------------------------------------------------------------------------------ */
/* Layout tables                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* One field: where the compiler put it, and where the reference says it is. */
struct field_row {
    const char *struct_name;
    const char *field_name;
    size_t offset;          /* offsetof as compiled (absolute for quote rows) */
    size_t size;            /* sizeof the member as compiled; 0 for a flexible array */
    size_t expected_offset; /* from the reference table */
    size_t expected_size;   /* from the reference table; 0 for variable-length data */
};

/* One whole structure: sizeof against the reference. */
struct size_row {
    const char *struct_name;
    size_t size;
    size_t expected_size;
};

/* clang-format mangles braced initializers that start with a stringized name. */
/* clang-format off */

#define MEMBER_SIZE(type, member) sizeof(((type *)NULL)->member)

/* A field of `type` at reference offset `off`, `len` bytes long. */
#define FIELD(type, member, off, len) \
    {#type, #member, offsetof(type, member), MEMBER_SIZE(type, member), (off), (len)}

/* A flexible array member: only its offset can be checked. */
#define FLEX(type, member, off) {#type, #member, offsetof(type, member), 0, (off), 0}

#define SIZE(type, len) {#type, sizeof(type), (len)}

/* Absolute offset in a v3 quote of a field of the ECDSA signature data. */
#define SIG_DATA_AT(member) \
    (offsetof(sgx_quote3_t, signature_data) + offsetof(sgx_ql_ecdsa_sig_data_t, member))

/* Absolute offset of the QE auth data, and of the certification data after n auth bytes. */
#define AUTH_DATA_AT(member) \
    (SIG_DATA_AT(auth_certification_data) + offsetof(sgx_ql_auth_data_t, member))
#define CERT_DATA_AT(n, member) \
    (SIG_DATA_AT(auth_certification_data) + sizeof(sgx_ql_auth_data_t) + (n) + \
     offsetof(sgx_ql_certification_data_t, member))

/*
 * dcap-quote.md §3: one report-body field, relative, absolute in the ISV body of a v3
 * quote and absolute in its QE report body.
 */
#define REPORT_BODY_FIELD(member, rel, isv_abs, qe_abs, len) \
    FIELD(sgx_report_body_t, member, rel, len), \
    {"quote v3 ISV report", #member, offsetof(sgx_quote3_t, report_body.member), \
     MEMBER_SIZE(sgx_quote3_t, report_body.member), (isv_abs), (len)}, \
    {"quote v3 QE report", #member, SIG_DATA_AT(qe3_report.member), \
     MEMBER_SIZE(sgx_ql_ecdsa_sig_data_t, qe3_report.member), (qe_abs), (len)}

/* A field of the quote at an absolute offset (dcap-quote.md §1). */
#define QUOTE_FIELD(name, at, member_size, off, len) \
    {"quote v3", name, (at), (member_size), (off), (len)}

/* clang-format on */

static const struct field_row field_rows[] = {
    /* sgx-structures.md §1.1: sgx_attributes_t */
    FIELD(sgx_attributes_t, flags, 0, 8),
    FIELD(sgx_attributes_t, xfrm, 8, 8),

    /* §2: sgx_target_info_t */
    FIELD(sgx_target_info_t, mr_enclave, 0, 32),
    FIELD(sgx_target_info_t, attributes, 32, 16),
    FIELD(sgx_target_info_t, attributes.flags, 32, 8),
    FIELD(sgx_target_info_t, attributes.xfrm, 40, 8),
    FIELD(sgx_target_info_t, reserved1, 48, 2),
    FIELD(sgx_target_info_t, config_svn, 50, 2),
    FIELD(sgx_target_info_t, misc_select, 52, 4),
    FIELD(sgx_target_info_t, reserved2, 56, 8),
    FIELD(sgx_target_info_t, config_id, 64, 64),
    FIELD(sgx_target_info_t, reserved3, 128, 384),

    /* §3 and dcap-quote.md §3: sgx_report_body_t, relative / ISV absolute / QE absolute */
    REPORT_BODY_FIELD(cpu_svn, 0, 48, 564, 16),
    REPORT_BODY_FIELD(misc_select, 16, 64, 580, 4),
    REPORT_BODY_FIELD(reserved1, 20, 68, 584, 12),
    REPORT_BODY_FIELD(isv_ext_prod_id, 32, 80, 596, 16),
    REPORT_BODY_FIELD(attributes, 48, 96, 612, 16),
    REPORT_BODY_FIELD(attributes.flags, 48, 96, 612, 8),
    REPORT_BODY_FIELD(attributes.xfrm, 56, 104, 620, 8),
    REPORT_BODY_FIELD(mr_enclave, 64, 112, 628, 32),
    REPORT_BODY_FIELD(reserved2, 96, 144, 660, 32),
    REPORT_BODY_FIELD(mr_signer, 128, 176, 692, 32),
    REPORT_BODY_FIELD(reserved3, 160, 208, 724, 32),
    REPORT_BODY_FIELD(config_id, 192, 240, 756, 64),
    REPORT_BODY_FIELD(isv_prod_id, 256, 304, 820, 2),
    REPORT_BODY_FIELD(isv_svn, 258, 306, 822, 2),
    REPORT_BODY_FIELD(config_svn, 260, 308, 824, 2),
    REPORT_BODY_FIELD(reserved4, 262, 310, 826, 42),
    REPORT_BODY_FIELD(isv_family_id, 304, 352, 868, 16),
    REPORT_BODY_FIELD(report_data, 320, 368, 884, 64),

    /* §4: sgx_report_t */
    FIELD(sgx_report_t, body, 0, 384),
    FIELD(sgx_report_t, key_id, 384, 32),
    FIELD(sgx_report_t, mac, 416, 16),

    /* §5: sgx_key_request_t */
    FIELD(sgx_key_request_t, key_name, 0, 2),
    FIELD(sgx_key_request_t, key_policy, 2, 2),
    FIELD(sgx_key_request_t, isv_svn, 4, 2),
    FIELD(sgx_key_request_t, reserved1, 6, 2),
    FIELD(sgx_key_request_t, cpu_svn, 8, 16),
    FIELD(sgx_key_request_t, attribute_mask, 24, 16),
    FIELD(sgx_key_request_t, attribute_mask.flags, 24, 8),
    FIELD(sgx_key_request_t, attribute_mask.xfrm, 32, 8),
    FIELD(sgx_key_request_t, key_id, 40, 32),
    FIELD(sgx_key_request_t, misc_mask, 72, 4),
    FIELD(sgx_key_request_t, config_svn, 76, 2),
    FIELD(sgx_key_request_t, reserved2, 78, 434),

    /* §6.1: sealed data */
    FIELD(sgx_aes_gcm_data_t, payload_size, 0, 4),
    FIELD(sgx_aes_gcm_data_t, reserved, 4, 12),
    FIELD(sgx_aes_gcm_data_t, payload_tag, 16, 16),
    FLEX(sgx_aes_gcm_data_t, payload, 32),
    FIELD(sgx_sealed_data_t, key_request, 0, 512),
    FIELD(sgx_sealed_data_t, key_request.key_name, 0, 2),
    FIELD(sgx_sealed_data_t, plain_text_offset, 512, 4),
    FIELD(sgx_sealed_data_t, reserved, 516, 12),
    FIELD(sgx_sealed_data_t, aes_data.payload_size, 528, 4),
    FIELD(sgx_sealed_data_t, aes_data.reserved, 532, 12),
    FIELD(sgx_sealed_data_t, aes_data.payload_tag, 544, 16),
    FLEX(sgx_sealed_data_t, aes_data.payload, 560),

    /* §7: SECS */
    FIELD(cella_secs_t, size, 0, 8),
    FIELD(cella_secs_t, base, 8, 8),
    FIELD(cella_secs_t, ssa_frame_size, 16, 4),
    FIELD(cella_secs_t, misc_select, 20, 4),
    FIELD(cella_secs_t, reserved1, 24, 24),
    FIELD(cella_secs_t, attributes, 48, 16),
    FIELD(cella_secs_t, mr_enclave, 64, 32),
    FIELD(cella_secs_t, reserved2, 96, 32),
    FIELD(cella_secs_t, mr_signer, 128, 32),
    FIELD(cella_secs_t, reserved3, 160, 32),
    FIELD(cella_secs_t, config_id, 192, 64),
    FIELD(cella_secs_t, isv_prod_id, 256, 2),
    FIELD(cella_secs_t, isv_svn, 258, 2),
    FIELD(cella_secs_t, config_svn, 260, 2),
    FIELD(cella_secs_t, reserved4, 262, 3834),

    /* §8: SIGSTRUCT */
    FIELD(cella_sigstruct_t, header, 0, 12),
    FIELD(cella_sigstruct_t, type, 12, 4),
    FIELD(cella_sigstruct_t, module_vendor, 16, 4),
    FIELD(cella_sigstruct_t, date, 20, 4),
    FIELD(cella_sigstruct_t, header2, 24, 16),
    FIELD(cella_sigstruct_t, hw_version, 40, 4),
    FIELD(cella_sigstruct_t, reserved1, 44, 84),
    FIELD(cella_sigstruct_t, modulus, 128, 384),
    FIELD(cella_sigstruct_t, exponent, 512, 4),
    FIELD(cella_sigstruct_t, signature, 516, 384),
    FIELD(cella_sigstruct_t, misc_select, 900, 4),
    FIELD(cella_sigstruct_t, misc_mask, 904, 4),
    FIELD(cella_sigstruct_t, reserved2, 908, 4),
    FIELD(cella_sigstruct_t, isv_family_id, 912, 16),
    FIELD(cella_sigstruct_t, attributes, 928, 16),
    FIELD(cella_sigstruct_t, attribute_mask, 944, 16),
    FIELD(cella_sigstruct_t, enclave_hash, 960, 32),
    FIELD(cella_sigstruct_t, reserved3, 992, 16),
    FIELD(cella_sigstruct_t, isv_ext_prod_id, 1008, 16),
    FIELD(cella_sigstruct_t, isv_prod_id, 1024, 2),
    FIELD(cella_sigstruct_t, isv_svn, 1026, 2),
    FIELD(cella_sigstruct_t, reserved4, 1028, 12),
    FIELD(cella_sigstruct_t, q1, 1040, 384),
    FIELD(cella_sigstruct_t, q2, 1424, 384),

    /* §1.2: SECINFO (FLAGS, then reserved to 64 bytes) */
    FIELD(cella_secinfo_t, flags, 0, 8),
    FIELD(cella_secinfo_t, reserved, 8, 56),

    /* TCS, Intel SDM */
    FIELD(cella_tcs_t, state, 0, 8),
    FIELD(cella_tcs_t, flags, 8, 8),
    FIELD(cella_tcs_t, ossa, 16, 8),
    FIELD(cella_tcs_t, cssa, 24, 4),
    FIELD(cella_tcs_t, nssa, 28, 4),
    FIELD(cella_tcs_t, oentry, 32, 8),
    FIELD(cella_tcs_t, aep, 40, 8),
    FIELD(cella_tcs_t, ofsbasgx, 48, 8),
    FIELD(cella_tcs_t, ogsbasgx, 56, 8),
    FIELD(cella_tcs_t, fslimit, 64, 4),
    FIELD(cella_tcs_t, gslimit, 68, 4),
    FIELD(cella_tcs_t, reserved, 72, 4024),

    /* §9: MRENCLAVE records (gramine: ECREATE <8sLQ44s, EADD <8sQQ40s, EEXTEND <8sQ48s) */
    FIELD(cella_mrenclave_ecreate_t, tag, 0, 8),
    FIELD(cella_mrenclave_ecreate_t, ssa_frame_size, 8, 4),
    FIELD(cella_mrenclave_ecreate_t, size, 12, 8),
    FIELD(cella_mrenclave_ecreate_t, reserved, 20, 44),
    FIELD(cella_mrenclave_eadd_t, tag, 0, 8),
    FIELD(cella_mrenclave_eadd_t, offset, 8, 8),
    FIELD(cella_mrenclave_eadd_t, secinfo_flags, 16, 8),
    FIELD(cella_mrenclave_eadd_t, reserved, 24, 40),
    FIELD(cella_mrenclave_eextend_t, tag, 0, 8),
    FIELD(cella_mrenclave_eextend_t, offset, 8, 8),
    FIELD(cella_mrenclave_eextend_t, reserved, 16, 48),

    /* dcap-quote.md §1: the header (relative = absolute) */
    FIELD(sgx_quote_header_t, version, 0, 2),
    FIELD(sgx_quote_header_t, att_key_type, 2, 2),
    FIELD(sgx_quote_header_t, att_key_data_0, 4, 4),
    FIELD(sgx_quote_header_t, qe_svn, 8, 2),
    FIELD(sgx_quote_header_t, pce_svn, 10, 2),
    FIELD(sgx_quote_header_t, vendor_id, 12, 16),
    FIELD(sgx_quote_header_t, qe_vendor_id, 12, 16),
    FIELD(sgx_quote_header_t, user_data, 28, 20),

    /* dcap-quote.md §1: absolute offsets in a v3 quote */
    FIELD(sgx_quote3_t, header, 0, 48),
    FIELD(sgx_quote3_t, report_body, 48, 384),
    FIELD(sgx_quote3_t, signature_data_len, 432, 4),
    FLEX(sgx_quote3_t, signature_data, 436),
    QUOTE_FIELD("ISV report signature", SIG_DATA_AT(sig), MEMBER_SIZE(sgx_ql_ecdsa_sig_data_t, sig),
                436, 64),
    QUOTE_FIELD("attestation public key", SIG_DATA_AT(attest_pub_key),
                MEMBER_SIZE(sgx_ql_ecdsa_sig_data_t, attest_pub_key), 500, 64),
    QUOTE_FIELD("QE report body", SIG_DATA_AT(qe3_report),
                MEMBER_SIZE(sgx_ql_ecdsa_sig_data_t, qe3_report), 564, 384),
    QUOTE_FIELD("QE report body (qe_report)", SIG_DATA_AT(qe_report),
                MEMBER_SIZE(sgx_ql_ecdsa_sig_data_t, qe_report), 564, 384),
    QUOTE_FIELD("QE report signature", SIG_DATA_AT(qe3_report_sig),
                MEMBER_SIZE(sgx_ql_ecdsa_sig_data_t, qe3_report_sig), 948, 64),
    QUOTE_FIELD("QE report signature (qe_report_sig)", SIG_DATA_AT(qe_report_sig),
                MEMBER_SIZE(sgx_ql_ecdsa_sig_data_t, qe_report_sig), 948, 64),
    QUOTE_FIELD("QE auth data size", AUTH_DATA_AT(size), MEMBER_SIZE(sgx_ql_auth_data_t, size),
                1012, 2),
    QUOTE_FIELD("QE auth data", AUTH_DATA_AT(auth_data), 0, 1014, 0),
    QUOTE_FIELD("certification data type, n = 0", CERT_DATA_AT(0, cert_key_type),
                MEMBER_SIZE(sgx_ql_certification_data_t, cert_key_type), 1014, 2),
    QUOTE_FIELD("certification data size, n = 0", CERT_DATA_AT(0, size),
                MEMBER_SIZE(sgx_ql_certification_data_t, size), 1016, 4),
    QUOTE_FIELD("certification data, n = 0", CERT_DATA_AT(0, certification_data), 0, 1020, 0),
    QUOTE_FIELD("certification data type, n = 32", CERT_DATA_AT(32, cert_key_type),
                MEMBER_SIZE(sgx_ql_certification_data_t, cert_key_type), 1046, 2),
    QUOTE_FIELD("certification data size, n = 32", CERT_DATA_AT(32, size),
                MEMBER_SIZE(sgx_ql_certification_data_t, size), 1048, 4),
    QUOTE_FIELD("certification data, n = 32", CERT_DATA_AT(32, certification_data), 0, 1052, 0),

    /* The offset macros of sgx_quote_3.h against the same reference numbers */
    QUOTE_FIELD("CELLA_QUOTE3_REPORT_BODY_OFFSET", CELLA_QUOTE3_REPORT_BODY_OFFSET, 0, 48, 0),
    QUOTE_FIELD("CELLA_QUOTE3_SIGNATURE_DATA_LEN_OFFSET", CELLA_QUOTE3_SIGNATURE_DATA_LEN_OFFSET, 0,
                432, 0),
    QUOTE_FIELD("CELLA_QUOTE3_SIGNED_BYTES", CELLA_QUOTE3_SIGNED_BYTES, 0, 432, 0),
    QUOTE_FIELD("CELLA_QUOTE3_SIGNATURE_DATA_OFFSET", CELLA_QUOTE3_SIGNATURE_DATA_OFFSET, 0, 436,
                0),
    QUOTE_FIELD("CELLA_QUOTE3_ISV_SIGNATURE_OFFSET", CELLA_QUOTE3_ISV_SIGNATURE_OFFSET, 0, 436, 0),
    QUOTE_FIELD("CELLA_QUOTE3_ATTEST_PUB_KEY_OFFSET", CELLA_QUOTE3_ATTEST_PUB_KEY_OFFSET, 0, 500,
                0),
    QUOTE_FIELD("CELLA_QUOTE3_QE_REPORT_BODY_OFFSET", CELLA_QUOTE3_QE_REPORT_BODY_OFFSET, 0, 564,
                0),
    QUOTE_FIELD("CELLA_QUOTE3_QE_REPORT_SIGNATURE_OFFSET", CELLA_QUOTE3_QE_REPORT_SIGNATURE_OFFSET,
                0, 948, 0),
    QUOTE_FIELD("CELLA_QUOTE3_QE_AUTH_DATA_SIZE_OFFSET", CELLA_QUOTE3_QE_AUTH_DATA_SIZE_OFFSET, 0,
                1012, 0),
    QUOTE_FIELD("CELLA_QUOTE3_QE_AUTH_DATA_OFFSET", CELLA_QUOTE3_QE_AUTH_DATA_OFFSET, 0, 1014, 0),
    QUOTE_FIELD("CELLA_QUOTE3_CERT_KEY_TYPE_OFFSET(32)", CELLA_QUOTE3_CERT_KEY_TYPE_OFFSET(32), 0,
                1046, 0),
    QUOTE_FIELD("CELLA_QUOTE3_CERT_DATA_SIZE_OFFSET(32)", CELLA_QUOTE3_CERT_DATA_SIZE_OFFSET(32), 0,
                1048, 0),
    QUOTE_FIELD("CELLA_QUOTE3_CERT_DATA_OFFSET(32)", CELLA_QUOTE3_CERT_DATA_OFFSET(32), 0, 1052, 0),
    QUOTE_FIELD("CELLA_QUOTE3_MIN_BYTES", CELLA_QUOTE3_MIN_BYTES, 0, 1020, 0),

    /* sgx-structures.md §8.1: the signed regions [0, 128) and [900, 1028) */
    {"SIGSTRUCT signed header", "start", CELLA_SIGSTRUCT_SIGNED_HEADER_OFFSET, 0, 0, 0},
    {"SIGSTRUCT signed header", "end",
     CELLA_SIGSTRUCT_SIGNED_HEADER_OFFSET + CELLA_SIGSTRUCT_SIGNED_HEADER_BYTES, 0, 128, 0},
    {"SIGSTRUCT signed body", "start", CELLA_SIGSTRUCT_SIGNED_BODY_OFFSET, 0, 900, 0},
    {"SIGSTRUCT signed body", "end",
     CELLA_SIGSTRUCT_SIGNED_BODY_OFFSET + CELLA_SIGSTRUCT_SIGNED_BODY_BYTES, 0, 1028, 0},
    {"SIGSTRUCT signed message", "length", CELLA_SIGSTRUCT_SIGNED_BYTES, 0, 256, 0},
};

static const struct size_row size_rows[] = {
    SIZE(sgx_attributes_t, 16),
    SIZE(sgx_cpu_svn_t, 16),
    SIZE(sgx_key_id_t, 32),
    SIZE(sgx_key_128bit_t, 16),
    SIZE(sgx_isv_svn_t, 2),
    SIZE(sgx_config_svn_t, 2),
    SIZE(sgx_config_id_t, 64),
    SIZE(sgx_measurement_t, 32),
    SIZE(sgx_mac_t, 16),
    SIZE(sgx_report_data_t, 64),
    SIZE(sgx_prod_id_t, 2),
    SIZE(sgx_isvext_prod_id_t, 16),
    SIZE(sgx_isvfamily_id_t, 16),
    SIZE(sgx_misc_select_t, 4),
    SIZE(sgx_target_info_t, 512),
    SIZE(sgx_report_body_t, 384),
    SIZE(sgx_report_t, 432),
    SIZE(sgx_key_request_t, 512),
    SIZE(sgx_aes_gcm_data_t, 32),
    SIZE(sgx_sealed_data_t, 560),
    SIZE(cella_secs_t, 4096),
    SIZE(cella_sigstruct_t, 1808),
    SIZE(cella_secinfo_t, 64),
    SIZE(cella_tcs_t, 4096),
    SIZE(cella_mrenclave_ecreate_t, 64),
    SIZE(cella_mrenclave_eadd_t, 64),
    SIZE(cella_mrenclave_eextend_t, 64),
    SIZE(sgx_quote_header_t, 48),
    SIZE(sgx_quote3_t, 436),
    SIZE(sgx_ql_ecdsa_sig_data_t, 576),
    SIZE(sgx_ql_auth_data_t, 2),
    SIZE(sgx_ql_certification_data_t, 6),
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Counts the rows that disagree with the reference; prints each one when `print` is set. */
static size_t count_field_mismatches(const struct field_row *rows, size_t row_count, bool print)
{
    size_t mismatch_count = 0;
    for (size_t i = 0; i < row_count; i++) {
        const struct field_row *row = &rows[i];
        if (row->offset != row->expected_offset || row->size != row->expected_size) {
            if (print)
                print_error("%s.%s: offset %zu size %zu, reference says offset %zu size %zu\n",
                            row->struct_name, row->field_name, row->offset, row->size,
                            row->expected_offset, row->expected_size);
            mismatch_count++;
        }
    }
    return mismatch_count;
}

static void every_field_sits_at_its_reference_offset_with_its_reference_size(void **state)
{
    (void)state;
    assert_int_equal(count_field_mismatches(field_rows, COUNT(field_rows), true), 0);
}

static void every_structure_has_its_reference_size(void **state)
{
    (void)state;
    size_t mismatch_count = 0;
    for (size_t i = 0; i < COUNT(size_rows); i++) {
        if (size_rows[i].size != size_rows[i].expected_size) {
            print_error("sizeof(%s) = %zu, reference says %zu\n", size_rows[i].struct_name,
                        size_rows[i].size, size_rows[i].expected_size);
            mismatch_count++;
        }
    }
    assert_int_equal(mismatch_count, 0);
}

static void the_layout_check_reports_a_field_that_moved(void **state)
{
    (void)state;
    /* A row as it would read if mr_signer had slid by one byte or lost one. */
    const struct field_row wrong[] = {
        {"sgx_report_body_t", "mr_signer", offsetof(sgx_report_body_t, mr_signer),
         MEMBER_SIZE(sgx_report_body_t, mr_signer), 129, 32},
        {"sgx_report_body_t", "mr_signer", offsetof(sgx_report_body_t, mr_signer),
         MEMBER_SIZE(sgx_report_body_t, mr_signer), 128, 31},
        FIELD(sgx_report_body_t, mr_signer, 128, 32),
    };
    assert_int_equal(count_field_mismatches(wrong, COUNT(wrong), false), 2);
}

/* ------------------------------------------------------------------------------------------ */
/* Constants                                                                                  */
/* ------------------------------------------------------------------------------------------ */

struct constant_row {
    const char *name;
    unsigned long long value;
    unsigned long long expected;
};

/* clang-format off */
#define CONSTANT(name, expected) {#name, (unsigned long long)(name), (expected)}
/* clang-format on */

static const struct constant_row constant_rows[] = {
    /* sgx-structures.md §1.1 */
    CONSTANT(SGX_FLAGS_INITTED, 0x01),
    CONSTANT(SGX_FLAGS_DEBUG, 0x02),
    CONSTANT(SGX_FLAGS_MODE64BIT, 0x04),
    CONSTANT(SGX_FLAGS_PROVISION_KEY, 0x10),
    CONSTANT(SGX_FLAGS_EINITTOKEN_KEY, 0x20),
    CONSTANT(SGX_FLAGS_KSS, 0x80),
    CONSTANT(SGX_FLAGS_AEX_NOTIFY, 0x400),
    CONSTANT(SGX_FLAGS_NON_CHECK_BITS, 0x00FF000000000000ULL),
    CONSTANT(SGX_XFRM_LEGACY, 0x3),
    CONSTANT(SGX_XFRM_AVX, 0x6),
    CONSTANT(SGX_XFRM_AVX512, 0xE6),
    CONSTANT(SGX_XFRM_PKRU, 0x200),
    CONSTANT(SGX_XFRM_AMX, 0x60000),
    CONSTANT(CELLA_MISCSELECT_EXINFO, 0x1),
    /* Typical values named in §1.1: release, debug, Intel QE */
    CONSTANT(SGX_FLAGS_INITTED | SGX_FLAGS_MODE64BIT, 0x05),
    CONSTANT(SGX_FLAGS_INITTED | SGX_FLAGS_DEBUG | SGX_FLAGS_MODE64BIT, 0x07),
    CONSTANT(SGX_FLAGS_INITTED | SGX_FLAGS_MODE64BIT | SGX_FLAGS_PROVISION_KEY, 0x15),
    /* §1.2 */
    CONSTANT(CELLA_SECINFO_R, 0x1),
    CONSTANT(CELLA_SECINFO_W, 0x2),
    CONSTANT(CELLA_SECINFO_X, 0x4),
    CONSTANT(CELLA_SECINFO_PENDING, 0x8),
    CONSTANT(CELLA_SECINFO_MODIFIED, 0x10),
    CONSTANT(CELLA_SECINFO_PR, 0x20),
    CONSTANT(CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_SECS), 0x000),
    CONSTANT(CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_TCS), 0x100),
    CONSTANT(CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_REG), 0x200),
    CONSTANT(CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_VA), 0x300),
    CONSTANT(CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_TRIM), 0x400),
    CONSTANT(CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_REG) | CELLA_SECINFO_R | CELLA_SECINFO_W,
             0x203),
    CONSTANT(CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_REG) | CELLA_SECINFO_R | CELLA_SECINFO_X,
             0x205),
    CONSTANT(CELLA_SECINFO_PAGE_TYPE_MASK, 0xFF00),
    /* §5.1, §5.2 */
    CONSTANT(SGX_KEYSELECT_EINITTOKEN, 0),
    CONSTANT(SGX_KEYSELECT_PROVISION, 1),
    CONSTANT(SGX_KEYSELECT_PROVISION_SEAL, 2),
    CONSTANT(SGX_KEYSELECT_REPORT, 3),
    CONSTANT(SGX_KEYSELECT_SEAL, 4),
    CONSTANT(SGX_KEYPOLICY_MRENCLAVE, 0x0001),
    CONSTANT(SGX_KEYPOLICY_MRSIGNER, 0x0002),
    CONSTANT(SGX_KEYPOLICY_NOISVPRODID, 0x0004),
    CONSTANT(SGX_KEYPOLICY_CONFIGID, 0x0008),
    CONSTANT(SGX_KEYPOLICY_ISVFAMILYID, 0x0010),
    CONSTANT(SGX_KEYPOLICY_ISVEXTPRODID, 0x0020),
    /* Size constants */
    CONSTANT(SGX_CPUSVN_SIZE, 16),
    CONSTANT(SGX_KEYID_SIZE, 32),
    CONSTANT(SGX_CONFIGID_SIZE, 64),
    CONSTANT(SGX_HASH_SIZE, 32),
    CONSTANT(SGX_MAC_SIZE, 16),
    CONSTANT(SGX_REPORT_DATA_SIZE, 64),
    CONSTANT(SGX_ISVEXT_PROD_ID_SIZE, 16),
    CONSTANT(SGX_ISV_FAMILY_ID_SIZE, 16),
    CONSTANT(SGX_SEAL_TAG_SIZE, 16),
    CONSTANT(SGX_SEAL_IV_SIZE, 12),
    /* §8 */
    CONSTANT(CELLA_SIGSTRUCT_TYPE_DEBUG, 0x80000000),
    CONSTANT(CELLA_SIGSTRUCT_VENDOR_INTEL, 0x8086),
    CONSTANT(CELLA_SIGSTRUCT_EXPONENT, 3),
    /* §9 */
    CONSTANT(CELLA_MRENCLAVE_RECORD_BYTES, 64),
    CONSTANT(CELLA_MRENCLAVE_EEXTEND_CHUNK_BYTES, 256),
    CONSTANT(CELLA_MRENCLAVE_EEXTENDS_PER_PAGE, 16),
    CONSTANT(CELLA_MRENCLAVE_TAG_ECREATE, 0x0045544145524345ULL),
    CONSTANT(CELLA_MRENCLAVE_TAG_EADD, 0x0000000044444145ULL),
    CONSTANT(CELLA_MRENCLAVE_TAG_EEXTEND, 0x00444E4554584545ULL),
    /* A measured page hashes 64 + 16 * (64 + 256) = 5184 bytes */
    CONSTANT(CELLA_MRENCLAVE_RECORD_BYTES +
                 CELLA_MRENCLAVE_EEXTENDS_PER_PAGE *
                     (CELLA_MRENCLAVE_RECORD_BYTES + CELLA_MRENCLAVE_EEXTEND_CHUNK_BYTES),
             5184),
    /* dcap-quote.md §1, §1.2 */
    CONSTANT(CELLA_QUOTE3_VERSION, 3),
    CONSTANT(PPID_CLEARTEXT, 1),
    CONSTANT(PPID_RSA2048_ENCRYPTED, 2),
    CONSTANT(PPID_RSA3072_ENCRYPTED, 3),
    CONSTANT(PCK_CLEARTEXT, 4),
    CONSTANT(PCK_CERT_CHAIN, 5),
    CONSTANT(ECDSA_SIG_AUX_DATA, 6),
    CONSTANT(PLATFORM_MANIFEST, 7),
    CONSTANT(SGX_QL_ALG_EPID, 0),
    CONSTANT(SGX_QL_ALG_RESERVED_1, 1),
    CONSTANT(SGX_QL_ALG_ECDSA_P256, 2),
    CONSTANT(SGX_QL_ALG_ECDSA_P384, 3),
};

static void every_constant_has_its_reference_value(void **state)
{
    (void)state;
    size_t mismatch_count = 0;
    for (size_t i = 0; i < COUNT(constant_rows); i++) {
        if (constant_rows[i].value != constant_rows[i].expected) {
            print_error("%s = 0x%llx, reference says 0x%llx\n", constant_rows[i].name,
                        constant_rows[i].value, constant_rows[i].expected);
            mismatch_count++;
        }
    }
    assert_int_equal(mismatch_count, 0);
}

/* The little-endian bytes of a u64, whatever the host's byte order. */
static void store_u64_le(uint8_t out[8], uint64_t value)
{
    for (size_t i = 0; i < 8; i++)
        out[i] = (uint8_t)(value >> (8 * i));
}

static void the_measurement_tags_spell_their_record_names(void **state)
{
    (void)state;
    uint8_t bytes[8];
    store_u64_le(bytes, CELLA_MRENCLAVE_TAG_ECREATE);
    assert_memory_equal(bytes, "ECREATE\0", 8);
    store_u64_le(bytes, CELLA_MRENCLAVE_TAG_EADD);
    assert_memory_equal(bytes, "EADD\0\0\0\0", 8);
    store_u64_le(bytes, CELLA_MRENCLAVE_TAG_EEXTEND);
    assert_memory_equal(bytes, "EEXTEND\0", 8);
}

static void the_sigstruct_headers_match_the_kernel_selftest_words(void **state)
{
    (void)state;
    /* The Linux selftest writes bytes 0-15 (header with TYPE = 0) and 24-39 as u64 pairs. */
    const uint8_t header[CELLA_SIGSTRUCT_HEADER_BYTES] = CELLA_SIGSTRUCT_HEADER;
    const uint8_t header2[CELLA_SIGSTRUCT_HEADER2_BYTES] = CELLA_SIGSTRUCT_HEADER2;
    uint8_t expected[16];

    store_u64_le(expected, 0x000000E100000006ULL);
    store_u64_le(expected + 8, 0x0000000000010000ULL);
    assert_memory_equal(header, expected, CELLA_SIGSTRUCT_HEADER_BYTES);
    assert_memory_equal(expected + CELLA_SIGSTRUCT_HEADER_BYTES, "\0\0\0\0", 4);

    store_u64_le(expected, 0x0000006000000101ULL);
    store_u64_le(expected + 8, 0x0000000100000060ULL);
    assert_memory_equal(header2, expected, CELLA_SIGSTRUCT_HEADER2_BYTES);
}

/* Decodes `hex` (2 * size digits) into out; fails the test on a bad digit. */
static void decode_hex(const char *hex, uint8_t *out, size_t size)
{
    assert_int_equal(strlen(hex), 2 * size);
    for (size_t i = 0; i < size; i++) {
        unsigned int byte = 0;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
        out[i] = (uint8_t)byte;
    }
}

static void the_intel_vendor_id_macro_holds_intels_qe_vendor_id(void **state)
{
    (void)state;
    const uint8_t vendor_id[CELLA_QUOTE3_VENDOR_ID_BYTES] = CELLA_QUOTE3_INTEL_QE_VENDOR_ID;
    uint8_t expected[CELLA_QUOTE3_VENDOR_ID_BYTES];
    decode_hex("939A7233F79C4CA9940A0DB3957F0607", expected, sizeof(expected));
    assert_memory_equal(vendor_id, expected, sizeof(expected));
}

/* ------------------------------------------------------------------------------------------ */
/* Real quotes                                                                                */
/* ------------------------------------------------------------------------------------------ */

struct quote_file {
    uint8_t *bytes;
    size_t size;
};

/* The shared fixtures folder: $CELLA_SHARED_DIR, or /work/shared when it is not set. */
static const char *shared_dir(void)
{
    const char *dir = getenv("CELLA_SHARED_DIR");
    return (dir != NULL && dir[0] != '\0') ? dir : "/work/shared";
}

/*
 * Reads vectors/<name> from the shared folder into `file`. Returns 0 and skips the test
 * (after saying so) when the vectors folder is missing; a missing file inside a present
 * folder fails the test.
 */
static int read_vector(const char *name, struct quote_file *file)
{
    char path[4096];
    struct stat st;

    int length = snprintf(path, sizeof(path), "%s/vectors", shared_dir());
    assert_true(length > 0 && (size_t)length < sizeof(path));
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("skipped: %s not found (set CELLA_SHARED_DIR)\n", path);
        skip();
        return 0;
    }

    length = snprintf(path, sizeof(path), "%s/vectors/%s", shared_dir(), name);
    assert_true(length > 0 && (size_t)length < sizeof(path));
    FILE *stream = fopen(path, "rb");
    if (stream == NULL)
        fail_msg("cannot open %s", path);
    assert_int_equal(fseek(stream, 0, SEEK_END), 0);
    long end = ftell(stream);
    assert_true(end > 0);
    assert_int_equal(fseek(stream, 0, SEEK_SET), 0);

    /* Exactly the file's size, so ASan reports any read past the end of the quote. */
    file->size = (size_t)end;
    file->bytes = malloc(file->size);
    assert_non_null(file->bytes);
    assert_int_equal(fread(file->bytes, 1, file->size, stream), file->size);
    assert_int_equal(fclose(stream), 0);
    return 1;
}

static void free_vector(struct quote_file *file)
{
    free(file->bytes);
    file->bytes = NULL;
    file->size = 0;
}

static void assert_hex_equal(const uint8_t *actual, const char *hex, size_t size)
{
    uint8_t expected[64];
    assert_true(size <= sizeof(expected));
    decode_hex(hex, expected, size);
    assert_memory_equal(actual, expected, size);
}

static int is_all_zero(const uint8_t *bytes, size_t size)
{
    for (size_t i = 0; i < size; i++)
        if (bytes[i] != 0)
            return 0;
    return 1;
}

/* The variable parts of a v3 quote, located through the structs and bounds-checked. */
struct quote_parts {
    const sgx_quote3_t *quote;
    const sgx_ql_ecdsa_sig_data_t *sig_data;
    const sgx_ql_auth_data_t *auth_data;
    const sgx_ql_certification_data_t *cert_data;
};

#define INTEL_QE_MR_SIGNER "8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B094490C57BFF"

/* Overlays the quote structs on `file` and checks that every length lines up with its size. */
static void overlay_quote(const struct quote_file *file, struct quote_parts *parts)
{
    const uint8_t intel_vendor_id[] = CELLA_QUOTE3_INTEL_QE_VENDOR_ID;

    assert_true(file->size >= CELLA_QUOTE3_MIN_BYTES);
    parts->quote = (const sgx_quote3_t *)file->bytes;
    assert_int_equal(parts->quote->header.version, CELLA_QUOTE3_VERSION);
    assert_int_equal(parts->quote->header.att_key_type, SGX_QL_ALG_ECDSA_P256);
    assert_int_equal(parts->quote->header.att_key_data_0, 0);
    assert_memory_equal(parts->quote->header.qe_vendor_id, intel_vendor_id,
                        sizeof(intel_vendor_id));
    assert_memory_equal(parts->quote->header.vendor_id, intel_vendor_id, sizeof(intel_vendor_id));

    /* A strict parser: 436 + signature_data_len is exactly the file size. */
    assert_int_equal((size_t)parts->quote->signature_data_len + sizeof(sgx_quote3_t), file->size);

    parts->sig_data = (const sgx_ql_ecdsa_sig_data_t *)parts->quote->signature_data;
    parts->auth_data = (const sgx_ql_auth_data_t *)parts->sig_data->auth_certification_data;
    size_t auth_end = CELLA_QUOTE3_QE_AUTH_DATA_OFFSET + (size_t)parts->auth_data->size;
    assert_true(auth_end + sizeof(sgx_ql_certification_data_t) <= file->size);

    parts->cert_data =
        (const sgx_ql_certification_data_t *)(parts->auth_data->auth_data + parts->auth_data->size);
    assert_ptr_equal((const uint8_t *)parts->cert_data,
                     file->bytes + CELLA_QUOTE3_CERT_KEY_TYPE_OFFSET(parts->auth_data->size));
    assert_int_equal(CELLA_QUOTE3_CERT_DATA_OFFSET(parts->auth_data->size) +
                         (size_t)parts->cert_data->size,
                     file->size);

    /* Every QE report of these vectors comes from Intel's QE. */
    assert_hex_equal(parts->sig_data->qe_report.mr_signer.m, INTEL_QE_MR_SIGNER, SGX_HASH_SIZE);
    assert_int_equal(parts->sig_data->qe3_report.isv_prod_id, 1);
}

static void the_intel_sample_quote_reads_through_the_structs(void **state)
{
    (void)state;
    struct quote_file file = {NULL, 0};
    struct quote_parts parts;
    if (!read_vector("intel-qvl-sample/quote.dat", &file))
        return;

    /* vectors/README.md, intel-qvl-sample: 1054 bytes, qe_svn 0, pce_svn 3. */
    assert_int_equal(file.size, 1054);
    overlay_quote(&file, &parts);
    assert_int_equal(parts.quote->header.qe_svn, 0);
    assert_int_equal(parts.quote->header.pce_svn, 3);

    /* The ISV report is all zero. Report bodies are naturally aligned types, so they are
     * copied out of the packed quote before use, as any reader of a quote must. */
    sgx_report_body_t isv_body;
    memcpy(&isv_body, file.bytes + offsetof(sgx_quote3_t, report_body), sizeof(isv_body));
    const sgx_report_body_t *body = &isv_body;
    assert_true(is_all_zero(body->mr_enclave.m, SGX_HASH_SIZE));
    assert_true(is_all_zero(body->mr_signer.m, SGX_HASH_SIZE));
    assert_int_equal(body->isv_prod_id, 0);
    assert_int_equal(body->isv_svn, 0);
    assert_int_equal(body->attributes.flags, 0);
    assert_true(is_all_zero(body->report_data.d, SGX_REPORT_DATA_SIZE));

    /* QE report: isv_svn 1 and the byte-order trap misc_select 0x8CB182D1 (D1 82 B1 8C). */
    assert_int_equal(parts.sig_data->qe_report.isv_svn, 1);
    assert_int_equal(parts.sig_data->qe_report.misc_select, 0x8CB182D1);
    assert_memory_equal(file.bytes + 580, "\xD1\x82\xB1\x8C", 4);

    /* No QE auth data; certification data type 1: PPID(16) || CPUSVN(16) || PCESVN(2). */
    assert_int_equal(parts.auth_data->size, 0);
    assert_int_equal(parts.cert_data->cert_key_type, PPID_CLEARTEXT);
    assert_int_equal(parts.cert_data->size, 34);
    uint16_t pce_svn = (uint16_t)(parts.cert_data->certification_data[32] |
                                  parts.cert_data->certification_data[33] << 8);
    assert_int_equal(pce_svn, parts.quote->header.pce_svn);

    free_vector(&file);
}

static void the_oasis_quote_reads_through_the_structs(void **state)
{
    (void)state;
    struct quote_file file = {NULL, 0};
    struct quote_parts parts;
    if (!read_vector("oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin", &file))
        return;

    /* vectors/README.md, oasis-v3. */
    assert_int_equal(file.size, 4730);
    overlay_quote(&file, &parts);
    assert_int_equal(parts.quote->header.qe_svn, 9);
    assert_int_equal(parts.quote->header.pce_svn, 13);
    assert_int_equal(parts.quote->signature_data_len, 4294);

    sgx_report_body_t isv_body;
    memcpy(&isv_body, file.bytes + offsetof(sgx_quote3_t, report_body), sizeof(isv_body));
    const sgx_report_body_t *body = &isv_body;
    assert_hex_equal(body->cpu_svn.svn, "08090e0dffff01000000000000000000", SGX_CPUSVN_SIZE);
    assert_int_equal(body->misc_select, 0);
    assert_hex_equal(body->mr_enclave.m,
                     "68823bc62f409ee33a32ea270cfe45d4b19a6fb3c8570d7bc186cbe062398e8f",
                     SGX_HASH_SIZE);
    assert_hex_equal(body->mr_signer.m,
                     "9affcfae47b848ec2caf1c49b4b283531e1cc425f93582b36806e52a43d78d1a",
                     SGX_HASH_SIZE);
    assert_int_equal(body->isv_prod_id, 0);
    assert_int_equal(body->isv_svn, 0);
    assert_int_equal(body->attributes.flags, SGX_FLAGS_INITTED | SGX_FLAGS_MODE64BIT);
    assert_int_equal(body->attributes.xfrm, SGX_XFRM_LEGACY);
    assert_hex_equal(body->report_data.d,
                     "026a69ced96c3e0295d16d6b388e057a137a14319671662a5844c7472f3c62ae"
                     "0e3d3f99b77dd89b0fc1436c4fe96828391a52588a0f883455a18b8f5872e3f0",
                     SGX_REPORT_DATA_SIZE);

    sgx_report_body_t qe_body;
    memcpy(&qe_body, file.bytes + CELLA_QUOTE3_QE_REPORT_BODY_OFFSET, sizeof(qe_body));
    const sgx_report_body_t *qe = &qe_body;
    assert_int_equal(qe->isv_svn, 9);
    assert_int_equal(qe->attributes.flags,
                     SGX_FLAGS_INITTED | SGX_FLAGS_MODE64BIT | SGX_FLAGS_PROVISION_KEY);
    assert_int_equal(qe->attributes.xfrm, 0xE7);

    /* Intel QE3 auth data: 32 bytes 00 01 ... 1f; then the PCK chain, type 5. */
    assert_int_equal(parts.auth_data->size, 32);
    for (uint8_t i = 0; i < 32; i++)
        assert_int_equal(parts.auth_data->auth_data[i], i);
    assert_int_equal(parts.cert_data->cert_key_type, PCK_CERT_CHAIN);
    assert_int_equal(parts.cert_data->size, 3678);
    assert_ptr_equal(parts.cert_data->certification_data,
                     file.bytes + CELLA_QUOTE3_CERT_DATA_OFFSET(32));
    static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";
    assert_memory_equal(parts.cert_data->certification_data, pem_begin, sizeof(pem_begin) - 1);
    /* The chain is NUL-terminated and the NUL is counted in the size. */
    assert_int_equal(parts.cert_data->certification_data[parts.cert_data->size - 1], 0);

    free_vector(&file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_field_sits_at_its_reference_offset_with_its_reference_size),
        cmocka_unit_test(every_structure_has_its_reference_size),
        cmocka_unit_test(the_layout_check_reports_a_field_that_moved),
        cmocka_unit_test(every_constant_has_its_reference_value),
        cmocka_unit_test(the_measurement_tags_spell_their_record_names),
        cmocka_unit_test(the_sigstruct_headers_match_the_kernel_selftest_words),
        cmocka_unit_test(the_intel_vendor_id_macro_holds_intels_qe_vendor_id),
        cmocka_unit_test(the_intel_sample_quote_reads_through_the_structs),
        cmocka_unit_test(the_oasis_quote_reads_through_the_structs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
