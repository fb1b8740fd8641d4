/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for common/encoding.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cella/encoding.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Filler that shows which bytes a call wrote. */
#define CANARY 0xa5

static const char base64_symbols[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char base64url_symbols[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* ---- the five variants behind one signature, for table-driven tests ---- */

typedef cella_result_t (*encode_fn)(const void *data, size_t data_size,
                                    cella_encoding_base64_padding_t padding, char *text,
                                    size_t *text_size);
typedef cella_result_t (*decode_fn)(const char *text, size_t text_size,
                                    cella_encoding_base64_padding_t padding, void *data,
                                    size_t *data_size);

static cella_result_t hex_encode(const void *data, size_t data_size,
                                 cella_encoding_base64_padding_t padding, char *text,
                                 size_t *text_size)
{
    (void)padding;
    return cella_encoding_hex_encode(data, data_size, text, text_size);
}

static cella_result_t hex_decode(const char *text, size_t text_size,
                                 cella_encoding_base64_padding_t padding, void *data,
                                 size_t *data_size)
{
    (void)padding;
    return cella_encoding_hex_decode(text, text_size, data, data_size);
}

struct variant {
    const char *name;
    encode_fn encode;
    decode_fn decode;
    cella_encoding_base64_padding_t padding;
    bool is_base64;
};

static const struct variant variants[] = {
    {"hex", hex_encode, hex_decode, CELLA_ENCODING_BASE64_PAD, false},
    {"base64", cella_encoding_base64_encode, cella_encoding_base64_decode,
     CELLA_ENCODING_BASE64_PAD, true},
    {"base64 unpadded", cella_encoding_base64_encode, cella_encoding_base64_decode,
     CELLA_ENCODING_BASE64_NOPAD, true},
    {"base64url", cella_encoding_base64url_encode, cella_encoding_base64url_decode,
     CELLA_ENCODING_BASE64_PAD, true},
    {"base64url unpadded", cella_encoding_base64url_encode, cella_encoding_base64url_decode,
     CELLA_ENCODING_BASE64_NOPAD, true},
};

/* Deterministic test data (xorshift32), so a failure reproduces. */
static void fill_pseudo_random(uint8_t *data, size_t size, uint32_t seed)
{
    uint32_t x = seed | 1;
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = (uint8_t)(x >> 24);
    }
}

/* ---- known answers ---- */

struct vector {
    const char *data;
    const char *text;
};

/* RFC 4648 section 10. */
static const struct vector base64_vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

/* RFC 4648 section 10 (the RFC writes upper case; cella encodes lower case). */
static const struct vector base16_vectors[] = {
    {"", ""},
    {"f", "66"},
    {"fo", "666F"},
    {"foo", "666F6F"},
    {"foob", "666F6F62"},
    {"fooba", "666F6F6261"},
    {"foobar", "666F6F626172"},
};

static void lower_case(char *text)
{
    for (; *text != '\0'; text++)
        if (*text >= 'A' && *text <= 'Z')
            *text = (char)(*text - 'A' + 'a');
}

static void strip_padding(char *text)
{
    char *end = strchr(text, '=');
    if (end != NULL)
        *end = '\0';
}

/* Encode data with the variant and check the text, its NUL and the reported size. */
static void check_encodes_to(encode_fn encode, cella_encoding_base64_padding_t padding,
                             const void *data, size_t data_size, const char *expected)
{
    char text[128];
    size_t text_size = sizeof(text);

    memset(text, CANARY, sizeof(text));
    assert_int_equal(encode(data, data_size, padding, text, &text_size), CELLA_OK);
    assert_int_equal(text_size, strlen(expected));
    assert_string_equal(text, expected);
    assert_int_equal((unsigned char)text[text_size + 1], CANARY);
}

/* Decode text with the variant and check the bytes and the reported size. */
static void check_decodes_to(decode_fn decode, cella_encoding_base64_padding_t padding,
                             const char *text, const void *expected, size_t expected_size)
{
    uint8_t data[64];
    size_t data_size = sizeof(data);

    memset(data, CANARY, sizeof(data));
    assert_int_equal(decode(text, strlen(text), padding, data, &data_size), CELLA_OK);
    assert_int_equal(data_size, expected_size);
    assert_memory_equal(data, expected, expected_size);
    assert_int_equal(data[expected_size], CANARY);
}

static void hex_encodes_the_rfc_4648_base16_vectors_in_lower_case(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(base16_vectors); i++) {
        char expected[32];
        strcpy(expected, base16_vectors[i].text);
        lower_case(expected);
        check_encodes_to(hex_encode, CELLA_ENCODING_BASE64_PAD, base16_vectors[i].data,
                         strlen(base16_vectors[i].data), expected);
    }
}

