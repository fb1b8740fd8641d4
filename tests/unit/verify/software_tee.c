/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/verify/software_tee.c: the verifier on quotes of cella's software TEE. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <cella/log.h>
#include <cella/verify.h>

#include "host/keys.h"
#include "host/quoting.h"

/*
 * Quotes and collateral made here, by the software QE of a platform whose secrets live in a
 * directory of this test (no vectors needed): every signed or bound field, every certificate
 * and every collateral document is changed in turn and must be refused by the check that
 * covers it.
 */

#define NOW ((int64_t)1767225600) /* 2026-01-01T00:00:00Z */

static struct {
    char directory[64];
    cella_keys_secrets_t *secrets;
    cella_quoting_t *quoting;
    cella_quoting_collateral_t *collateral;
    cella_quoting_collateral_t *revoked; /* the PCK CRL revokes the platform's PCK */
    uint8_t *quote;
    size_t quote_size;
} platform;

static int set_up(void **state)
{
    sgx_report_body_t identity;
    sgx_target_info_t qe;
    sgx_report_data_t data;
    sgx_report_t report;
    (void)state;

    cella_log_set_handler(NULL, NULL);
    snprintf(platform.directory, sizeof(platform.directory), "/tmp/cella-verify-tee.XXXXXX");
    if (mkdtemp(platform.directory) == NULL ||
        cella_keys_secrets_create(platform.directory, &platform.secrets) != CELLA_OK ||
        cella_quoting_create(platform.secrets, &platform.quoting) != CELLA_OK ||
        cella_quoting_collateral_create(platform.quoting, NOW, false, &platform.collateral) !=
            CELLA_OK ||
        cella_quoting_collateral_create(platform.quoting, NOW, true, &platform.revoked) != CELLA_OK)
        return -1;
    memset(&identity, 0, sizeof(identity));
    identity.attributes.flags = SGX_FLAGS_INITTED | SGX_FLAGS_MODE64BIT;
    identity.attributes.xfrm = 3;
    memset(identity.mr_enclave.m, 0x11, 32);
    memset(identity.mr_signer.m, 0x22, 32);
    identity.isv_prod_id = 5;
    identity.isv_svn = 2;
    memset(data.d, 0x33, sizeof(data.d));
    cella_quoting_get_target_info(&qe);
    if (cella_keys_create_report(platform.secrets, &identity, &qe, &data, &report) != SGX_SUCCESS)
        return -1;
    platform.quote_size = cella_quoting_get_quote_size(platform.quoting);
    platform.quote = malloc(platform.quote_size);
    if (platform.quote == NULL ||
        cella_quoting_get_quote(platform.quoting, &report, platform.quote,
                                (uint32_t)platform.quote_size) != SGX_QL_SUCCESS)
        return -1;
    return 0;
}

static int tear_down(void **state)
{
    char path[128];
    (void)state;
    free(platform.quote);
    cella_quoting_collateral_destroy(platform.collateral);
    cella_quoting_collateral_destroy(platform.revoked);
    cella_quoting_destroy(platform.quoting);
    cella_keys_secrets_destroy(platform.secrets);
    snprintf(path, sizeof(path), "%s/%s", platform.directory, CELLA_KEYS_SECRETS_FILE);
    (void)unlink(path);
    (void)rmdir(platform.directory);
    return 0;
}

static cella_verify_collateral_t collateral_of(const cella_quoting_collateral_t *c)
{
    cella_verify_collateral_t collateral = {
        .tcb_info = c->tcb_info,
        .tcb_info_size = c->tcb_info_size,
        .tcb_info_issuer_chain = c->tcb_info_issuer_chain,
        .tcb_info_issuer_chain_size = c->tcb_info_issuer_chain_size,
        .qe_identity = c->qe_identity,
        .qe_identity_size = c->qe_identity_size,
        .qe_identity_issuer_chain = c->qe_identity_issuer_chain,
        .qe_identity_issuer_chain_size = c->qe_identity_issuer_chain_size,
        .root_ca_crl = c->root_ca_crl,
        .root_ca_crl_size = c->root_ca_crl_size,
        .pck_crl = c->pck_crl,
        .pck_crl_size = c->pck_crl_size,
    };
    return collateral;
}

