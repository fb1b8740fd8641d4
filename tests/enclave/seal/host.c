/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/seal/host.c: sealing, keys and reports across enclaves of different identities. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <sgx_key.h>
#include <sgx_report.h>
#include <sgx_tseal.h>
#include <sgx_urts.h>

#include "seal_u.h"

/*
 * The enclaves, all built from enc.c:
 *   A        signer 1, ProdID 1, ISVSVN 1
 *   A_SVN2   A's image signed with ISVSVN 2 (the same MRENCLAVE: ISVSVN is not measured)
 *   A_OTHER  signer 1, ProdID 1, ISVSVN 1, another MRENCLAVE (other data in the image)
 *   A_PROD2  A's image signed with ProdID 2
 *   B        A's image signed by signer 2 (the same MRENCLAVE, another MRSIGNER)
 * Every test makes its enclaves and destroys them; the platform secrets live in a
 * directory of this test's own (CELLA_STATE_DIR).
 */

static char state_dir[] = "/tmp/cella-seal-test.XXXXXX";

static const uint8_t text[] = "card 4111 1111 1111 1111, exp 12/29";
static const uint8_t aad[] = "record 42";

/* sgx_calc_sealed_data_size, which is for enclave code, as the host computes it. */
static uint32_t sealed_size(size_t aad_size, size_t text_size)
{
    return (uint32_t)(sizeof(sgx_sealed_data_t) + aad_size + text_size);
}

struct blob {
    uint8_t *bytes;
    size_t size;
};

static sgx_enclave_id_t create_as(const char *path, int debug)
{
    sgx_enclave_id_t id = 0;
    assert_int_equal(sgx_create_enclave(path, debug, NULL, NULL, &id, NULL), SGX_SUCCESS);
    return id;
}

static sgx_enclave_id_t create(const char *path)
{
    return create_as(path, 1);
}

static void destroy(sgx_enclave_id_t id)
{
    assert_int_equal(sgx_destroy_enclave(id), SGX_SUCCESS);
}

/* Seals text and aad in the enclave: policy 0 is sgx_seal_data's default (MRSIGNER). */
static struct blob seal_in(sgx_enclave_id_t id, uint16_t policy)
{
    struct blob blob;
    int status = -1;

    blob.size = sealed_size(sizeof(aad), sizeof(text));
    blob.bytes = malloc(blob.size);
    assert_non_null(blob.bytes);
    assert_int_equal(ecall_seal(id, &status, policy, text, sizeof(text), aad, sizeof(aad),
                                blob.bytes, blob.size),
                     SGX_SUCCESS);
    assert_int_equal(status, SGX_SUCCESS);
    return blob;
}

/* Unseals in the enclave; on success checks the text and the MAC text came back whole. */
static int unseal_in(sgx_enclave_id_t id, const struct blob *blob)
{
    uint8_t out[sizeof(text)], out_aad[sizeof(aad)];
    uint32_t out_size = 0, out_aad_size = 0;
    int status = -1;

    memset(out, 0, sizeof(out));
    assert_int_equal(ecall_unseal(id, &status, blob->bytes, blob->size, out, sizeof(out), &out_size,
                                  out_aad, sizeof(out_aad), &out_aad_size),
                     SGX_SUCCESS);
    if (status == SGX_SUCCESS) {
        assert_int_equal(out_size, sizeof(text));
        assert_int_equal(out_aad_size, sizeof(aad));
        assert_memory_equal(out, text, sizeof(text));
        assert_memory_equal(out_aad, aad, sizeof(aad));
    } else {
        /* A failed unseal gives nothing back. */
        static const uint8_t zeros[sizeof(text)];
        assert_memory_equal(out, zeros, sizeof(out));
    }
    return status;
}

/* Seals in `sealer` (with policy), then unseals in a fresh enclave of `opener`. */
static int seal_then_unseal(const char *sealer, uint16_t policy, const char *opener)
{
    sgx_enclave_id_t id = create(sealer);
    struct blob blob = seal_in(id, policy);
    destroy(id);
    id = create(opener);
    int status = unseal_in(id, &blob);
    destroy(id);
    free(blob.bytes);
    return status;
}

