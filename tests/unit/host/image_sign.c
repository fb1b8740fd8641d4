/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for host/image_sign.c and host/image_verify.c on a real static-PIE test enclave. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, popen */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cella/enclave_config.h>
#include <cella/image.h>
#include <cella/image_sign.h>
#include <cella/image_verify.h>
#include <cella/layout.h>
#include <cella/sigstruct.h>
#include <cella/log.h>
#include <cella/measure.h>
#include <cella/sigstruct.h>

#include "host/sha256_openssl.h"
#include "../common/test_elf.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define KEY            CELLA_SIGSTRUCT_KEY_BYTES
#define DATE           0x20240102u

struct blob {
    uint8_t *data;
    size_t size;
};

/* Shared by all tests: the unsigned test enclave and the keys (RSA generation is slow). */
static struct blob enclave;
static struct blob enclave_no_note;
static EVP_PKEY *key;
static struct blob key_private;
static struct blob key_public;
static struct blob small_key_private; /* RSA-2048, e = 3 */
static struct blob f4_key_private;    /* RSA-3072, e = 65537 */

static char last_error[CELLA_LOG_MESSAGE_MAX_BYTES];

static void remember_error(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    if (level == CELLA_LOG_ERROR)
        snprintf(last_error, sizeof(last_error), "%s", message);
}

static struct blob read_all(const char *path)
{
    FILE *file = fopen(path, "rb");
    struct blob blob = {NULL, 0};
    long size;

    if (file == NULL)
        fail_msg("cannot open %s (the test enclave is built by the cella_test_enclaves target)",
                 path);
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    size = ftell(file);
    assert_true(size > 0);
    rewind(file);
    blob.size = (size_t)size;
    blob.data = malloc(blob.size);
    assert_non_null(blob.data);
    assert_int_equal(fread(blob.data, 1, blob.size, file), blob.size);
    fclose(file);
    return blob;
}

static struct blob copy_of(const struct blob *blob)
{
    struct blob copy = {malloc(blob->size), blob->size};
    assert_non_null(copy.data);
    memcpy(copy.data, blob->data, blob->size);
    return copy;
}

static EVP_PKEY *generate_rsa(unsigned bits, unsigned exponent)
{
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    BIGNUM *e = BN_new();
    EVP_PKEY *generated = NULL;

    assert_non_null(context);
    assert_int_equal(BN_set_word(e, exponent), 1);
    assert_int_equal(EVP_PKEY_keygen_init(context), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(context, (int)bits), 1);
    assert_int_equal(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(context, e), 1);
    assert_int_equal(EVP_PKEY_generate(context, &generated), 1);
    BN_free(e);
    EVP_PKEY_CTX_free(context);
    return generated;
}

static struct blob pem_of(EVP_PKEY *pkey, int selection)
{
    OSSL_ENCODER_CTX *encoder = OSSL_ENCODER_CTX_new_for_pkey(
        pkey, selection, "PEM",
        selection == EVP_PKEY_PUBLIC_KEY ? "SubjectPublicKeyInfo" : "PrivateKeyInfo", NULL);
    unsigned char *data = NULL;
    size_t size = 0;
    struct blob blob;

    assert_non_null(encoder);
    assert_int_equal(OSSL_ENCODER_to_data(encoder, &data, &size), 1);
    OSSL_ENCODER_CTX_free(encoder);
    blob.data = data;
    blob.size = size;
    return blob;
}

static int group_setup(void **state)
{
    EVP_PKEY *other;

    (void)state;
    enclave = read_all(CELLA_TEST_ENCLAVE);
    enclave_no_note = read_all(CELLA_TEST_ENCLAVE_NO_NOTE);
    key = generate_rsa(3072, 3);
    key_private = pem_of(key, EVP_PKEY_KEYPAIR);
    key_public = pem_of(key, EVP_PKEY_PUBLIC_KEY);
    other = generate_rsa(2048, 3);
    small_key_private = pem_of(other, EVP_PKEY_KEYPAIR);
    EVP_PKEY_free(other);
    other = generate_rsa(3072, 65537);
    f4_key_private = pem_of(other, EVP_PKEY_KEYPAIR);
    EVP_PKEY_free(other);
    cella_log_set_handler(remember_error, NULL);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cella_log_set_handler(NULL, NULL);
    free(enclave.data);
    free(enclave_no_note.data);
    EVP_PKEY_free(key);
    OPENSSL_free(key_private.data);
    OPENSSL_free(key_public.data);
    OPENSSL_free(small_key_private.data);
    OPENSSL_free(f4_key_private.data);
    return 0;
}

