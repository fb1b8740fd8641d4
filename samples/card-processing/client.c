/* SPDX-License-Identifier: Apache-2.0 */
/* samples/card-processing/client.c: the relying party: checks the enclave, then sends it a card. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cella/encoding.h>
#include <cella/log.h>
#include <cella/token.h>

#include "frame.h"
#include "protocol.h"

#define EXIT_REFUSED         2  /* the enclave refused the number: not a card number */
#define HOST_TIMEOUT_SECONDS 30 /* for each of the two exchanges with the host */

static void usage(void)
{
    fprintf(stderr,
            "usage: card_client --socket PATH --attest URL (--mrenclave HEX | --mrsigner HEX)...\n"
            "                   [--dev]   < card-number\n"
            "  Gets the card host's attestation token, checks it against the attestation\n"
            "  service URL (its /certs keys, its issuer, the enclave's identity), encrypts the\n"
            "  card number read on stdin to the key the token vouches for and prints the\n"
            "  enclave's answer. --dev accepts software-TEE and debug enclaves.\n");
}

CELLA_PRINTF(1, 2) static int fail(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("card client: ", stderr);
    vfprintf(stderr, format, arguments);
    fputc('\n', stderr);
    va_end(arguments);
    return 1;
}

/* cella's libraries report through a handler: errors and warnings go to stderr. */
static void print_log(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    fprintf(stderr, "cella: %s: %s\n", cella_log_level_str(level), message);
}

/* ---- the connection to the host ----------------------------------------------------------- */

static int connect_to(const char *path)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(address.sun_path))
        return -1;
    memcpy(address.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (const struct sockaddr *)&address, sizeof(address)) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* ---- the token ------------------------------------------------------------------------------ */

/*
 * Verifies the token with the service's published keys and the enclave identity required,
 * then takes the enclave's public key from it: the runtime data the service checked against
 * the quote (x-ms-sgx-ehd), whose SHA-256 must also be the first half of the report data.
 */
static int check_token(const char *url, const char *token, const cella_token_options_t *options,
                       uint8_t public_key[CARD_PUBLIC_KEY_BYTES])
{
    char certs_url[2048];
    cella_token_keys_t *keys = NULL;
    cella_token_result_t result;
    const char *ehd = NULL, *report_data_hex = NULL, *mrenclave = NULL, *mrsigner = NULL;
    uint8_t report_data[64], hash[SHA256_DIGEST_LENGTH];
    size_t key_size = CARD_PUBLIC_KEY_BYTES, report_data_size = sizeof(report_data);
    int rc = 1;

    memset(&result, 0, sizeof(result));
    if (snprintf(certs_url, sizeof(certs_url), "%s/certs", url) >= (int)sizeof(certs_url))
        return fail("%s: the URL is too long", url);
    if (cella_token_keys_fetch(certs_url, &keys) != CELLA_OK)
        return fail("cannot get the service's keys from %s", certs_url);
    if (cella_token_verify(keys, token, strlen(token), options, &result) != CELLA_OK) {
        fail("the token is refused (%s%s%s): %s", cella_token_failure_str(result.failure),
             result.claim[0] != '\0' ? ", claim " : "", result.claim, result.reason);
        goto out;
    }
    if (cella_token_claims_get_string(result.claims, "x-ms-sgx-ehd", &ehd) != CELLA_OK ||
        cella_token_claims_get_string(result.claims, "x-ms-sgx-report-data", &report_data_hex) !=
            CELLA_OK ||
        cella_token_claims_get_string(result.claims, CELLA_TOKEN_CLAIM_MRENCLAVE, &mrenclave) !=
            CELLA_OK ||
        cella_token_claims_get_string(result.claims, CELLA_TOKEN_CLAIM_MRSIGNER, &mrsigner) !=
            CELLA_OK) {
        fail("the token carries no runtime data (x-ms-sgx-ehd) or report data");
        goto out;
    }
    if (cella_encoding_base64url_decode(ehd, strlen(ehd), CELLA_ENCODING_BASE64_PAD_OPTIONAL,
                                        public_key, &key_size) != CELLA_OK ||
        key_size != CARD_PUBLIC_KEY_BYTES || public_key[0] != 0x04) {
        fail("the token's runtime data is not a P-256 public key");
        goto out;
    }
    if (cella_encoding_hex_decode(report_data_hex, strlen(report_data_hex), report_data,
                                  &report_data_size) != CELLA_OK ||
        report_data_size != sizeof(report_data)) {
        fail("the token's report data is not 64 bytes of hex");
        goto out;
    }
    SHA256(public_key, CARD_PUBLIC_KEY_BYTES, hash);
    if (CRYPTO_memcmp(hash, report_data, sizeof(hash)) != 0) {
        fail("the enclave's report does not bind the key in the token");
        goto out;
    }
    printf("card client: the token verifies: signed by %s (key %s), enclave %.16s... of signer "
           "%.16s...%s\n",
           url, result.kid, mrenclave, mrsigner,
           result.software_tee ? ", software TEE (accepted with --dev)" : "");
    printf("card client: the enclave's key is in the token, and its SHA-256 is the first half "
           "of the report data\n");
    rc = 0;
out:
    cella_token_result_clear(&result);
    cella_token_keys_destroy(keys);
    return rc;
}