/* A verifier trusting the platform's root for `kind` (0: trusting nothing more). */
static cella_verifier_t *verifier_trusting(int kind)
{
    cella_verifier_t *verifier = NULL;
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    if (kind != 0)
        assert_int_equal(cella_verifier_add_root(verifier, platform.collateral->root_ca,
                                                 platform.collateral->root_ca_size,
                                                 (cella_verify_root_kind_t)kind),
                         CELLA_OK);
    return verifier;
}

static cella_verify_failure_t verify(cella_verifier_t *verifier, const uint8_t *quote, size_t size,
                                     const cella_verify_collateral_t *collateral, int64_t now)
{
    cella_verify_result_t result;
    cella_result_t r = cella_verifier_verify(verifier, quote, size, collateral, now, &result);
    assert_int_equal(r == CELLA_OK, result.failure == CELLA_VERIFY_OK);
    return result.failure;
}

static void a_software_tee_quote_verifies_with_its_root_and_collateral(void **state)
{
    cella_verify_result_t result;
    (void)state;
    cella_verifier_t *verifier = verifier_trusting(CELLA_VERIFY_ROOT_SOFTWARE_TEE);
    cella_verify_collateral_t collateral = collateral_of(platform.collateral);

    assert_int_equal(cella_verifier_verify(verifier, platform.quote, platform.quote_size,
                                           &collateral, NOW + 60, &result),
                     CELLA_OK);
    assert_true(result.software_tee);
    assert_true(result.tcb_evaluated);
    assert_int_equal(result.tcb_status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_int_equal(result.isv_report.isv_prod_id, 5);
    assert_int_equal(result.isv_report.isv_svn, 2);
    assert_int_equal(result.isv_report.report_data.d[63], 0x33);
    assert_int_equal(result.collateral_expiration, NOW + CELLA_QUOTING_COLLATERAL_VALIDITY_SECONDS);
    cella_verifier_destroy(verifier);
}

static void a_software_tee_quote_needs_its_root_given_as_a_software_tee_root(void **state)
{
    (void)state;
    cella_verify_collateral_t collateral = collateral_of(platform.collateral);
    cella_verifier_t *none = verifier_trusting(0);
    cella_verifier_t *as_intel = verifier_trusting(CELLA_VERIFY_ROOT_INTEL);

    assert_int_equal(verify(none, platform.quote, platform.quote_size, &collateral, NOW),
                     CELLA_VERIFY_PCK_CHAIN);
    assert_int_equal(verify(as_intel, platform.quote, platform.quote_size, &collateral, NOW),
                     CELLA_VERIFY_QE_VENDOR);
    cella_verifier_destroy(none);
    cella_verifier_destroy(as_intel);
}

static void a_revoked_pck_certificate_refuses_every_quote_of_the_platform(void **state)
{
    (void)state;
    cella_verifier_t *verifier = verifier_trusting(CELLA_VERIFY_ROOT_SOFTWARE_TEE);
    cella_verify_collateral_t revoked = collateral_of(platform.revoked);
    cella_verify_collateral_t good = collateral_of(platform.collateral);

    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &good, NOW),
                     CELLA_VERIFY_OK);
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &revoked, NOW),
                     CELLA_VERIFY_PCK_REVOKED);
    /* The root's CRL in both places: the PCK certificate has no CRL from its own CA. */
    cella_verify_collateral_t root_twice = good;
    root_twice.pck_crl = good.root_ca_crl;
    root_twice.pck_crl_size = good.root_ca_crl_size;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &root_twice, NOW),
                     CELLA_VERIFY_CRL);
    /* Without CRLs, when they are required. */
    cella_verify_collateral_t no_crls = good;
    no_crls.root_ca_crl = NULL;
    no_crls.root_ca_crl_size = 0;
    no_crls.pck_crl = NULL;
    no_crls.pck_crl_size = 0;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &no_crls, NOW),
                     CELLA_VERIFY_CRL);
    cella_verifier_destroy(verifier);
}

