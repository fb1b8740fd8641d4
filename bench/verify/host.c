/* SPDX-License-Identifier: Apache-2.0 */
/* bench/verify/host.c: quote verifications per second next to the signature checks they need. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cella/log.h>
#include <cella/quote.h>
#include <cella/verify.h>

#include "bench.h"
#include "host/keys.h"
#include "host/quoting.h"

/*
 * The quotes: one of a software-TEE platform made here (with its CRLs), and a real Intel
 * quote with its TCB Info and QE Identity (../shared/vectors, oasis-v3, when present),
 * verified at the time its collateral was current. The baseline is the bare cost
 * of the signature checks every verification of such a quote must make, with OpenSSL on the
 * same bytes: the attestation key's signature over the quote, the PCK key's over the QE
 * report, the PCK CA's over the PCK certificate and the root's over the PCK CA's. The goal
 * of the verifier is at least 60% of the speed that bound allows.
 */

#define OASIS_NOW 1671497404

struct file {
    char *bytes;
    size_t size;
};

static bool load(const char *name, struct file *f)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/vectors/%s",
             getenv("CELLA_SHARED_DIR") != NULL ? getenv("CELLA_SHARED_DIR") : CELLA_SHARED_DIR,
             name);
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        printf("not run: %s is absent (the vectors folder; set CELLA_SHARED_DIR)\n", path);
        return false;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    f->bytes = malloc((size_t)size + 1);
    if (f->bytes == NULL || fread(f->bytes, 1, (size_t)size, file) != (size_t)size) {
        fclose(file);
        return false;
    }
    f->bytes[size] = '\0';
    f->size = (size_t)size;
    fclose(file);
    return true;
}

static EVP_PKEY *raw_p256(const uint8_t raw[64])
{
    uint8_t point[65] = {0x04};
    memcpy(point + 1, raw, 64);
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("group", (char *)(uintptr_t) "prime256v1", 0),
        OSSL_PARAM_construct_octet_string("pub", point, sizeof(point)), OSSL_PARAM_construct_end()};
    if (EVP_PKEY_fromdata_init(context) != 1 ||
        EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(context);
    return key;
}

static unsigned char *der_signature(const uint8_t raw[64], int *size)
{
    ECDSA_SIG *signature = ECDSA_SIG_new();
    unsigned char *der = NULL;
    ECDSA_SIG_set0(signature, BN_bin2bn(raw, 32, NULL), BN_bin2bn(raw + 32, 32, NULL));
    *size = i2d_ECDSA_SIG(signature, &der);
    ECDSA_SIG_free(signature);
    return der;
}

static bool verify_raw(EVP_PKEY *key, const void *data, size_t size, const unsigned char *der,
                       int der_size)
{
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, key) == 1 &&
              EVP_DigestVerify(context, der, (size_t)der_size, data, size) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

/*
 * Measures verifications of quote (with collateral, at now) by verifier next to the bound of
 * its four signature checks, and prints both with the goal. Returns false if anything fails.
 */
