/* SPDX-License-Identifier: Apache-2.0 */
/* cella/encoding.h: hex, base64 and base64url text encodings of binary data (RFC 4648). */
#ifndef CELLA_ENCODING_H
#define CELLA_ENCODING_H

#include <stddef.h>

#include "defs.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/*
 * Conventions shared by every function below.
 *
 * Sizes. A text size never counts a NUL terminator; a buffer capacity always does.
 * Encoders write text followed by a NUL, so their output buffer needs room for the text
 * plus one byte. The *_encoded_size helpers report text sizes (no NUL) and guarantee that
 * adding 1 for the NUL cannot overflow.
 *
 * In/out sizes. Encoders take (char *text, size_t *text_size): on input *text_size is the
 * capacity of text in bytes; on success it is the number of characters written, NUL
 * excluded (text[*text_size] == '\0'); on CELLA_ERR_BUFFER_TOO_SMALL it is the capacity
 * needed (text size + 1) and nothing has been written. Decoders take (void *data,
 * size_t *data_size): on input the capacity of data; on success the number of bytes
 * written; on CELLA_ERR_BUFFER_TOO_SMALL the exact number of bytes needed, nothing
 * written. On any other error the size is left unchanged. A buffer may be NULL when its
 * size (or capacity) is 0, so a decoder called with (NULL, &zero) reports the size needed.
 *
 * Decoding is strict: with PAD or NOPAD exactly one base64 text decodes to a given byte
 * string (PAD_OPTIONAL admits two, with and without the padding; hex admits either case).
 * Rejected with
 * CELLA_ERR_INVALID_FORMAT: any character outside the alphabet (whitespace, line breaks
 * and NUL included; text is a (pointer, size) pair, not a C string), a length no
 * encoding can have, '=' anywhere but at the end, too much or too little padding, padding
 * when the caller forbids it, and non-canonical text whose last symbol has non-zero bits
 * beyond the end of the data (RFC 4648 section 3.5). A decoder checks the length and the
 * padding first, then the capacity (CELLA_ERR_BUFFER_TOO_SMALL), then every character.
 * When it fails after it started writing, it zeroes what it wrote: data never holds
 * a partial result.
 *
 * Side channels. Encoders and decoders use no table indexed by data and branch only on
 * sizes, on the position of padding and on the final valid/invalid verdict; a decoder that
 * gets as far as the characters reads all of them before deciding. Their timing depends on
 * the lengths (which the encoding reveals anyway), not on the data's values, so secrets
 * such as keys can go through them.
 *
 * Input and output must not overlap (CELLA_ERR_INVALID_ARGUMENT). Other argument errors
 * (NULL size pointer, NULL buffer with a non-zero size, unknown padding mode) are
 * CELLA_ERR_INVALID_ARGUMENT too. Every function is thread safe and usable in trusted code.
 */

/* How base64 and base64url handle '=' padding. */
typedef enum cella_encoding_base64_padding {
    CELLA_ENCODING_BASE64_PAD = 0,          /* encode: pad to a multiple of 4; decode: require it */
    CELLA_ENCODING_BASE64_NOPAD = 1,        /* encode: no '='; decode: reject any '=' */
    CELLA_ENCODING_BASE64_PAD_OPTIONAL = 2, /* decode only: accept full padding or none */
} cella_encoding_base64_padding_t;

/*
 * Hex (RFC 4648 section 8, base16). Encoding writes lower-case digits; decoding accepts
 * upper and lower case, even mixed.
 */

/*
 * The text size (NUL excluded) of data_size bytes in hex: 2 * data_size.
 * Returns CELLA_OK; CELLA_ERR_OVERFLOW when that size + 1 does not fit in size_t;
 * CELLA_ERR_INVALID_ARGUMENT when text_size is NULL.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_encoding_hex_encoded_size(size_t data_size,
                                                                          size_t *text_size);

/* The number of bytes text_size hex characters decode to, at most: text_size / 2. */
CELLA_API size_t cella_encoding_hex_decoded_max_size(size_t text_size);