static void a_blob_unseals_in_the_same_enclave_after_destroy_and_create(void **state)
{
    (void)state;
    assert_int_equal(seal_then_unseal(SEAL_A, 0, SEAL_A), SGX_SUCCESS);
    assert_int_equal(seal_then_unseal(SEAL_A, SGX_KEYPOLICY_MRENCLAVE, SEAL_A), SGX_SUCCESS);
}

static void an_mrsigner_blob_unseals_in_another_enclave_of_the_same_signer(void **state)
{
    (void)state;
    assert_int_equal(seal_then_unseal(SEAL_A, 0, SEAL_A_OTHER), SGX_SUCCESS);
    assert_int_equal(seal_then_unseal(SEAL_A_OTHER, SGX_KEYPOLICY_MRSIGNER, SEAL_A), SGX_SUCCESS);
}

static void an_mrenclave_blob_does_not_unseal_in_another_enclave_of_the_same_signer(void **state)
{
    (void)state;
    assert_int_equal(seal_then_unseal(SEAL_A, SGX_KEYPOLICY_MRENCLAVE, SEAL_A_OTHER),
                     SGX_ERROR_MAC_MISMATCH);
}

static void a_blob_does_not_unseal_under_another_signer(void **state)
{
    (void)state;
    /* B has A's MRENCLAVE: only the signer differs, so even the MRENCLAVE policy refuses,
     * because ISVPRODID and the signer's identity are bound by every key. */
    assert_int_equal(seal_then_unseal(SEAL_A, 0, SEAL_B), SGX_ERROR_MAC_MISMATCH);
    assert_int_equal(seal_then_unseal(SEAL_B, 0, SEAL_A), SGX_ERROR_MAC_MISMATCH);
}

static void a_blob_sealed_at_isvsvn_1_unseals_at_2_but_not_the_reverse(void **state)
{
    (void)state;
    assert_int_equal(seal_then_unseal(SEAL_A, 0, SEAL_A_SVN2), SGX_SUCCESS);
    assert_int_equal(seal_then_unseal(SEAL_A_SVN2, 0, SEAL_A), SGX_ERROR_INVALID_ISVSVN);
    /* Under the MRENCLAVE policy too: SVN 2 has A's MRENCLAVE. */
    assert_int_equal(seal_then_unseal(SEAL_A, SGX_KEYPOLICY_MRENCLAVE, SEAL_A_SVN2), SGX_SUCCESS);
}

static void a_blob_does_not_unseal_in_an_enclave_of_another_product(void **state)
{
    (void)state;
    assert_int_equal(seal_then_unseal(SEAL_A, 0, SEAL_A_PROD2), SGX_ERROR_MAC_MISMATCH);
    /* Unless the blob was sealed without ISVPRODID. */
    assert_int_equal(
        seal_then_unseal(SEAL_A, SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_NOISVPRODID, SEAL_A_PROD2),
        SGX_SUCCESS);
}

static void a_blob_of_a_debug_enclave_does_not_unseal_in_a_production_one(void **state)
{
    (void)state;
    sgx_enclave_id_t id = create_as(SEAL_A, 1);
    struct blob blob = seal_in(id, 0);
    destroy(id);
    id = create_as(SEAL_A, 0);
    assert_int_equal(unseal_in(id, &blob), SGX_ERROR_MAC_MISMATCH);
    destroy(id);
    free(blob.bytes);
}

/*
 * Every byte of a blob counts: changing any one fails with MAC_MISMATCH or
 * INVALID_PARAMETER and gives nothing back, except that a change raising the stored ISVSVN
 * CPUSVN or CONFIGSVN above the enclave's or the platform's says so (as SGX's SDK does).
 */
