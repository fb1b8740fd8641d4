/* SPDX-License-Identifier: Apache-2.0 */
/* common/encoding.c: strict, data-independent-time hex, base64 and base64url (RFC 4648). */
#include <stdbool.h>
#include <stdint.h>

#include <cella/encoding.h>
#include <cella/memory.h>
#include <cella/size.h>

/*
 * Characters and symbol values are turned into each other with masks instead of tables
 * or branches, so neither the cache nor the branch predictor sees the data. Every operand
 * is below 2^16, so a difference of two of them keeps its sign in bit 31.
 */

/* All ones when a < b, else zero. */
static uint32_t mask_less(uint32_t a, uint32_t b)
{
    return 0u - ((a - b) >> 31);
}

/* All ones when low <= x <= high, else zero. */
static uint32_t mask_between(uint32_t x, uint32_t low, uint32_t high)
{
    return ~mask_less(x, low) & mask_less(x, high + 1);
}

/* All ones when x == y, else zero. */
static uint32_t mask_equal(uint32_t x, uint32_t y)
{
    return mask_between(x, y, y);
}

/* Checks shared by all encoders and decoders; see the conventions in encoding.h. */
static bool buffers_valid(const void *input, size_t input_size, const void *output,
                          const size_t *output_size)
{
    if (output_size == NULL)
        return false;
    if (input == NULL && input_size != 0)
        return false;
    return output != NULL || *output_size == 0;
}

/* A text of text_size characters plus its NUL fits in size_t. */
static cella_result_t text_size_result(size_t text_size)
{
    size_t with_nul;
    return cella_size_add(text_size, 1, &with_nul) ? CELLA_OK : CELLA_ERR_OVERFLOW;
}

/* ---- hex ---- */

static char hex_encode_nibble(uint32_t nibble)
{
    /* '0'..'9' for 0..9; 'a' is 39 past where the digits would continue. */
    return (char)(nibble + '0' + (mask_less(9, nibble) & ('a' - '0' - 10)));
}

/* The value of one hex digit; *invalid gains set bits when c is not one. */
static uint32_t hex_decode_nibble(uint32_t c, uint32_t *invalid)
{
    const uint32_t digit = mask_between(c, '0', '9');
    const uint32_t lower = mask_between(c, 'a', 'f');
    const uint32_t upper = mask_between(c, 'A', 'F');

    *invalid |= ~(digit | lower | upper);
    return (digit & (c - '0')) | (lower & (c - 'a' + 10)) | (upper & (c - 'A' + 10));
}

cella_result_t cella_encoding_hex_encoded_size(size_t data_size, size_t *text_size)
{
    size_t size;

    if (text_size == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!cella_size_mul(data_size, 2, &size) || text_size_result(size) != CELLA_OK)
        return CELLA_ERR_OVERFLOW;
    *text_size = size;
    return CELLA_OK;
}

size_t cella_encoding_hex_decoded_max_size(size_t text_size)
{
    return text_size / 2;
}

cella_result_t cella_encoding_hex_encode(const void *data, size_t data_size, char *text,
                                         size_t *text_size)
{
    const uint8_t *bytes = data;
    size_t needed = 0;
    cella_result_t r;

    if (!buffers_valid(data, data_size, text, text_size))
        return CELLA_ERR_INVALID_ARGUMENT;
    r = cella_encoding_hex_encoded_size(data_size, &needed);
    if (r != CELLA_OK)
        return r;
    if (*text_size <= needed) {
        *text_size = needed + 1;
        return CELLA_ERR_BUFFER_TOO_SMALL;
    }
    if (cella_memory_ranges_overlap(data, data_size, text, needed + 1))
        return CELLA_ERR_INVALID_ARGUMENT;

    for (size_t i = 0; i < data_size; i++) {
        text[2 * i] = hex_encode_nibble((uint32_t)bytes[i] >> 4);
        text[2 * i + 1] = hex_encode_nibble((uint32_t)bytes[i] & 0x0f);
    }
    text[needed] = '\0';
    *text_size = needed;
    return CELLA_OK;
}

