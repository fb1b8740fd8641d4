/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for host/quoting.c: the software QE's PKI, quotes and collateral, checked with OpenSSL. */
#define _GNU_SOURCE

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cella/log.h>
#include <cella/verify.h>
#include <sgx_quote_3.h>

#include "host/keys.h"
#include "host/quoting.h"

/* What the brief of the hierarchy fixes (host/quoting.h). */
#define NOT_BEFORE   1735689600 /* 2025-01-01T00:00:00Z */
#define NOT_AFTER    2524607999 /* 2049-12-31T23:59:59Z */
#define ORGANIZATION "cella (software TEE, not Intel SGX hardware)"
#define SGX_OID      "1.2.840.113741.1.13.1"
#define NOW          ((int64_t)1790000000) /* 2026-09-21, when collateral is made in these tests */
#define THIRTY_DAYS  (30 * 24 * 60 * 60)

/* Two platforms: A twice (the same secrets read twice), and B with secrets of its own. */
static struct platforms {
    char root[512];
    cella_keys_secrets_t *secrets_a, *secrets_a_again, *secrets_b;
    cella_quoting_t *a, *a_again, *b;
} platforms;

static char log_text[8192];

static void capture_log(void *context, cella_log_level_t level, const char *message)
{
    (void)context, (void)level;
    size_t used = strlen(log_text);
    snprintf(log_text + used, sizeof(log_text) - used, "%s\n", message);
}

static cella_keys_secrets_t *secrets_in(const char *name)
{
    char path[PATH_MAX];
    cella_keys_secrets_t *secrets = NULL;

    snprintf(path, sizeof(path), "%s/%s", platforms.root, name);
    if (cella_keys_secrets_create(path, &secrets) != CELLA_OK)
        return NULL;
    return secrets;
}