static void expired_or_future_collateral_is_refused(void **state)
{
    (void)state;
    cella_verifier_t *verifier = verifier_trusting(CELLA_VERIFY_ROOT_SOFTWARE_TEE);
    cella_verify_collateral_t collateral = collateral_of(platform.collateral);
    int64_t end = NOW + CELLA_QUOTING_COLLATERAL_VALIDITY_SECONDS;

    /* The CRLs hold until their next update, exclusive (as X.509 counts); the documents
     * through theirs. */
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &collateral, end - 1),
                     CELLA_VERIFY_OK);
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &collateral, end),
                     CELLA_VERIFY_CRL);
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &collateral, NOW - 1),
                     CELLA_VERIFY_CRL);
    cella_verifier_set_crls_required(verifier, false);
    collateral.root_ca_crl = NULL;
    collateral.root_ca_crl_size = 0;
    collateral.pck_crl = NULL;
    collateral.pck_crl_size = 0;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &collateral, end),
                     CELLA_VERIFY_OK);
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &collateral, end + 1),
                     CELLA_VERIFY_TCB_INFO);
    cella_verifier_destroy(verifier);
}

/* The offsets of the certificates inside the PEM chain of the quote's certification data. */
static size_t certificate_offsets(const uint8_t *quote, size_t size, size_t offsets[3])
{
    size_t count = 0;
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    for (size_t i = 0; i + sizeof(begin) - 1 <= size && count < 3; i++) {
        if (memcmp(quote + i, begin, sizeof(begin) - 1) == 0)
            offsets[count++] = i;
    }
    return count;
}

static void every_bound_field_and_every_certificate_of_the_quote_is_checked(void **state)
{
    (void)state;
    cella_verifier_t *verifier = verifier_trusting(CELLA_VERIFY_ROOT_SOFTWARE_TEE);
    cella_verify_collateral_t collateral = collateral_of(platform.collateral);
    uint8_t *copy = malloc(platform.quote_size);
    assert_non_null(copy);
    static const struct {
        size_t offset;
        cella_verify_failure_t failure;
    } cases[] = {
        {2, CELLA_VERIFY_QUOTE_FORMAT},                /* the key type */
        {10, CELLA_VERIFY_ISV_SIGNATURE},              /* pce_svn */
        {20, CELLA_VERIFY_QE_VENDOR},                  /* the QE vendor */
        {40, CELLA_VERIFY_ISV_SIGNATURE},              /* user data */
        {48 + 128, CELLA_VERIFY_ISV_SIGNATURE},        /* the ISV report's MRSIGNER */
        {48 + 256, CELLA_VERIFY_ISV_SIGNATURE},        /* its ISVPRODID */
        {470, CELLA_VERIFY_ISV_SIGNATURE},             /* the ISV signature */
        {530, CELLA_VERIFY_QE_REPORT_DATA},            /* the attestation key */
        {564 + 128, CELLA_VERIFY_QE_REPORT_SIGNATURE}, /* the QE report's MRSIGNER */
        {980, CELLA_VERIFY_QE_REPORT_SIGNATURE},       /* the QE signature */
        {1030, CELLA_VERIFY_QE_REPORT_DATA},           /* the QE auth data */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(copy, platform.quote, platform.quote_size);
        copy[cases[i].offset] ^= 0x02;
        cella_verify_failure_t f = verify(verifier, copy, platform.quote_size, &collateral, NOW);
        if (f != cases[i].failure)
            fail_msg("byte %zu: %s, expected %s", cases[i].offset, cella_verify_failure_str(f),
                     cella_verify_failure_str(cases[i].failure));
    }
    /* One base64 character in the middle of each certificate: the leaf, the CA, the root. */
    size_t offsets[3];
    assert_int_equal(certificate_offsets(platform.quote, platform.quote_size, offsets), 3);
    for (size_t i = 0; i < 3; i++) {
        memcpy(copy, platform.quote, platform.quote_size);
        size_t at = offsets[i] + 200;
        copy[at] = copy[at] == 'A' ? 'B' : 'A';
        cella_verify_failure_t f = verify(verifier, copy, platform.quote_size, &collateral, NOW);
        if (f != CELLA_VERIFY_CERTIFICATION_DATA && f != CELLA_VERIFY_PCK_CHAIN)
            fail_msg("certificate %zu: %s", i, cella_verify_failure_str(f));
    }
    free(copy);
    cella_verifier_destroy(verifier);
}