/* The test enclave signed with the default configuration (or the one given). */
static struct blob signed_enclave(const cella_enclave_config_t *config,
                                  cella_enclave_metadata_t *metadata)
{
    cella_enclave_config_t defaults;
    struct blob file = copy_of(&enclave);

    cella_enclave_config_init(&defaults);
    assert_int_equal(cella_image_sign(file.data, file.size, config != NULL ? config : &defaults,
                                      DATE, 0, key_private.data, key_private.size, metadata),
                     CELLA_OK);
    return file;
}

static void reverse(uint8_t *out, const uint8_t *in, size_t size)
{
    for (size_t i = 0; i < size; i++)
        out[i] = in[size - 1 - i];
}

static void sign_writes_metadata_that_verifies(void **state)
{
    cella_enclave_metadata_t metadata;
    struct blob file = signed_enclave(NULL, &metadata);
    cella_image_info_t *info = calloc(1, sizeof(*info));
    cella_image_check_t check = CELLA_IMAGE_CHECK_ELF;

    (void)state;
    assert_non_null(info);
    assert_int_equal(cella_image_verify(file.data, file.size, info, &check), CELLA_OK);
    assert_int_equal(check, CELLA_IMAGE_CHECK_NONE);
    assert_memory_equal(&info->metadata, &metadata, sizeof(metadata));
    assert_memory_equal(info->mrenclave.m, metadata.sigstruct.enclave_hash.m, 32);
    assert_int_equal(info->layout.enclave_size, metadata.enclave_size);
    assert_int_equal(info->layout.config.tcs_count, 1);
    free(info);
    free(file.data);
}

static void sign_changes_only_the_metadata_note(void **state)
{
    struct blob file = signed_enclave(NULL, NULL);
    cella_image_t image;

    (void)state;
    assert_int_equal(cella_image_parse(enclave.data, enclave.size, &image), CELLA_OK);
    assert_int_equal(file.size, enclave.size);
    assert_memory_equal(file.data, enclave.data, image.metadata_offset);
    assert_memory_equal(file.data + image.metadata_offset + image.metadata_size,
                        enclave.data + image.metadata_offset + image.metadata_size,
                        file.size - image.metadata_offset - image.metadata_size);
    assert_memory_not_equal(file.data + image.metadata_offset, enclave.data + image.metadata_offset,
                            CELLA_METADATA_BYTES);
    free(file.data);
}

static void sign_fills_sigstruct_as_sgx_sign_does(void **state)
{
    cella_enclave_config_t config;
    cella_enclave_metadata_t metadata;
    struct blob file;
    const cella_sigstruct_t *s = &metadata.sigstruct;

    (void)state;
    cella_enclave_config_init(&config);
    config.prod_id = 0x1234;
    config.isv_svn = 7;
    config.misc_select = 1;
    config.misc_mask = 0xFFFFFFFE;
    file = signed_enclave(&config, &metadata);
    assert_int_equal(s->type, 0);
    assert_int_equal(s->module_vendor, 0);
    assert_int_equal(s->date, DATE);
    assert_int_equal(s->hw_version, 0);
    assert_int_equal(s->misc_select, 1);
    assert_int_equal(s->misc_mask, 0xFFFFFFFE);
    assert_int_equal(s->attributes.flags, 0x4);
    assert_int_equal(s->attributes.xfrm, 0x3);
    assert_int_equal(s->attribute_mask.flags, 0xFF00FFFFFFFFFFFDULL);
    assert_int_equal(s->attribute_mask.xfrm, 0xFFFFFFFFFFF9FD1BULL);
    assert_int_equal(s->isv_prod_id, 0x1234);
    assert_int_equal(s->isv_svn, 7);
    assert_int_equal(metadata.ssa_frame_size, 1);
    assert_int_equal(metadata.nssa, 2);
    assert_int_equal(metadata.heap_size, 0x100000);
    assert_int_equal(metadata.stack_size, 0x40000);
    free(file.data);

    /* DisableDebug: the mask then also covers DEBUG, so DEBUG must stay 0. */
    config.disable_debug = true;
    file = signed_enclave(&config, &metadata);
    assert_int_equal(s->attribute_mask.flags, 0xFF00FFFFFFFFFFFFULL);
    assert_int_equal(s->attributes.flags, 0x4);
    assert_int_equal(metadata.disable_debug, 1);
    assert_int_equal(cella_image_verify(file.data, file.size, NULL, NULL), CELLA_OK);
    free(file.data);
}