static bool measure(const char *name, cella_verifier_t *verifier, const uint8_t *quote,
                    size_t quote_size, const cella_verify_collateral_t *collateral, int64_t now,
                    size_t iterations)
{
    enum { BATCHES = 15 };
    cella_verify_result_t result;
    cella_quote_t parsed;

    if (cella_verifier_verify(verifier, quote, quote_size, collateral, now, &result) != CELLA_OK) {
        fprintf(stderr, "bench_verify: the %s quote does not verify: %s\n", name, result.reason);
        return false;
    }
    if (cella_quote_parse(quote, quote_size, &parsed) != CELLA_OK)
        return false;
    BIO *bio = BIO_new_mem_buf(parsed.certification_data, (int)parsed.certification_data_size - 1);
    X509 *leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    X509 *ca = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    X509 *root = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    EVP_PKEY *attestation = raw_p256(parsed.attestation_key);
    int isv_der_size = 0, qe_der_size = 0;
    unsigned char *isv_der = der_signature(parsed.isv_signature, &isv_der_size);
    unsigned char *qe_der = der_signature(parsed.qe_signature, &qe_der_size);
    bool all = leaf != NULL && ca != NULL && root != NULL && attestation != NULL;
    double bound_ns = 0, verify_ns = 0;
    for (int round = 0; all && round < 3; round++) {
        double ns;
        BENCH_MEDIAN_NS(ns, BATCHES, iterations, {
            all &= verify_raw(attestation, parsed.signed_bytes, parsed.signed_size, isv_der,
                              isv_der_size);
            all &= verify_raw(X509_get0_pubkey(leaf), parsed.qe_report_bytes, 384, qe_der,
                              qe_der_size);
            all &= X509_verify(leaf, X509_get0_pubkey(ca)) == 1;
            all &= X509_verify(ca, X509_get0_pubkey(root)) == 1;
        });
        bound_ns = round == 0 || ns < bound_ns ? ns : bound_ns;
        BENCH_MEDIAN_NS(ns, BATCHES, iterations, {
            all &= cella_verifier_verify(verifier, quote, quote_size, collateral, now, &result) ==
                   CELLA_OK;
        });
        verify_ns = round == 0 || ns < verify_ns ? ns : verify_ns;
    }
    if (all) {
        char what[96];
        snprintf(what, sizeof(what), "one verification, %s", name);
        bench_report(what, verify_ns, "its 4 signature checks (OpenSSL)", bound_ns);
        printf("  verifications per second, one core: %.0f (the bound: %.0f)\n", 1e9 / verify_ns,
               1e9 / bound_ns);
        bench_report_goal("at least 60% of the bound's verifications per second",
                          bound_ns / verify_ns >= 0.6);
    } else {
        fprintf(stderr, "bench_verify: a check failed during the measurement\n");
    }
    X509_free(leaf);
    X509_free(ca);
    X509_free(root);
    EVP_PKEY_free(attestation);
    OPENSSL_free(isv_der);
    OPENSSL_free(qe_der);
    return all;
}

/* A software-TEE platform of the benchmark's own, its quote and its collateral. */
struct software_platform {
    char directory[64];
    cella_keys_secrets_t *secrets;
    cella_quoting_t *quoting;
    cella_quoting_collateral_t *collateral;
    uint8_t *quote;
    size_t quote_size;
};

static bool software_platform_create(struct software_platform *p, int64_t now)
{
    sgx_report_body_t identity;
    sgx_target_info_t qe;
    sgx_report_t report;

    memset(&identity, 0, sizeof(identity));
    identity.attributes.flags = SGX_FLAGS_INITTED | SGX_FLAGS_MODE64BIT;
    identity.attributes.xfrm = 3;
    snprintf(p->directory, sizeof(p->directory), "/tmp/cella-bench-verify.XXXXXX");
    if (mkdtemp(p->directory) == NULL ||
        cella_keys_secrets_create(p->directory, &p->secrets) != CELLA_OK ||
        cella_quoting_create(p->secrets, &p->quoting) != CELLA_OK ||
        cella_quoting_collateral_create(p->quoting, now, false, &p->collateral) != CELLA_OK)
        return false;
    cella_quoting_get_target_info(&qe);
    p->quote_size = cella_quoting_get_quote_size(p->quoting);
    p->quote = malloc(p->quote_size);
    return p->quote != NULL &&
           cella_keys_create_report(p->secrets, &identity, &qe, NULL, &report) == SGX_SUCCESS &&
           cella_quoting_get_quote(p->quoting, &report, p->quote, (uint32_t)p->quote_size) ==
               SGX_QL_SUCCESS;
}

