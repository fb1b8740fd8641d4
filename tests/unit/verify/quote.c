/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for verify/quote.c: v3 quote parsing and Open Enclave reports, real and made up. */
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

#include <jansson.h>
#include <openssl/evp.h>

#include <cella/encoding.h>
#include <cella/log.h>
#include <cella/quote.h>

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* The last message the library logged, so tests can check that it names the field. */
static char last_message[CELLA_LOG_MESSAGE_MAX_BYTES];

static void record_message(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    (void)level;
    snprintf(last_message, sizeof(last_message), "%s", message);
}

static int setup(void **state)
{
    (void)state;
    cella_log_set_level(CELLA_LOG_ERROR);
    cella_log_set_handler(record_message, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cella_log_set_handler(NULL, NULL);
    return 0;
}

static void forget_messages(void)
{
    last_message[0] = '\0';
}

static void assert_logged(const char *text)
{
    if (strstr(last_message, text) == NULL)
        fail_msg("the log says \"%s\", expected it to mention \"%s\"", last_message, text);
}

static void decode_hex(const char *hex, uint8_t *out, size_t size)
{
    size_t decoded_size = size;
    assert_int_equal(cella_encoding_hex_decode(hex, strlen(hex), out, &decoded_size), CELLA_OK);
    assert_int_equal(decoded_size, size);
}

static void assert_hex_equal(const uint8_t *actual, const char *hex, size_t size)
{
    uint8_t expected[64];
    assert_true(size <= sizeof(expected));
    decode_hex(hex, expected, size);
    assert_memory_equal(actual, expected, size);
}

static bool is_all_zero(const uint8_t *bytes, size_t size)
{
    for (size_t i = 0; i < size; i++)
        if (bytes[i] != 0)
            return false;
    return true;
}

static void assert_sha256(const uint8_t *data, size_t size, const char *hex)
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    assert_int_equal(EVP_Digest(data, size, digest, &digest_size, EVP_sha256(), NULL), 1);
    assert_int_equal(digest_size, 32);
    assert_hex_equal(digest, hex, 32);
}

static void put_u16(uint8_t *at, uint16_t value)
{
    at[0] = (uint8_t)value;
    at[1] = (uint8_t)(value >> 8);
}

static void put_u32(uint8_t *at, uint32_t value)
{
    for (int i = 0; i < 4; i++)
        at[i] = (uint8_t)(value >> (8 * i));
}

static void put_u64(uint8_t *at, uint64_t value)
{
    for (int i = 0; i < 8; i++)
        at[i] = (uint8_t)(value >> (8 * i));
}

/* A heap copy of exactly size bytes, so ASan reports any read past the end. */
static uint8_t *copy_of(const uint8_t *bytes, size_t size)
{
    uint8_t *copy = malloc(size > 0 ? size : 1);
    assert_non_null(copy);
    if (size > 0)
        memcpy(copy, bytes, size);
    return copy;
}

/* ------------------------------------------------------------------------------------------ */
/* Made-up quotes                                                                             */
/* ------------------------------------------------------------------------------------------ */

static const uint8_t intel_vendor_id[CELLA_QUOTE3_VENDOR_ID_BYTES] =
    CELLA_QUOTE3_INTEL_QE_VENDOR_ID;

/* The variable parts of a made-up quote. */
struct layout {
    size_t auth_size;
    uint16_t certification_type;
    size_t certification_size;
};

/* The layout most rejection tests start from: 32 bytes of auth data, 100 of PCK chain. */
static const struct layout base_layout = {32, PCK_CERT_CHAIN, 100};

#define BASE_AUTH_SIZE_OFFSET 1012
#define BASE_CERT_TYPE_OFFSET (1014 + 32)
#define BASE_CERT_SIZE_OFFSET (1016 + 32)
#define BASE_QUOTE_SIZE       (1020 + 32 + 100)
#define BASE_SIGNATURE_DATA   (BASE_QUOTE_SIZE - 436)

static size_t layout_size(const struct layout *layout)
{
    return CELLA_QUOTE3_MIN_BYTES + layout->auth_size + layout->certification_size;
}

/* Writes a report body whose fields are all different and recognisable. */
static void write_report_body(uint8_t *body, uint8_t seed)
{
    for (size_t i = 0; i < sizeof(sgx_report_body_t); i++)
        body[i] = (uint8_t)(seed + i);
    put_u32(body + 16, 0x01020304u + seed);          /* misc_select */
    put_u64(body + 48, 0x07u);                       /* attributes.flags */
    put_u64(body + 56, 0xE7u);                       /* attributes.xfrm */
    put_u16(body + 256, (uint16_t)(0x1234u + seed)); /* isv_prod_id */
    put_u16(body + 258, (uint16_t)(0x5678u + seed)); /* isv_svn */
    put_u16(body + 260, (uint16_t)(0x9ABCu + seed)); /* config_svn */
}