static void every_changed_byte_of_a_blob_fails_to_unseal(void **state)
{
    static const uint8_t flips[] = {0x01, 0x80};
    (void)state;
    sgx_enclave_id_t id = create(SEAL_A);
    struct blob blob = seal_in(id, 0);

    assert_int_equal(unseal_in(id, &blob), SGX_SUCCESS);
    for (size_t offset = 0; offset < blob.size; offset++) {
        for (size_t f = 0; f < sizeof(flips); f++) {
            blob.bytes[offset] ^= flips[f];
            int status = unseal_in(id, &blob);
            blob.bytes[offset] ^= flips[f];
            bool svn_field = (offset >= offsetof(sgx_key_request_t, isv_svn) &&
                              offset < offsetof(sgx_key_request_t, reserved1)) ||
                             (offset >= offsetof(sgx_key_request_t, cpu_svn) &&
                              offset < offsetof(sgx_key_request_t, attribute_mask)) ||
                             (offset >= offsetof(sgx_key_request_t, config_svn) &&
                              offset < offsetof(sgx_key_request_t, reserved2));
            if (status == SGX_ERROR_MAC_MISMATCH || status == SGX_ERROR_INVALID_PARAMETER)
                continue;
            if (svn_field &&
                (status == SGX_ERROR_INVALID_ISVSVN || status == SGX_ERROR_INVALID_CPUSVN))
                continue;
            fail_msg("byte %zu ^ %#x: status %#x", offset, flips[f], (unsigned)status);
        }
    }
    assert_int_equal(unseal_in(id, &blob), SGX_SUCCESS);
    destroy(id);
    free(blob.bytes);
}

static void the_checks_of_arguments_inside_the_enclave_hold(void **state)
{
    int failed = -1;
    (void)state;
    sgx_enclave_id_t id = create(SEAL_A);
    assert_int_equal(ecall_api_checks(id, &failed), SGX_SUCCESS);
    assert_int_equal(failed, 0);
    destroy(id);
}

