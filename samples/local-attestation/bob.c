/* SPDX-License-Identifier: Apache-2.0 */
/* samples/local-attestation/bob.c: the responder: checks alice, proves himself, gets a secret. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sgx_tcrypto.h>
#include <sgx_trts.h>
#include <sgx_utils.h>

#include "bob_t.h"
#include "session.h"

/* Variant 2 is mallory: the same code built differently, so another MRENCLAVE. */
#ifndef RESPONDER_VARIANT
#define RESPONDER_VARIANT 1
#endif
#if RESPONDER_VARIANT == 1
#define RESPONDER_NAME "bob"
#else
#define RESPONDER_NAME "mallory"
#endif

/* Whom bob accepts as alice: her product (Enclave.alice.config.xml), at this version or later. */
#define ALICE_PROD_ID 1
#define ALICE_MIN_SVN 1

static const char name[] = RESPONDER_NAME;

/* Bob's side of the current session. */
static struct {
    bool open;                          /* bob_begin ran; alice's report is awaited */
    bool keyed;                         /* alice was accepted; her message is awaited */
    uint8_t nonce[SESSION_NONCE_BYTES]; /* alice's report must bind her key to it */
    sgx_aes_gcm_128bit_key_t key;       /* the session key, once keyed */
} session;

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

static void forget_session(void)
{
    memset_s(&session, sizeof(session), 0, sizeof(session));
}

int bob_begin(sgx_target_info_t *bob_target, uint8_t *bob_nonce)
{
    forget_session();
    sgx_status_t status = sgx_self_target(bob_target);
    if (status == SGX_SUCCESS)
        status = sgx_read_rand(session.nonce, sizeof(session.nonce));
    if (status != SGX_SUCCESS) {
        say("%s: cannot open a session: 0x%04x", name, (unsigned)status);
        return status;
    }
    memcpy(bob_nonce, session.nonce, sizeof(session.nonce));
    session.open = true;
    say("%s: session opened; my target info and a fresh nonce are for alice", name);
    return SGX_SUCCESS;
}

int bob_accept(const sgx_report_t *alice_report, const sgx_ec256_public_t *alice_public_key,
               const sgx_target_info_t *alice_target, const uint8_t *alice_nonce,
               sgx_report_t *bob_report, sgx_ec256_public_t *bob_public_key)
{
    sgx_ec256_private_t private_key;
    sgx_ec256_public_t public_key;
    sgx_report_data_t report_data;
    const char *reason = NULL;
    sgx_status_t status = SGX_ERROR_INVALID_STATE;

    if (!session.open || session.keyed) {
        say("%s: refused alice's report: no session is waiting for one", name);
        goto out;
    }
    /* One try per nonce: whatever happens next, this nonce is not accepted again. */
    session.open = false;
    status = session_check_peer(alice_report, alice_public_key, session.nonce, ALICE_PROD_ID,
                                ALICE_MIN_SVN, &reason);
    if (status != SGX_SUCCESS) {
        say("%s: refused alice's report: %s", name, reason);
        goto out;
    }
    say("%s: alice's report verified: made for me on this platform, my signer, product %u, "
        "SVN %u (at least %u), her public key bound to my nonce",
        name, (unsigned)alice_report->body.isv_prod_id, (unsigned)alice_report->body.isv_svn,
        ALICE_MIN_SVN);

    status = session_create_key_pair(&private_key, &public_key);
    if (status == SGX_SUCCESS)
        status = session_derive_key(&private_key, alice_public_key, &session.key);
    if (status == SGX_SUCCESS)
        status = session_bind_key(&public_key, alice_nonce, &report_data);
    /* Made for the target the host passed on: if that is not alice's, alice cannot verify
     * the report and refuses, so the host gains nothing by changing it. */
    if (status == SGX_SUCCESS)
        status = sgx_create_report(alice_target, &report_data, bob_report);
    if (status != SGX_SUCCESS) {
        say("%s: cannot answer alice: 0x%04x", name, (unsigned)status);
        goto out;
    }
    *bob_public_key = public_key;
    session.keyed = true;
    say("%s: new P-256 key pair; session key derived; report for alice, report_data = "
        "SHA-256(public key || her nonce)",
        name);
out:
    memset_s(&private_key, sizeof(private_key), 0, sizeof(private_key));
    if (status != SGX_SUCCESS)
        forget_session();
    return status;
}

int bob_receive(const uint8_t *iv, const uint8_t *message, size_t message_size, const uint8_t *tag)
{
    static const char aad[] = SESSION_MESSAGE_AAD;
    uint8_t plaintext[SESSION_MESSAGE_MAX_BYTES];
    sgx_aes_gcm_128bit_tag_t mac;
    sgx_sha256_hash_t hash;
    sgx_status_t status = SGX_ERROR_INVALID_STATE;

    if (!session.keyed) {
        say("%s: refused the message: no session key", name);
        goto out;
    }
    status = SGX_ERROR_INVALID_PARAMETER;
    if (message_size == 0 || message_size > sizeof(plaintext)) {
        say("%s: refused the message: %zu bytes, expected 1 to %zu", name, message_size,
            sizeof(plaintext));
        goto out;
    }
    /* The tag covers the IV, the AAD and every ciphertext byte: a message changed on the
     * way, or sent under another key, is refused before anything is decrypted. (The copy
     * gives the tag the array type the SDK's signature wants.) */
    memcpy(mac, tag, sizeof(mac));
    status = sgx_rijndael128GCM_decrypt((const sgx_aes_gcm_128bit_key_t *)&session.key, message,
                                        (uint32_t)message_size, plaintext, iv, SGX_AESGCM_IV_SIZE,
                                        (const uint8_t *)aad, sizeof(aad) - 1,
                                        (const sgx_aes_gcm_128bit_tag_t *)&mac);
    if (status != SGX_SUCCESS) {
        say("%s: refused the message: it does not authenticate under the session key (0x%04x)",
            name, (unsigned)status);
        goto out;
    }
    status = sgx_sha256_msg(plaintext, (uint32_t)message_size, &hash);
    if (status != SGX_SUCCESS)
        goto out;
    /* What the secret is stays here; its length and a hash prefix let a reader check that
     * the right message arrived. */
    say("%s: secret message received and authenticated: %zu bytes, SHA-256 begins "
        "%02x%02x%02x%02x",
        name, message_size, hash[0], hash[1], hash[2], hash[3]);
out:
    memset_s(plaintext, sizeof(plaintext), 0, sizeof(plaintext));
    memset_s(hash, sizeof(hash), 0, sizeof(hash));
    forget_session();
    return status;
}