static int setup_platforms(void **state)
{
    (void)state;
    const char *temporary = getenv("TMPDIR");
    snprintf(platforms.root, sizeof(platforms.root), "%s/cella-quoting-XXXXXX",
             temporary != NULL && temporary[0] == '/' ? temporary : "/tmp");
    if (mkdtemp(platforms.root) == NULL)
        return -1;
    cella_log_set_handler(capture_log, NULL);
    cella_log_set_level(CELLA_LOG_DEBUG);
    platforms.secrets_a = secrets_in("a");
    platforms.secrets_a_again = secrets_in("a");
    platforms.secrets_b = secrets_in("b");
    if (platforms.secrets_a == NULL || platforms.secrets_a_again == NULL ||
        platforms.secrets_b == NULL ||
        cella_quoting_create(platforms.secrets_a, &platforms.a) != CELLA_OK ||
        cella_quoting_create(platforms.secrets_a_again, &platforms.a_again) != CELLA_OK ||
        cella_quoting_create(platforms.secrets_b, &platforms.b) != CELLA_OK) {
        fprintf(stderr, "setting up the platforms failed:\n%s", log_text);
        return -1;
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int teardown_platforms(void **state)
{
    (void)state;
    cella_quoting_destroy(platforms.a);
    cella_quoting_destroy(platforms.a_again);
    cella_quoting_destroy(platforms.b);
    cella_keys_secrets_destroy(platforms.secrets_a);
    cella_keys_secrets_destroy(platforms.secrets_a_again);
    cella_keys_secrets_destroy(platforms.secrets_b);
    cella_log_set_handler(NULL, NULL);
    return nftw(platforms.root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- OpenSSL helpers ----------------------------------------------------------------------- */

/* The certificates of a PEM text, in order; returns how many (at most `max`). */
static size_t read_certificates(const char *pem, size_t size, X509 **out, size_t max)
{
    BIO *bio = BIO_new_mem_buf(pem, (int)size);
    size_t count = 0;

    assert_non_null(bio);
    while (count < max) {
        X509 *certificate = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (certificate == NULL)
            break;
        out[count++] = certificate;
    }
    BIO_free(bio);
    return count;
}

static void free_certificates(X509 **certificates, size_t count)
{
    for (size_t i = 0; i < count; i++)
        X509_free(certificates[i]);
}

/* The quote's certification data: PCK, platform CA, root. */
static void chain_of(const cella_quoting_t *quoting, X509 *chain[3])
{
    size_t size = 0;
    const char *pem = cella_quoting_get_certification_data(quoting, &size);
    assert_int_equal(read_certificates(pem, size, chain, 3), 3);
}

/* A P-256 public key from x || y. */
static EVP_PKEY *key_from_raw(const uint8_t xy[64])
{
    uint8_t point[65] = {0x04};
    EVP_PKEY *key = NULL;
    OSSL_PARAM params[3];

    memcpy(point + 1, xy, 64);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                 (char *)(uintptr_t) "prime256v1", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
    params[2] = OSSL_PARAM_construct_end();
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    assert_non_null(context);
    assert_int_equal(EVP_PKEY_fromdata_init(context), 1);
    assert_int_equal(EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params), 1);
    EVP_PKEY_CTX_free(context);
    return key;
}

/* Whether signature (r || s, big-endian) is key's ECDSA-SHA256 signature of data. */
static bool verifies(EVP_PKEY *key, const void *data, size_t size, const uint8_t signature[64])
{
    ECDSA_SIG *parsed = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(signature, 32, NULL), *s = BN_bin2bn(signature + 32, 32, NULL);
    uint8_t *der = NULL;

    assert_true(parsed != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(parsed, r, s) == 1);
    int der_size = i2d_ECDSA_SIG(parsed, &der);
    assert_true(der_size > 0);
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    assert_non_null(context);
    assert_int_equal(EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, key), 1);
    bool valid = EVP_DigestVerify(context, der, (size_t)der_size, data, size) == 1;
    EVP_MD_CTX_free(context);
    OPENSSL_free(der);
    ECDSA_SIG_free(parsed);
    return valid;
}

/* The DER of a certificate's public key, for comparing keys. */
static size_t public_key_der(X509 *certificate, uint8_t *out, size_t capacity)
{
    uint8_t *der = NULL;
    int size = i2d_PUBKEY(X509_get0_pubkey(certificate), &der);
    assert_true(size > 0 && (size_t)size <= capacity);
    memcpy(out, der, (size_t)size);
    OPENSSL_free(der);
    return (size_t)size;
}

static void text_of(const X509_NAME *name, int nid, char *text, size_t size)
{
    assert_true(X509_NAME_get_text_by_NID(name, nid, text, (int)size) > 0);
}

/* The SGX extension of the PCK certificate, as a SEQUENCE of { OID, value } pairs. */
static ASN1_SEQUENCE_ANY *sgx_extension_of(X509 *pck)
{
    ASN1_OBJECT *oid = OBJ_txt2obj(SGX_OID, 1);
    int index = X509_get_ext_by_OBJ(pck, oid, -1);
    ASN1_OBJECT_free(oid);
    assert_true(index >= 0);
    X509_EXTENSION *extension = X509_get_ext(pck, index);
    assert_int_equal(X509_EXTENSION_get_critical(extension), 0);
    const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(extension);
    const unsigned char *cursor = ASN1_STRING_get0_data(data);
    const unsigned char *end = cursor + ASN1_STRING_length(data);
    ASN1_SEQUENCE_ANY *fields = d2i_ASN1_SEQUENCE_ANY(NULL, &cursor, end - cursor);
    assert_non_null(fields);
    assert_ptr_equal(cursor, end); /* nothing after the SEQUENCE */
    return fields;
}

/* One { OID, value } pair of the extension: checks the OID, returns the value. */
static const ASN1_TYPE *pair_value(const ASN1_TYPE *pair, const char *oid,
                                   ASN1_SEQUENCE_ANY **parsed)
{
    char text[64];

    assert_int_equal(ASN1_TYPE_get(pair), V_ASN1_SEQUENCE);
    const unsigned char *cursor = pair->value.sequence->data;
    *parsed = d2i_ASN1_SEQUENCE_ANY(NULL, &cursor, pair->value.sequence->length);
    assert_non_null(*parsed);
    assert_int_equal(sk_ASN1_TYPE_num(*parsed), 2);
    const ASN1_TYPE *name = sk_ASN1_TYPE_value(*parsed, 0);
    assert_int_equal(ASN1_TYPE_get(name), V_ASN1_OBJECT);
    assert_true(OBJ_obj2txt(text, sizeof(text), name->value.object, 1) > 0);
    assert_string_equal(text, oid);
    return sk_ASN1_TYPE_value(*parsed, 1);
}

static void assert_octets(const ASN1_TYPE *value, const void *bytes, size_t size)
{
    assert_int_equal(ASN1_TYPE_get(value), V_ASN1_OCTET_STRING);
    assert_int_equal(ASN1_STRING_length(value->value.octet_string), (int)size);
    assert_memory_equal(ASN1_STRING_get0_data(value->value.octet_string), bytes, size);
}

/* ---- the QE and a report for it ----------------------------------------------------------- */

/* An application enclave's identity, as a monitor would have measured it. */
static void application_identity(sgx_report_body_t *identity)
{
    static const sgx_cpu_svn_t cpu_svn = CELLA_KEYS_CPUSVN_INIT;
    memset(identity, 0, sizeof(*identity));
    identity->cpu_svn = cpu_svn;
    identity->attributes.flags = SGX_FLAGS_INITTED | SGX_FLAGS_MODE64BIT;
    identity->attributes.xfrm = 3;
    memset(identity->mr_enclave.m, 0x5a, sizeof(identity->mr_enclave.m));
    memset(identity->mr_signer.m, 0xa5, sizeof(identity->mr_signer.m));
    identity->isv_prod_id = 7;
    identity->isv_svn = 3;
}

/* A report of the application enclave on `secrets`' platform for target (the QE when NULL). */
static sgx_report_t report_for(const cella_keys_secrets_t *secrets, const sgx_target_info_t *target)
{
    sgx_report_body_t identity;
    sgx_target_info_t qe_target;
    sgx_report_data_t report_data;
    sgx_report_t report;

    application_identity(&identity);
    cella_quoting_get_target_info(&qe_target);
    for (size_t i = 0; i < sizeof(report_data.d); i++)
        report_data.d[i] = (uint8_t)(0xc0 + i);
    assert_int_equal(cella_keys_create_report(secrets, &identity,
                                              target != NULL ? target : &qe_target, &report_data,
                                              &report),
                     SGX_SUCCESS);
    return report;
}

static uint8_t *quote_buffer(const cella_quoting_t *quoting, uint8_t fill)
{
    uint32_t size = cella_quoting_get_quote_size(quoting);
    uint8_t *quote = malloc(size);
    assert_non_null(quote);
    memset(quote, fill, size);
    return quote;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool all_bytes_are(const uint8_t *bytes, size_t size, uint8_t value)
{
    for (size_t i = 0; i < size; i++) {
        if (bytes[i] != value)
            return false;
    }
    return true;
}

/* ---- tests: the identity and the keys ------------------------------------------------------ */

static void the_qe_identity_and_target_info_are_fixed(void **state)
{
    (void)state;
    sgx_report_body_t identity;
    sgx_target_info_t target;
    static const sgx_cpu_svn_t cpu_svn = CELLA_KEYS_CPUSVN_INIT;

    cella_quoting_get_identity(&identity);
    cella_quoting_get_target_info(&target);
    assert_int_equal(identity.attributes.flags, 0x15);
    assert_int_equal(identity.attributes.xfrm, 0x3);
    assert_int_equal(identity.misc_select, 0);
    assert_int_equal(identity.isv_prod_id, 1);
    assert_int_equal(identity.isv_svn, 1);
    assert_memory_equal(identity.cpu_svn.svn, cpu_svn.svn, sizeof(cpu_svn.svn));
    assert_false(all_bytes_are(identity.mr_enclave.m, 32, 0));
    assert_false(all_bytes_are(identity.mr_signer.m, 32, 0));
    assert_memory_not_equal(identity.mr_enclave.m, identity.mr_signer.m, 32);
    assert_true(all_bytes_are(identity.report_data.d, sizeof(identity.report_data.d), 0));
    assert_memory_equal(target.mr_enclave.m, identity.mr_enclave.m, 32);
    assert_int_equal(target.attributes.flags, identity.attributes.flags);
    assert_int_equal(target.attributes.xfrm, identity.attributes.xfrm);
    assert_int_equal(target.misc_select, 0);
}

static void keys_and_certificates_come_from_the_secrets_alone(void **state)
{
    (void)state;
    X509 *a[3], *a_again[3], *b[3];
    uint8_t key_a[64], key_a_again[64], key_b[64];
    uint8_t der_1[256], der_2[256];

    cella_quoting_get_attestation_key(platforms.a, key_a);
    cella_quoting_get_attestation_key(platforms.a_again, key_a_again);
    cella_quoting_get_attestation_key(platforms.b, key_b);
    assert_memory_equal(key_a, key_a_again, 64);
    assert_memory_not_equal(key_a, key_b, 64);

    chain_of(platforms.a, a);
    chain_of(platforms.a_again, a_again);
    chain_of(platforms.b, b);
    for (size_t i = 0; i < 3; i++) {
        size_t size_1 = public_key_der(a[i], der_1, sizeof(der_1));
        size_t size_2 = public_key_der(a_again[i], der_2, sizeof(der_2));
        assert_int_equal(size_1, size_2);
        assert_memory_equal(der_1, der_2, size_1);
        assert_int_equal(
            ASN1_INTEGER_cmp(X509_get0_serialNumber(a[i]), X509_get0_serialNumber(a_again[i])), 0);
        size_2 = public_key_der(b[i], der_2, sizeof(der_2));
        assert_false(size_1 == size_2 && memcmp(der_1, der_2, size_1) == 0);
        assert_int_not_equal(
            ASN1_INTEGER_cmp(X509_get0_serialNumber(a[i]), X509_get0_serialNumber(b[i])), 0);
    }
    free_certificates(a, 3);
    free_certificates(a_again, 3);
    free_certificates(b, 3);
}

static void every_platform_has_the_same_quote_size(void **state)
{
    (void)state;
    size_t size_a = 0, size_b = 0;

    (void)cella_quoting_get_certification_data(platforms.a, &size_a);
    (void)cella_quoting_get_certification_data(platforms.b, &size_b);
    assert_int_equal(size_a, size_b);
    assert_int_equal(cella_quoting_get_quote_size(platforms.a),
                     cella_quoting_get_quote_size(platforms.b));
    assert_int_equal(cella_quoting_get_quote_size(platforms.a), 1020 + 32 + size_a);
}

static void create_refuses_missing_arguments(void **state)
{
    (void)state;
    cella_quoting_t *quoting = NULL;

    assert_int_equal(cella_quoting_create(NULL, &quoting), CELLA_ERR_INVALID_ARGUMENT);
    assert_null(quoting);
    assert_int_equal(cella_quoting_create(platforms.secrets_a, NULL), CELLA_ERR_INVALID_ARGUMENT);
    cella_quoting_destroy(NULL);
    assert_int_equal(cella_quoting_get_quote_size(NULL), 0);
}

/* ---- tests: the certificates --------------------------------------------------------------- */

static void the_chain_says_software_tee_and_verifies_to_the_root(void **state)
{
    (void)state;
    static const char *const names[3] = {"cella software TEE PCK Certificate",
                                         "cella software TEE PCK Platform CA",
                                         "cella software TEE Root CA"};
    X509 *chain[3];
    char text[256];

    chain_of(platforms.a, chain);
    for (size_t i = 0; i < 3; i++) {
        text_of(X509_get_subject_name(chain[i]), NID_commonName, text, sizeof(text));
        assert_string_equal(text, names[i]);
        text_of(X509_get_subject_name(chain[i]), NID_organizationName, text, sizeof(text));
        assert_string_equal(text, ORGANIZATION);
        text_of(X509_get_issuer_name(chain[i]), NID_commonName, text, sizeof(text));
        assert_string_equal(text, names[i < 2 ? i + 1 : 2]);
        assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notBefore(chain[i]), NOT_BEFORE), 0);
        assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notAfter(chain[i]), NOT_AFTER), 0);
        assert_non_null(X509_get0_subject_key_id(chain[i]));
        assert_non_null(X509_get0_authority_key_id(chain[i]));
        assert_int_equal(X509_get_signature_nid(chain[i]), NID_ecdsa_with_SHA256);
    }
    /* The root is self-signed; the authority key identifiers name the issuers' keys. */
    assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(chain[2]),
                                           X509_get0_subject_key_id(chain[2])),
                     0);
    assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(chain[0]),
                                           X509_get0_subject_key_id(chain[1])),
                     0);

    /* CA flags, path lengths and key usages, each critical. */
    assert_int_equal(X509_check_ca(chain[0]), 0);
    assert_true(X509_check_ca(chain[1]) > 0 && X509_check_ca(chain[2]) > 0);
    assert_int_equal(X509_get_pathlen(chain[2]), 1);
    assert_int_equal(X509_get_pathlen(chain[1]), 0);
    assert_int_equal(X509_get_key_usage(chain[0]), KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION);
    assert_int_equal(X509_get_key_usage(chain[1]), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
    assert_int_equal(X509_get_key_usage(chain[2]), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
    for (size_t i = 0; i < 3; i++) {
        for (int nid = NID_key_usage; nid != 0;
             nid = nid == NID_key_usage ? NID_basic_constraints : 0) {
            int index = X509_get_ext_by_NID(chain[i], nid, -1);
            assert_true(index >= 0);
            assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(chain[i], index)), 1);
        }
    }

    /* The leaf verifies to the root now, and not after the end of 2049. */
    X509_STORE *store = X509_STORE_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *context = X509_STORE_CTX_new();
    assert_true(store != NULL && untrusted != NULL && context != NULL);
    assert_int_equal(X509_STORE_add_cert(store, chain[2]), 1);
    assert_true(sk_X509_push(untrusted, chain[1]) > 0);
    for (int round = 0; round < 2; round++) {
        assert_int_equal(X509_STORE_CTX_init(context, store, chain[0], untrusted), 1);
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context),
                                   round == 0 ? (time_t)NOW : (time_t)NOT_AFTER + 1);
        assert_int_equal(X509_verify_cert(context), round == 0 ? 1 : 0);
        X509_STORE_CTX_cleanup(context);
    }
    X509_STORE_CTX_free(context);
    sk_X509_free(untrusted);
    X509_STORE_free(store);
    free_certificates(chain, 3);
}