/* ---- encryption ---------------------------------------------------------------------------- */

/*
 * The request for number (protocol.h) in request, and the answer key in answer_key: ECDH
 * with a new ephemeral key, HKDF-SHA256, AES-128-GCM.
 */
static int encrypt_number(const uint8_t enclave_key[CARD_PUBLIC_KEY_BYTES], const char *number,
                          size_t number_size, uint8_t *request, size_t *request_size,
                          uint8_t answer_key[CARD_KEY_BYTES])
{
    EVP_PKEY *ephemeral = NULL, *peer = NULL;
    EVP_PKEY_CTX *peer_context = NULL, *derive = NULL;
    EVP_KDF *hkdf = NULL;
    EVP_KDF_CTX *kdf = NULL;
    EVP_CIPHER_CTX *cipher = NULL;
    uint8_t shared[32], keys[2 * CARD_KEY_BYTES];
    uint8_t info[sizeof(CARD_KDF_INFO) - 1 + 2 * CARD_PUBLIC_KEY_BYTES];
    size_t shared_size = sizeof(shared), ephemeral_size = 0;
    int rc = 1, length = 0;

    /* The enclave's key, from its encoding (OSSL_PARAM takes non-const pointers). */
    static char group_name[] = "P-256", digest_name[] = "SHA256";
    uint8_t peer_key[CARD_PUBLIC_KEY_BYTES];
    memcpy(peer_key, enclave_key, sizeof(peer_key));
    OSSL_PARAM key_params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, peer_key, sizeof(peer_key)),
        OSSL_PARAM_construct_end(),
    };
    peer_context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (peer_context == NULL || EVP_PKEY_fromdata_init(peer_context) <= 0 ||
        EVP_PKEY_fromdata(peer_context, &peer, EVP_PKEY_PUBLIC_KEY, key_params) <= 0)
        goto out;

    /* 1. ECDH with a new key pair of the client's. */
    ephemeral = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (ephemeral == NULL ||
        EVP_PKEY_get_octet_string_param(ephemeral, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, request,
                                        CARD_PUBLIC_KEY_BYTES, &ephemeral_size) != 1 ||
        ephemeral_size != CARD_PUBLIC_KEY_BYTES || request[0] != 0x04)
        goto out;
    derive = EVP_PKEY_CTX_new_from_pkey(NULL, ephemeral, NULL);
    if (derive == NULL || EVP_PKEY_derive_init(derive) <= 0 ||
        EVP_PKEY_derive_set_peer(derive, peer) <= 0 ||
        EVP_PKEY_derive(derive, shared, &shared_size) <= 0 || shared_size != sizeof(shared))
        goto out;

    /* 2. HKDF-SHA256: request key and answer key, bound to both public keys. */
    memcpy(info, CARD_KDF_INFO, sizeof(CARD_KDF_INFO) - 1);
    memcpy(info + sizeof(CARD_KDF_INFO) - 1, request, CARD_PUBLIC_KEY_BYTES);
    memcpy(info + sizeof(CARD_KDF_INFO) - 1 + CARD_PUBLIC_KEY_BYTES, enclave_key,
           CARD_PUBLIC_KEY_BYTES);
    OSSL_PARAM kdf_params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, shared, sizeof(shared)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof(info)),
        OSSL_PARAM_construct_end(),
    };
    hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    kdf = hkdf != NULL ? EVP_KDF_CTX_new(hkdf) : NULL;
    if (kdf == NULL || EVP_KDF_derive(kdf, keys, sizeof(keys), kdf_params) <= 0)
        goto out;

    /* 3. AES-128-GCM under the request key, with a random IV. */
    uint8_t *iv = request + CARD_PUBLIC_KEY_BYTES;
    uint8_t *ciphertext = iv + CARD_IV_BYTES;
    uint8_t *tag = ciphertext + number_size;
    const uint8_t *plaintext = (const uint8_t *)number;
    cipher = EVP_CIPHER_CTX_new();
    if (cipher == NULL || RAND_bytes(iv, CARD_IV_BYTES) != 1 ||
        EVP_EncryptInit_ex(cipher, EVP_aes_128_gcm(), NULL, keys, iv) != 1)
        goto out;
    if (EVP_EncryptUpdate(cipher, ciphertext, &length, plaintext, (int)number_size) != 1 ||
        (size_t)length != number_size || EVP_EncryptFinal_ex(cipher, tag, &length) != 1 ||
        EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_GET_TAG, CARD_TAG_BYTES, tag) != 1)
        goto out;
    *request_size = CARD_REQUEST_HEADER_BYTES + number_size + CARD_TAG_BYTES;
    memcpy(answer_key, keys + CARD_KEY_BYTES, CARD_KEY_BYTES);
    rc = 0;