static void hex_decodes_the_rfc_4648_base16_vectors_in_either_case(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(base16_vectors); i++) {
        const struct vector *v = &base16_vectors[i];
        char lower[32];
        strcpy(lower, v->text);
        lower_case(lower);
        check_decodes_to(hex_decode, CELLA_ENCODING_BASE64_PAD, v->text, v->data, strlen(v->data));
        check_decodes_to(hex_decode, CELLA_ENCODING_BASE64_PAD, lower, v->data, strlen(v->data));
    }
    check_decodes_to(hex_decode, CELLA_ENCODING_BASE64_PAD, "aBcDeF", "\xab\xcd\xef", 3);
}

static void hex_encodes_and_decodes_every_byte_value(void **state)
{
    static const char digits[] = "0123456789abcdef";
    (void)state;
    for (unsigned value = 0; value < 256; value++) {
        const uint8_t byte = (uint8_t)value;
        const char expected[3] = {digits[value >> 4], digits[value & 15], '\0'};
        char upper[3] = {expected[0], expected[1], '\0'};
        check_encodes_to(hex_encode, CELLA_ENCODING_BASE64_PAD, &byte, 1, expected);
        check_decodes_to(hex_decode, CELLA_ENCODING_BASE64_PAD, expected, &byte, 1);
        for (size_t i = 0; i < 2; i++)
            if (upper[i] >= 'a')
                upper[i] = (char)(upper[i] - 'a' + 'A');
        check_decodes_to(hex_decode, CELLA_ENCODING_BASE64_PAD, upper, &byte, 1);
    }
}

static void base64_encodes_the_rfc_4648_vectors_with_and_without_padding(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(base64_vectors); i++) {
        const struct vector *v = &base64_vectors[i];
        char unpadded[32];
        strcpy(unpadded, v->text);
        strip_padding(unpadded);
        check_encodes_to(cella_encoding_base64_encode, CELLA_ENCODING_BASE64_PAD, v->data,
                         strlen(v->data), v->text);
        check_encodes_to(cella_encoding_base64_encode, CELLA_ENCODING_BASE64_NOPAD, v->data,
                         strlen(v->data), unpadded);
        /* None of these texts uses symbols 62 or 63, so base64url agrees. */
        check_encodes_to(cella_encoding_base64url_encode, CELLA_ENCODING_BASE64_PAD, v->data,
                         strlen(v->data), v->text);
    }
}

static void base64_decodes_the_rfc_4648_vectors_in_every_matching_mode(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(base64_vectors); i++) {
        const struct vector *v = &base64_vectors[i];
        const size_t size = strlen(v->data);
        char unpadded[32];
        strcpy(unpadded, v->text);
        strip_padding(unpadded);
        check_decodes_to(cella_encoding_base64_decode, CELLA_ENCODING_BASE64_PAD, v->text, v->data,
                         size);
        check_decodes_to(cella_encoding_base64_decode, CELLA_ENCODING_BASE64_PAD_OPTIONAL, v->text,
                         v->data, size);
        check_decodes_to(cella_encoding_base64_decode, CELLA_ENCODING_BASE64_NOPAD, unpadded,
                         v->data, size);
        check_decodes_to(cella_encoding_base64_decode, CELLA_ENCODING_BASE64_PAD_OPTIONAL, unpadded,
                         v->data, size);
        check_decodes_to(cella_encoding_base64url_decode, CELLA_ENCODING_BASE64_PAD_OPTIONAL,
                         unpadded, v->data, size);
    }
}

static void base64url_uses_minus_and_underscore_for_fb_ff(void **state)
{
    static const uint8_t data[] = {0xfb, 0xff};
    (void)state;

    check_encodes_to(cella_encoding_base64url_encode, CELLA_ENCODING_BASE64_PAD, data, 2, "-_8=");
    check_encodes_to(cella_encoding_base64url_encode, CELLA_ENCODING_BASE64_NOPAD, data, 2, "-_8");
    check_encodes_to(cella_encoding_base64_encode, CELLA_ENCODING_BASE64_PAD, data, 2, "+/8=");
    check_encodes_to(cella_encoding_base64_encode, CELLA_ENCODING_BASE64_NOPAD, data, 2, "+/8");
    check_decodes_to(cella_encoding_base64url_decode, CELLA_ENCODING_BASE64_PAD, "-_8=", data, 2);
    check_decodes_to(cella_encoding_base64url_decode, CELLA_ENCODING_BASE64_NOPAD, "-_8", data, 2);
    check_decodes_to(cella_encoding_base64_decode, CELLA_ENCODING_BASE64_PAD, "+/8=", data, 2);
}