static void every_collateral_document_and_its_chain_is_checked(void **state)
{
    (void)state;
    cella_verifier_t *verifier = verifier_trusting(CELLA_VERIFY_ROOT_SOFTWARE_TEE);
    cella_verify_collateral_t good = collateral_of(platform.collateral);
    char *text = NULL;

    /* A digit of the evaluation number in the TCB Info, and of the QE's ISVPRODID. */
    text = strndup(good.tcb_info, good.tcb_info_size);
    assert_non_null(text);
    char *at = strstr(text, "\"tcbEvaluationDataNumber\":1");
    assert_non_null(at);
    at[strlen("\"tcbEvaluationDataNumber\":")] = '2';
    cella_verify_collateral_t changed = good;
    changed.tcb_info = text;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &changed, NOW),
                     CELLA_VERIFY_TCB_INFO);
    free(text);
    text = strndup(good.qe_identity, good.qe_identity_size);
    assert_non_null(text);
    at = strstr(text, "\"isvprodid\":1");
    assert_non_null(at);
    at[strlen("\"isvprodid\":")] = '3';
    changed = good;
    changed.qe_identity = text;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &changed, NOW),
                     CELLA_VERIFY_QE_IDENTITY);
    free(text);
    /* A character inside the TCB Signing certificate of each issuer chain. */
    text = strndup(good.tcb_info_issuer_chain, good.tcb_info_issuer_chain_size);
    assert_non_null(text);
    text[200] = text[200] == 'A' ? 'B' : 'A';
    changed = good;
    changed.tcb_info_issuer_chain = text;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &changed, NOW),
                     CELLA_VERIFY_TCB_INFO);
    changed = good;
    changed.qe_identity_issuer_chain = text;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &changed, NOW),
                     CELLA_VERIFY_QE_IDENTITY);
    free(text);
    /* Another platform's documents: signed under another root. */
    cella_keys_secrets_t *other_secrets = NULL;
    cella_quoting_t *other = NULL;
    cella_quoting_collateral_t *other_collateral = NULL;
    char directory[] = "/tmp/cella-verify-other.XXXXXX";
    assert_non_null(mkdtemp(directory));
    assert_int_equal(cella_keys_secrets_create(directory, &other_secrets), CELLA_OK);
    assert_int_equal(cella_quoting_create(other_secrets, &other), CELLA_OK);
    assert_int_equal(cella_quoting_collateral_create(other, NOW, false, &other_collateral),
                     CELLA_OK);
    assert_int_equal(cella_verifier_add_root(verifier, other_collateral->root_ca,
                                             other_collateral->root_ca_size,
                                             CELLA_VERIFY_ROOT_SOFTWARE_TEE),
                     CELLA_OK);
    cella_verify_collateral_t foreign = collateral_of(other_collateral);
    changed = good;
    changed.tcb_info = foreign.tcb_info;
    changed.tcb_info_size = foreign.tcb_info_size;
    changed.tcb_info_issuer_chain = foreign.tcb_info_issuer_chain;
    changed.tcb_info_issuer_chain_size = foreign.tcb_info_issuer_chain_size;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &changed, NOW),
                     CELLA_VERIFY_TCB_INFO);
    /* And the other platform's CRLs for this one's certificates. */
    changed = good;
    changed.pck_crl = foreign.pck_crl;
    changed.pck_crl_size = foreign.pck_crl_size;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &changed, NOW),
                     CELLA_VERIFY_CRL);
    cella_quoting_collateral_destroy(other_collateral);
    cella_quoting_destroy(other);
    cella_keys_secrets_destroy(other_secrets);
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", directory, CELLA_KEYS_SECRETS_FILE);
    (void)unlink(path);
    (void)rmdir(directory);
    cella_verifier_destroy(verifier);
}

/* The platform's PCK private key, derived as the software QE derives it (label, attempt 0). */
static EVP_PKEY *pck_key(void)
{
    uint8_t material[32];
    uint8_t point_bytes[65];
    assert_int_equal(cella_keys_derive_material(platform.secrets, "quoting: PCK key", material,
                                                sizeof(material)),
                     SGX_SUCCESS);
    EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    BIGNUM *scalar = BN_bin2bn(material, sizeof(material), NULL);
    EC_POINT *point = EC_POINT_new(group);
    assert_true(group != NULL && scalar != NULL && point != NULL);
    assert_int_equal(EC_POINT_mul(group, point, scalar, NULL, NULL, NULL), 1);
    assert_int_equal(EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, point_bytes,
                                        sizeof(point_bytes), NULL),
                     sizeof(point_bytes));
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    assert_non_null(builder);
    assert_int_equal(
        OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_PRIV_KEY, scalar), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point_bytes,
                                                      sizeof(point_bytes)),
                     1);
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(builder);
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;
    assert_true(params != NULL && context != NULL);
    assert_int_equal(EVP_PKEY_fromdata_init(context), 1);
    assert_int_equal(EVP_PKEY_fromdata(context, &key, EVP_PKEY_KEYPAIR, params), 1);
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    EC_POINT_free(point);
    BN_clear_free(scalar);
    EC_GROUP_free(group);
    return key;
}