static void wrong_sized_buffers_are_refused(void **state)
{
    uint8_t blob[1024], out[64], out_aad[64];
    uint32_t out_size = 0, out_aad_size = 0;
    int status = -1;
    (void)state;
    sgx_enclave_id_t id = create(SEAL_A);
    uint32_t size = sealed_size(sizeof(aad), sizeof(text));

    assert_int_equal(
        ecall_seal(id, &status, 0, text, sizeof(text), aad, sizeof(aad), blob, size + 8),
        SGX_SUCCESS);
    assert_int_equal(status, SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(ecall_seal(id, &status, 0, text, sizeof(text), aad, sizeof(aad), blob, size),
                     SGX_SUCCESS);
    assert_int_equal(status, SGX_SUCCESS);
    /* Text and MAC text buffers one byte short. */
    assert_int_equal(ecall_unseal(id, &status, blob, size, out, sizeof(text) - 1, &out_size,
                                  out_aad, sizeof(out_aad), &out_aad_size),
                     SGX_SUCCESS);
    assert_int_equal(status, SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(ecall_unseal(id, &status, blob, size, out, sizeof(out), &out_size, out_aad,
                                  sizeof(aad) - 1, &out_aad_size),
                     SGX_SUCCESS);
    assert_int_equal(status, SGX_ERROR_INVALID_PARAMETER);
    destroy(id);
}

/* ---- reports ------------------------------------------------------------------------------ */

static void self_target(sgx_enclave_id_t id, sgx_target_info_t *target)
{
    int status = -1;
    assert_int_equal(ecall_self_target(id, &status, (uint8_t *)target), SGX_SUCCESS);
    assert_int_equal(status, SGX_SUCCESS);
}

static void create_report(sgx_enclave_id_t id, const sgx_target_info_t *target,
                          const sgx_report_data_t *data, sgx_report_t *report)
{
    int status = -1;
    assert_int_equal(ecall_create_report(id, &status, (const uint8_t *)target,
                                         (const uint8_t *)data, (uint8_t *)report),
                     SGX_SUCCESS);
    assert_int_equal(status, SGX_SUCCESS);
}

static int verify_report(sgx_enclave_id_t id, const sgx_report_t *report)
{
    int status = -1;
    assert_int_equal(ecall_verify_report(id, &status, (const uint8_t *)report), SGX_SUCCESS);
    return status;
}

static void a_report_verifies_only_in_the_enclave_it_was_made_for(void **state)
{
    sgx_target_info_t target_b;
    sgx_report_data_t data;
    sgx_report_t report;
    (void)state;
    sgx_enclave_id_t a = create(SEAL_A), b = create(SEAL_A_OTHER), c = create(SEAL_A_PROD2);

    memset(&data, 0x5a, sizeof(data));
    self_target(b, &target_b);
    create_report(a, &target_b, &data, &report);
    assert_int_equal(verify_report(b, &report), SGX_SUCCESS);
    assert_int_equal(verify_report(c, &report), SGX_ERROR_MAC_MISMATCH);
    assert_int_equal(verify_report(a, &report), SGX_ERROR_MAC_MISMATCH);
    assert_memory_equal(report.body.report_data.d, data.d, sizeof(data.d));

    /* Any byte of body, key ID or MAC changed: it no longer verifies. */
    for (size_t offset = 0; offset < sizeof(report); offset += 7) {
        ((uint8_t *)&report)[offset] ^= 0x20;
        assert_int_equal(verify_report(b, &report), SGX_ERROR_MAC_MISMATCH);
        ((uint8_t *)&report)[offset] ^= 0x20;
    }
    assert_int_equal(verify_report(b, &report), SGX_SUCCESS);
    destroy(a);
    destroy(b);
    destroy(c);
}

/* MRSIGNER: SHA-256 of the signing key's modulus, little-endian as SIGSTRUCT holds it. */
static void mrsigner_of(const char *key_path, uint8_t mrsigner[32])
{
    FILE *file = fopen(key_path, "r");
    assert_non_null(file);
    EVP_PKEY *key = PEM_read_PrivateKey(file, NULL, NULL, NULL);
    fclose(file);
    assert_non_null(key);
    BIGNUM *n = NULL;
    uint8_t modulus[384];
    unsigned int size = 0;
    assert_int_equal(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n), 1);
    assert_int_equal(BN_bn2lebinpad(n, modulus, sizeof(modulus)), (int)sizeof(modulus));
    assert_int_equal(EVP_Digest(modulus, sizeof(modulus), mrsigner, &size, EVP_sha256(), NULL), 1);
    BN_free(n);
    EVP_PKEY_free(key);
}

static void a_report_carries_the_identity_the_platform_measured(void **state)
{
    sgx_target_info_t target;
    sgx_report_data_t data;
    sgx_report_t report, report_b;
    uint8_t signer_1[32], signer_2[32];
    (void)state;

    mrsigner_of(SEAL_KEY_1, signer_1);
    mrsigner_of(SEAL_KEY_2, signer_2);
    memset(&data, 0, sizeof(data));
    memcpy(data.d, "nonce", 5);
    sgx_enclave_id_t a = create(SEAL_A_SVN2), b = create(SEAL_B);
    self_target(a, &target);
    create_report(a, &target, &data, &report);
    create_report(b, &target, &data, &report_b);
    assert_int_equal(verify_report(a, &report), SGX_SUCCESS);
    assert_int_equal(verify_report(a, &report_b), SGX_SUCCESS);

    assert_memory_equal(report.body.mr_signer.m, signer_1, 32);
    assert_memory_equal(report_b.body.mr_signer.m, signer_2, 32);
    /* B is A signed by another key: the same MRENCLAVE. */
    assert_memory_equal(report.body.mr_enclave.m, report_b.body.mr_enclave.m, 32);
    assert_memory_equal(report.body.mr_enclave.m, target.mr_enclave.m, 32);
    assert_int_equal(report.body.isv_svn, 2);
    assert_int_equal(report_b.body.isv_svn, 1);
    assert_int_equal(report.body.isv_prod_id, 1);
    assert_true(report.body.attributes.flags & SGX_FLAGS_INITTED);
    assert_true(report.body.attributes.flags & SGX_FLAGS_DEBUG);
    assert_memory_equal(report.body.report_data.d, "nonce", 5);
    destroy(a);
    destroy(b);
}

/* ---- keys --------------------------------------------------------------------------------- */

static int get_key(sgx_enclave_id_t id, const sgx_key_request_t *request, uint8_t key[16])
{
    int status = -1;
    assert_int_equal(ecall_get_key(id, &status, (const uint8_t *)request, key), SGX_SUCCESS);
    return status;
}

static void get_key_refuses_what_egetkey_refuses(void **state)
{
    sgx_key_request_t request, bad;
    uint8_t key[16];
    (void)state;
    sgx_enclave_id_t id = create(SEAL_A);

    memset(&request, 0, sizeof(request));
    request.key_name = SGX_KEYSELECT_SEAL;
    request.key_policy = SGX_KEYPOLICY_MRSIGNER;
    request.isv_svn = 1;
    request.attribute_mask.flags = 0xFF0000000000000BULL;
    assert_int_equal(get_key(id, &request, key), SGX_SUCCESS);

    bad = request;
    bad.isv_svn = 2; /* above the enclave's */
    assert_int_equal(get_key(id, &bad, key), SGX_ERROR_INVALID_ISVSVN);
    bad = request;
    bad.cpu_svn.svn[15] = 1; /* above the platform's */
    assert_int_equal(get_key(id, &bad, key), SGX_ERROR_INVALID_CPUSVN);
    bad = request;
    bad.reserved1 = 1;
    assert_int_equal(get_key(id, &bad, key), SGX_ERROR_INVALID_PARAMETER);
    bad = request;
    bad.reserved2[100] = 1;
    assert_int_equal(get_key(id, &bad, key), SGX_ERROR_INVALID_PARAMETER);
    bad = request;
    bad.key_policy = 0x40;
    assert_int_equal(get_key(id, &bad, key), SGX_ERROR_INVALID_PARAMETER);
    bad = request;
    bad.key_policy = SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_CONFIGID; /* KSS is off */
    assert_int_equal(get_key(id, &bad, key), SGX_ERROR_INVALID_PARAMETER);
    bad = request;
    bad.key_name = 7;
    assert_int_equal(get_key(id, &bad, key), SGX_ERROR_INVALID_KEYNAME);
    bad = request;
    bad.key_name = SGX_KEYSELECT_PROVISION; /* needs the PROVISIONKEY attribute */
    assert_int_equal(get_key(id, &bad, key), SGX_ERROR_INVALID_ATTRIBUTE);
    bad = request;
    bad.key_name = SGX_KEYSELECT_EINITTOKEN;
    assert_int_equal(get_key(id, &bad, key), SGX_ERROR_INVALID_ATTRIBUTE);
    destroy(id);
}

static void mrsigner_keys_are_shared_by_a_signers_enclaves_and_mrenclave_keys_are_not(void **state)
{
    sgx_key_request_t request;
    uint8_t a_key[16], other_key[16], b_key[16];
    (void)state;
    sgx_enclave_id_t a = create(SEAL_A), other = create(SEAL_A_OTHER), b = create(SEAL_B);

    memset(&request, 0, sizeof(request));
    request.key_name = SGX_KEYSELECT_SEAL;
    request.key_policy = SGX_KEYPOLICY_MRSIGNER;
    request.key_id.id[3] = 9;
    assert_int_equal(get_key(a, &request, a_key), SGX_SUCCESS);
    assert_int_equal(get_key(other, &request, other_key), SGX_SUCCESS);
    assert_int_equal(get_key(b, &request, b_key), SGX_SUCCESS);
    assert_memory_equal(a_key, other_key, 16);
    assert_memory_not_equal(a_key, b_key, 16);

    request.key_policy = SGX_KEYPOLICY_MRENCLAVE;
    assert_int_equal(get_key(a, &request, a_key), SGX_SUCCESS);
    assert_int_equal(get_key(other, &request, other_key), SGX_SUCCESS);
    assert_memory_not_equal(a_key, other_key, 16);
    destroy(a);
    destroy(other);
    destroy(b);
}

/* ---- the platform secrets ------------------------------------------------------------------ */

static void secrets_path(char *path, size_t size)
{
    snprintf(path, size, "%s/platform-secrets", state_dir);
}

static void new_platform_secrets_make_earlier_blobs_unreadable(void **state)
{
    char path[512], saved[520];
    (void)state;
    secrets_path(path, sizeof(path));
    snprintf(saved, sizeof(saved), "%s.saved", path);

    sgx_enclave_id_t id = create(SEAL_A);
    struct blob blob = seal_in(id, 0);
    destroy(id);
    assert_int_equal(rename(path, saved), 0);
    /* The next use creates new secrets (and says so in the log). */
    id = create(SEAL_A);
    assert_int_equal(unseal_in(id, &blob), SGX_ERROR_MAC_MISMATCH);
    destroy(id);
    assert_int_equal(rename(saved, path), 0);
    id = create(SEAL_A);
    assert_int_equal(unseal_in(id, &blob), SGX_SUCCESS);
    destroy(id);
    free(blob.bytes);
}

/* Flips one bit of byte `offset` of the secrets file in place; returns the new byte. The
 * test never reads the secret itself (offset 56 on is the checksum). */
static uint8_t flip_secrets_byte(const char *path, off_t offset)
{
    uint8_t byte = 0;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &byte, 1, offset), 1);
    byte ^= 1;
    assert_int_equal(pwrite(fd, &byte, 1, offset), 1);
    close(fd);
    return byte;
}