static void base64_encodes_every_symbol_value_to_its_rfc_4648_character(void **state)
{
    /* Bytes 0x00 0x10 0x83 ... spell out symbols 0, 1, 2, ... 63 in groups of four. */
    uint8_t data[48];
    char expected[65];
    (void)state;

    for (size_t group = 0; group < 16; group++) {
        const uint32_t s = (uint32_t)group * 4;
        const uint32_t block = s << 18 | (s + 1) << 12 | (s + 2) << 6 | (s + 3);
        data[group * 3] = (uint8_t)(block >> 16);
        data[group * 3 + 1] = (uint8_t)(block >> 8);
        data[group * 3 + 2] = (uint8_t)block;
    }
    memcpy(expected, base64_symbols, sizeof(expected));
    check_encodes_to(cella_encoding_base64_encode, CELLA_ENCODING_BASE64_PAD, data, sizeof(data),
                     expected);
    check_decodes_to(cella_encoding_base64_decode, CELLA_ENCODING_BASE64_PAD, expected, data,
                     sizeof(data));
    memcpy(expected, base64url_symbols, sizeof(expected));
    check_encodes_to(cella_encoding_base64url_encode, CELLA_ENCODING_BASE64_PAD, data, sizeof(data),
                     expected);
    check_decodes_to(cella_encoding_base64url_decode, CELLA_ENCODING_BASE64_PAD, expected, data,
                     sizeof(data));
}

/* ---- rejections ---- */

struct rejection {
    const char *why;
    const char *text;
    size_t text_size; /* 0: strlen(text) */
    bool url;
    cella_encoding_base64_padding_t padding;
};

static const struct rejection base64_rejections[] = {
    /* characters outside the alphabet */
    {"a space between quanta", "Zm9v YmFy", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a line break", "Zm9v\nYmFy", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a trailing line break", "Zm9vYmFy\n", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a trailing CR LF", "Zm9vYg==\r\n", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a leading space", " Zm9v", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a star", "Zm9v*mFy", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a NUL inside the text", "Zm9v\0mFy", 8, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a byte above 0x7f", "Zm9v\xffmFy", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a dot, as in a JWT", "Zm9v.mFy", 0, true, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"base64url symbols in base64", "-_8=", 0, false, CELLA_ENCODING_BASE64_PAD},
    {"minus in base64", "Zm-v", 0, false, CELLA_ENCODING_BASE64_PAD},
    {"base64 symbols in base64url", "+/8=", 0, true, CELLA_ENCODING_BASE64_PAD},
    {"slash in base64url", "Zm/v", 0, true, CELLA_ENCODING_BASE64_PAD},
    /* padding in the wrong place or of the wrong amount */
    {"padding between quanta", "Zg==Zm9v", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"padding inside a quantum", "Zm=v", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"padding first", "=Zm9", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"three padding characters", "Z===", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"only padding", "====", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a lone padding character", "=", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"two padding characters alone", "==", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"padding one short", "Zg=", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"padding one short, strict", "Zg=", 0, false, CELLA_ENCODING_BASE64_PAD},
    {"padding one too many", "Zg===", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"padding one too many after two symbols", "Zm8==", 0, false, CELLA_ENCODING_BASE64_PAD},
    {"padding after a full quantum", "Zm9v=", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a full padded quantum of padding", "Zm9v====", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"padding when padding is forbidden", "Zg==", 0, false, CELLA_ENCODING_BASE64_NOPAD},
    {"one padding character when forbidden", "Zm8=", 0, true, CELLA_ENCODING_BASE64_NOPAD},
    {"no padding when padding is required", "Zg", 0, false, CELLA_ENCODING_BASE64_PAD},
    {"no padding on three symbols when required", "Zm8", 0, true, CELLA_ENCODING_BASE64_PAD},
    /* lengths no encoder produces */
    {"a single symbol", "Z", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a quantum and a single symbol", "Zm9vY", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"a single symbol, padded", "Z===", 0, true, CELLA_ENCODING_BASE64_PAD},
    {"truncated padded text", "Zm9vYg=", 0, false, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    /* RFC 4648 section 3.5: non-zero bits after the data */
    {"non-canonical last of two symbols", "Zh==", 0, false, CELLA_ENCODING_BASE64_PAD},
    {"non-canonical last of two symbols, unpadded", "Zh", 0, false, CELLA_ENCODING_BASE64_NOPAD},
    {"lowest bit set after one byte", "ZB==", 0, true, CELLA_ENCODING_BASE64_PAD_OPTIONAL},
    {"non-canonical last of three symbols", "Zm9=", 0, false, CELLA_ENCODING_BASE64_PAD},
    {"non-canonical last of three symbols, unpadded", "Zm9", 0, true, CELLA_ENCODING_BASE64_NOPAD},
    {"non-canonical base64url of fb ff", "-_9", 0, true, CELLA_ENCODING_BASE64_NOPAD},
    {"non-canonical after full quanta", "Zm9vYmFyZm9=", 0, false, CELLA_ENCODING_BASE64_PAD},
};

static void base64_decode_rejects_malformed_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(base64_rejections); i++) {
        const struct rejection *c = &base64_rejections[i];
        const size_t text_size = c->text_size != 0 ? c->text_size : strlen(c->text);
        const decode_fn decode =
            c->url ? cella_encoding_base64url_decode : cella_encoding_base64_decode;
        uint8_t data[32];
        size_t data_size = sizeof(data);
        cella_result_t r = decode(c->text, text_size, c->padding, data, &data_size);
        if (r != CELLA_ERR_INVALID_FORMAT)
            fail_msg("%s: got %d, want CELLA_ERR_INVALID_FORMAT", c->why, (int)r);
        /* A failed decode leaves the size alone. */
        assert_int_equal(data_size, sizeof(data));
    }
}

static void base64_decode_accepts_exactly_the_alphabet(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        char text[4] = {'A', 'A', 'A', (char)c};
        uint8_t data[3];
        size_t data_size = sizeof(data);
        const bool in_base64 = c != 0 && strchr(base64_symbols, (int)c) != NULL;
        const bool in_base64url = c != 0 && strchr(base64url_symbols, (int)c) != NULL;

        assert_int_equal(cella_encoding_base64_decode(
                             text, sizeof(text), CELLA_ENCODING_BASE64_NOPAD, data, &data_size),
                         in_base64 ? CELLA_OK : CELLA_ERR_INVALID_FORMAT);
        /* The same character first in the quantum. */
        text[0] = (char)c;
        text[3] = 'A';
        data_size = sizeof(data);
        assert_int_equal(cella_encoding_base64url_decode(
                             text, sizeof(text), CELLA_ENCODING_BASE64_NOPAD, data, &data_size),
                         in_base64url ? CELLA_OK : CELLA_ERR_INVALID_FORMAT);
    }
}

static void base64_decode_accepts_only_canonical_last_symbols(void **state)
{
    (void)state;
    for (uint32_t value = 0; value < 64; value++) {
        const char two[4] = {'A', base64_symbols[value], '=', '='};
        const char three[4] = {'A', 'A', base64_symbols[value], '='};
        uint8_t data[2];
        size_t data_size = sizeof(data);

        /* Two symbols carry 12 bits for one byte: the last 4 bits must be zero. */
        assert_int_equal(cella_encoding_base64_decode(two, sizeof(two), CELLA_ENCODING_BASE64_PAD,
                                                      data, &data_size),
                         (value & 0x0f) == 0 ? CELLA_OK : CELLA_ERR_INVALID_FORMAT);
        /* Three symbols carry 18 bits for two bytes: the last 2 bits must be zero. */
        data_size = sizeof(data);
        assert_int_equal(cella_encoding_base64_decode(three, sizeof(three),
                                                      CELLA_ENCODING_BASE64_PAD, data, &data_size),
                         (value & 0x03) == 0 ? CELLA_OK : CELLA_ERR_INVALID_FORMAT);
    }
}

static void hex_decode_rejects_an_odd_number_of_digits(void **state)
{
    static const char *const texts[] = {"0", "abc", "666F6", "0123456789abcdef0"};
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(texts); i++) {
        uint8_t data[16];
        size_t data_size = sizeof(data);
        assert_int_equal(cella_encoding_hex_decode(texts[i], strlen(texts[i]), data, &data_size),
                         CELLA_ERR_INVALID_FORMAT);
        assert_int_equal(data_size, sizeof(data));
    }
}