static void the_pck_extension_has_every_field_with_its_asn1_type(void **state)
{
    (void)state;
    static const sgx_cpu_svn_t cpu_svn = CELLA_KEYS_CPUSVN_INIT;
    static const uint8_t fmspc[6] = {0xce, 0x11, 0xa0, 0x00, 0x00, 0x01};
    static const uint8_t pce_id[2] = {0, 0};
    X509 *chain[3], *other[3];
    ASN1_SEQUENCE_ANY *parsed[5] = {NULL}, *tcb = NULL, *tcb_pairs[18] = {NULL};
    char oid[64];

    chain_of(platforms.a, chain);
    ASN1_SEQUENCE_ANY *fields = sgx_extension_of(chain[0]);
    assert_int_equal(sk_ASN1_TYPE_num(fields), 5);

    const ASN1_TYPE *ppid = pair_value(sk_ASN1_TYPE_value(fields, 0), SGX_OID ".1", &parsed[0]);
    assert_int_equal(ASN1_TYPE_get(ppid), V_ASN1_OCTET_STRING);
    assert_int_equal(ASN1_STRING_length(ppid->value.octet_string), 16);

    const ASN1_TYPE *tcb_value =
        pair_value(sk_ASN1_TYPE_value(fields, 1), SGX_OID ".2", &parsed[1]);
    assert_int_equal(ASN1_TYPE_get(tcb_value), V_ASN1_SEQUENCE);
    const unsigned char *cursor = tcb_value->value.sequence->data;
    tcb = d2i_ASN1_SEQUENCE_ANY(NULL, &cursor, tcb_value->value.sequence->length);
    assert_non_null(tcb);
    assert_int_equal(sk_ASN1_TYPE_num(tcb), 18);
    for (int i = 0; i < 18; i++) {
        snprintf(oid, sizeof(oid), "%s.2.%d", SGX_OID, i + 1);
        const ASN1_TYPE *value = pair_value(sk_ASN1_TYPE_value(tcb, i), oid, &tcb_pairs[i]);
        if (i < 17) {
            assert_int_equal(ASN1_TYPE_get(value), V_ASN1_INTEGER);
            long expected = i < 16 ? cpu_svn.svn[i] : 1; /* components = CPUSVN; PCESVN 1 */
            assert_int_equal(ASN1_INTEGER_get(value->value.integer), expected);
        } else {
            assert_octets(value, cpu_svn.svn, sizeof(cpu_svn.svn));
        }
    }
    assert_octets(pair_value(sk_ASN1_TYPE_value(fields, 2), SGX_OID ".3", &parsed[2]), pce_id, 2);
    assert_octets(pair_value(sk_ASN1_TYPE_value(fields, 3), SGX_OID ".4", &parsed[3]), fmspc, 6);
    const ASN1_TYPE *type = pair_value(sk_ASN1_TYPE_value(fields, 4), SGX_OID ".5", &parsed[4]);
    assert_int_equal(ASN1_TYPE_get(type), V_ASN1_ENUMERATED);
    assert_int_equal(ASN1_ENUMERATED_get(type->value.enumerated), 0); /* Standard */

    /* The PPID is the platform's: another platform has another one. */
    chain_of(platforms.b, other);
    ASN1_SEQUENCE_ANY *other_fields = sgx_extension_of(other[0]);
    ASN1_SEQUENCE_ANY *other_parsed = NULL;
    const ASN1_TYPE *other_ppid =
        pair_value(sk_ASN1_TYPE_value(other_fields, 0), SGX_OID ".1", &other_parsed);
    assert_int_not_equal(
        ASN1_OCTET_STRING_cmp(ppid->value.octet_string, other_ppid->value.octet_string), 0);

    sk_ASN1_TYPE_pop_free(other_parsed, ASN1_TYPE_free);
    sk_ASN1_TYPE_pop_free(other_fields, ASN1_TYPE_free);
    for (int i = 0; i < 18; i++)
        sk_ASN1_TYPE_pop_free(tcb_pairs[i], ASN1_TYPE_free);
    sk_ASN1_TYPE_pop_free(tcb, ASN1_TYPE_free);
    for (int i = 0; i < 5; i++)
        sk_ASN1_TYPE_pop_free(parsed[i], ASN1_TYPE_free);
    sk_ASN1_TYPE_pop_free(fields, ASN1_TYPE_free);
    free_certificates(chain, 3);
    free_certificates(other, 3);
}