static void damaged_platform_secrets_are_an_error_never_replaced(void **state)
{
    char path[512];
    uint8_t blob[1024];
    int status = -1;
    struct stat before, after;
    (void)state;
    secrets_path(path, sizeof(path));

    /* Make sure they exist, then damage one byte of the checksum. */
    sgx_enclave_id_t id = create(SEAL_A);
    struct blob sealed = seal_in(id, 0);
    destroy(id);
    uint8_t damaged = flip_secrets_byte(path, 60);
    assert_int_equal(stat(path, &before), 0);

    id = create(SEAL_A);
    assert_int_equal(ecall_seal(id, &status, 0, text, sizeof(text), aad, sizeof(aad), blob,
                                sealed_size(sizeof(aad), sizeof(text))),
                     SGX_SUCCESS);
    assert_int_equal(status, SGX_ERROR_UNEXPECTED);
    assert_int_equal(unseal_in(id, &sealed), SGX_ERROR_UNEXPECTED);
    destroy(id);

    /* The file was left as it was, and restoring it restores everything. */
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(after.st_ino, before.st_ino);
    assert_int_equal(after.st_size, 88);
    assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
    assert_int_equal(flip_secrets_byte(path, 60), damaged ^ 1);
    id = create(SEAL_A);
    assert_int_equal(unseal_in(id, &sealed), SGX_SUCCESS);
    destroy(id);
    free(sealed.bytes);
}