out:
    if (rc != 0)
        fail("cannot encrypt to the enclave's key (OpenSSL)");
    OPENSSL_cleanse(shared, sizeof(shared));
    OPENSSL_cleanse(keys, sizeof(keys));
    EVP_CIPHER_CTX_free(cipher);
    EVP_KDF_CTX_free(kdf);
    EVP_KDF_free(hkdf);
    EVP_PKEY_CTX_free(derive);
    EVP_PKEY_CTX_free(peer_context);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(ephemeral);
    return rc;
}

/*
 * Decrypts masked number and token of the answer in place when its tag is the enclave's
 * (AES-128-GCM, answer key, zero IV, the result byte as additional data); false otherwise,
 * and then the answer is left as it came.
 */
static bool answer_open(const uint8_t answer_key[CARD_KEY_BYTES], uint8_t answer[CARD_ANSWER_BYTES])
{
    static const uint8_t zero_iv[CARD_IV_BYTES] = {0};
    uint8_t tag[CARD_TAG_BYTES];
    uint8_t plain[CARD_ANSWER_TAGGED_BYTES - 1];
    uint8_t unused[1];
    int length = 0;
    bool authentic = false;

    memcpy(tag, answer + CARD_ANSWER_TAGGED_BYTES, sizeof(tag));
    EVP_CIPHER_CTX *cipher = EVP_CIPHER_CTX_new();
    authentic = cipher != NULL &&
                EVP_DecryptInit_ex(cipher, EVP_aes_128_gcm(), NULL, answer_key, zero_iv) == 1 &&
                EVP_DecryptUpdate(cipher, NULL, &length, answer, 1) == 1 &&
                EVP_DecryptUpdate(cipher, plain, &length, answer + 1, (int)sizeof(plain)) == 1 &&
                length == (int)sizeof(plain) &&
                EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_TAG, CARD_TAG_BYTES, tag) == 1 &&
                EVP_DecryptFinal_ex(cipher, unused, &length) == 1;
    EVP_CIPHER_CTX_free(cipher);
    if (authentic)
        memcpy(answer + 1, plain, sizeof(plain));
    OPENSSL_cleanse(plain, sizeof(plain));
    return authentic;
}