/* ---- tests: quotes ------------------------------------------------------------------------- */

static void a_quote_of_a_report_for_the_qe_verifies_with_openssl(void **state)
{
    (void)state;
    static const uint8_t vendor[16] = CELLA_VERIFY_SOFTWARE_TEE_QE_VENDOR_ID;
    sgx_report_t report = report_for(platforms.secrets_a, NULL);
    uint32_t size = cella_quoting_get_quote_size(platforms.a);
    uint8_t *quote = quote_buffer(platforms.a, 0xee);
    sgx_report_body_t qe_identity, qe_report;
    X509 *chain[3];
    uint8_t digest[32];
    unsigned int digest_size = 0;

    assert_int_equal(cella_quoting_get_quote(platforms.a, &report, quote, size), SGX_QL_SUCCESS);

    /* Header: version 3, ECDSA P-256, QE and PCE SVN 1, cella's vendor, no user data. */
    assert_int_equal(le16(quote + 0), 3);
    assert_int_equal(le16(quote + 2), 2);
    assert_int_equal(le32(quote + 4), 0);
    assert_int_equal(le16(quote + 8), 1);
    assert_int_equal(le16(quote + 10), 1);
    assert_memory_equal(quote + 12, vendor, 16);
    assert_true(all_bytes_are(quote + 28, 20, 0));
    assert_memory_equal(quote + 48, &report.body, sizeof(report.body));
    assert_int_equal(le32(quote + 432), size - 436);

    /* The attestation key signed header and report. */
    EVP_PKEY *attestation_key = key_from_raw(quote + 500);
    assert_true(verifies(attestation_key, quote, 432, quote + 436));

    /* The QE report: the QE's identity, signed by the PCK key, binding key and auth data. */
    memcpy(&qe_report, quote + 564, sizeof(qe_report));
    cella_quoting_get_identity(&qe_identity);
    assert_memory_equal(&qe_report, &qe_identity, offsetof(sgx_report_body_t, report_data));
    chain_of(platforms.a, chain);
    assert_true(verifies(X509_get0_pubkey(chain[0]), quote + 564, 384, quote + 948));
    assert_false(verifies(X509_get0_pubkey(chain[1]), quote + 564, 384, quote + 948));
    assert_int_equal(le16(quote + 1012), 32);
    for (int i = 0; i < 32; i++)
        assert_int_equal(quote[1014 + i], i);
    EVP_MD_CTX *hash = EVP_MD_CTX_new();
    assert_true(hash != NULL && EVP_DigestInit_ex(hash, EVP_sha256(), NULL) == 1 &&
                EVP_DigestUpdate(hash, quote + 500, 64) == 1 &&
                EVP_DigestUpdate(hash, quote + 1014, 32) == 1 &&
                EVP_DigestFinal_ex(hash, digest, &digest_size) == 1);
    EVP_MD_CTX_free(hash);
    assert_memory_equal(qe_report.report_data.d, digest, 32);
    assert_true(all_bytes_are(qe_report.report_data.d + 32, 32, 0));

    /* Certification data: type 5, the PEM chain with its NUL, ending the quote. */
    size_t chain_size = 0;
    const char *pem = cella_quoting_get_certification_data(platforms.a, &chain_size);
    assert_int_equal(le16(quote + 1046), PCK_CERT_CHAIN);
    assert_int_equal(le32(quote + 1048), chain_size);
    assert_int_equal(1052 + chain_size, size);
    assert_memory_equal(quote + 1052, pem, chain_size);
    assert_int_equal(quote[size - 1], '\0');

    /* Another quote of the same report: the same but for the ISV signature. */
    uint8_t *again = quote_buffer(platforms.a, 0);
    assert_int_equal(cella_quoting_get_quote(platforms.a, &report, again, size), SGX_QL_SUCCESS);
    assert_memory_equal(again, quote, 436);
    assert_memory_equal(again + 500, quote + 500, size - 500);
    assert_true(verifies(attestation_key, again, 432, again + 436));

    /* A changed byte of the signed part no longer verifies. */
    quote[48 + 320] ^= 1;
    assert_false(verifies(attestation_key, quote, 432, quote + 436));

    EVP_PKEY_free(attestation_key);
    free_certificates(chain, 3);
    free(again);
    free(quote);
}