/* document ({"name":BODY,"signature":"HEX"}) with BODY signed again by key, as raw r || s. */
static char *signed_again(const char *document, size_t size, const char *name, EVP_PKEY *key)
{
    char *text = strndup(document, size);
    assert_non_null(text);
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "{\"%s\":", name);
    assert_memory_equal(text, prefix, strlen(prefix));
    char *body = text + strlen(prefix);
    char *end = strstr(body, ",\"signature\":\"");
    assert_non_null(end);
    size_t body_size = (size_t)(end - body);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[128];
    size_t der_size = sizeof(der);
    assert_non_null(md);
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(md, der, &der_size, (const unsigned char *)body, body_size), 1);
    EVP_MD_CTX_free(md);
    const unsigned char *at = der;
    ECDSA_SIG *signature = d2i_ECDSA_SIG(NULL, &at, (long)der_size);
    assert_non_null(signature);
    uint8_t raw[64];
    assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_r(signature), raw, 32), 32);
    assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_s(signature), raw + 32, 32), 32);
    ECDSA_SIG_free(signature);
    char *hex = end + strlen(",\"signature\":\"");
    for (size_t i = 0; i < sizeof(raw); i++) {
        char pair[3];
        snprintf(pair, sizeof(pair), "%02x", raw[i]);
        hex[2 * i] = pair[0];
        hex[2 * i + 1] = pair[1];
    }
    return text;
}

/*
 * Whoever holds one platform's PCK key (taken from it through a flaw that TCB recovery then
 * marks) must not be able to vouch for that platform: TCB Info and QE Identity signed with the
 * PCK key, under the PCK chain, are refused although that chain ends at the trusted root.
 */
static void collateral_signed_by_a_pck_key_is_refused(void **state)
{
    (void)state;
    cella_verifier_t *verifier = verifier_trusting(CELLA_VERIFY_ROOT_SOFTWARE_TEE);
    cella_verify_collateral_t good = collateral_of(platform.collateral);
    size_t chain_size = 0;
    const char *pck_chain = cella_quoting_get_certification_data(platform.quoting, &chain_size);
    EVP_PKEY *key = pck_key();
    assert_non_null(pck_chain);

    char *tcb_info = signed_again(good.tcb_info, good.tcb_info_size, "tcbInfo", key);
    cella_verify_collateral_t forged = good;
    forged.tcb_info = tcb_info;
    forged.tcb_info_issuer_chain = pck_chain;
    forged.tcb_info_issuer_chain_size = chain_size;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &forged, NOW),
                     CELLA_VERIFY_TCB_INFO);
    char *identity = signed_again(good.qe_identity, good.qe_identity_size, "enclaveIdentity", key);
    forged = good;
    forged.qe_identity = identity;
    forged.qe_identity_issuer_chain = pck_chain;
    forged.qe_identity_issuer_chain_size = chain_size;
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &forged, NOW),
                     CELLA_VERIFY_QE_IDENTITY);
    /* The genuine documents still verify. */
    assert_int_equal(verify(verifier, platform.quote, platform.quote_size, &good, NOW),
                     CELLA_VERIFY_OK);
    free(tcb_info);
    free(identity);
    EVP_PKEY_free(key);
    cella_verifier_destroy(verifier);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_software_tee_quote_verifies_with_its_root_and_collateral),
        cmocka_unit_test(a_software_tee_quote_needs_its_root_given_as_a_software_tee_root),
        cmocka_unit_test(a_revoked_pck_certificate_refuses_every_quote_of_the_platform),
        cmocka_unit_test(expired_or_future_collateral_is_refused),
        cmocka_unit_test(every_bound_field_and_every_certificate_of_the_quote_is_checked),
        cmocka_unit_test(every_collateral_document_and_its_chain_is_checked),
        cmocka_unit_test(collateral_signed_by_a_pck_key_is_refused),
    };
    return cmocka_run_group_tests(tests, set_up, tear_down);
}