static void hex_decode_rejects_every_non_hex_character(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        const bool is_hex =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        const cella_result_t expected = is_hex ? CELLA_OK : CELLA_ERR_INVALID_FORMAT;
        const char high[2] = {(char)c, '0'};
        const char low[2] = {'0', (char)c};
        uint8_t byte;
        size_t size = 1;

        assert_int_equal(cella_encoding_hex_decode(high, 2, &byte, &size), expected);
        size = 1;
        assert_int_equal(cella_encoding_hex_decode(low, 2, &byte, &size), expected);
    }
}

static void hex_decode_rejects_prefixes_and_separators(void **state)
{
    static const char *const texts[] = {"0x00", "00 11", "00:11", "-1", "+1", " 0", "0\n"};
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(texts); i++) {
        uint8_t data[8];
        size_t data_size = sizeof(data);
        if (cella_encoding_hex_decode(texts[i], strlen(texts[i]), data, &data_size) !=
            CELLA_ERR_INVALID_FORMAT)
            fail_msg("accepted \"%s\"", texts[i]);
    }
}

static void a_failed_decode_leaves_no_partial_result(void **state)
{
    uint8_t data[8];
    size_t data_size = sizeof(data);
    (void)state;

    /* The bad character comes after three good bytes. */
    memset(data, CANARY, sizeof(data));
    assert_int_equal(cella_encoding_hex_decode("a1b2c3zz", 8, data, &data_size),
                     CELLA_ERR_INVALID_FORMAT);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(data[i], 0);
    for (size_t i = 4; i < sizeof(data); i++)
        assert_int_equal(data[i], CANARY);

    memset(data, CANARY, sizeof(data));
    assert_int_equal(
        cella_encoding_base64_decode("Zm9vYm*y", 8, CELLA_ENCODING_BASE64_PAD, data, &data_size),
        CELLA_ERR_INVALID_FORMAT);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(data[i], 0);
    for (size_t i = 6; i < sizeof(data); i++)
        assert_int_equal(data[i], CANARY);
}