/* A well-formed quote with the given variable parts, in a heap buffer of exactly its size. */
static uint8_t *build_quote(const struct layout *layout, size_t *size)
{
    size_t total = layout_size(layout);
    uint8_t *quote = malloc(total);
    assert_non_null(quote);
    memset(quote, 0, total);

    put_u16(quote + 0, 3);       /* version */
    put_u16(quote + 2, 2);       /* att_key_type: ECDSA P-256 */
    put_u32(quote + 4, 0);       /* att_key_data_0 */
    put_u16(quote + 8, 0x0B0A);  /* qe_svn */
    put_u16(quote + 10, 0x0D0C); /* pce_svn */
    memcpy(quote + 12, intel_vendor_id, sizeof(intel_vendor_id));
    for (size_t i = 0; i < CELLA_QUOTE3_USER_DATA_BYTES; i++)
        quote[28 + i] = (uint8_t)(0xC0 + i);
    write_report_body(quote + 48, 0x10);
    put_u32(quote + 432, (uint32_t)(total - 436));
    memset(quote + 436, 0xA1, 64); /* ISV signature */
    memset(quote + 500, 0xA2, 64); /* attestation key */
    write_report_body(quote + 564, 0x80);
    memset(quote + 948, 0xA3, 64); /* QE signature */
    put_u16(quote + 1012, (uint16_t)layout->auth_size);
    for (size_t i = 0; i < layout->auth_size; i++)
        quote[1014 + i] = (uint8_t)i;
    put_u16(quote + 1014 + layout->auth_size, layout->certification_type);
    put_u32(quote + 1016 + layout->auth_size, (uint32_t)layout->certification_size);
    for (size_t i = 0; i < layout->certification_size; i++)
        quote[1020 + layout->auth_size + i] = (uint8_t)('A' + i % 26);
    *size = total;
    return quote;
}

static void a_made_up_quote_parses_into_every_field(void **state)
{
    (void)state;
    size_t size = 0;
    uint8_t *quote = build_quote(&base_layout, &size);
    cella_quote_t parsed;

    assert_int_equal(cella_quote_parse(quote, size, &parsed), CELLA_OK);
    assert_int_equal(parsed.header.version, 3);
    assert_int_equal(parsed.header.att_key_type, 2);
    assert_int_equal(parsed.header.att_key_data_0, 0);
    assert_int_equal(parsed.header.qe_svn, 0x0B0A);
    assert_int_equal(parsed.header.pce_svn, 0x0D0C);
    assert_memory_equal(parsed.header.qe_vendor_id, intel_vendor_id, 16);
    assert_memory_equal(parsed.header.user_data, quote + 28, 20);

    assert_memory_equal(&parsed.isv_report, quote + 48, 384);
    assert_int_equal(parsed.isv_report.misc_select, 0x01020314u);
    assert_int_equal(parsed.isv_report.attributes.flags, 0x07);
    assert_int_equal(parsed.isv_report.attributes.xfrm, 0xE7);
    assert_int_equal(parsed.isv_report.isv_prod_id, 0x1244);
    assert_int_equal(parsed.isv_report.isv_svn, 0x5688);
    assert_int_equal(parsed.isv_report.config_svn, 0x9ACC);
    assert_int_equal(parsed.isv_report.mr_enclave.m[0], (uint8_t)(0x10 + 64));
    assert_int_equal(parsed.isv_report.report_data.d[63], (uint8_t)(0x10 + 383));

    assert_memory_equal(parsed.isv_signature, quote + 436, 64);
    assert_memory_equal(parsed.attestation_key, quote + 500, 64);
    assert_memory_equal(&parsed.qe_report, quote + 564, 384);
    assert_int_equal(parsed.qe_report.isv_prod_id, 0x12B4);
    assert_memory_equal(parsed.qe_signature, quote + 948, 64);

    assert_ptr_equal(parsed.signed_bytes, quote);
    assert_int_equal(parsed.signed_size, 432);
    assert_ptr_equal(parsed.qe_report_bytes, quote + 564);
    assert_ptr_equal(parsed.qe_auth_data, quote + 1014);
    assert_int_equal(parsed.qe_auth_data_size, 32);
    assert_int_equal(parsed.certification_data_type, 5);
    assert_ptr_equal(parsed.certification_data, quote + 1052);
    assert_int_equal(parsed.certification_data_size, 100);
    assert_int_equal(parsed.certification_data + parsed.certification_data_size - quote, size);
    free(quote);
}

static void the_smallest_quote_and_every_v3_certification_type_parse(void **state)
{
    (void)state;
    for (uint16_t type = 1; type <= 5; type++) {
        const struct layout layouts[] = {{0, type, 0}, {0, type, 34}, {1, type, 1}};
        for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
            size_t size = 0;
            uint8_t *quote = build_quote(&layouts[i], &size);
            cella_quote_t parsed;
            assert_int_equal(cella_quote_parse(quote, size, &parsed), CELLA_OK);
            assert_int_equal(parsed.certification_data_type, type);
            assert_int_equal(parsed.qe_auth_data_size, layouts[i].auth_size);
            assert_int_equal(parsed.certification_data_size, layouts[i].certification_size);
            assert_ptr_equal(parsed.certification_data, quote + 1020 + layouts[i].auth_size);
            free(quote);
        }
    }
}

/* One field of the base quote changed, and what the parser must say. */
struct field_case {
    const char *what;
    size_t offset;
    size_t width;
    uint32_t value;
    cella_result_t expected;
    const char *logged; /* part of the log message: the field's name */
};