static void a_larger_buffer_gets_the_quote_and_keeps_its_tail(void **state)
{
    (void)state;
    sgx_report_t report = report_for(platforms.secrets_a, NULL);
    uint32_t size = cella_quoting_get_quote_size(platforms.a);
    uint8_t *quote = malloc(size + 16);

    assert_non_null(quote);
    memset(quote, 0x77, size + 16);
    assert_int_equal(cella_quoting_get_quote(platforms.a, &report, quote, size + 16),
                     SGX_QL_SUCCESS);
    assert_int_equal(le32(quote + 432), size - 436);
    assert_true(all_bytes_are(quote + size, 16, 0x77));
    free(quote);
}

/* A report the QE must refuse, and what it is refused with. */
struct refusal {
    const char *what;
    int changed_offset; /* a flipped byte of the report; -1: none */
    bool other_target;
    bool other_platform;
    uint32_t size_shortfall;
    quote3_error_t expected;
};

static void reports_not_made_for_this_qe_are_refused(void **state)
{
    (void)state;
    static const struct refusal refusals[] = {
        {"another target", -1, true, false, 0, SGX_QL_INVALID_REPORT},
        {"another platform", -1, false, true, 0, SGX_QL_INVALID_REPORT},
        {"a changed CPUSVN", 0, false, false, 0, SGX_QL_INVALID_REPORT},
        {"a changed attribute", 48, false, false, 0, SGX_QL_INVALID_REPORT},
        {"a changed MRENCLAVE", 64, false, false, 0, SGX_QL_INVALID_REPORT},
        {"a changed MRSIGNER", 128, false, false, 0, SGX_QL_INVALID_REPORT},
        {"a changed ISVSVN", 258, false, false, 0, SGX_QL_INVALID_REPORT},
        {"changed report data", 383, false, false, 0, SGX_QL_INVALID_REPORT},
        {"a changed key ID", 384, false, false, 0, SGX_QL_INVALID_REPORT},
        {"a changed MAC", 431, false, false, 0, SGX_QL_INVALID_REPORT},
        {"a buffer one byte short", -1, false, false, 1, SGX_QL_ERROR_INVALID_PARAMETER},
    };
    uint32_t size = cella_quoting_get_quote_size(platforms.a);
    uint8_t *quote = quote_buffer(platforms.a, 0x3c);

    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        const struct refusal *r = &refusals[i];
        sgx_target_info_t other;
        cella_quoting_get_target_info(&other);
        other.mr_enclave.m[0] ^= 1;
        sgx_report_t report =
            report_for(r->other_platform ? platforms.secrets_b : platforms.secrets_a,
                       r->other_target ? &other : NULL);
        if (r->changed_offset >= 0)
            ((uint8_t *)&report)[r->changed_offset] ^= 0x10;
        log_text[0] = '\0';
        quote3_error_t status =
            cella_quoting_get_quote(platforms.a, &report, quote, size - r->size_shortfall);
        if (status != r->expected)
            fail_msg("%s: status %#x, expected %#x", r->what, status, r->expected);
        if (!all_bytes_are(quote, size, 0x3c))
            fail_msg("%s: the quote buffer was written", r->what);
        if (r->expected == SGX_QL_INVALID_REPORT &&
            strstr(log_text, "not made for the quoting enclave") == NULL)
            fail_msg("%s: the log does not say why: %s", r->what, log_text);
    }
    free(quote);
}