static void signature_verifies_with_openssl_and_mrsigner_hashes_the_modulus(void **state)
{
    cella_enclave_metadata_t metadata;
    struct blob file = signed_enclave(NULL, &metadata);
    cella_image_info_t *info = calloc(1, sizeof(*info));
    const cella_sigstruct_t *s = &metadata.sigstruct;
    uint8_t data[256];
    uint8_t signature[KEY];
    uint8_t mrsigner[32];
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    (void)state;
    memcpy(data, s, 128);
    memcpy(data + 128, (const uint8_t *)s + 900, 128);
    reverse(signature, s->signature, KEY);
    assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestVerify(md, signature, KEY, data, sizeof(data)), 1);
    assert_int_equal(EVP_Digest(s->modulus, KEY, mrsigner, NULL, EVP_sha256(), NULL), 1);
    assert_int_equal(cella_image_verify(file.data, file.size, info, NULL), CELLA_OK);
    assert_memory_equal(info->mrsigner.m, mrsigner, sizeof(mrsigner));
    EVP_MD_CTX_free(md);
    free(info);
    free(file.data);
}

static void the_library_measurement_is_the_signed_enclave_hash(void **state)
{
    cella_enclave_metadata_t metadata;
    struct blob file = signed_enclave(NULL, &metadata);
    cella_image_t image;
    cella_layout_config_t config;
    cella_layout_t layout;
    cella_sha256_ops_t sha256;
    sgx_measurement_t mrenclave;

    (void)state;
    assert_int_equal(cella_image_parse(file.data, file.size, &image), CELLA_OK);
    assert_int_equal(cella_layout_config_init(&config, &metadata), CELLA_OK);
    assert_int_equal(cella_layout_compute(&image, &config, &layout), CELLA_OK);
    assert_int_equal(cella_sha256_openssl_init(&sha256), CELLA_OK);
    assert_int_equal(cella_measure_layout(&layout, &image, &sha256, &mrenclave), CELLA_OK);
    cella_sha256_openssl_clear(&sha256);
    cella_sha256_openssl_clear(&sha256);
    assert_memory_equal(mrenclave.m, metadata.sigstruct.enclave_hash.m, 32);
    free(file.data);
}

/* Runs `cella sign dump` on a file and returns the hex MRENCLAVE it prints. */
static void dump_mrenclave(const struct blob *file, char hex[65])
{
    char path[] = "/tmp/cella-test-enclave-XXXXXX";
    char command[256];
    char line[256];
    FILE *output;
    int fd = mkstemp(path);
    bool found = false;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, file->data, file->size), (ssize_t)file->size);
    close(fd);
    snprintf(command, sizeof(command), "'%s' sign dump -enclave '%s'", CELLA_TEST_CELLA, path);
    output = popen(command, "r");
    assert_non_null(output);
    while (fgets(line, sizeof(line), output) != NULL) {
        if (sscanf(line, "mrenclave: %64s", hex) == 1)
            found = true;
    }
    assert_int_equal(pclose(output), 0);
    unlink(path);
    assert_true(found);
}

static void cella_sign_dump_shows_the_library_mrenclave(void **state)
{
    cella_enclave_metadata_t metadata;
    struct blob file = signed_enclave(NULL, &metadata);
    char printed[65] = "";
    char expected[65];

    (void)state;
    for (size_t i = 0; i < 32; i++)
        snprintf(expected + 2 * i, 3, "%02x", metadata.sigstruct.enclave_hash.m[i]);
    dump_mrenclave(&file, printed);
    assert_string_equal(printed, expected);
    free(file.data);
}