static const struct field_case field_cases[] = {
    {"version 2 (EPID)", 0, 2, 2, CELLA_ERR_UNSUPPORTED, "header.version 2"},
    {"version 4", 0, 2, 4, CELLA_ERR_UNSUPPORTED, "header.version 4"},
    {"version 5", 0, 2, 5, CELLA_ERR_UNSUPPORTED, "header.version 5"},
    {"version 1 (EPID)", 0, 2, 1, CELLA_ERR_UNSUPPORTED, "header.version 1"},
    {"version 0", 0, 2, 0, CELLA_ERR_INVALID_FORMAT, "header.version 0"},
    {"version 6", 0, 2, 6, CELLA_ERR_INVALID_FORMAT, "header.version 6"},
    {"version 0xFFFF", 0, 2, 0xFFFF, CELLA_ERR_INVALID_FORMAT, "header.version 65535"},
    {"att_key_type 3 (P-384)", 2, 2, 3, CELLA_ERR_UNSUPPORTED, "header.att_key_type 3"},
    {"att_key_type 0 (EPID)", 2, 2, 0, CELLA_ERR_UNSUPPORTED, "header.att_key_type 0"},
    {"att_key_type 1 (reserved)", 2, 2, 1, CELLA_ERR_INVALID_FORMAT, "header.att_key_type 1"},
    {"att_key_type 4", 2, 2, 4, CELLA_ERR_INVALID_FORMAT, "header.att_key_type 4"},
    {"att_key_data_0 1", 4, 4, 1, CELLA_ERR_INVALID_FORMAT, "header.att_key_data_0"},
    {"att_key_data_0 0x81 (TDX)", 4, 4, 0x81, CELLA_ERR_INVALID_FORMAT, "header.att_key_data_0"},
    {"att_key_data_0 high byte", 4, 4, 0x01000000u, CELLA_ERR_INVALID_FORMAT,
     "header.att_key_data_0"},
    {"signature_data_len one more than the rest", 432, 4, BASE_SIGNATURE_DATA + 1,
     CELLA_ERR_INVALID_FORMAT, "signature_data_len"},
    {"signature_data_len one less than the rest", 432, 4, BASE_SIGNATURE_DATA - 1,
     CELLA_ERR_INVALID_FORMAT, "signature_data_len"},
    {"signature_data_len 0", 432, 4, 0, CELLA_ERR_INVALID_FORMAT, "signature_data_len"},
    {"signature_data_len 0xFFFFFFFF", 432, 4, 0xFFFFFFFFu, CELLA_ERR_INVALID_FORMAT,
     "signature_data_len"},
    {"QE auth data size one past the end", BASE_AUTH_SIZE_OFFSET, 2, 32 + 100 + 1,
     CELLA_ERR_INVALID_FORMAT, "QE auth data size"},
    {"QE auth data size 0xFFFF", BASE_AUTH_SIZE_OFFSET, 2, 0xFFFF, CELLA_ERR_INVALID_FORMAT,
     "QE auth data size"},
    {"certification data size one past the end", BASE_CERT_SIZE_OFFSET, 4, 101,
     CELLA_ERR_INVALID_FORMAT, "certification data size 101"},
    {"certification data size 0xFFFFFFFF", BASE_CERT_SIZE_OFFSET, 4, 0xFFFFFFFFu,
     CELLA_ERR_INVALID_FORMAT, "certification data size"},
    {"certification data one byte short of the end", BASE_CERT_SIZE_OFFSET, 4, 99,
     CELLA_ERR_INVALID_FORMAT, "trailing"},
    {"certification data size 0", BASE_CERT_SIZE_OFFSET, 4, 0, CELLA_ERR_INVALID_FORMAT,
     "trailing"},
    {"certification data type 0", BASE_CERT_TYPE_OFFSET, 2, 0, CELLA_ERR_INVALID_FORMAT,
     "certification data type 0"},
    {"certification data type 6", BASE_CERT_TYPE_OFFSET, 2, 6, CELLA_ERR_INVALID_FORMAT,
     "certification data type 6"},
    {"certification data type 7", BASE_CERT_TYPE_OFFSET, 2, 7, CELLA_ERR_INVALID_FORMAT,
     "certification data type 7"},
    {"certification data type 0xFFFF", BASE_CERT_TYPE_OFFSET, 2, 0xFFFF, CELLA_ERR_INVALID_FORMAT,
     "certification data type 65535"},
};

static void each_bad_field_is_rejected_and_named(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(field_cases) / sizeof(field_cases[0]); i++) {
        const struct field_case *c = &field_cases[i];
        size_t size = 0;
        uint8_t *quote = build_quote(&base_layout, &size);
        cella_quote_t parsed;

        assert_int_equal(size, BASE_QUOTE_SIZE);
        if (c->width == 2)
            put_u16(quote + c->offset, (uint16_t)c->value);
        else
            put_u32(quote + c->offset, c->value);
        memset(&parsed, 0x5A, sizeof(parsed));
        forget_messages();
        cella_result_t r = cella_quote_parse(quote, size, &parsed);
        if (r != c->expected)
            fail_msg("%s: got %s, expected %s", c->what, cella_result_str(r),
                     cella_result_str(c->expected));
        if (strstr(last_message, c->logged) == NULL)
            fail_msg("%s: the log says \"%s\", expected \"%s\"", c->what, last_message, c->logged);
        /* *parsed is written only on success. */
        for (size_t b = 0; b < sizeof(parsed); b++)
            assert_int_equal(((const uint8_t *)&parsed)[b], 0x5A);
        free(quote);
    }
}