/* ---- buffer sizes ---- */

static void every_encoder_reports_the_capacity_it_needs_and_writes_nothing(void **state)
{
    static const uint8_t data[] = {'f', 'o', 'o', 'b', 'a'};
    (void)state;

    for (size_t v = 0; v < ARRAY_COUNT(variants); v++) {
        const struct variant *variant = &variants[v];
        char text[32];
        size_t text_size = sizeof(text);
        size_t needed;

        assert_int_equal(variant->encode(data, sizeof(data), variant->padding, text, &text_size),
                         CELLA_OK);
        needed = text_size + 1;
        /* Every capacity short of text + NUL fails the same way. */
        for (size_t capacity = 0; capacity < needed; capacity++) {
            memset(text, CANARY, sizeof(text));
            text_size = capacity;
            assert_int_equal(
                variant->encode(data, sizeof(data), variant->padding, text, &text_size),
                CELLA_ERR_BUFFER_TOO_SMALL);
            assert_int_equal(text_size, needed);
            for (size_t i = 0; i < sizeof(text); i++)
                assert_int_equal((unsigned char)text[i], CANARY);
        }
        /* The reported capacity is enough, and nothing past it is written. */
        memset(text, CANARY, sizeof(text));
        text_size = needed;
        assert_int_equal(variant->encode(data, sizeof(data), variant->padding, text, &text_size),
                         CELLA_OK);
        assert_int_equal(text_size, needed - 1);
        assert_int_equal(text[needed - 1], '\0');
        for (size_t i = needed; i < sizeof(text); i++)
            assert_int_equal((unsigned char)text[i], CANARY);
    }
}