static void two_step_signing_gives_the_same_file_as_one_step(void **state)
{
    cella_enclave_config_t config;
    struct blob one_step;
    struct blob two_step = copy_of(&enclave);
    uint8_t data[CELLA_SIGSTRUCT_SIGNED_BYTES];
    uint8_t signature[KEY];
    size_t signature_size = sizeof(signature);
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    (void)state;
    cella_enclave_config_init(&config);
    config.tcs_num = 3;
    one_step = signed_enclave(&config, NULL);
    /* Step 1, then an "HSM" (OpenSSL here) signs, then step 2 with the public key only. */
    assert_int_equal(
        cella_image_sign_gendata(enclave.data, enclave.size, &config, DATE, 0, data, sizeof(data)),
        CELLA_OK);
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(md, signature, &signature_size, data, sizeof(data)), 1);
    assert_int_equal(cella_image_sign_catsig(two_step.data, two_step.size, &config, 0, data,
                                             sizeof(data), key_public.data, key_public.size,
                                             signature, signature_size, NULL),
                     CELLA_OK);
    assert_memory_equal(two_step.data, one_step.data, one_step.size);
    EVP_MD_CTX_free(md);
    free(two_step.data);
    free(one_step.data);
}

static void catsig_rejects_data_for_another_configuration_or_a_bad_signature(void **state)
{
    cella_enclave_config_t config;
    struct blob file = copy_of(&enclave);
    uint8_t data[CELLA_SIGSTRUCT_SIGNED_BYTES];
    uint8_t signature[KEY];
    size_t signature_size = sizeof(signature);
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    (void)state;
    cella_enclave_config_init(&config);
    assert_int_equal(
        cella_image_sign_gendata(enclave.data, enclave.size, &config, DATE, 0, data, sizeof(data)),
        CELLA_OK);
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(md, signature, &signature_size, data, sizeof(data)), 1);
    config.isv_svn = 1;
    assert_int_equal(cella_image_sign_catsig(file.data, file.size, &config, 0, data, sizeof(data),
                                             key_public.data, key_public.size, signature,
                                             signature_size, NULL),
                     CELLA_ERR_VERIFY_FAILED);
    assert_non_null(strstr(last_error, "does not match this enclave and configuration"));
    config.isv_svn = 0;
    signature[100] ^= 1;
    assert_int_equal(cella_image_sign_catsig(file.data, file.size, &config, 0, data, sizeof(data),
                                             key_public.data, key_public.size, signature,
                                             signature_size, NULL),
                     CELLA_ERR_VERIFY_FAILED);
    assert_memory_equal(file.data, enclave.data, enclave.size);
    EVP_MD_CTX_free(md);
    free(file.data);
}

/* Where to flip one byte of a signed enclave, and which check must then fail. */
enum target {
    CODE,
    DATA,
    METADATA_POLICY,
    METADATA_MISC,
    METADATA_DEBUG,
    SIGSTRUCT_BODY,
    SIGSTRUCT_Q1,
    ELF_MAGIC,
    METADATA_MAGIC
};

static const struct {
    const char *name;
    enum target target;
    cella_result_t result;
    cella_image_check_t check;
} flips[] = {
    {"a code byte", CODE, CELLA_ERR_VERIFY_FAILED, CELLA_IMAGE_CHECK_MEASUREMENT},
    {"a data byte", DATA, CELLA_ERR_VERIFY_FAILED, CELLA_IMAGE_CHECK_MEASUREMENT},
    {"the metadata TCS policy", METADATA_POLICY, CELLA_ERR_VERIFY_FAILED,
     CELLA_IMAGE_CHECK_MEASUREMENT},
    {"the metadata MISCSELECT", METADATA_MISC, CELLA_ERR_VERIFY_FAILED, CELLA_IMAGE_CHECK_CONFIG},
    {"the metadata DisableDebug", METADATA_DEBUG, CELLA_ERR_VERIFY_FAILED,
     CELLA_IMAGE_CHECK_CONFIG},
    {"a SIGSTRUCT body byte", SIGSTRUCT_BODY, CELLA_ERR_VERIFY_FAILED, CELLA_IMAGE_CHECK_SIGNATURE},
    {"a SIGSTRUCT Q1 byte", SIGSTRUCT_Q1, CELLA_ERR_VERIFY_FAILED, CELLA_IMAGE_CHECK_SIGNATURE},
    {"the ELF magic", ELF_MAGIC, CELLA_ERR_INVALID_FORMAT, CELLA_IMAGE_CHECK_ELF},
    {"the metadata magic", METADATA_MAGIC, CELLA_ERR_INVALID_FORMAT, CELLA_IMAGE_CHECK_METADATA},
};

