/* SPDX-License-Identifier: Apache-2.0 */
/* samples/local-attestation/host.c: the untrusted relay between alice and bob, and an attacker. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sgx_urts.h>

#include "alice_u.h"
#include "bob_u.h"

#define NONCE_BYTES   32
#define MESSAGE_BYTES 256

/* What alice sends bob in step 2, all of it in the host's hands. */
struct offer {
    sgx_report_t report;
    sgx_ec256_public_t public_key;
    sgx_target_info_t target;
    uint8_t nonce[NONCE_BYTES];
};

/* The step running, put before every line so that the output reads as the protocol. */
static const char *step = "";

/* The OCALL both enclaves print through. */
void print_line(const char *line)
{
    printf("%s %s\n", step, line);
}

static void say(const char *format, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *format, ...)
{
    va_list args;

    printf("%s host: ", step);
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
}

/* One status for an ECALL: the call's own failure if it failed, else the enclave's answer. */
static int outcome(sgx_status_t called, int status)
{
    return called != SGX_SUCCESS ? (int)called : status;
}

static int open_session(sgx_enclave_id_t responder, sgx_target_info_t *target, uint8_t *nonce)
{
    int status = -1;
    sgx_status_t called = bob_begin(responder, &status, target, nonce);
    return outcome(called, status);
}

static int make_offer(sgx_enclave_id_t alice, const sgx_target_info_t *target, const uint8_t *nonce,
                      struct offer *offer)
{
    int status = -1;
    sgx_status_t called = alice_offer(alice, &status, target, nonce, &offer->report,
                                      &offer->public_key, &offer->target, offer->nonce);
    return outcome(called, status);
}

static int relay_offer(sgx_enclave_id_t bob, const struct offer *offer, sgx_report_t *bob_report,
                       sgx_ec256_public_t *bob_public_key)
{
    int status = -1;
    sgx_status_t called = bob_accept(bob, &status, &offer->report, &offer->public_key,
                                     &offer->target, offer->nonce, bob_report, bob_public_key);
    return outcome(called, status);
}

static int failed(const char *what, int status)
{
    fprintf(stderr, "local_attestation: %s failed: 0x%04x (see `cella error 0x%04x`)\n", what,
            (unsigned)status, (unsigned)status);
    return 1;
}

/* Steps 1 to 4: the exchange as it should go. *offer keeps alice's step 2 for the replays. */
static int exchange(sgx_enclave_id_t alice, sgx_enclave_id_t bob, struct offer *offer)
{
    sgx_target_info_t bob_target;
    uint8_t bob_nonce[NONCE_BYTES];
    sgx_report_t bob_report;
    sgx_ec256_public_t bob_public_key;
    uint8_t iv[SGX_AESGCM_IV_SIZE], message[MESSAGE_BYTES], tag[SGX_AESGCM_MAC_SIZE];
    size_t message_size = 0;
    int status;

    step = "1.";
    if ((status = open_session(bob, &bob_target, bob_nonce)) != SGX_SUCCESS)
        return failed("bob_begin", status);
    say("relays bob's target info (%zu bytes) and nonce (%zu bytes) to alice", sizeof(bob_target),
        sizeof(bob_nonce));

    step = "2.";
    if ((status = make_offer(alice, &bob_target, bob_nonce, offer)) != SGX_SUCCESS)
        return failed("alice_offer", status);
    say("relays alice's report (%zu bytes), public key (%zu bytes), target info and nonce to bob",
        sizeof(offer->report), sizeof(offer->public_key));

    step = "3.";
    if ((status = relay_offer(bob, offer, &bob_report, &bob_public_key)) != SGX_SUCCESS)
        return failed("bob_accept", status);
    say("relays bob's report (%zu bytes) and public key (%zu bytes) to alice", sizeof(bob_report),
        sizeof(bob_public_key));

    int accepted = -1;
    sgx_status_t called = alice_accept(alice, &accepted, &bob_report, &bob_public_key);
    if ((status = outcome(called, accepted)) != SGX_SUCCESS)
        return failed("alice_accept", status);

    step = "4.";
    int sent = -1;
    called = alice_send_secret(alice, &sent, iv, message, sizeof(message), &message_size, tag);
    if ((status = outcome(called, sent)) != SGX_SUCCESS)
        return failed("alice_send_secret", status);
    /* All the host ever holds of the secret: this. */
    say("relays the ciphertext (%zu bytes, %02x%02x%02x%02x...), IV and tag to bob", message_size,
        message[0], message[1], message[2], message[3]);
    int received = -1;
    called = bob_receive(bob, &received, iv, message, message_size, tag);
    if ((status = outcome(called, received)) != SGX_SUCCESS)
        return failed("bob_receive", status);
    return 0;
}

/* The host turns attacker; bob must refuse what it relays. */
static int expect_refusal(int status)
{
    if (status == SGX_SUCCESS) {
        fprintf(stderr, "local_attestation: FAILED: bob accepted it\n");
        return 1;
    }
    say("bob refused it (0x%04x)", (unsigned)status);
    return 0;
}