/* ---- main ---------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    const char *socket_path = NULL, *url = NULL;
    cella_token_options_t options;
    bool dev = false;
    char number[CARD_NUMBER_MAX_BYTES + 2]; /* the line, its newline and the NUL */
    uint8_t enclave_key[CARD_PUBLIC_KEY_BYTES], answer_key[CARD_KEY_BYTES];
    uint8_t request[CARD_REQUEST_MAX_BYTES], answer[CARD_ANSWER_BYTES];
    uint8_t *token = NULL;
    size_t request_size = 0, token_size = 0, answer_size = 0;
    int fd = -1, rc = 1;

    cella_token_options_init(&options, "", (int64_t)time(NULL));
    for (int i = 1; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp(argv[i], "--socket") == 0 && has_value) {
            socket_path = argv[++i];
        } else if (strcmp(argv[i], "--attest") == 0 && has_value) {
            url = argv[++i];
        } else if (strcmp(argv[i], "--mrenclave") == 0 && has_value) {
            options.mrenclave = argv[++i];
        } else if (strcmp(argv[i], "--mrsigner") == 0 && has_value) {
            options.mrsigner = argv[++i];
        } else if (strcmp(argv[i], "--dev") == 0) {
            dev = true;
        } else {
            usage();
            return 64;
        }
    }
    /* Pin the enclave: without an identity to compare, any attested enclave would do. */
    if (socket_path == NULL || url == NULL ||
        (options.mrenclave == NULL && options.mrsigner == NULL)) {
        usage();
        return 64;
    }
    /* The issuer is the instance URL, exactly (MAA writes it without a trailing slash). */
    options.issuer = url;
    /* Dev mode: cella's software TEE and debug enclaves, as the demo runs them. In production
     * leave both checks on: hardware only, and no debug enclave, whose memory is open. */
    options.require_not_debuggable = !dev;
    options.require_hardware = !dev;
    setvbuf(stdout, NULL, _IOLBF, 0); /* in order with stderr when both go to one log */
    cella_log_set_handler(print_log, NULL);
    cella_log_set_level(CELLA_LOG_WARNING);

    if (fgets(number, sizeof(number), stdin) == NULL)
        return fail("no card number on stdin");
    size_t number_size = strcspn(number, "\r\n");
    if (number_size > CARD_NUMBER_MAX_BYTES) {
        OPENSSL_cleanse(number, sizeof(number));
        return fail("a card number has at most %d characters", CARD_NUMBER_MAX_BYTES);
    }
    if (number_size == 0)
        return fail("no card number on stdin");

    fd = connect_to(socket_path);
    if (fd < 0) {
        fail("cannot connect to the card host at %s: %s", socket_path, strerror(errno));
        goto out;
    }
    token = malloc(CARD_FRAME_MAX_BYTES + 1);
    errno = 0;
    if (token == NULL || !receive_frame(fd, token, CARD_FRAME_MAX_BYTES, &token_size,
                                        frame_deadline(HOST_TIMEOUT_SECONDS))) {
        fail("the host sent no attestation token%s", errno == ETIMEDOUT ? " in time" : "");
        goto out;
    }
    token[token_size] = '\0';
    if (strlen((const char *)token) != token_size) {
        fail("the host's token holds a NUL byte");
        goto out;
    }
    if (check_token(url, (const char *)token, &options, enclave_key) != 0 ||
        encrypt_number(enclave_key, number, number_size, request, &request_size, answer_key) != 0)
        goto out;
    OPENSSL_cleanse(number, sizeof(number)); /* from here on, only the enclave can read it */
    printf("card client: sent the card number to the enclave, encrypted to its key (%zu bytes)\n",
           request_size);
    uint64_t deadline = frame_deadline(HOST_TIMEOUT_SECONDS);
    errno = 0;
    if (!send_frame(fd, request, request_size, deadline) ||
        !receive_frame(fd, answer, sizeof(answer), &answer_size, deadline) ||
        answer_size != sizeof(answer)) {
        fail("the host sent no answer%s", errno == ETIMEDOUT ? " in time" : "");
        goto out;
    }
    if (answer[0] == CARD_RESULT_UNREADABLE) {
        fail("the enclave could not decrypt the request");
        goto out;
    }
    if (!answer_open(answer_key, answer)) {
        fail("the answer was changed on its way: its tag is not the enclave's");
        goto out;
    }
    switch (answer[0]) {
    case CARD_RESULT_OK:
        printf("masked: %.*s\n", CARD_MASKED_BYTES, (const char *)answer + 1);
        printf("token: %.*s\n", CARD_TOKEN_HEX_BYTES, (const char *)answer + 1 + CARD_MASKED_BYTES);
        rc = 0;
        break;
    case CARD_RESULT_CHECKSUM_FAILED:
        fail("the enclave refused the number: its check digit is wrong (a typing error?)");
        rc = EXIT_REFUSED;
        break;
    default:
        fail("the enclave refused the number: not 13 to 19 digits in groups");
        rc = EXIT_REFUSED;
        break;
    }
out:
    OPENSSL_cleanse(number, sizeof(number));
    OPENSSL_cleanse(answer, sizeof(answer));
    OPENSSL_cleanse(answer_key, sizeof(answer_key));
    if (fd >= 0)
        close(fd);
    free(token);
    return rc;
}