static void get_quote_refuses_missing_arguments(void **state)
{
    (void)state;
    sgx_report_t report = report_for(platforms.secrets_a, NULL);
    uint32_t size = cella_quoting_get_quote_size(platforms.a);
    uint8_t *quote = quote_buffer(platforms.a, 0);

    assert_int_equal(cella_quoting_get_quote(NULL, &report, quote, size),
                     SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(cella_quoting_get_quote(platforms.a, NULL, quote, size),
                     SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(cella_quoting_get_quote(platforms.a, &report, NULL, size),
                     SGX_QL_ERROR_INVALID_PARAMETER);
    free(quote);
}

/* ---- tests: collateral --------------------------------------------------------------------- */

/* The body of `{"<member>":<body>,"signature":"<hex>"}` as it stands in the text, and the
 * signature it carries. */
static void split_document(const char *text, size_t size, const char *member, const char **body,
                           size_t *body_size, uint8_t signature[64])
{
    char prefix[64];
    static const char middle[] = ",\"signature\":\"";

    snprintf(prefix, sizeof(prefix), "{\"%s\":", member);
    assert_int_equal(strlen(text), size);
    assert_int_equal(strncmp(text, prefix, strlen(prefix)), 0);
    const char *signature_hex = text + size - strlen("\"}") - 128;
    assert_string_equal(signature_hex + 128, "\"}");
    assert_int_equal(strncmp(signature_hex - strlen(middle), middle, strlen(middle)), 0);
    *body = text + strlen(prefix);
    *body_size = (size_t)(signature_hex - strlen(middle) - *body);
    for (size_t i = 0; i < 64; i++) {
        unsigned value = 0;
        assert_int_equal(sscanf(signature_hex + 2 * i, "%2x", &value), 1);
        assert_true((signature_hex[2 * i] < 'A' || signature_hex[2 * i] > 'F') &&
                    (signature_hex[2 * i + 1] < 'A' || signature_hex[2 * i + 1] > 'F'));
        signature[i] = (uint8_t)value;
    }
}

static void assert_contains(const char *body, size_t size, const char *text)
{
    char *copy = strndup(body, size);
    assert_non_null(copy);
    if (strstr(copy, text) == NULL)
        fail_msg("%s does not contain %s", copy, text);
    free(copy);
}

static void iso(int64_t seconds, char text[32])
{
    time_t t = (time_t)seconds;
    struct tm parts;
    assert_non_null(gmtime_r(&t, &parts));
    assert_int_equal(strftime(text, 32, "%Y-%m-%dT%H:%M:%SZ", &parts), 20);
}

static void collateral_signatures_verify_over_the_bytes_in_the_text(void **state)
{
    (void)state;
    cella_quoting_collateral_t *c = NULL;
    X509 *signing[2] = {NULL}, *chain[3] = {NULL};
    const char *body = NULL;
    size_t body_size = 0;
    uint8_t signature[64];
    char date[32], expected[160];
    sgx_report_body_t qe;

    assert_int_equal(cella_quoting_collateral_create(platforms.a, NOW, false, &c), CELLA_OK);
    assert_int_equal(
        read_certificates(c->tcb_info_issuer_chain, c->tcb_info_issuer_chain_size, signing, 2), 2);
    chain_of(platforms.a, chain);
    char name[128];
    text_of(X509_get_subject_name(signing[0]), NID_commonName, name, sizeof(name));
    assert_string_equal(name, "cella software TEE TCB Signing");
    assert_int_equal(X509_verify(signing[0], X509_get0_pubkey(chain[2])), 1);
    assert_int_equal(X509_cmp(signing[1], chain[2]), 0);
    assert_string_equal(c->tcb_info_issuer_chain, c->qe_identity_issuer_chain);

    split_document(c->tcb_info, c->tcb_info_size, "tcbInfo", &body, &body_size, signature);
    EVP_PKEY *key = X509_get0_pubkey(signing[0]);
    assert_true(verifies(key, body, body_size, signature));
    assert_false(verifies(X509_get0_pubkey(chain[2]), body, body_size, signature));
    assert_contains(body, body_size, "{\"id\":\"SGX\",\"version\":3,\"issueDate\":\"");
    iso(NOW, date);
    snprintf(expected, sizeof(expected), "\"issueDate\":\"%s\"", date);
    assert_contains(body, body_size, expected);
    iso(NOW + THIRTY_DAYS, date);
    snprintf(expected, sizeof(expected), "\"nextUpdate\":\"%s\"", date);
    assert_contains(body, body_size, expected);
    assert_contains(body, body_size,
                    "\"fmspc\":\"CE11A0000001\",\"pceId\":\"0000\",\"tcbType\":0,"
                    "\"tcbEvaluationDataNumber\":1");
    assert_contains(body, body_size, "\"sgxtcbcomponents\":[{\"svn\":1},{\"svn\":0},");
    assert_contains(body, body_size,
                    "\"pcesvn\":1},\"tcbDate\":\"2025-01-01T00:00:00Z\","
                    "\"tcbStatus\":\"UpToDate\"}]}");
    /* One changed byte of the body and the signature fails. */
    char *changed = strndup(body, body_size);
    assert_non_null(changed);
    changed[body_size / 2] ^= 1;
    assert_false(verifies(key, changed, body_size, signature));
    free(changed);

    split_document(c->qe_identity, c->qe_identity_size, "enclaveIdentity", &body, &body_size,
                   signature);
    assert_true(verifies(key, body, body_size, signature));
    assert_contains(body, body_size, "{\"id\":\"QE\",\"version\":2,");
    assert_contains(body, body_size, "\"miscselect\":\"00000000\",\"miscselectMask\":\"FFFFFFFF\"");
    assert_contains(body, body_size, "\"attributes\":\"15000000000000000300000000000000\"");
    cella_quoting_get_identity(&qe);
    char mrsigner[65];
    for (size_t i = 0; i < 32; i++)
        snprintf(mrsigner + 2 * i, 3, "%02X", qe.mr_signer.m[i]);
    snprintf(expected, sizeof(expected), "\"mrsigner\":\"%s\",\"isvprodid\":1", mrsigner);
    assert_contains(body, body_size, expected);
    assert_contains(body, body_size,
                    "\"tcb\":{\"isvsvn\":1},\"tcbDate\":\"2025-01-01T00:00:00Z\","
                    "\"tcbStatus\":\"UpToDate\"");

    /* The root certificate is the chain's. */
    X509 *root = NULL;
    assert_int_equal(read_certificates(c->root_ca, c->root_ca_size, &root, 1), 1);
    assert_int_equal(X509_cmp(root, chain[2]), 0);
    X509_free(root);

    cella_quoting_collateral_destroy(c);
    free_certificates(signing, 2);
    free_certificates(chain, 3);
}

static void the_crls_are_empty_current_and_signed_by_their_cas(void **state)
{
    (void)state;
    cella_quoting_collateral_t *c = NULL;
    X509 *chain[3];

    assert_int_equal(cella_quoting_collateral_create(platforms.a, NOW, false, &c), CELLA_OK);
    chain_of(platforms.a, chain);
    struct {
        const uint8_t *der;
        size_t size;
        X509 *issuer, *other;
    } crls[] = {{c->root_ca_crl, c->root_ca_crl_size, chain[2], chain[1]},
                {c->pck_crl, c->pck_crl_size, chain[1], chain[2]}};
    for (size_t i = 0; i < 2; i++) {
        const unsigned char *cursor = crls[i].der;
        X509_CRL *crl = d2i_X509_CRL(NULL, &cursor, (long)crls[i].size);
        assert_non_null(crl);
        assert_ptr_equal(cursor, crls[i].der + crls[i].size);
        assert_int_equal(X509_CRL_verify(crl, X509_get0_pubkey(crls[i].issuer)), 1);
        assert_int_not_equal(X509_CRL_verify(crl, X509_get0_pubkey(crls[i].other)), 1);
        assert_int_equal(
            X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(crls[i].issuer)), 0);
        assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) > 0, 0);
        assert_int_equal(ASN1_TIME_cmp_time_t(X509_CRL_get0_lastUpdate(crl), (time_t)NOW), 0);
        assert_int_equal(
            ASN1_TIME_cmp_time_t(X509_CRL_get0_nextUpdate(crl), (time_t)(NOW + THIRTY_DAYS)), 0);
        X509_CRL_free(crl);
    }
    cella_quoting_collateral_destroy(c);
    free_certificates(chain, 3);
}