static void every_decoder_reports_the_size_it_needs_and_writes_nothing(void **state)
{
    static const uint8_t expected[] = {'f', 'o', 'o', 'b', 'a'};
    (void)state;

    for (size_t v = 0; v < ARRAY_COUNT(variants); v++) {
        const struct variant *variant = &variants[v];
        char text[32];
        size_t text_size = sizeof(text);
        uint8_t data[16];
        size_t data_size;

        assert_int_equal(
            variant->encode(expected, sizeof(expected), variant->padding, text, &text_size),
            CELLA_OK);
        /* Asking with no buffer at all. */
        data_size = 0;
        assert_int_equal(variant->decode(text, text_size, variant->padding, NULL, &data_size),
                         CELLA_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(data_size, sizeof(expected));
        for (size_t capacity = 0; capacity < sizeof(expected); capacity++) {
            memset(data, CANARY, sizeof(data));
            data_size = capacity;
            assert_int_equal(variant->decode(text, text_size, variant->padding, data, &data_size),
                             CELLA_ERR_BUFFER_TOO_SMALL);
            assert_int_equal(data_size, sizeof(expected));
            for (size_t i = 0; i < sizeof(data); i++)
                assert_int_equal(data[i], CANARY);
        }
        memset(data, CANARY, sizeof(data));
        data_size = sizeof(expected);
        assert_int_equal(variant->decode(text, text_size, variant->padding, data, &data_size),
                         CELLA_OK);
        assert_int_equal(data_size, sizeof(expected));
        assert_memory_equal(data, expected, sizeof(expected));
        for (size_t i = sizeof(expected); i < sizeof(data); i++)
            assert_int_equal(data[i], CANARY);
    }
}

static void empty_data_encodes_to_an_empty_string(void **state)
{
    (void)state;
    for (size_t v = 0; v < ARRAY_COUNT(variants); v++) {
        char text[1] = {'x'};
        size_t text_size = 0;
        assert_int_equal(variants[v].encode(NULL, 0, variants[v].padding, text, &text_size),
                         CELLA_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(text_size, 1);
        assert_int_equal(variants[v].encode(NULL, 0, variants[v].padding, text, &text_size),
                         CELLA_OK);
        assert_int_equal(text_size, 0);
        assert_int_equal(text[0], '\0');
    }
}

static void empty_text_decodes_to_no_bytes(void **state)
{
    (void)state;
    for (size_t v = 0; v < ARRAY_COUNT(variants); v++) {
        size_t data_size = 0;
        assert_int_equal(variants[v].decode(NULL, 0, variants[v].padding, NULL, &data_size),
                         CELLA_OK);
        assert_int_equal(data_size, 0);
        data_size = 0;
        assert_int_equal(
            variants[v].decode("", 0, CELLA_ENCODING_BASE64_PAD_OPTIONAL, NULL, &data_size),
            CELLA_OK);
    }
}

/* ---- round trips ---- */

#define ROUND_TRIP_MAX_BYTES 300

static void check_round_trip(const struct variant *variant, const uint8_t *data, size_t data_size)
{
    size_t expected_text_size = 0;
    size_t text_size;
    size_t data_capacity;
    char *text;
    uint8_t *decoded;

    if (variant->is_base64) {
        assert_int_equal(
            cella_encoding_base64_encoded_size(data_size, variant->padding, &expected_text_size),
            CELLA_OK);
    } else {
        assert_int_equal(cella_encoding_hex_encoded_size(data_size, &expected_text_size), CELLA_OK);
    }
    /* Exact-size heap buffers, so the sanitizers catch any write past them. */
    text_size = expected_text_size + 1;
    text = malloc(text_size);
    assert_non_null(text);
    assert_int_equal(variant->encode(data, data_size, variant->padding, text, &text_size),
                     CELLA_OK);
    assert_int_equal(text_size, expected_text_size);
    assert_int_equal(strlen(text), text_size);

    data_capacity = variant->is_base64 ? cella_encoding_base64_decoded_max_size(text_size)
                                       : cella_encoding_hex_decoded_max_size(text_size);
    assert_true(data_capacity >= data_size);
    if (variant->padding == CELLA_ENCODING_BASE64_NOPAD || !variant->is_base64)
        assert_int_equal(data_capacity, data_size);
    decoded = malloc(data_size != 0 ? data_size : 1);
    assert_non_null(decoded);

    size_t decoded_size = data_size;
    assert_int_equal(variant->decode(text, text_size, variant->padding, decoded, &decoded_size),
                     CELLA_OK);
    assert_int_equal(decoded_size, data_size);
    assert_memory_equal(decoded, data, data_size);
    if (variant->is_base64) {
        decoded_size = data_size;
        memset(decoded, 0, data_size);
        assert_int_equal(variant->decode(text, text_size, CELLA_ENCODING_BASE64_PAD_OPTIONAL,
                                         decoded, &decoded_size),
                         CELLA_OK);
        assert_int_equal(decoded_size, data_size);
        assert_memory_equal(decoded, data, data_size);
    }
    free(decoded);
    free(text);
}

static void every_variant_round_trips_every_length_up_to_300_bytes(void **state)
{
    uint8_t data[ROUND_TRIP_MAX_BYTES];
    (void)state;

    for (size_t v = 0; v < ARRAY_COUNT(variants); v++) {
        for (size_t size = 0; size <= ROUND_TRIP_MAX_BYTES; size++) {
            fill_pseudo_random(data, size, (uint32_t)(size * 2654435761u + v));
            check_round_trip(&variants[v], data, size);
        }
        /* The extremes: all zero bits and all one bits. */
        memset(data, 0x00, sizeof(data));
        check_round_trip(&variants[v], data, sizeof(data));
        memset(data, 0xff, sizeof(data));
        check_round_trip(&variants[v], data, sizeof(data));
    }
}

static void padded_and_unpadded_texts_differ_only_in_the_padding(void **state)
{
    uint8_t data[8];
    (void)state;

    fill_pseudo_random(data, sizeof(data), 7);
    for (size_t size = 0; size <= sizeof(data); size++) {
        char padded[16];
        char unpadded[16];
        size_t padded_size = sizeof(padded);
        size_t unpadded_size = sizeof(unpadded);
        assert_int_equal(cella_encoding_base64url_encode(data, size, CELLA_ENCODING_BASE64_PAD,
                                                         padded, &padded_size),
                         CELLA_OK);
        assert_int_equal(cella_encoding_base64url_encode(data, size, CELLA_ENCODING_BASE64_NOPAD,
                                                         unpadded, &unpadded_size),
                         CELLA_OK);
        assert_int_equal(padded_size % 4, 0);
        assert_int_equal(padded_size - unpadded_size, (3 - size % 3) % 3);
        strip_padding(padded);
        assert_string_equal(padded, unpadded);
    }
}

/* ---- size helpers ---- */

static void hex_encoded_size_refuses_sizes_whose_text_and_nul_overflow(void **state)
{
    size_t text_size = 0;
    (void)state;

    assert_int_equal(cella_encoding_hex_encoded_size(0, &text_size), CELLA_OK);
    assert_int_equal(text_size, 0);
    assert_int_equal(cella_encoding_hex_encoded_size(32, &text_size), CELLA_OK);
    assert_int_equal(text_size, 64);
    /* 2 * (SIZE_MAX / 2) = SIZE_MAX - 1, and the NUL still fits. */
    assert_int_equal(cella_encoding_hex_encoded_size(SIZE_MAX / 2, &text_size), CELLA_OK);
    assert_int_equal(text_size, SIZE_MAX - 1);

    text_size = 1234;
    assert_int_equal(cella_encoding_hex_encoded_size(SIZE_MAX / 2 + 1, &text_size),
                     CELLA_ERR_OVERFLOW);
    assert_int_equal(cella_encoding_hex_encoded_size(SIZE_MAX, &text_size), CELLA_ERR_OVERFLOW);
    assert_int_equal(text_size, 1234);
    assert_int_equal(cella_encoding_hex_encoded_size(1, NULL), CELLA_ERR_INVALID_ARGUMENT);
}

static void base64_encoded_size_refuses_sizes_whose_text_and_nul_overflow(void **state)
{
    /* The largest multiple of 3 whose padded text, 4 * (SIZE_MAX / 4), leaves room for NUL. */
    const size_t largest_padded = SIZE_MAX / 4 * 3;
    size_t text_size = 0;
    (void)state;

    assert_int_equal(cella_encoding_base64_encoded_size(0, CELLA_ENCODING_BASE64_PAD, &text_size),
                     CELLA_OK);
    assert_int_equal(text_size, 0);
    for (size_t size = 1; size <= 7; size++) {
        static const size_t padded[] = {0, 4, 4, 4, 8, 8, 8, 12};
        static const size_t unpadded[] = {0, 2, 3, 4, 6, 7, 8, 10};
        assert_int_equal(
            cella_encoding_base64_encoded_size(size, CELLA_ENCODING_BASE64_PAD, &text_size),
            CELLA_OK);
        assert_int_equal(text_size, padded[size]);
        assert_int_equal(
            cella_encoding_base64_encoded_size(size, CELLA_ENCODING_BASE64_NOPAD, &text_size),
            CELLA_OK);
        assert_int_equal(text_size, unpadded[size]);
    }

    assert_int_equal(
        cella_encoding_base64_encoded_size(largest_padded, CELLA_ENCODING_BASE64_PAD, &text_size),
        CELLA_OK);
    assert_int_equal(text_size, SIZE_MAX / 4 * 4);
    assert_int_equal(cella_encoding_base64_encoded_size(largest_padded + 1,
                                                        CELLA_ENCODING_BASE64_PAD, &text_size),
                     CELLA_ERR_OVERFLOW);
    /* Unpadded, one more byte still fits: its text ends 2 below SIZE_MAX... */
    assert_int_equal(cella_encoding_base64_encoded_size(largest_padded + 1,
                                                        CELLA_ENCODING_BASE64_NOPAD, &text_size),
                     CELLA_OK);
    assert_int_equal(text_size, SIZE_MAX / 4 * 4 + 2);
    /* ...but the next text is SIZE_MAX characters long and its NUL does not fit. */
    text_size = 1234;
    assert_int_equal(cella_encoding_base64_encoded_size(largest_padded + 2,
                                                        CELLA_ENCODING_BASE64_NOPAD, &text_size),
                     CELLA_ERR_OVERFLOW);
    assert_int_equal(
        cella_encoding_base64_encoded_size(SIZE_MAX, CELLA_ENCODING_BASE64_NOPAD, &text_size),
        CELLA_ERR_OVERFLOW);
    assert_int_equal(text_size, 1234);
}

static void base64_encoded_size_refuses_optional_padding_and_unknown_modes(void **state)
{
    size_t text_size = 0;
    (void)state;

    assert_int_equal(
        cella_encoding_base64_encoded_size(3, CELLA_ENCODING_BASE64_PAD_OPTIONAL, &text_size),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(
        cella_encoding_base64_encoded_size(3, (cella_encoding_base64_padding_t)7, &text_size),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_encoding_base64_encoded_size(3, CELLA_ENCODING_BASE64_PAD, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
}

static void decoded_max_size_bounds_every_text_length(void **state)
{
    static const size_t base64_expected[] = {0, 0, 1, 2, 3, 3, 4, 5, 6};
    (void)state;

    for (size_t size = 0; size < ARRAY_COUNT(base64_expected); size++)
        assert_int_equal(cella_encoding_base64_decoded_max_size(size), base64_expected[size]);
    assert_int_equal(cella_encoding_base64_decoded_max_size(SIZE_MAX), SIZE_MAX / 4 * 3 + 2);
    assert_int_equal(cella_encoding_hex_decoded_max_size(0), 0);
    assert_int_equal(cella_encoding_hex_decoded_max_size(7), 3);
    assert_int_equal(cella_encoding_hex_decoded_max_size(SIZE_MAX), SIZE_MAX / 2);
}

/* ---- argument errors ---- */

static void encoders_and_decoders_refuse_invalid_arguments(void **state)
{
    static const uint8_t data[4] = {1, 2, 3, 4};
    (void)state;

    for (size_t v = 0; v < ARRAY_COUNT(variants); v++) {
        const struct variant *variant = &variants[v];
        char text[16];
        uint8_t out[16];
        size_t size = sizeof(text);

        assert_int_equal(variant->encode(data, sizeof(data), variant->padding, text, NULL),
                         CELLA_ERR_INVALID_ARGUMENT);
        assert_int_equal(variant->encode(NULL, 1, variant->padding, text, &size),
                         CELLA_ERR_INVALID_ARGUMENT);
        assert_int_equal(variant->encode(data, sizeof(data), variant->padding, NULL, &size),
                         CELLA_ERR_INVALID_ARGUMENT);
        assert_int_equal(variant->decode("AAAA", 4, variant->padding, out, NULL),
                         CELLA_ERR_INVALID_ARGUMENT);
        size = sizeof(out);
        assert_int_equal(variant->decode(NULL, 4, variant->padding, out, &size),
                         CELLA_ERR_INVALID_ARGUMENT);
        assert_int_equal(variant->decode("AAAA", 4, variant->padding, NULL, &size),
                         CELLA_ERR_INVALID_ARGUMENT);
        assert_int_equal(size, sizeof(out));
    }
}

static void base64_refuses_padding_modes_it_cannot_honour(void **state)
{
    static const uint8_t data[2] = {1, 2};
    char text[8];
    uint8_t out[8];
    size_t size = sizeof(text);
    (void)state;

    assert_int_equal(cella_encoding_base64_encode(data, sizeof(data),
                                                  CELLA_ENCODING_BASE64_PAD_OPTIONAL, text, &size),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_encoding_base64url_encode(
                         data, sizeof(data), (cella_encoding_base64_padding_t)3, text, &size),
                     CELLA_ERR_INVALID_ARGUMENT);
    size = sizeof(out);
    assert_int_equal(
        cella_encoding_base64_decode("AQI=", 4, (cella_encoding_base64_padding_t)3, out, &size),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_encoding_base64url_decode(
                         "AQI=", 4, (cella_encoding_base64_padding_t)255, out, &size),
                     CELLA_ERR_INVALID_ARGUMENT);
}

static void overlapping_input_and_output_are_refused(void **state)
{
    char buffer[64];
    (void)state;

    memset(buffer, 'A', sizeof(buffer));
    for (size_t v = 0; v < ARRAY_COUNT(variants); v++) {
        const struct variant *variant = &variants[v];
        size_t size = 40;
        /* The text would be written over the data's last bytes. */
        assert_int_equal(variant->encode(buffer + 8, 8, variant->padding, buffer, &size),
                         CELLA_ERR_INVALID_ARGUMENT);
        /* Decoding in place. */
        size = 16;
        assert_int_equal(variant->decode(buffer, 16, variant->padding, buffer, &size),
                         CELLA_ERR_INVALID_ARGUMENT);
        /* Adjacent buffers are fine. */
        size = 16;
        assert_int_equal(variant->decode(buffer, 16, variant->padding, buffer + 16, &size),
                         CELLA_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hex_encodes_the_rfc_4648_base16_vectors_in_lower_case),
        cmocka_unit_test(hex_decodes_the_rfc_4648_base16_vectors_in_either_case),
        cmocka_unit_test(hex_encodes_and_decodes_every_byte_value),
        cmocka_unit_test(base64_encodes_the_rfc_4648_vectors_with_and_without_padding),
        cmocka_unit_test(base64_decodes_the_rfc_4648_vectors_in_every_matching_mode),
        cmocka_unit_test(base64url_uses_minus_and_underscore_for_fb_ff),
        cmocka_unit_test(base64_encodes_every_symbol_value_to_its_rfc_4648_character),
        cmocka_unit_test(base64_decode_rejects_malformed_text),
        cmocka_unit_test(base64_decode_accepts_exactly_the_alphabet),
        cmocka_unit_test(base64_decode_accepts_only_canonical_last_symbols),
        cmocka_unit_test(hex_decode_rejects_an_odd_number_of_digits),
        cmocka_unit_test(hex_decode_rejects_every_non_hex_character),
        cmocka_unit_test(hex_decode_rejects_prefixes_and_separators),
        cmocka_unit_test(a_failed_decode_leaves_no_partial_result),
        cmocka_unit_test(every_encoder_reports_the_capacity_it_needs_and_writes_nothing),
        cmocka_unit_test(every_decoder_reports_the_size_it_needs_and_writes_nothing),
        cmocka_unit_test(empty_data_encodes_to_an_empty_string),
        cmocka_unit_test(empty_text_decodes_to_no_bytes),
        cmocka_unit_test(every_variant_round_trips_every_length_up_to_300_bytes),
        cmocka_unit_test(padded_and_unpadded_texts_differ_only_in_the_padding),
        cmocka_unit_test(hex_encoded_size_refuses_sizes_whose_text_and_nul_overflow),
        cmocka_unit_test(base64_encoded_size_refuses_sizes_whose_text_and_nul_overflow),
        cmocka_unit_test(base64_encoded_size_refuses_optional_padding_and_unknown_modes),
        cmocka_unit_test(decoded_max_size_bounds_every_text_length),
        cmocka_unit_test(encoders_and_decoders_refuse_invalid_arguments),
        cmocka_unit_test(base64_refuses_padding_modes_it_cannot_honour),
        cmocka_unit_test(overlapping_input_and_output_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