static void a_quote_cut_anywhere_is_rejected(void **state)
{
    (void)state;
    size_t size = 0;
    uint8_t *quote = build_quote(&base_layout, &size);
    cella_quote_t parsed;

    /* Below the minimum (header included), and between the minimum and the full size. */
    for (size_t cut = 0; cut < size; cut++) {
        uint8_t *copy = copy_of(quote, cut);
        forget_messages();
        cella_result_t r = cella_quote_parse(copy, cut, &parsed);
        if (r != CELLA_ERR_INVALID_FORMAT)
            fail_msg("cut at %zu bytes: got %s", cut, cella_result_str(r));
        if (cut < 48)
            assert_logged("header: truncated");
        else if (cut < 1020)
            assert_logged("truncated");
        else
            assert_logged("signature_data_len");
        free(copy);
    }
    free(quote);
}

static void a_smallest_quote_cut_below_1020_bytes_is_rejected(void **state)
{
    (void)state;
    const struct layout smallest = {0, PPID_CLEARTEXT, 0};
    size_t size = 0;
    uint8_t *quote = build_quote(&smallest, &size);
    cella_quote_t parsed;

    assert_int_equal(size, CELLA_QUOTE3_MIN_BYTES);
    for (size_t cut = 0; cut < size; cut++) {
        uint8_t *copy = copy_of(quote, cut);
        /* Even a signature_data_len that matches the cut size does not make it a quote. */
        if (cut >= 436)
            put_u32(copy + 432, (uint32_t)(cut - 436));
        assert_int_equal(cella_quote_parse(copy, cut, &parsed), CELLA_ERR_INVALID_FORMAT);
        free(copy);
    }
    free(quote);
}

static void a_trailing_byte_is_rejected(void **state)
{
    (void)state;
    size_t size = 0;
    uint8_t *quote = build_quote(&base_layout, &size);
    uint8_t *longer = malloc(size + 1);
    cella_quote_t parsed;

    assert_non_null(longer);
    memcpy(longer, quote, size);
    longer[size] = 0;

    /* As made: signature_data_len no longer covers the rest. */
    forget_messages();
    assert_int_equal(cella_quote_parse(longer, size + 1, &parsed), CELLA_ERR_INVALID_FORMAT);
    assert_logged("signature_data_len");

    /* With signature_data_len made to cover it: the certification data does not end it. */
    put_u32(longer + 432, (uint32_t)(size + 1 - 436));
    forget_messages();
    assert_int_equal(cella_quote_parse(longer, size + 1, &parsed), CELLA_ERR_INVALID_FORMAT);
    assert_logged("1 trailing bytes");

    /* The same bytes without the extra one still parse. */
    assert_int_equal(cella_quote_parse(quote, size, &parsed), CELLA_OK);
    free(longer);
    free(quote);
}

static void a_quote_over_the_size_limit_is_rejected(void **state)
{
    (void)state;
    struct layout layout = {32, PCK_CERT_CHAIN, CELLA_QUOTE_MAX_BYTES - 1020 - 32};
    size_t size = 0;
    uint8_t *quote = build_quote(&layout, &size);
    cella_quote_t parsed;

    assert_int_equal(size, CELLA_QUOTE_MAX_BYTES);
    assert_int_equal(cella_quote_parse(quote, size, &parsed), CELLA_OK);
    free(quote);

    layout.certification_size++;
    quote = build_quote(&layout, &size);
    assert_int_equal(size, CELLA_QUOTE_MAX_BYTES + 1);
    forget_messages();
    assert_int_equal(cella_quote_parse(quote, size, &parsed), CELLA_ERR_INVALID_FORMAT);
    assert_logged("more than the 65536 accepted");
    free(quote);

    /* The limit is checked before anything is read: one byte claimed to be SIZE_MAX. */
    static const uint8_t one_byte[1] = {3};
    assert_int_equal(cella_quote_parse(one_byte, SIZE_MAX, &parsed), CELLA_ERR_INVALID_FORMAT);
}

static void parse_refuses_null_arguments(void **state)
{
    (void)state;
    size_t size = 0;
    uint8_t *quote = build_quote(&base_layout, &size);
    cella_quote_t parsed;

    assert_int_equal(cella_quote_parse(NULL, size, &parsed), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_quote_parse(quote, size, NULL), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_quote_parse(NULL, 0, NULL), CELLA_ERR_INVALID_ARGUMENT);
    free(quote);
}

/* ------------------------------------------------------------------------------------------ */
/* Made-up Open Enclave reports                                                               */
/* ------------------------------------------------------------------------------------------ */

/* An OE remote report around the base quote, in a buffer of exactly its size. */
static uint8_t *build_oe_report(size_t *size)
{
    size_t quote_size = 0;
    uint8_t *quote = build_quote(&base_layout, &quote_size);
    uint8_t *report = malloc(16 + quote_size);
    assert_non_null(report);
    put_u32(report, 1);
    put_u32(report + 4, 2);
    put_u64(report + 8, quote_size);
    memcpy(report + 16, quote, quote_size);
    free(quote);
    *size = 16 + quote_size;
    return report;
}

static void an_oe_report_yields_the_quote_after_its_header(void **state)
{
    (void)state;
    size_t size = 0;
    uint8_t *report = build_oe_report(&size);
    const uint8_t *quote = NULL;
    size_t quote_size = 0;
    cella_quote_t parsed;

    assert_int_equal(cella_quote_from_oe_report(report, size, &quote, &quote_size), CELLA_OK);
    assert_ptr_equal(quote, report + 16);
    assert_int_equal(quote_size, size - 16);
    assert_int_equal(cella_quote_parse(quote, quote_size, &parsed), CELLA_OK);
    assert_int_equal(parsed.certification_data_size, 100);
    free(report);
}

