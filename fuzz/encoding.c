/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_encoding: every hex and base64 decoder on arbitrary text, checked by re-encoding. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cella/encoding.h>

#include "fuzz.h"

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

/*
 * Decode text; *data gets a heap copy of exactly the decoded size (so ASan sees any write
 * past it) or NULL when the text is rejected. Also checks the size query.
 */
static bool decode(decode_fn fn, cella_encoding_base64_padding_t padding, const char *text,
                   size_t text_size, uint8_t **data, size_t *data_size)
{
    size_t needed = 0;
    cella_result_t r = fn(text, text_size, padding, NULL, &needed);

    *data = NULL;
    if (r == CELLA_ERR_INVALID_FORMAT)
        return false;
    REQUIRE(r == CELLA_OK || r == CELLA_ERR_BUFFER_TOO_SMALL);
    *data = malloc(needed != 0 ? needed : 1);
    REQUIRE(*data != NULL);
    *data_size = needed;
    r = fn(text, text_size, padding, *data, data_size);
    if (r == CELLA_ERR_INVALID_FORMAT) {
        /* A rejected character: nothing of the partial result may remain. */
        for (size_t i = 0; i < needed; i++)
            REQUIRE((*data)[i] == 0);
        free(*data);
        *data = NULL;
        return false;
    }
    REQUIRE(r == CELLA_OK && *data_size == needed);
    return true;
}

/* Encode data into a heap string of exactly the announced capacity. */
static char *encode(encode_fn fn, cella_encoding_base64_padding_t padding, const uint8_t *data,
                    size_t data_size, size_t *text_size)
{
    size_t needed = 0;
    char *text;

    REQUIRE(fn(data, data_size, padding, NULL, &needed) == CELLA_ERR_BUFFER_TOO_SMALL);
    text = malloc(needed);
    REQUIRE(text != NULL);
    *text_size = needed;
    REQUIRE(fn(data, data_size, padding, text, text_size) == CELLA_OK);
    REQUIRE(*text_size + 1 == needed && text[*text_size] == '\0');
    return text;
}

static char lower_case(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void check_hex(const char *text, size_t text_size)
{
    uint8_t *data;
    size_t data_size;

    if (!decode(hex_decode, CELLA_ENCODING_BASE64_PAD, text, text_size, &data, &data_size))
        return;
    REQUIRE(data_size == cella_encoding_hex_decoded_max_size(text_size));
    /* Hex has one text per byte string up to case; the encoder writes lower case. */
    size_t again_size;
    char *again = encode(hex_encode, CELLA_ENCODING_BASE64_PAD, data, data_size, &again_size);
    REQUIRE(again_size == text_size);
    for (size_t i = 0; i < text_size; i++)
        REQUIRE(again[i] == lower_case(text[i]));
    free(again);
    free(data);
}

static void check_base64(encode_fn encoder, decode_fn decoder, const char *text, size_t text_size)
{
    static const cella_encoding_base64_padding_t strict[] = {CELLA_ENCODING_BASE64_PAD,
                                                             CELLA_ENCODING_BASE64_NOPAD};
    uint8_t *strict_data[2] = {NULL, NULL};
    size_t strict_size[2] = {0, 0};
    bool accepted[2];
    uint8_t *optional_data;
    size_t optional_size = 0;
    bool optional_accepted;

    for (size_t i = 0; i < 2; i++) {
        accepted[i] = decode(decoder, strict[i], text, text_size, &strict_data[i], &strict_size[i]);
        if (!accepted[i])
            continue;
        REQUIRE(strict_size[i] <= cella_encoding_base64_decoded_max_size(text_size));
        /* Strict decoding admits one text per byte string: re-encoding reproduces it. */
        size_t again_size;
        char *again = encode(encoder, strict[i], strict_data[i], strict_size[i], &again_size);
        REQUIRE(again_size == text_size && memcmp(again, text, text_size) == 0);
        free(again);
    }
    /* Both strict modes accept only text that needs no padding; then they agree. */
    if (accepted[0] && accepted[1])
        REQUIRE(strict_size[0] == strict_size[1] &&
                memcmp(strict_data[0], strict_data[1], strict_size[0]) == 0);

    /* Optional padding accepts exactly the union of the strict modes, with the same bytes. */
    optional_accepted = decode(decoder, CELLA_ENCODING_BASE64_PAD_OPTIONAL, text, text_size,
                               &optional_data, &optional_size);
    REQUIRE(optional_accepted == (accepted[0] || accepted[1]));
    if (optional_accepted) {
        const size_t i = accepted[0] ? 0 : 1;
        REQUIRE(optional_size == strict_size[i] &&
                memcmp(optional_data, strict_data[i], optional_size) == 0);
    }
    free(optional_data);
    free(strict_data[0]);
    free(strict_data[1]);
}

/* The input as data: every encoder's text must decode back to it. */
static void check_round_trip(encode_fn encoder, decode_fn decoder,
                             cella_encoding_base64_padding_t padding, const uint8_t *input,
                             size_t input_size)
{
    size_t text_size;
    char *text = encode(encoder, padding, input, input_size, &text_size);
    uint8_t *data;
    size_t data_size;

    REQUIRE(decode(decoder, padding, text, text_size, &data, &data_size));
    REQUIRE(data_size == input_size && memcmp(data, input, input_size) == 0);
    free(data);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    const char *text = (const char *)input;

    check_hex(text, input_size);
    check_base64(cella_encoding_base64_encode, cella_encoding_base64_decode, text, input_size);
    check_base64(cella_encoding_base64url_encode, cella_encoding_base64url_decode, text,
                 input_size);

    check_round_trip(hex_encode, hex_decode, CELLA_ENCODING_BASE64_PAD, input, input_size);
    check_round_trip(cella_encoding_base64_encode, cella_encoding_base64_decode,
                     CELLA_ENCODING_BASE64_PAD, input, input_size);
    check_round_trip(cella_encoding_base64_encode, cella_encoding_base64_decode,
                     CELLA_ENCODING_BASE64_NOPAD, input, input_size);
    check_round_trip(cella_encoding_base64url_encode, cella_encoding_base64url_decode,
                     CELLA_ENCODING_BASE64_PAD, input, input_size);
    check_round_trip(cella_encoding_base64url_encode, cella_encoding_base64url_decode,
                     CELLA_ENCODING_BASE64_NOPAD, input, input_size);
    return 0;
}