/*
 * Where the platform secret is in memory: root reads every readable mapping of the test's own
 * process, the monitor and the enclave process (/proc/PID/mem; secret memory stays
 * unreadable even to root) and looks for it. The test never holds the secret whole: it keeps
 * its first word masked and a SHA-256 of it.
 */
struct secret_print {
    uint64_t first_word_masked, mask;
    uint8_t digest[32];
};

static void secret_print_of_file(const char *path, struct secret_print *print)
{
    uint8_t file[88];
    unsigned int size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, file, sizeof(file)), (ssize_t)sizeof(file));
    close(fd);
    assert_int_equal(getrandom(&print->mask, sizeof(print->mask), 0), (ssize_t)sizeof(print->mask));
    memcpy(&print->first_word_masked, file + 24, 8); /* the secret is at offset 24 */
    print->first_word_masked ^= print->mask;
    assert_int_equal(EVP_Digest(file + 24, 32, print->digest, &size, EVP_sha256(), NULL), 1);
    explicit_bzero(file, sizeof(file));
}

static size_t count_in(const uint8_t *buffer, size_t size, const struct secret_print *print)
{
    size_t hits = 0;
    for (size_t at = 0; at + 32 <= size; at += 8) {
        uint64_t word;
        memcpy(&word, buffer + at, sizeof(word));
        if ((word ^ print->mask) != print->first_word_masked)
            continue;
        uint8_t digest[32];
        unsigned int digest_size = 0;
        assert_int_equal(EVP_Digest(buffer + at, 32, digest, &digest_size, EVP_sha256(), NULL), 1);
        hits += memcmp(digest, print->digest, sizeof(digest)) == 0;
    }
    return hits;
}