static void software_platform_destroy(struct software_platform *p)
{
    char path[128];
    free(p->quote);
    cella_quoting_collateral_destroy(p->collateral);
    cella_quoting_destroy(p->quoting);
    cella_keys_secrets_destroy(p->secrets);
    snprintf(path, sizeof(path), "%s/%s", p->directory, CELLA_KEYS_SECRETS_FILE);
    (void)unlink(path);
    (void)rmdir(p->directory);
}

int main(int argc, char **argv)
{
    struct file quote, tcb_info, chain, qe_identity;
    bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    size_t iterations = quick ? 10 : 60;
    bool ok = true;

    printf("cella benchmark: DCAP quote verification with collateral kept, next to the bare "
           "signature checks a quote needs (OpenSSL)\n");
    cella_log_set_handler(NULL, NULL);

    /* A software-TEE quote, with CRLs: made here, so it always runs. */
    struct software_platform platform;
    memset(&platform, 0, sizeof(platform));
    int64_t now = (int64_t)time(NULL);
    cella_verifier_t *verifier = NULL;
    if (!software_platform_create(&platform, now) || cella_verifier_create(&verifier) != CELLA_OK ||
        cella_verifier_add_root(verifier, platform.collateral->root_ca,
                                platform.collateral->root_ca_size,
                                CELLA_VERIFY_ROOT_SOFTWARE_TEE) != CELLA_OK) {
        fprintf(stderr, "bench_verify: cannot make a software-TEE platform\n");
        return 1;
    }
    cella_quoting_collateral_t *made = platform.collateral;
    cella_verify_collateral_t software = {
        .tcb_info = made->tcb_info,
        .tcb_info_size = made->tcb_info_size,
        .tcb_info_issuer_chain = made->tcb_info_issuer_chain,
        .tcb_info_issuer_chain_size = made->tcb_info_issuer_chain_size,
        .qe_identity = made->qe_identity,
        .qe_identity_size = made->qe_identity_size,
        .qe_identity_issuer_chain = made->qe_identity_issuer_chain,
        .qe_identity_issuer_chain_size = made->qe_identity_issuer_chain_size,
        .root_ca_crl = made->root_ca_crl,
        .root_ca_crl_size = made->root_ca_crl_size,
        .pck_crl = made->pck_crl,
        .pck_crl_size = made->pck_crl_size,
    };
    ok &= measure("software-TEE quote with CRLs", verifier, platform.quote, platform.quote_size,
                  &software, now, iterations);
    cella_verifier_destroy(verifier);
    software_platform_destroy(&platform);

    /* A real Intel quote and its collateral (no CRLs in that set), when the vectors are here. */
    if (!load("oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin", &quote) ||
        !load("oasis-v3/tcb_info_v3_fmspc_00606A000000.json", &tcb_info) ||
        !load("oasis-v3/tcb_info_v3_fmspc_00606A000000_certs.pem", &chain) ||
        !load("oasis-v3/qe_identity_v2.json", &qe_identity))
        return ok ? 0 : 1;
    if (cella_verifier_create(&verifier) != CELLA_OK)
        return 1;
    cella_verifier_set_crls_required(verifier, false);
    cella_verify_collateral_t collateral = {
        .tcb_info = tcb_info.bytes,
        .tcb_info_size = tcb_info.size,
        .tcb_info_issuer_chain = chain.bytes,
        .tcb_info_issuer_chain_size = chain.size,
        .qe_identity = qe_identity.bytes,
        .qe_identity_size = qe_identity.size,
        .qe_identity_issuer_chain = chain.bytes,
        .qe_identity_issuer_chain_size = chain.size,
    };
    ok &= measure("Intel quote (oasis-v3)", verifier, (const uint8_t *)quote.bytes, quote.size,
                  &collateral, OASIS_NOW, iterations);
    cella_verifier_destroy(verifier);
    free(quote.bytes);
    free(tcb_info.bytes);
    free(chain.bytes);
    free(qe_identity.bytes);
    return ok ? 0 : 1;
}
