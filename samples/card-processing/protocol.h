/* SPDX-License-Identifier: Apache-2.0 */
/* samples/card-processing/protocol.h: what the client, the host and the enclave exchange. */
#ifndef CARD_PROTOCOL_H
#define CARD_PROTOCOL_H

/*
 * The client encrypts a card number to the enclave's public key, ECIES-style:
 *
 *   1. a fresh ephemeral P-256 key pair; shared = ECDH(ephemeral private, enclave public),
 *      the x coordinate, 32 bytes big-endian;
 *   2. 32 bytes = HKDF-SHA256(salt: none, ikm: shared,
 *                             info: CARD_KDF_INFO || ephemeral public || enclave public);
 *      the first 16 are the request key, the last 16 the answer key;
 *   3. the request:  ephemeral public key (65) || IV (12, random) || AES-128-GCM ciphertext of
 *      the number as typed (1 to CARD_NUMBER_MAX_BYTES) || tag (16); no additional data.
 *
 * The enclave answers with
 *
 *      result (1, enum card_result) || masked number (19, "**** **** **** 1234")
 *      || token (64 lower-case hex digits of HMAC-SHA256(tokenisation key, the digits))
 *      || tag (16)
 *
 * where masked number and token are AES-128-GCM ciphertext under the answer key, IV 12 zero
 * bytes (the key serves once), with the result byte as additional data. Only the client and
 * the enclave know the answer key: the host that relays the answer learns the result and
 * nothing else, and cannot change any of it. (Were the token readable, a host could tokenise
 * numbers of its own choosing through the enclave and match them against the tokens it
 * relays, which recovers a card number from its BIN and last four digits in seconds.)
 * A request the enclave cannot decrypt gets CARD_RESULT_UNREADABLE with a zero tag (there is
 * no key to make one with). Masked number and token are zeros unless the result is
 * CARD_RESULT_OK.
 *
 * Public keys are SEC1 uncompressed: 0x04 || X || Y, each coordinate 32 bytes big-endian; the
 * enclave's is also what it binds into its report (SHA-256 of the 65 bytes) and what the
 * host sends the attestation service as runtime data.
 */
#define CARD_KDF_INFO             "cella card-processing v1"
#define CARD_PUBLIC_KEY_BYTES     65
#define CARD_IV_BYTES             12
#define CARD_TAG_BYTES            16
#define CARD_KEY_BYTES            16
#define CARD_NUMBER_MAX_BYTES     32
#define CARD_REQUEST_HEADER_BYTES (CARD_PUBLIC_KEY_BYTES + CARD_IV_BYTES)
#define CARD_REQUEST_MIN_BYTES    (CARD_REQUEST_HEADER_BYTES + 1 + CARD_TAG_BYTES)
#define CARD_REQUEST_MAX_BYTES    (CARD_REQUEST_HEADER_BYTES + CARD_NUMBER_MAX_BYTES + CARD_TAG_BYTES)
#define CARD_MASKED_BYTES         19
#define CARD_TOKEN_HEX_BYTES      64
#define CARD_ANSWER_TAGGED_BYTES  (1 + CARD_MASKED_BYTES + CARD_TOKEN_HEX_BYTES)
#define CARD_ANSWER_BYTES         (CARD_ANSWER_TAGGED_BYTES + CARD_TAG_BYTES)

/* The host's state file: the sealed blob of the enclave's two keys, at most this long. */
#define CARD_SEALED_MAX_BYTES 1024

enum card_result {
    CARD_RESULT_OK = 0,
    CARD_RESULT_NOT_A_CARD_NUMBER = 1, /* not 13 to 19 digits in groups */
    CARD_RESULT_CHECKSUM_FAILED = 2,   /* the Luhn check digit is wrong: a typing error */
    CARD_RESULT_UNREADABLE = 3,        /* malformed, or not encrypted to this enclave's key */
};

/*
 * Between client and host (a Unix stream socket): each message is a 4-byte big-endian length
 * and that many bytes. The host sends the attestation token (the JWT as text), the client the
 * request, the host the answer; then the connection ends.
 */
#define CARD_FRAME_MAX_BYTES (64u * 1024u)

#endif /* CARD_PROTOCOL_H */