static void collateral_create_refuses_bad_arguments(void **state)
{
    (void)state;
    cella_quoting_collateral_t *c = NULL;

    assert_int_equal(cella_quoting_collateral_create(NULL, NOW, false, &c),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_quoting_collateral_create(platforms.a, -1, false, &c),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_quoting_collateral_create(platforms.a, INT64_MAX, false, &c),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_quoting_collateral_create(platforms.a, NOW, false, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_null(c);
    cella_quoting_collateral_destroy(NULL);
}

/* ---- tests: the collateral directory ------------------------------------------------------- */

static size_t read_whole(const char *directory, const char *name, uint8_t *bytes, size_t capacity)
{
    char path[PATH_MAX];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", directory, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail_msg("%s is missing", path);
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    ssize_t n = read(fd, bytes, capacity);
    close(fd);
    assert_true(n > 0 && (size_t)n < capacity);
    return (size_t)n;
}

static void export_writes_the_layout_and_overwrites_only_when_asked(void **state)
{
    (void)state;
    static const char *const names[] = {"root-ca.pem",
                                        "root-ca-crl.der",
                                        "pck-crl-platform.der",
                                        "tcb-info/ce11a0000001.json",
                                        "tcb-info-issuer-chain.pem",
                                        "qe-identity.json",
                                        "qe-identity-issuer-chain.pem"};
    char directory[PATH_MAX];
    cella_quoting_collateral_t *c = NULL;
    static uint8_t bytes[16384], before[16384];

    snprintf(directory, sizeof(directory), "%s/export", platforms.root);
    assert_int_equal(cella_quoting_export(platforms.a, NOW, directory, false), CELLA_OK);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        (void)read_whole(directory, names[i], bytes, sizeof(bytes));
    assert_int_equal(cella_quoting_collateral_create(platforms.a, NOW, false, &c), CELLA_OK);
    size_t size = read_whole(directory, "root-ca.pem", bytes, sizeof(bytes));
    assert_int_equal(size, c->root_ca_size);
    assert_memory_equal(bytes, c->root_ca, size);
    size = read_whole(directory, "tcb-info/ce11a0000001.json", bytes, sizeof(bytes));
    assert_int_equal(size, c->tcb_info_size);
    assert_memory_equal(bytes, "{\"tcbInfo\":{", 12);
    cella_quoting_collateral_destroy(c);

    /* Again, later: refused and nothing changed, unless overwriting is asked for. */
    size_t before_size = read_whole(directory, "pck-crl-platform.der", before, sizeof(before));
    log_text[0] = '\0';
    assert_int_equal(cella_quoting_export(platforms.a, NOW + 60, directory, false),
                     CELLA_ERR_ACCESS_DENIED);
    assert_non_null(strstr(log_text, "already exists"));
    size = read_whole(directory, "pck-crl-platform.der", bytes, sizeof(bytes));
    assert_true(size == before_size && memcmp(bytes, before, size) == 0);
    assert_int_equal(cella_quoting_export(platforms.a, NOW + 60, directory, true), CELLA_OK);
    size = read_whole(directory, "pck-crl-platform.der", bytes, sizeof(bytes));
    assert_false(size == before_size && memcmp(bytes, before, size) == 0);
}

static void export_reports_a_directory_it_cannot_make(void **state)
{
    (void)state;
    char file[1024], directory[PATH_MAX];

    snprintf(file, sizeof(file), "%s/a-file", platforms.root);
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    close(fd);
    snprintf(directory, sizeof(directory), "%s/inside", file);
    log_text[0] = '\0';
    assert_int_equal(cella_quoting_export(platforms.a, NOW, directory, false), CELLA_ERR_IO);
    assert_non_null(strstr(log_text, directory));
    assert_int_equal(cella_quoting_export(platforms.a, NOW, "", false), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_quoting_export(NULL, NOW, directory, false), CELLA_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_qe_identity_and_target_info_are_fixed),
        cmocka_unit_test(keys_and_certificates_come_from_the_secrets_alone),
        cmocka_unit_test(every_platform_has_the_same_quote_size),
        cmocka_unit_test(create_refuses_missing_arguments),
        cmocka_unit_test(the_chain_says_software_tee_and_verifies_to_the_root),
        cmocka_unit_test(the_pck_extension_has_every_field_with_its_asn1_type),
        cmocka_unit_test(a_quote_of_a_report_for_the_qe_verifies_with_openssl),
        cmocka_unit_test(a_larger_buffer_gets_the_quote_and_keeps_its_tail),
        cmocka_unit_test(reports_not_made_for_this_qe_are_refused),
        cmocka_unit_test(get_quote_refuses_missing_arguments),
        cmocka_unit_test(collateral_signatures_verify_over_the_bytes_in_the_text),
        cmocka_unit_test(the_crls_are_empty_current_and_signed_by_their_cas),
        cmocka_unit_test(collateral_create_refuses_bad_arguments),
        cmocka_unit_test(export_writes_the_layout_and_overwrites_only_when_asked),
        cmocka_unit_test(export_reports_a_directory_it_cannot_make),
    };
    return cmocka_run_group_tests(tests, setup_platforms, teardown_platforms);
}