static size_t flip_offset(const cella_image_t *image, enum target target)
{
    size_t metadata = image->metadata_offset;

    switch (target) {
    case CODE:
        for (uint32_t i = 0; i < image->segment_count; i++) {
            const cella_image_segment_t *s = &image->segments[i];
            if ((s->secinfo_flags & CELLA_SECINFO_X) != 0)
                return (size_t)(s->file_offset + (image->entry - s->vaddr));
        }
        break;
    case DATA:
        for (uint32_t i = 0; i < image->segment_count; i++) {
            const cella_image_segment_t *s = &image->segments[i];
            if ((s->secinfo_flags & CELLA_SECINFO_W) != 0 && s->file_size > 0)
                return (size_t)(s->file_offset + s->file_size - 1);
        }
        break;
    case METADATA_POLICY:
        return metadata + offsetof(cella_enclave_metadata_t, tcs_policy);
    case METADATA_MISC:
        return metadata + offsetof(cella_enclave_metadata_t, misc_select);
    case METADATA_DEBUG:
        return metadata + offsetof(cella_enclave_metadata_t, disable_debug);
    case SIGSTRUCT_BODY:
        return metadata + offsetof(cella_enclave_metadata_t, sigstruct) +
               offsetof(cella_sigstruct_t, isv_svn);
    case SIGSTRUCT_Q1:
        return metadata + offsetof(cella_enclave_metadata_t, sigstruct) +
               offsetof(cella_sigstruct_t, q1) + 10;
    case ELF_MAGIC:
        return 1;
    case METADATA_MAGIC:
        return metadata;
    }
    fail_msg("no place to flip");
    return 0;
}

static void verify_names_the_check_a_flipped_byte_breaks(void **state)
{
    struct blob file = signed_enclave(NULL, NULL);
    cella_image_t image;

    (void)state;
    assert_int_equal(cella_image_parse(file.data, file.size, &image), CELLA_OK);
    for (size_t i = 0; i < ARRAY_COUNT(flips); i++) {
        size_t offset = flip_offset(&image, flips[i].target);
        cella_image_check_t check = CELLA_IMAGE_CHECK_NONE;
        cella_result_t r;

        file.data[offset] ^= 1;
        r = cella_image_verify(file.data, file.size, NULL, &check);
        file.data[offset] ^= 1;
        if (r != flips[i].result || check != flips[i].check)
            fail_msg("flipping %s gave result %d, check '%s'; expected %d, '%s'", flips[i].name,
                     (int)r, cella_image_check_str(check), (int)flips[i].result,
                     cella_image_check_str(flips[i].check));
    }
    assert_int_equal(cella_image_verify(file.data, file.size, NULL, NULL), CELLA_OK);
    free(file.data);
}

/* Attributes cella does not grant, in an image signed with them, fail the configuration check
 * (however validly signed). */
static void verify_refuses_attributes_cella_does_not_grant(void **state)
{
    static const uint64_t refused[] = {SGX_FLAGS_PROVISION_KEY, SGX_FLAGS_EINITTOKEN_KEY,
                                       SGX_FLAGS_KSS};

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(refused); i++) {
        struct blob file = signed_enclave(NULL, NULL);
        cella_enclave_metadata_t metadata;
        cella_image_check_t check = CELLA_IMAGE_CHECK_NONE;
        cella_image_t image;

        assert_int_equal(cella_image_parse(file.data, file.size, &image), CELLA_OK);
        memcpy(&metadata, file.data + image.metadata_offset, sizeof(metadata));
        metadata.attributes.flags |= refused[i];
        metadata.sigstruct.attributes.flags |= refused[i];
        assert_int_equal(
            cella_sigstruct_sign(&metadata.sigstruct, key_private.data, key_private.size),
            CELLA_OK);
        memcpy(file.data + image.metadata_offset, &metadata, sizeof(metadata));
        assert_int_equal(cella_image_verify(file.data, file.size, NULL, &check),
                         CELLA_ERR_VERIFY_FAILED);
        assert_int_equal(check, CELLA_IMAGE_CHECK_CONFIG);
        /* Without the attribute, the same re-signing verifies. */
        metadata.attributes.flags &= ~refused[i];
        metadata.sigstruct.attributes.flags &= ~refused[i];
        assert_int_equal(
            cella_sigstruct_sign(&metadata.sigstruct, key_private.data, key_private.size),
            CELLA_OK);
        memcpy(file.data + image.metadata_offset, &metadata, sizeof(metadata));
        assert_int_equal(cella_image_verify(file.data, file.size, NULL, &check), CELLA_OK);
        free(file.data);
    }
}