/*
 * Encode data_size bytes at data as lower-case hex into text, NUL-terminated.
 * Returns CELLA_OK, CELLA_ERR_BUFFER_TOO_SMALL, CELLA_ERR_OVERFLOW or
 * CELLA_ERR_INVALID_ARGUMENT (see the conventions above).
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_encoding_hex_encode(const void *data,
                                                                    size_t data_size, char *text,
                                                                    size_t *text_size);

/*
 * Decode text_size hex characters at text into data.
 * Returns CELLA_OK; CELLA_ERR_INVALID_FORMAT for an odd length or a non-hex character;
 * CELLA_ERR_BUFFER_TOO_SMALL or CELLA_ERR_INVALID_ARGUMENT (see the conventions above).
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_encoding_hex_decode(const char *text,
                                                                    size_t text_size, void *data,
                                                                    size_t *data_size);

/*
 * Base64 (RFC 4648 section 4, alphabet A-Z a-z 0-9 + /) and base64url (section 5, the
 * same with - and _ in place of + and /). Both share the size helpers.
 */

/*
 * The text size (NUL excluded) of data_size bytes in base64 or base64url with the given
 * padding: 4 * ceil(data_size / 3) with CELLA_ENCODING_BASE64_PAD, ceil(4 * data_size / 3)
 * with CELLA_ENCODING_BASE64_NOPAD.
 * Returns CELLA_OK; CELLA_ERR_OVERFLOW when that size + 1 does not fit in size_t;
 * CELLA_ERR_INVALID_ARGUMENT for a NULL text_size or a padding other than PAD or NOPAD.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_encoding_base64_encoded_size(
    size_t data_size, cella_encoding_base64_padding_t padding, size_t *text_size);

/*
 * The number of bytes text_size base64 or base64url characters decode to, at most: the
 * exact size for unpadded text, up to 2 more than it for padded text. Cannot overflow.
 */
CELLA_API size_t cella_encoding_base64_decoded_max_size(size_t text_size);

/*
 * Encode data_size bytes at data as base64 into text, NUL-terminated, padded or not.
 * padding must be CELLA_ENCODING_BASE64_PAD or CELLA_ENCODING_BASE64_NOPAD.
 * Returns CELLA_OK, CELLA_ERR_BUFFER_TOO_SMALL, CELLA_ERR_OVERFLOW or
 * CELLA_ERR_INVALID_ARGUMENT (see the conventions above).
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_encoding_base64_encode(
    const void *data, size_t data_size, cella_encoding_base64_padding_t padding, char *text,
    size_t *text_size);

/*
 * Decode text_size base64 characters at text into data. padding says whether the text
 * must be padded (PAD), must not be (NOPAD) or may be either (PAD_OPTIONAL); with
 * PAD_OPTIONAL, padding that is present must still be complete.
 * Returns CELLA_OK, CELLA_ERR_INVALID_FORMAT, CELLA_ERR_BUFFER_TOO_SMALL or
 * CELLA_ERR_INVALID_ARGUMENT (see the conventions above).
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_encoding_base64_decode(
    const char *text, size_t text_size, cella_encoding_base64_padding_t padding, void *data,
    size_t *data_size);

/* As cella_encoding_base64_encode, with the base64url alphabet. */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_encoding_base64url_encode(
    const void *data, size_t data_size, cella_encoding_base64_padding_t padding, char *text,
    size_t *text_size);

/*
 * As cella_encoding_base64_decode, with the base64url alphabet: '+' and '/' are rejected.
 * Tokens and MAA requests carry base64url with or without padding: decode them with
 * CELLA_ENCODING_BASE64_PAD_OPTIONAL.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_encoding_base64url_decode(
    const char *text, size_t text_size, cella_encoding_base64_padding_t padding, void *data,
    size_t *data_size);

CELLA_EXTERN_C_END

#endif /* CELLA_ENCODING_H */