struct oe_case {
    const char *what;
    size_t offset;
    size_t width;
    uint64_t value;
    const char *logged;
};

static const struct oe_case oe_cases[] = {
    {"version 0", 0, 4, 0, "version 0"},
    {"version 2", 0, 4, 2, "version 2"},
    {"a local report", 4, 4, 1, "local report"},
    {"report type 0", 4, 4, 0, "report type 0"},
    {"report type 3", 4, 4, 3, "report type 3"},
    {"size one more than the quote", 8, 8, BASE_QUOTE_SIZE + 1, "report size"},
    {"size one less than the quote", 8, 8, BASE_QUOTE_SIZE - 1, "report size"},
    {"size 0", 8, 8, 0, "report size 0"},
    {"size with a high bit", 8, 8, BASE_QUOTE_SIZE | (1ull << 63), "report size"},
    {"size 2^64 - 1", 8, 8, UINT64_MAX, "report size"},
};

static void a_bad_oe_report_header_is_rejected_and_named(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(oe_cases) / sizeof(oe_cases[0]); i++) {
        const struct oe_case *c = &oe_cases[i];
        size_t size = 0;
        uint8_t *report = build_oe_report(&size);
        const uint8_t *quote = (const uint8_t *)"untouched";
        size_t quote_size = 77;

        if (c->width == 4)
            put_u32(report + c->offset, (uint32_t)c->value);
        else
            put_u64(report + c->offset, c->value);
        forget_messages();
        cella_result_t r = cella_quote_from_oe_report(report, size, &quote, &quote_size);
        if (r != CELLA_ERR_INVALID_FORMAT)
            fail_msg("%s: got %s", c->what, cella_result_str(r));
        if (strstr(last_message, c->logged) == NULL)
            fail_msg("%s: the log says \"%s\", expected \"%s\"", c->what, last_message, c->logged);
        assert_string_equal((const char *)quote, "untouched");
        assert_int_equal(quote_size, 77);
        free(report);
    }
}

static void an_oe_report_cut_or_extended_is_rejected(void **state)
{
    (void)state;
    size_t size = 0;
    uint8_t *report = build_oe_report(&size);
    const uint8_t *quote = NULL;
    size_t quote_size = 0;

    for (size_t cut = 0; cut < 24; cut++) {
        uint8_t *copy = copy_of(report, cut);
        assert_int_equal(cella_quote_from_oe_report(copy, cut, &quote, &quote_size),
                         CELLA_ERR_INVALID_FORMAT);
        free(copy);
    }
    uint8_t *copy = copy_of(report, size - 1);
    assert_int_equal(cella_quote_from_oe_report(copy, size - 1, &quote, &quote_size),
                     CELLA_ERR_INVALID_FORMAT);
    free(copy);
    uint8_t *longer = malloc(size + 1);
    assert_non_null(longer);
    memcpy(longer, report, size);
    longer[size] = 0;
    assert_int_equal(cella_quote_from_oe_report(longer, size + 1, &quote, &quote_size),
                     CELLA_ERR_INVALID_FORMAT);
    free(longer);
    free(report);
}

static void from_oe_report_refuses_null_arguments(void **state)
{
    (void)state;
    size_t size = 0;
    uint8_t *report = build_oe_report(&size);
    const uint8_t *quote = NULL;
    size_t quote_size = 0;

    assert_int_equal(cella_quote_from_oe_report(NULL, size, &quote, &quote_size),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_quote_from_oe_report(report, size, NULL, &quote_size),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_quote_from_oe_report(report, size, &quote, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    free(report);
}

/* ------------------------------------------------------------------------------------------ */
/* Real quotes from the shared vectors                                                        */
/* ------------------------------------------------------------------------------------------ */

/*
 * The path of vectors/<name>, or false (after saying so) when $CELLA_SHARED_DIR/vectors is
 * absent: the test then passes without asserting anything. A missing file inside a present
 * folder fails.
 */
static bool vector_path(const char *name, char *path, size_t path_size)
{
    const char *shared = getenv("CELLA_SHARED_DIR");
    struct stat st;

    if (shared == NULL || shared[0] == '\0') {
        printf("not run: CELLA_SHARED_DIR is not set, so the vectors folder is absent\n");
        return false;
    }
    int length = snprintf(path, path_size, "%s/vectors", shared);
    assert_true(length > 0 && (size_t)length < path_size);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("not run: %s absent (set CELLA_SHARED_DIR)\n", path);
        return false;
    }
    length = snprintf(path, path_size, "%s/vectors/%s", shared, name);
    assert_true(length > 0 && (size_t)length < path_size);
    return true;
}

/* Reads a vector file into an exactly sized heap buffer; false when vectors are absent. */
static bool read_vector(const char *name, uint8_t **bytes, size_t *size)
{
    char path[4096];
    if (!vector_path(name, path, sizeof(path)))
        return false;
    FILE *stream = fopen(path, "rb");
    if (stream == NULL)
        fail_msg("cannot open %s", path);
    assert_int_equal(fseek(stream, 0, SEEK_END), 0);
    long end = ftell(stream);
    assert_true(end > 0);
    assert_int_equal(fseek(stream, 0, SEEK_SET), 0);
    *size = (size_t)end;
    *bytes = malloc(*size);
    assert_non_null(*bytes);
    assert_int_equal(fread(*bytes, 1, *size, stream), *size);
    assert_int_equal(fclose(stream), 0);
    return true;
}

/* Reads the QuoteHex of an azure-samples JSON file, decoded; false when vectors are absent. */
static bool read_quote_hex(const char *name, uint8_t **bytes, size_t *size)
{
    char path[4096];
    json_error_t error;
    if (!vector_path(name, path, sizeof(path)))
        return false;
    json_t *root = json_load_file(path, 0, &error);
    if (root == NULL)
        fail_msg("%s: %s (line %d)", path, error.text, error.line);
    const char *hex = json_string_value(json_object_get(root, "QuoteHex"));
    assert_non_null(hex);
    size_t hex_size = strlen(hex);
    assert_int_equal(hex_size % 2, 0);
    *size = hex_size / 2;
    *bytes = malloc(*size);
    assert_non_null(*bytes);
    size_t decoded_size = *size;
    assert_int_equal(cella_encoding_hex_decode(hex, hex_size, *bytes, &decoded_size), CELLA_OK);
    assert_int_equal(decoded_size, *size);
    json_decref(root);
    return true;
}

static const char intel_qe_mr_signer[] =
    "8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff";

static void assert_pem_chain(const cella_quote_t *parsed)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    assert_int_equal(parsed->certification_data_type, PCK_CERT_CHAIN);
    assert_true(parsed->certification_data_size > sizeof(begin));
    assert_memory_equal(parsed->certification_data, begin, sizeof(begin) - 1);
    /* NUL-terminated, the NUL counted in the size. */
    assert_int_equal(parsed->certification_data[parsed->certification_data_size - 1], 0);
}