cella_result_t cella_encoding_hex_decode(const char *text, size_t text_size, void *data,
                                         size_t *data_size)
{
    uint8_t *bytes = data;
    uint32_t invalid = 0;
    size_t needed;

    if (!buffers_valid(text, text_size, data, data_size))
        return CELLA_ERR_INVALID_ARGUMENT;
    /* Two digits per byte: an odd count leaves half a byte. */
    if (text_size % 2 != 0)
        return CELLA_ERR_INVALID_FORMAT;
    needed = text_size / 2;
    if (*data_size < needed) {
        *data_size = needed;
        return CELLA_ERR_BUFFER_TOO_SMALL;
    }
    if (cella_memory_ranges_overlap(text, text_size, data, needed))
        return CELLA_ERR_INVALID_ARGUMENT;

    for (size_t i = 0; i < needed; i++) {
        const uint32_t high = hex_decode_nibble((unsigned char)text[2 * i], &invalid);
        const uint32_t low = hex_decode_nibble((unsigned char)text[2 * i + 1], &invalid);
        bytes[i] = (uint8_t)(high << 4 | low);
    }
    if (invalid != 0) {
        cella_memory_wipe(data, needed);
        return CELLA_ERR_INVALID_FORMAT;
    }
    *data_size = needed;
    return CELLA_OK;
}

/* ---- base64 and base64url ---- */

/* The two alphabets differ only in the symbols for 62 and 63 (RFC 4648 sections 4, 5). */
struct base64_alphabet {
    uint32_t symbol_62;
    uint32_t symbol_63;
};

static const struct base64_alphabet base64_standard = {'+', '/'};
static const struct base64_alphabet base64_url = {'-', '_'};

static char base64_encode_symbol(uint32_t value, const struct base64_alphabet *alphabet)
{
    const uint32_t c = (mask_less(value, 26) & (value + 'A')) |
                       (mask_between(value, 26, 51) & (value - 26 + 'a')) |
                       (mask_between(value, 52, 61) & (value - 52 + '0')) |
                       (mask_equal(value, 62) & alphabet->symbol_62) |
                       (mask_equal(value, 63) & alphabet->symbol_63);
    return (char)c;
}

/* The 6-bit value of one symbol; *invalid gains set bits when c is not in the alphabet. */
static uint32_t base64_decode_symbol(uint32_t c, const struct base64_alphabet *alphabet,
                                     uint32_t *invalid)
{
    const uint32_t upper = mask_between(c, 'A', 'Z');
    const uint32_t lower = mask_between(c, 'a', 'z');
    const uint32_t digit = mask_between(c, '0', '9');
    const uint32_t is_62 = mask_equal(c, alphabet->symbol_62);
    const uint32_t is_63 = mask_equal(c, alphabet->symbol_63);

    *invalid |= ~(upper | lower | digit | is_62 | is_63);
    return (upper & (c - 'A')) | (lower & (c - 'a' + 26)) | (digit & (c - '0' + 52)) |
           (is_62 & 62) | (is_63 & 63);
}

static bool base64_padding_valid(cella_encoding_base64_padding_t padding, bool for_decoding)
{
    switch (padding) {
    case CELLA_ENCODING_BASE64_PAD:
    case CELLA_ENCODING_BASE64_NOPAD:
        return true;
    case CELLA_ENCODING_BASE64_PAD_OPTIONAL:
        return for_decoding;
    }
    return false;
}

cella_result_t cella_encoding_base64_encoded_size(size_t data_size,
                                                  cella_encoding_base64_padding_t padding,
                                                  size_t *text_size)
{
    const size_t rest = data_size % 3;
    size_t size;
    size_t tail = 0;

    if (text_size == NULL || !base64_padding_valid(padding, false))
        return CELLA_ERR_INVALID_ARGUMENT;
    /* Each 3 bytes become 4 symbols; 1 or 2 left-over bytes become 2 or 3 symbols,
     * padded to 4 with '=' (RFC 4648 section 4). */
    if (rest != 0)
        tail = padding == CELLA_ENCODING_BASE64_PAD ? 4 : rest + 1;
    if (!cella_size_mul(data_size / 3, 4, &size) || !cella_size_add(size, tail, &size) ||
        text_size_result(size) != CELLA_OK)
        return CELLA_ERR_OVERFLOW;
    *text_size = size;
    return CELLA_OK;
}