static size_t scan_process(pid_t pid, const struct secret_print *print)
{
    char path[64], line[512];
    size_t hits = 0;
    uint8_t *buffer = malloc((size_t)1 << 20);
    assert_non_null(buffer);
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
    FILE *maps = fopen(path, "re");
    snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
    int mem = open(path, O_RDONLY | O_CLOEXEC);
    while (maps != NULL && mem >= 0 && fgets(line, sizeof(line), maps) != NULL) {
        unsigned long long start, stop;
        char permissions[8];
        if (sscanf(line, "%llx-%llx %7s", &start, &stop, permissions) != 3 ||
            permissions[0] != 'r' || stop - start > ((uint64_t)1 << 30) ||
            strstr(line, "[vvar") != NULL)
            continue;
        for (uint64_t at = start; at < stop;) {
            size_t want = stop - at < ((size_t)1 << 20) ? (size_t)(stop - at) : ((size_t)1 << 20);
            ssize_t n = pread(mem, buffer, want, (off_t)at);
            if (n <= 32)
                break;
            hits += count_in(buffer, (size_t)n, print);
            if (at + (uint64_t)n >= stop)
                break;
            at += (uint64_t)n - 32;
        }
    }
    if (mem >= 0)
        close(mem);
    if (maps != NULL)
        fclose(maps);
    explicit_bzero(buffer, (size_t)1 << 20);
    free(buffer);
    return hits;
}

/* The first child of parent named name (the monitor, the enclave process), or 0. */
static pid_t child_named(pid_t parent, const char *name)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    pid_t found = 0;
    assert_non_null(proc);
    while (found == 0 && (entry = readdir(proc)) != NULL) {
        char path[300], stat[512], comm[64];
        int ppid = 0;
        snprintf(path, sizeof(path), "/proc/%s/stat", entry->d_name);
        FILE *file = fopen(path, "re");
        if (file == NULL)
            continue;
        if (fgets(stat, sizeof(stat), file) != NULL &&
            sscanf(stat, "%*d (%63[^)]) %*c %d", comm, &ppid) == 2 && ppid == (int)parent &&
            strcmp(comm, name) == 0)
            found = (pid_t)atoi(entry->d_name);
        fclose(file);
    }
    closedir(proc);
    return found;
}

static void the_platform_secret_is_in_the_platform_and_nowhere_else(void **state)
{
    char path[512];
    struct secret_print print;
    (void)state;
    if (geteuid() != 0) {
        /* Reading a process that is not dumpable takes CAP_SYS_PTRACE. */
        printf("not run: scanning the monitor and the enclave process needs root\n");
        return;
    }
    sgx_enclave_id_t id = create(SEAL_A);
    struct blob blob = seal_in(id, 0); /* the platform has read its secrets now */
    secrets_path(path, sizeof(path));
    secret_print_of_file(path, &print);
    const char *backend = getenv("CELLA_BACKEND");
    if (backend != NULL && strcmp(backend, "sim") == 0) {
        /* The sim backend is the platform, in this process: the scan can succeed. */
        assert_true(scan_process(getpid(), &print) >= 1);
    } else {
        pid_t monitor = child_named(getpid(), "cella-monitor");
        assert_true(monitor > 0);
        pid_t enclave = child_named(monitor, "cella-enclave");
        assert_true(enclave > 0);
        /* This process first: the monitor's scan brings the secret into this process. */
        assert_int_equal(scan_process(getpid(), &print), 0);
        assert_int_equal(scan_process(enclave, &print), 0);
        assert_true(scan_process(monitor, &print) >= 1);
    }
    destroy(id);
    free(blob.bytes);
}