static void the_oasis_quote_parses_with_its_documented_fields(void **state)
{
    (void)state;
    uint8_t *quote = NULL;
    size_t size = 0;
    cella_quote_t parsed;

    if (!read_vector("oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin", &quote, &size))
        return;
    assert_int_equal(size, 4730);
    assert_sha256(quote, size, "d2457b83aefc016f2b2f85eee32b3eba62035e2be6e2595e710b5f00a6c7b540");
    assert_int_equal(cella_quote_parse(quote, size, &parsed), CELLA_OK);

    assert_int_equal(parsed.header.version, 3);
    assert_int_equal(parsed.header.att_key_type, 2);
    assert_int_equal(parsed.header.att_key_data_0, 0);
    assert_int_equal(parsed.header.qe_svn, 9);
    assert_int_equal(parsed.header.pce_svn, 13);
    assert_hex_equal(parsed.header.qe_vendor_id, "939a7233f79c4ca9940a0db3957f0607", 16);

    const sgx_report_body_t *isv = &parsed.isv_report;
    assert_hex_equal(isv->mr_enclave.m,
                     "68823bc62f409ee33a32ea270cfe45d4b19a6fb3c8570d7bc186cbe062398e8f", 32);
    assert_hex_equal(isv->mr_signer.m,
                     "9affcfae47b848ec2caf1c49b4b283531e1cc425f93582b36806e52a43d78d1a", 32);
    assert_int_equal(isv->isv_prod_id, 0);
    assert_int_equal(isv->isv_svn, 0);
    assert_int_equal(isv->attributes.flags, 0x05);
    assert_int_equal(isv->attributes.xfrm, 0x03);
    assert_int_equal(isv->misc_select, 0);
    assert_hex_equal(isv->cpu_svn.svn, "08090e0dffff01000000000000000000", 16);
    assert_hex_equal(isv->report_data.d,
                     "026a69ced96c3e0295d16d6b388e057a137a14319671662a5844c7472f3c62ae"
                     "0e3d3f99b77dd89b0fc1436c4fe96828391a52588a0f883455a18b8f5872e3f0",
                     64);

    /* signature_data_len 4294 = 4730 - 436, as read from the quote. */
    assert_int_equal(quote[432] | quote[433] << 8, 4294);
    assert_int_equal(parsed.qe_auth_data_size, 32);
    for (size_t i = 0; i < 32; i++)
        assert_int_equal(parsed.qe_auth_data[i], i);

    const sgx_report_body_t *qe = &parsed.qe_report;
    assert_hex_equal(qe->mr_signer.m, intel_qe_mr_signer, 32);
    assert_int_equal(qe->isv_prod_id, 1);
    assert_int_equal(qe->isv_svn, 9);
    assert_int_equal(qe->attributes.flags, 0x15);
    assert_int_equal(qe->attributes.xfrm, 0xe7);
    assert_memory_equal(parsed.qe_report_bytes, qe, 384);

    assert_pem_chain(&parsed);
    assert_int_equal(parsed.certification_data_size, 3678);
    free(quote);
}