size_t cella_encoding_base64_decoded_max_size(size_t text_size)
{
    const size_t rest = text_size % 4;

    /* A tail of 2 or 3 symbols carries 1 or 2 bytes; a tail of 1 is never valid. */
    return text_size / 4 * 3 + (rest > 1 ? rest - 1 : 0);
}

static cella_result_t base64_encode(const void *data, size_t data_size,
                                    cella_encoding_base64_padding_t padding,
                                    const struct base64_alphabet *alphabet, char *text,
                                    size_t *text_size)
{
    const uint8_t *bytes = data;
    size_t needed = 0;
    size_t in = 0;
    size_t out = 0;
    cella_result_t r;

    if (!buffers_valid(data, data_size, text, text_size))
        return CELLA_ERR_INVALID_ARGUMENT;
    r = cella_encoding_base64_encoded_size(data_size, padding, &needed);
    if (r != CELLA_OK)
        return r;
    if (*text_size <= needed) {
        *text_size = needed + 1;
        return CELLA_ERR_BUFFER_TOO_SMALL;
    }
    if (cella_memory_ranges_overlap(data, data_size, text, needed + 1))
        return CELLA_ERR_INVALID_ARGUMENT;

    for (; data_size - in >= 3; in += 3) {
        const uint32_t block =
            (uint32_t)bytes[in] << 16 | (uint32_t)bytes[in + 1] << 8 | (uint32_t)bytes[in + 2];
        text[out++] = base64_encode_symbol(block >> 18, alphabet);
        text[out++] = base64_encode_symbol(block >> 12 & 0x3f, alphabet);
        text[out++] = base64_encode_symbol(block >> 6 & 0x3f, alphabet);
        text[out++] = base64_encode_symbol(block & 0x3f, alphabet);
    }
    if (data_size - in == 1) {
        const uint32_t block = (uint32_t)bytes[in] << 16;
        text[out++] = base64_encode_symbol(block >> 18, alphabet);
        text[out++] = base64_encode_symbol(block >> 12 & 0x3f, alphabet);
        if (padding == CELLA_ENCODING_BASE64_PAD) {
            text[out++] = '=';
            text[out++] = '=';
        }
    } else if (data_size - in == 2) {
        const uint32_t block = (uint32_t)bytes[in] << 16 | (uint32_t)bytes[in + 1] << 8;
        text[out++] = base64_encode_symbol(block >> 18, alphabet);
        text[out++] = base64_encode_symbol(block >> 12 & 0x3f, alphabet);
        text[out++] = base64_encode_symbol(block >> 6 & 0x3f, alphabet);
        if (padding == CELLA_ENCODING_BASE64_PAD)
            text[out++] = '=';
    }
    text[out] = '\0';
    *text_size = out;
    return CELLA_OK;
}

