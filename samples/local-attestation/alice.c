/* SPDX-License-Identifier: Apache-2.0 */
/* samples/local-attestation/alice.c: the initiator: proves herself, checks bob, sends a secret. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sgx_tcrypto.h>
#include <sgx_trts.h>
#include <sgx_utils.h>

#include "alice_t.h"
#include "session.h"

/* Whom alice accepts as bob: his product (Enclave.bob.config.xml), at this version or later. */
#define BOB_PROD_ID 2
#define BOB_MIN_SVN 1

/*
 * The secret alice hands over. It is in the code only so that the sample's check can look for
 * it: enclave code is not secret (whoever has alice.signed.so can read this string). A real
 * enclave would unseal its secret or receive it from a remote party after attestation.
 */
static const char secret[] = "the vault opens with 7-42-19, turning left first";

/* The session alice has offered and not yet finished. */
static struct {
    bool open;     /* alice_offer ran; bob's report is awaited */
    bool accepted; /* bob was verified; the secret may go */
    sgx_ec256_private_t private_key;
    sgx_ec256_public_t public_key;
    uint8_t nonce[SESSION_NONCE_BYTES]; /* bob's report must bind his key to it */
    sgx_ec256_public_t peer_public_key; /* bob's, once his report vouched for it */
} offer;

static void say(const char *format, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *format, ...)
{
    char line[256];
    va_list args;

    va_start(args, format);
    vsnprintf(line, sizeof(line), format, args);
    va_end(args);
    print_line(line); /* an OCALL; if it fails the line is lost, nothing else */
}

static void forget_offer(void)
{
    memset_s(&offer, sizeof(offer), 0, sizeof(offer));
}

int alice_offer(const sgx_target_info_t *bob_target, const uint8_t *bob_nonce, sgx_report_t *report,
                sgx_ec256_public_t *public_key, sgx_target_info_t *alice_target,
                uint8_t *alice_nonce)
{
    sgx_report_data_t report_data;

    forget_offer();
    sgx_status_t status = session_create_key_pair(&offer.private_key, &offer.public_key);
    if (status == SGX_SUCCESS)
        status = sgx_read_rand(offer.nonce, sizeof(offer.nonce));
    if (status == SGX_SUCCESS)
        status = session_bind_key(&offer.public_key, bob_nonce, &report_data);
    /* The report can be checked only by the enclave bob_target describes; alice cannot tell
     * whose target it is, and need not: bob's report, coming back, tells her. */
    if (status == SGX_SUCCESS)
        status = sgx_create_report(bob_target, &report_data, report);
    if (status == SGX_SUCCESS)
        status = sgx_self_target(alice_target);
    if (status != SGX_SUCCESS) {
        forget_offer();
        say("alice: cannot make an offer: 0x%04x", (unsigned)status);
        return status;
    }
    *public_key = offer.public_key;
    memcpy(alice_nonce, offer.nonce, sizeof(offer.nonce));
    offer.open = true;
    say("alice: new P-256 key pair; report for the target given, report_data = "
        "SHA-256(public key || the nonce given)");
    return SGX_SUCCESS;
}

int alice_accept(const sgx_report_t *bob_report, const sgx_ec256_public_t *bob_public_key)
{
    const char *reason = NULL;

    if (!offer.open || offer.accepted) {
        say("alice: refused bob's report: no session is waiting for one");
        return SGX_ERROR_INVALID_STATE;
    }
    sgx_status_t status = session_check_peer(bob_report, bob_public_key, offer.nonce, BOB_PROD_ID,
                                             BOB_MIN_SVN, &reason);
    if (status != SGX_SUCCESS) {
        say("alice: refused bob's report: %s", reason);
        forget_offer();
        return status;
    }
    offer.peer_public_key = *bob_public_key;
    offer.accepted = true;
    say("alice: bob's report verified: made for me on this platform, my signer, product %u, "
        "SVN %u (at least %u), his public key bound to my nonce",
        (unsigned)bob_report->body.isv_prod_id, (unsigned)bob_report->body.isv_svn, BOB_MIN_SVN);
    return SGX_SUCCESS;
}

int alice_send_secret(uint8_t *iv, uint8_t *message, size_t message_capacity, size_t *message_size,
                      uint8_t *tag)
{
    static const char aad[] = SESSION_MESSAGE_AAD;
    sgx_aes_gcm_128bit_key_t key;
    sgx_status_t status = SGX_ERROR_INVALID_STATE;

    if (!offer.accepted) {
        say("alice: no secret sent: bob has not been verified");
        goto out;
    }
    status = SGX_ERROR_INVALID_PARAMETER;
    if (message_capacity < sizeof(secret) - 1) {
        say("alice: no secret sent: the host's buffer is too small");
        goto out;
    }
    status = session_derive_key(&offer.private_key, &offer.peer_public_key, &key);
    if (status != SGX_SUCCESS) {
        say("alice: cannot derive the session key: 0x%04x", (unsigned)status);
        goto out;
    }
    /* A key is used for one message here, but a fresh random IV is the rule with GCM: one
     * IV used twice under a key gives away the XOR of the two plaintexts and the MAC key. */
    status = sgx_read_rand(iv, SGX_AESGCM_IV_SIZE);
    if (status == SGX_SUCCESS)
        status = sgx_rijndael128GCM_encrypt((const sgx_aes_gcm_128bit_key_t *)&key,
                                            (const uint8_t *)secret, sizeof(secret) - 1, message,
                                            iv, SGX_AESGCM_IV_SIZE, (const uint8_t *)aad,
                                            sizeof(aad) - 1, (sgx_aes_gcm_128bit_tag_t *)tag);
    if (status != SGX_SUCCESS) {
        say("alice: cannot encrypt the message: 0x%04x", (unsigned)status);
        goto out;
    }
    *message_size = sizeof(secret) - 1;
    say("alice: session key derived; the secret message (%zu bytes) encrypted with AES-128-GCM, "
        "fresh IV, AAD \"%s\"",
        sizeof(secret) - 1, aad);
out:
    memset_s(key, sizeof(key), 0, sizeof(key));
    forget_offer();
    return status;
}