static void the_intel_sample_quote_parses_with_its_documented_fields(void **state)
{
    (void)state;
    uint8_t *quote = NULL;
    size_t size = 0;
    cella_quote_t parsed;

    if (!read_vector("intel-qvl-sample/quote.dat", &quote, &size))
        return;
    assert_int_equal(size, 1054);
    assert_sha256(quote, size, "8cc428aaac34f536d6c87e1509d29213912f61d83e9a902bf5b292561271ed62");
    assert_int_equal(cella_quote_parse(quote, size, &parsed), CELLA_OK);

    assert_int_equal(parsed.header.version, 3);
    assert_int_equal(parsed.header.att_key_type, 2);
    assert_int_equal(parsed.header.qe_svn, 0);
    assert_int_equal(parsed.header.pce_svn, 3);
    assert_memory_equal(parsed.header.qe_vendor_id, intel_vendor_id, 16);

    const sgx_report_body_t *isv = &parsed.isv_report;
    assert_true(is_all_zero(isv->mr_enclave.m, 32));
    assert_true(is_all_zero(isv->mr_signer.m, 32));
    assert_int_equal(isv->isv_prod_id, 0);
    assert_int_equal(isv->isv_svn, 0);
    assert_int_equal(isv->attributes.flags, 0);
    assert_true(is_all_zero(isv->report_data.d, 64));

    assert_int_equal(parsed.qe_auth_data_size, 0);
    assert_hex_equal(parsed.qe_report.mr_signer.m, intel_qe_mr_signer, 32);
    assert_int_equal(parsed.qe_report.isv_prod_id, 1);
    assert_int_equal(parsed.qe_report.isv_svn, 1);
    assert_int_equal(parsed.qe_report.misc_select, 0x8CB182D1u);

    assert_int_equal(parsed.certification_data_type, PPID_CLEARTEXT);
    assert_int_equal(parsed.certification_data_size, 34);
    assert_ptr_equal(parsed.certification_data + 34, quote + size);
    free(quote);
}

static void the_tdx_v4_quote_is_unsupported(void **state)
{
    (void)state;
    uint8_t *quote = NULL;
    size_t size = 0;
    cella_quote_t parsed;

    if (!read_vector("intel-qvl-sample/tdx/quote.dat", &quote, &size))
        return;
    assert_int_equal(size, 3696);
    forget_messages();
    assert_int_equal(cella_quote_parse(quote, size, &parsed), CELLA_ERR_UNSUPPORTED);
    assert_logged("header.version 4");
    free(quote);
}

/* One of the four azure-samples quotes, as the vectors README documents it. */
struct azure_sample {
    const char *file;
    const char *mr_enclave;
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    uint64_t flags;
    const char *report_data; /* the first 32 bytes; the other 32 are zero */
    const char *quote_sha256;
};

static const char azure_sgx_report_data[] =
    "7192385c3c0605de55bb9476ce1d90748190ecb32a8eed7f5207b30cf6a1fe89";
static const char azure_sgx_release_enclave[] =
    "d37d983a85d63fb49649610e2eba0930ecdbff6d113aca3ff3fc7261696c0134";

static const struct azure_sample azure_sgx_samples[] = {
    {"azure-samples-sgx/enclave.info.debug.json",
     "3e2df98fc7fd042b842121cae6a8086d546e7970db55103725cc1dcbc2c48814", 1, 1, 0x07,
     azure_sgx_report_data, "7ae7192dd55f00de555078401f24dc64e8d8e1bf841d161243a1424cf2fa8ce2"},
    {"azure-samples-sgx/enclave.info.release.json", azure_sgx_release_enclave, 1, 1, 0x05,
     azure_sgx_report_data, "e9f0aad48a099297f9826cc8f72856abb41f763fbb453490983813d87de5b47a"},
    {"azure-samples-sgx/enclave.info.prodid.json", azure_sgx_release_enclave, 9999, 1, 0x05,
     azure_sgx_report_data, "91831a5ed5f022f44e08552b9498215f1ccae4ef2ce9a94f3919a027e9bff2d9"},
    {"azure-samples-sgx/enclave.info.securityversion.json", azure_sgx_release_enclave, 1, 8888,
     0x05, azure_sgx_report_data,
     "075b64c9278226f122b0bc02b53a8ffe383971365b785a71ebfbef68b3d01b4c"},
};

static const struct azure_sample azure_oe_samples[] = {
    {"azure-samples-oe/enclave.info.debug.json",
     "f78abec1b19bb4ba945bb986ca4d7fc0b3029f75f6e13e1ce43a7747d7426e57", 1, 1, 0x07,
     "18b3a8e3d1b7ae13a4a028d08984be3160d6c92156634fbc3224afde708bc9de",
     "c3819d794a2fe853f28b37f03d3b6648559961895d462e22b1c6b893cfcbc257"},
    {"azure-samples-oe/enclave.info.release.json",
     "4d62dedf3296fb3e7794b5b57bde276c98d11e79b4f86665aa32d4649f9ab1d8", 1, 1, 0x05,
     "f236d4f7aa4ef65fe93a9bad952cbfc7356d2d4cf3ba3e675d4b1a95f8448633",
     "f5cbb30707316a5f5d231a5a6cd868d0ce4aad51435c07c09829e1f9dc135a95"},
    {"azure-samples-oe/enclave.info.prodid.json",
     "191a8eaa7dfaf37ba600165206d01aef6fdbeb19d5033f8fa5683a665867588a", 9999, 1, 0x05,
     "2e5aa3a7977d6567378ea6704f1f07d1db3f7a543bcaa08138520d565584a4db",
     "0c131b4f8b38b4a91523b826d41519cc824e58039a6ec3c1e5d7962aa454bbcd"},
    {"azure-samples-oe/enclave.info.securityversion.json",
     "6f4efcdb4e6ca3e9a6c340db202300afcc13d58aa7bbcb8afe4a6471eaf076e4", 1, 8888, 0x05,
     "52a1fa8e92fa2d9cc78ecd2a6058f0f388be2480bf47f9dab3165c56dc9dc1da",
     "c64254bafba16719460409f328223b1d6c290fa559fff3d42e7f81c79dfff586"},
};