static cella_result_t base64_decode(const char *text, size_t text_size,
                                    cella_encoding_base64_padding_t padding,
                                    const struct base64_alphabet *alphabet, void *data,
                                    size_t *data_size)
{
    uint8_t *bytes = data;
    uint32_t invalid = 0;
    size_t padding_count = 0;
    size_t symbol_count;
    size_t tail;
    size_t needed;
    size_t in = 0;
    size_t out = 0;

    if (!buffers_valid(text, text_size, data, data_size) || !base64_padding_valid(padding, true))
        return CELLA_ERR_INVALID_ARGUMENT;

    /* Where the padding starts reveals only the data's length, which is public. */
    if (text_size >= 1 && text[text_size - 1] == '=') {
        padding_count = 1;
        if (text_size >= 2 && text[text_size - 2] == '=')
            padding_count = 2;
    }
    if (padding_count != 0) {
        /* RFC 4648 section 3.2: padding completes the last quantum of 4 symbols. Any
         * other '=' is outside the alphabet and fails in the symbol loop below. */
        if (padding == CELLA_ENCODING_BASE64_NOPAD || text_size % 4 != 0)
            return CELLA_ERR_INVALID_FORMAT;
    } else if (padding == CELLA_ENCODING_BASE64_PAD && text_size % 4 != 0) {
        return CELLA_ERR_INVALID_FORMAT;
    }
    symbol_count = text_size - padding_count;
    tail = symbol_count % 4;
    /* One symbol carries 6 bits, not enough for a byte: no encoder produces it. */
    if (tail == 1)
        return CELLA_ERR_INVALID_FORMAT;
    needed = symbol_count / 4 * 3 + (tail != 0 ? tail - 1 : 0);
    if (*data_size < needed) {
        *data_size = needed;
        return CELLA_ERR_BUFFER_TOO_SMALL;
    }
    if (cella_memory_ranges_overlap(text, text_size, data, needed))
        return CELLA_ERR_INVALID_ARGUMENT;

    for (; symbol_count - in >= 4; in += 4) {
        const uint32_t block =
            base64_decode_symbol((unsigned char)text[in], alphabet, &invalid) << 18 |
            base64_decode_symbol((unsigned char)text[in + 1], alphabet, &invalid) << 12 |
            base64_decode_symbol((unsigned char)text[in + 2], alphabet, &invalid) << 6 |
            base64_decode_symbol((unsigned char)text[in + 3], alphabet, &invalid);
        bytes[out++] = (uint8_t)(block >> 16);
        bytes[out++] = (uint8_t)(block >> 8);
        bytes[out++] = (uint8_t)block;
    }
    /*
     * RFC 4648 section 3.5: the bits of the last symbol beyond the data must be zero;
     * otherwise several texts would decode to the same bytes.
     */
    if (tail == 2) {
        const uint32_t first = base64_decode_symbol((unsigned char)text[in], alphabet, &invalid);
        const uint32_t second =
            base64_decode_symbol((unsigned char)text[in + 1], alphabet, &invalid);
        invalid |= second & 0x0f;
        bytes[out++] = (uint8_t)(first << 2 | second >> 4);
    } else if (tail == 3) {
        const uint32_t block =
            base64_decode_symbol((unsigned char)text[in], alphabet, &invalid) << 12 |
            base64_decode_symbol((unsigned char)text[in + 1], alphabet, &invalid) << 6 |
            base64_decode_symbol((unsigned char)text[in + 2], alphabet, &invalid);
        invalid |= block & 0x03;
        bytes[out++] = (uint8_t)(block >> 10);
        bytes[out++] = (uint8_t)(block >> 2);
    }
    if (invalid != 0) {
        cella_memory_wipe(data, needed);
        return CELLA_ERR_INVALID_FORMAT;
    }
    *data_size = out;
    return CELLA_OK;
}

cella_result_t cella_encoding_base64_encode(const void *data, size_t data_size,
                                            cella_encoding_base64_padding_t padding, char *text,
                                            size_t *text_size)
{
    return base64_encode(data, data_size, padding, &base64_standard, text, text_size);
}

cella_result_t cella_encoding_base64_decode(const char *text, size_t text_size,
                                            cella_encoding_base64_padding_t padding, void *data,
                                            size_t *data_size)
{
    return base64_decode(text, text_size, padding, &base64_standard, data, data_size);
}

cella_result_t cella_encoding_base64url_encode(const void *data, size_t data_size,
                                               cella_encoding_base64_padding_t padding, char *text,
                                               size_t *text_size)
{
    return base64_encode(data, data_size, padding, &base64_url, text, text_size);
}

cella_result_t cella_encoding_base64url_decode(const char *text, size_t text_size,
                                               cella_encoding_base64_padding_t padding, void *data,
                                               size_t *data_size)
{
    return base64_decode(text, text_size, padding, &base64_url, data, data_size);
}