static void verify_reports_unsigned_and_unreserved_images(void **state)
{
    cella_image_check_t check = CELLA_IMAGE_CHECK_NONE;

    (void)state;
    assert_int_equal(cella_image_verify(enclave.data, enclave.size, NULL, &check),
                     CELLA_ERR_INVALID_STATE);
    assert_int_equal(check, CELLA_IMAGE_CHECK_NOT_SIGNED);
    assert_int_equal(cella_image_verify(enclave_no_note.data, enclave_no_note.size, NULL, &check),
                     CELLA_ERR_NOT_FOUND);
    assert_int_equal(check, CELLA_IMAGE_CHECK_NO_METADATA);
    assert_int_equal(cella_image_verify(NULL, 10, NULL, &check), CELLA_ERR_INVALID_ARGUMENT);
    assert_string_equal(cella_image_check_str(CELLA_IMAGE_CHECK_MEASUREMENT),
                        "measurement mismatch");
}

static void sign_rejects_keys_sgx_cannot_use(void **state)
{
    cella_enclave_config_t config;
    struct blob file = copy_of(&enclave);

    (void)state;
    cella_enclave_config_init(&config);
    assert_int_equal(cella_image_sign(file.data, file.size, &config, DATE, 0,
                                      small_key_private.data, small_key_private.size, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(last_error, "openssl genrsa -3 -out Enclave_private.pem 3072"));
    assert_int_equal(cella_image_sign(file.data, file.size, &config, DATE, 0, f4_key_private.data,
                                      f4_key_private.size, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(last_error, "public exponent 65537"));
    assert_memory_equal(file.data, enclave.data, enclave.size);
    free(file.data);
}

static void sign_requires_the_metadata_section(void **state)
{
    cella_enclave_config_t config;
    struct blob file = copy_of(&enclave_no_note);

    (void)state;
    cella_enclave_config_init(&config);
    assert_int_equal(cella_image_sign(file.data, file.size, &config, DATE, 0, key_private.data,
                                      key_private.size, NULL),
                     CELLA_ERR_NOT_FOUND);
    assert_non_null(strstr(last_error, "link the enclave with the cella trusted runtime"));
    free(file.data);
}

static void sign_rejects_a_writable_and_executable_segment(void **state)
{
    struct test_elf_spec spec;
    cella_enclave_config_t config;
    size_t size;
    uint8_t *file;

    (void)state;
    test_elf_default_spec(&spec);
    spec.phdrs[0].flags |= TEST_PF_W;
    file = test_elf_build(&spec, &size);
    cella_enclave_config_init(&config);
    assert_int_equal(
        cella_image_sign(file, size, &config, DATE, 0, key_private.data, key_private.size, NULL),
        CELLA_ERR_INVALID_FORMAT);
    assert_non_null(strstr(last_error, "W+X"));
    free(file);
}

static void sign_refuses_text_relocations_and_init_sections_unless_told(void **state)
{
    struct test_elf_spec spec;
    cella_enclave_config_t config;
    cella_image_t image;
    cella_enclave_metadata_t metadata;
    size_t size;
    uint8_t *file;

    (void)state;
    cella_enclave_config_init(&config);
    config.heap_max_size = 0x1000;
    config.stack_max_size = 0x1000;
    test_elf_default_spec(&spec);
    spec.with_textrel = true;
    spec.with_init = true;
    spec.with_layout_table = true;
    file = test_elf_build(&spec, &size);
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_int_equal(cella_image_sign_prepare(&image, &config, DATE, 0, &metadata),
                     CELLA_ERR_INVALID_FORMAT);
    assert_non_null(strstr(last_error, "-ignore-rel-error"));
    assert_int_equal(cella_image_sign_prepare(&image, &config, DATE,
                                              CELLA_IMAGE_SIGN_IGNORE_TEXT_RELOCATIONS, &metadata),
                     CELLA_ERR_INVALID_FORMAT);
    assert_non_null(strstr(last_error, "-ignore-init-sec-error"));
    assert_int_equal(cella_image_sign_prepare(&image, &config, DATE,
                                              CELLA_IMAGE_SIGN_IGNORE_TEXT_RELOCATIONS |
                                                  CELLA_IMAGE_SIGN_IGNORE_INIT_SECTION,
                                              &metadata),
                     CELLA_OK);
    free(file);
}

static void sign_refuses_a_signed_enclave_unless_resigning(void **state)
{
    cella_enclave_config_t config;
    struct blob file = signed_enclave(NULL, NULL);

    (void)state;
    cella_enclave_config_init(&config);
    assert_int_equal(cella_image_sign(file.data, file.size, &config, DATE, 0, key_private.data,
                                      key_private.size, NULL),
                     CELLA_ERR_INVALID_STATE);
    assert_non_null(strstr(last_error, "already signed"));
    config.isv_svn = 9;
    assert_int_equal(cella_image_sign(file.data, file.size, &config, DATE, CELLA_IMAGE_SIGN_RESIGN,
                                      key_private.data, key_private.size, NULL),
                     CELLA_OK);
    assert_int_equal(cella_image_verify(file.data, file.size, NULL, NULL), CELLA_OK);
    free(file.data);
}

static void sign_rejects_a_configuration_out_of_range(void **state)
{
    cella_enclave_config_t config;
    struct blob file = copy_of(&enclave);

    (void)state;
    cella_enclave_config_init(&config);
    config.tcs_num = 0;
    assert_int_equal(cella_image_sign(file.data, file.size, &config, DATE, 0, key_private.data,
                                      key_private.size, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    cella_enclave_config_init(&config);
    config.heap_max_size = 1ULL << 40;
    assert_int_equal(cella_image_sign(file.data, file.size, &config, DATE, 0, key_private.data,
                                      key_private.size, NULL),
                     CELLA_ERR_OVERFLOW);
    free(file.data);
}

static void several_threads_sign_and_verify(void **state)
{
    cella_enclave_config_t config;
    cella_enclave_metadata_t metadata;
    cella_image_info_t *info = calloc(1, sizeof(*info));
    struct blob file;

    (void)state;
    cella_enclave_config_init(&config);
    config.tcs_num = 4;
    config.tcs_policy = 0;
    file = signed_enclave(&config, &metadata);
    assert_int_equal(cella_image_verify(file.data, file.size, info, NULL), CELLA_OK);
    assert_int_equal(info->layout.config.tcs_count, 4);
    assert_int_equal(info->metadata.tcs_policy, 0);
    free(info);
    free(file.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sign_writes_metadata_that_verifies),
        cmocka_unit_test(sign_changes_only_the_metadata_note),
        cmocka_unit_test(sign_fills_sigstruct_as_sgx_sign_does),
        cmocka_unit_test(signature_verifies_with_openssl_and_mrsigner_hashes_the_modulus),
        cmocka_unit_test(the_library_measurement_is_the_signed_enclave_hash),
        cmocka_unit_test(cella_sign_dump_shows_the_library_mrenclave),
        cmocka_unit_test(two_step_signing_gives_the_same_file_as_one_step),
        cmocka_unit_test(catsig_rejects_data_for_another_configuration_or_a_bad_signature),
        cmocka_unit_test(verify_names_the_check_a_flipped_byte_breaks),
        cmocka_unit_test(verify_refuses_attributes_cella_does_not_grant),
        cmocka_unit_test(verify_reports_unsigned_and_unreserved_images),
        cmocka_unit_test(sign_rejects_keys_sgx_cannot_use),
        cmocka_unit_test(sign_requires_the_metadata_section),
        cmocka_unit_test(sign_rejects_a_writable_and_executable_segment),
        cmocka_unit_test(sign_refuses_text_relocations_and_init_sections_unless_told),
        cmocka_unit_test(sign_refuses_a_signed_enclave_unless_resigning),
        cmocka_unit_test(sign_rejects_a_configuration_out_of_range),
        cmocka_unit_test(several_threads_sign_and_verify),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