static void assert_azure_sample(const struct azure_sample *sample, const cella_quote_t *parsed)
{
    const sgx_report_body_t *isv = &parsed->isv_report;
    assert_int_equal(parsed->header.version, 3);
    assert_int_equal(parsed->header.att_key_type, 2);
    assert_memory_equal(parsed->header.qe_vendor_id, intel_vendor_id, 16);
    assert_hex_equal(isv->mr_enclave.m, sample->mr_enclave, 32);
    assert_int_equal(isv->isv_prod_id, sample->isv_prod_id);
    assert_int_equal(isv->isv_svn, sample->isv_svn);
    assert_int_equal(isv->attributes.flags, sample->flags);
    assert_int_equal(isv->attributes.xfrm, 0x07);
    assert_hex_equal(isv->report_data.d, sample->report_data, 32);
    assert_true(is_all_zero(isv->report_data.d + 32, 32));
    assert_hex_equal(parsed->qe_report.mr_signer.m, intel_qe_mr_signer, 32);
    assert_int_equal(parsed->qe_report.isv_prod_id, 1);
    assert_int_equal(parsed->qe_auth_data_size, 32);
    assert_pem_chain(parsed);
}

static void the_azure_sgx_quotes_parse_with_their_documented_fields(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(azure_sgx_samples) / sizeof(azure_sgx_samples[0]); i++) {
        const struct azure_sample *sample = &azure_sgx_samples[i];
        uint8_t *quote = NULL;
        size_t size = 0;
        cella_quote_t parsed;

        if (!read_quote_hex(sample->file, &quote, &size))
            return;
        assert_int_equal(size, 4600);
        assert_sha256(quote, size, sample->quote_sha256);
        assert_int_equal(cella_quote_parse(quote, size, &parsed), CELLA_OK);
        assert_azure_sample(sample, &parsed);
        assert_int_equal(parsed.header.qe_svn, 9);
        assert_int_equal(parsed.header.pce_svn, 14);
        assert_hex_equal(parsed.isv_report.mr_signer.m,
                         "feb995eb86c349ac98e5afbbb5732ca7376ec9979002702ea17ad476e0853a04", 32);
        /* Not an OE report: the quote's own first bytes are no OE header. */
        const uint8_t *inner = NULL;
        size_t inner_size = 0;
        assert_int_equal(cella_quote_from_oe_report(quote, size, &inner, &inner_size),
                         CELLA_ERR_INVALID_FORMAT);
        free(quote);
    }
}

static void the_azure_oe_reports_hold_quotes_with_their_documented_fields(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(azure_oe_samples) / sizeof(azure_oe_samples[0]); i++) {
        const struct azure_sample *sample = &azure_oe_samples[i];
        uint8_t *report = NULL;
        size_t size = 0;
        const uint8_t *quote = NULL;
        size_t quote_size = 0;
        cella_quote_t parsed;

        if (!read_quote_hex(sample->file, &report, &size))
            return;
        assert_int_equal(size, 4600);
        assert_int_equal(cella_quote_from_oe_report(report, size, &quote, &quote_size), CELLA_OK);
        assert_ptr_equal(quote, report + 16);
        assert_int_equal(quote_size, 4584);
        assert_sha256(quote, quote_size, sample->quote_sha256);
        assert_int_equal(cella_quote_parse(quote, quote_size, &parsed), CELLA_OK);
        assert_azure_sample(sample, &parsed);
        assert_int_equal(parsed.header.qe_svn, 5);
        assert_int_equal(parsed.header.pce_svn, 10);
        assert_hex_equal(parsed.isv_report.mr_signer.m,
                         "62ba6bcab59700c340bdbcd36bf74c6e0d6892cdf91671dca93bcbfff81ef9f2", 32);
        /* The whole report is not a v3 quote: its first bytes read as version 1 (EPID). */
        forget_messages();
        assert_int_equal(cella_quote_parse(report, size, &parsed), CELLA_ERR_UNSUPPORTED);
        assert_logged("header.version 1");
        free(report);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_made_up_quote_parses_into_every_field),
        cmocka_unit_test(the_smallest_quote_and_every_v3_certification_type_parse),
        cmocka_unit_test(each_bad_field_is_rejected_and_named),
        cmocka_unit_test(a_quote_cut_anywhere_is_rejected),
        cmocka_unit_test(a_smallest_quote_cut_below_1020_bytes_is_rejected),
        cmocka_unit_test(a_trailing_byte_is_rejected),
        cmocka_unit_test(a_quote_over_the_size_limit_is_rejected),
        cmocka_unit_test(parse_refuses_null_arguments),
        cmocka_unit_test(an_oe_report_yields_the_quote_after_its_header),
        cmocka_unit_test(a_bad_oe_report_header_is_rejected_and_named),
        cmocka_unit_test(an_oe_report_cut_or_extended_is_rejected),
        cmocka_unit_test(from_oe_report_refuses_null_arguments),
        cmocka_unit_test(the_oasis_quote_parses_with_its_documented_fields),
        cmocka_unit_test(the_intel_sample_quote_parses_with_its_documented_fields),
        cmocka_unit_test(the_tdx_v4_quote_is_unsupported),
        cmocka_unit_test(the_azure_sgx_quotes_parse_with_their_documented_fields),
        cmocka_unit_test(the_azure_oe_reports_hold_quotes_with_their_documented_fields),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