/* Step 5: a replay, a changed byte, a report for another enclave, a swapped key. */
static int attacks(sgx_enclave_id_t alice, sgx_enclave_id_t bob, sgx_enclave_id_t mallory,
                   const struct offer *old_offer)
{
    /* The curve's generator G, little-endian as sgx_ec256_public_t wants: a valid public key
     * whose private key, 1, the host knows. Had bob accepted it, the host could compute the
     * session key from bob's public key. */
    static const sgx_ec256_public_t host_key = {
        .gx = {0x96, 0xc2, 0x98, 0xd8, 0x45, 0x39, 0xa1, 0xf4, 0xa0, 0x33, 0xeb,
               0x2d, 0x81, 0x7d, 0x03, 0x77, 0xf2, 0x40, 0xa4, 0x63, 0xe5, 0xe6,
               0xbc, 0xf8, 0x47, 0x42, 0x2c, 0xe1, 0xf2, 0xd1, 0x17, 0x6b},
        .gy = {0xf5, 0x51, 0xbf, 0x37, 0x68, 0x40, 0xb6, 0xcb, 0xce, 0x5e, 0x31,
               0x6b, 0x57, 0x33, 0xce, 0x2b, 0x16, 0x9e, 0x0f, 0x7c, 0x4a, 0xeb,
               0xe7, 0x8e, 0x9b, 0x7f, 0x1a, 0xfe, 0xe2, 0x42, 0xe3, 0x4f},
    };
    sgx_target_info_t bob_target, mallory_target;
    uint8_t bob_nonce[NONCE_BYTES], mallory_nonce[NONCE_BYTES];
    sgx_report_t bob_report;
    sgx_ec256_public_t bob_public_key;
    struct offer offer;
    int status;

    step = "5a.";
    say("replays alice's report and key from step 2, unchanged, to a new session of bob");
    if ((status = open_session(bob, &bob_target, bob_nonce)) != SGX_SUCCESS)
        return failed("bob_begin", status);
    if (expect_refusal(relay_offer(bob, old_offer, &bob_report, &bob_public_key)) != 0)
        return 1;

    step = "5b.";
    say("replays them to a new session of bob with one byte of the report changed");
    offer = *old_offer;
    offer.report.body.report_data.d[0] ^= 0x01;
    if ((status = open_session(bob, &bob_target, bob_nonce)) != SGX_SUCCESS)
        return failed("bob_begin", status);
    if (expect_refusal(relay_offer(bob, &offer, &bob_report, &bob_public_key)) != 0)
        return 1;

    step = "5c.";
    say("gives alice mallory's target info with bob's nonce, and shows bob the report she makes");
    if ((status = open_session(bob, &bob_target, bob_nonce)) != SGX_SUCCESS)
        return failed("bob_begin", status);
    if ((status = open_session(mallory, &mallory_target, mallory_nonce)) != SGX_SUCCESS)
        return failed("bob_begin in mallory", status);
    if ((status = make_offer(alice, &mallory_target, bob_nonce, &offer)) != SGX_SUCCESS)
        return failed("alice_offer", status);
    if (expect_refusal(relay_offer(bob, &offer, &bob_report, &bob_public_key)) != 0)
        return 1;

    step = "5d.";
    say("relays a fresh report of alice to bob, her public key swapped for the host's own");
    if ((status = open_session(bob, &bob_target, bob_nonce)) != SGX_SUCCESS)
        return failed("bob_begin", status);
    if ((status = make_offer(alice, &bob_target, bob_nonce, &offer)) != SGX_SUCCESS)
        return failed("alice_offer", status);
    offer.public_key = host_key;
    if (expect_refusal(relay_offer(bob, &offer, &bob_report, &bob_public_key)) != 0)
        return 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *names[] = {"alice", "bob", "mallory"};
    sgx_enclave_id_t ids[3] = {0, 0, 0};
    int created = 0, rc = 1;
    struct offer offer;

    if (argc != 4) {
        fprintf(stderr,
                "usage: local_attestation ALICE.signed.so BOB.signed.so MALLORY.signed.so\n");
        return 64;
    }
    for (; created < 3; created++) {
        int i = created;
        sgx_status_t status =
            sgx_create_enclave(argv[i + 1], SGX_DEBUG_FLAG, NULL, NULL, &ids[i], NULL);
        if (status != SGX_SUCCESS) {
            fprintf(stderr, "local_attestation: cannot create %s from %s: 0x%04x\n", names[i],
                    argv[i + 1], (unsigned)status);
            goto out;
        }
    }
    if (exchange(ids[0], ids[1], &offer) == 0 && attacks(ids[0], ids[1], ids[2], &offer) == 0)
        rc = 0;
out:
    while (created-- > 0)
        sgx_destroy_enclave(ids[created]);
    return rc;
}