/* ---- threads ------------------------------------------------------------------------------- */

struct worker {
    sgx_enclave_id_t id;
    int failures;
};

static void *seal_repeatedly(void *argument)
{
    struct worker *worker = argument;
    uint8_t blob[1024], out[sizeof(text)], out_aad[sizeof(aad)];
    uint32_t size = sealed_size(sizeof(aad), sizeof(text));

    for (int i = 0; i < 200; i++) {
        int status = -1;
        uint32_t out_size = 0, out_aad_size = 0;
        if (ecall_seal(worker->id, &status, 0, text, sizeof(text), aad, sizeof(aad), blob, size) !=
                SGX_SUCCESS ||
            status != SGX_SUCCESS ||
            ecall_unseal(worker->id, &status, blob, size, out, sizeof(out), &out_size, out_aad,
                         sizeof(out_aad), &out_aad_size) != SGX_SUCCESS ||
            status != SGX_SUCCESS || memcmp(out, text, sizeof(text)) != 0)
            worker->failures++;
    }
    return NULL;
}

static void two_threads_seal_and_unseal_at_once(void **state)
{
    struct worker workers[2];
    pthread_t threads[2];
    (void)state;
    sgx_enclave_id_t id = create(SEAL_A);

    for (int t = 0; t < 2; t++) {
        workers[t].id = id;
        workers[t].failures = 0;
        assert_int_equal(pthread_create(&threads[t], NULL, seal_repeatedly, &workers[t]), 0);
    }
    for (int t = 0; t < 2; t++) {
        assert_int_equal(pthread_join(threads[t], NULL), 0);
        assert_int_equal(workers[t].failures, 0);
    }
    destroy(id);
}

static int remove_state(void **state)
{
    char path[512];
    (void)state;
    secrets_path(path, sizeof(path));
    (void)unlink(path);
    (void)rmdir(state_dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_blob_unseals_in_the_same_enclave_after_destroy_and_create),
        cmocka_unit_test(an_mrsigner_blob_unseals_in_another_enclave_of_the_same_signer),
        cmocka_unit_test(an_mrenclave_blob_does_not_unseal_in_another_enclave_of_the_same_signer),
        cmocka_unit_test(a_blob_does_not_unseal_under_another_signer),
        cmocka_unit_test(a_blob_sealed_at_isvsvn_1_unseals_at_2_but_not_the_reverse),
        cmocka_unit_test(a_blob_does_not_unseal_in_an_enclave_of_another_product),
        cmocka_unit_test(a_blob_of_a_debug_enclave_does_not_unseal_in_a_production_one),
        cmocka_unit_test(every_changed_byte_of_a_blob_fails_to_unseal),
        cmocka_unit_test(the_checks_of_arguments_inside_the_enclave_hold),
        cmocka_unit_test(wrong_sized_buffers_are_refused),
        cmocka_unit_test(a_report_verifies_only_in_the_enclave_it_was_made_for),
        cmocka_unit_test(a_report_carries_the_identity_the_platform_measured),
        cmocka_unit_test(get_key_refuses_what_egetkey_refuses),
        cmocka_unit_test(mrsigner_keys_are_shared_by_a_signers_enclaves_and_mrenclave_keys_are_not),
        cmocka_unit_test(new_platform_secrets_make_earlier_blobs_unreadable),
        cmocka_unit_test(damaged_platform_secrets_are_an_error_never_replaced),
        cmocka_unit_test(the_platform_secret_is_in_the_platform_and_nowhere_else),
        cmocka_unit_test(two_threads_seal_and_unseal_at_once),
    };
    if (mkdtemp(state_dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    setenv("CELLA_STATE_DIR", state_dir, 1);
    return cmocka_run_group_tests(tests, NULL, remove_state);
}
