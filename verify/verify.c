/* SPDX-License-Identifier: Apache-2.0 */
/* verify/verify.c: the DCAP quote verifier: trust anchors, chains, signatures, TCB and verdict. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cella/collateral.h>
#include <cella/memory.h>
#include <cella/quote.h>
#include <cella/verify.h>

#include "../common/log_internal.h"
#include "pck.h"

/*
 * The order of the checks follows Intel's verification library: the quote's own structure,
 * then who certifies it (the PCK chain up to a trusted root, with CRLs), then what the
 * collateral says about that platform (TCB Info, QE Identity, each chained to the same root
 * and signed over its exact bytes), then the three signatures and the key binding, then the
 * TCB levels. Every failure names its check (cella_verify_failure_t) and says why in one
 * line. Nothing is trusted because the quote or the collateral claims it: roots are the
 * verifier's, the time is the caller's.
 */

#define ROOTS_MAX 16

/* Intel's SGX Root CA, by subject and public key (every certificate Intel issued for it). */
static const char intel_root_key[] =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi71OiOSLRFhWGjbnBVJfVnkY4u3IjkD"
    "YYL0MxO4mqsyYjlBalTVYxFP2sJBK5zlA==";

static const uint8_t intel_qe_vendor_id[16] = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                               0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07};
static const uint8_t software_tee_qe_vendor_id[16] = CELLA_VERIFY_SOFTWARE_TEE_QE_VENDOR_ID;

struct trusted_root {
    X509_NAME *subject;
    uint8_t *key; /* DER SubjectPublicKeyInfo */
    size_t key_size;
    cella_verify_root_kind_t kind;
};

/*
 * What a verification proved about a certificate chain or a signed collateral document,
 * kept so the next verification of the same bytes skips the signature checks: the bytes
 * (with the CRLs and the CRL requirement it was checked under) hashed into `key`, the root
 * it ends at, and the window of time in which the proof holds (the intersection of every
 * validity period involved). Outside the window the full check runs again and says what
 * failed. Entries are immutable and reference-counted; the verifier keeps the latest
 * CACHE_ENTRIES.
 */
#define CACHE_ENTRIES 64

struct cache_entry {
    uint8_t key[32];
    int references;
    const struct trusted_root *root;
    int64_t not_before;
    int64_t not_after;
    int64_t expires;      /* the end reported as collateral_expiration */
    EVP_PKEY *signer;     /* the first certificate's key: the PCK key, or the TCB Signing key */
    cella_pck_info_t pck; /* PCK chains */
    char *text;           /* documents: a private copy, which these point into */
    cella_tcb_info_t *tcb_info;
    cella_enclave_identity_t *identity;
};

struct cella_verifier {
    struct trusted_root roots[ROOTS_MAX];
    size_t root_count;
    bool crls_required;
    pthread_mutex_t cache_lock;
    struct cache_entry *cache[CACHE_ENTRIES];
    size_t cache_next; /* the slot the next entry takes (the oldest) */
    /* Which platform a PCK chain names (FMSPC, CA), by the chain's bytes: what
     * cella_verifier_verify_from() looks its collateral up by, without parsing the chain. */
    struct platform_memo {
        uint8_t key[32];
        uint8_t fmspc[6];
        char ca[16];
        bool used;
    } platforms[CACHE_ENTRIES];
    size_t platform_next;
    /* Attestation keys as OpenSSL keys, by their 64 raw bytes: a platform signs every quote
     * with the same one. */
    struct attestation_key_memo {
        uint8_t raw[64];
        EVP_PKEY *key;
    } attestation_keys[CACHE_ENTRIES];
    size_t attestation_key_next;
};

/* One verification's state: the inputs as parsed, what has been proven so far. */
struct check {
    cella_verifier_t *verifier;
    int64_t now;
    cella_verify_result_t *result;
    uint8_t *quote_copy;
    cella_quote_t quote;
    const uint8_t *root_crl_bytes; /* as supplied, for the cache keys */
    size_t root_crl_size;
    const uint8_t *pck_crl_bytes;
    size_t pck_crl_size;
    X509_CRL *root_crl;
    X509_CRL *pck_crl;
    const struct trusted_root *root; /* the one the PCK chain ends at */
    cella_pck_info_t pck;
    struct cache_entry *pck_entry; /* the proven PCK chain: its key signs the QE report */
    struct cache_entry *tcb_entry; /* the proven TCB Info */
    struct cache_entry *qe_entry;  /* the proven QE Identity */
    const cella_tcb_info_t *tcb_info;
    const cella_enclave_identity_t *qe_identity;
    bool signatures_only; /* verify_chain checks signatures, dates and roots, not CRLs */
};

static void entry_release(struct cache_entry *entry);
static cella_verify_failure_t parse_crls(struct check *c);

const char *cella_verify_failure_str(cella_verify_failure_t failure)
{
    switch (failure) {
    case CELLA_VERIFY_OK:
        return "ok";
    case CELLA_VERIFY_QUOTE_FORMAT:
        return "quote-format";
    case CELLA_VERIFY_QE_VENDOR:
        return "qe-vendor";
    case CELLA_VERIFY_CERTIFICATION_DATA:
        return "certification-data";
    case CELLA_VERIFY_PCK_CHAIN:
        return "pck-chain";
    case CELLA_VERIFY_PCK_REVOKED:
        return "pck-revoked";
    case CELLA_VERIFY_PCK_EXTENSION:
        return "pck-extension";
    case CELLA_VERIFY_CRL:
        return "crl";
    case CELLA_VERIFY_TCB_INFO:
        return "tcb-info";
    case CELLA_VERIFY_QE_IDENTITY:
        return "qe-identity";
    case CELLA_VERIFY_FMSPC_MISMATCH:
        return "fmspc-mismatch";
    case CELLA_VERIFY_QE_REPORT_SIGNATURE:
        return "qe-report-signature";
    case CELLA_VERIFY_QE_REPORT_DATA:
        return "qe-report-data";
    case CELLA_VERIFY_QE_IDENTITY_MISMATCH:
        return "qe-identity-mismatch";
    case CELLA_VERIFY_ISV_SIGNATURE:
        return "isv-signature";
    case CELLA_VERIFY_TCB_NOT_SUPPORTED:
        return "tcb-not-supported";
    case CELLA_VERIFY_QE_TCB_NOT_SUPPORTED:
        return "qe-tcb-not-supported";
    case CELLA_VERIFY_TCB_REVOKED:
        return "tcb-revoked";
    }
    return "unknown";
}

/* Records the failure and its reason; returns it, for `return fail(...)`. */
__attribute__((format(printf, 3, 4))) static cella_verify_failure_t
fail(struct check *c, cella_verify_failure_t failure, const char *format, ...)
{
    va_list arguments;

    c->result->failure = failure;
    va_start(arguments, format);
    (void)vsnprintf(c->result->reason, sizeof(c->result->reason), format, arguments);
    va_end(arguments);
    return failure;
}

/* ---- trust anchors ----------------------------------------------------------------------------
 */

static void root_clear(struct trusted_root *root)
{
    X509_NAME_free(root->subject);
    free(root->key);
    memset(root, 0, sizeof(*root));
}

static bool key_der(EVP_PKEY *key, uint8_t **der, size_t *size)
{
    unsigned char *bytes = NULL;
    int length = i2d_PUBKEY(key, &bytes);
    if (length <= 0)
        return false;
    *der = malloc((size_t)length);
    if (*der != NULL)
        memcpy(*der, bytes, (size_t)length);
    OPENSSL_free(bytes);
    *size = (size_t)length;
    return *der != NULL;
}

static bool add_intel_root(cella_verifier_t *v)
{
    struct trusted_root *root = &v->roots[v->root_count];
    uint8_t der[128];
    int length =
        EVP_DecodeBlock(der, (const unsigned char *)intel_root_key, (int)strlen(intel_root_key));
    /* EVP_DecodeBlock counts the base64 padding as zero bytes. */
    if (length < 2)
        return false;
    length -= 2;
    root->subject = X509_NAME_new();
    root->key = malloc((size_t)length);
    if (root->subject == NULL || root->key == NULL) {
        root_clear(root);
        return false;
    }
    memcpy(root->key, der, (size_t)length);
    root->key_size = (size_t)length;
    root->kind = CELLA_VERIFY_ROOT_INTEL;
    /* The subject, in the order its RDNs appear in the certificate. */
    static const char *const fields[][2] = {{"CN", "Intel SGX Root CA"},
                                            {"O", "Intel Corporation"},
                                            {"L", "Santa Clara"},
                                            {"ST", "CA"},
                                            {"C", "US"}};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (X509_NAME_add_entry_by_txt(root->subject, fields[i][0], MBSTRING_ASC,
                                       (const unsigned char *)fields[i][1], -1, -1, 0) != 1) {
            root_clear(root);
            return false;
        }
    }
    v->root_count++;
    return true;
}

cella_result_t cella_verifier_create(cella_verifier_t **out)
{
    if (out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    cella_verifier_t *v = calloc(1, sizeof(*v));
    if (v == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    v->crls_required = true;
    if (!add_intel_root(v)) {
        free(v);
        return CELLA_ERR_OUT_OF_MEMORY;
    }
    pthread_mutex_init(&v->cache_lock, NULL);
    *out = v;
    return CELLA_OK;
}

void cella_verifier_destroy(cella_verifier_t *verifier)
{
    if (verifier == NULL)
        return;
    for (size_t i = 0; i < verifier->root_count; i++)
        root_clear(&verifier->roots[i]);
    for (size_t i = 0; i < CACHE_ENTRIES; i++) {
        entry_release(verifier->cache[i]);
        EVP_PKEY_free(verifier->attestation_keys[i].key);
    }
    pthread_mutex_destroy(&verifier->cache_lock);
    free(verifier);
}

void cella_verifier_set_crls_required(cella_verifier_t *verifier, bool required)
{
    if (verifier != NULL)
        verifier->crls_required = required;
}

/* Every certificate of a PEM text, in order; NULL when there is none or one is malformed. */
static STACK_OF(X509) * pem_certificates(const char *pem, size_t size)
{
    /* Certification data is often NUL-terminated, with the NUL counted. */
    while (size > 0 && pem[size - 1] == '\0')
        size--;
    if (size == 0 || size > INT_MAX)
        return NULL;
    BIO *bio = BIO_new_mem_buf(pem, (int)size);
    STACK_OF(X509) *certificates = sk_X509_new_null();
    X509 *certificate = NULL;

    if (bio == NULL || certificates == NULL)
        goto fail;
    while ((certificate = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (sk_X509_push(certificates, certificate) <= 0) {
            X509_free(certificate);
            goto fail;
        }
    }
    /* The loop ends at the end of the text, or at something that is not a certificate. */
    unsigned long error = ERR_peek_last_error();
    ERR_clear_error();
    if (ERR_GET_REASON(error) != PEM_R_NO_START_LINE || sk_X509_num(certificates) == 0)
        goto fail;
    BIO_free(bio);
    return certificates;
fail:
    ERR_clear_error();
    BIO_free(bio);
    sk_X509_pop_free(certificates, X509_free);
    return NULL;
}

cella_result_t cella_verifier_add_root(cella_verifier_t *verifier, const char *pem, size_t pem_size,
                                       cella_verify_root_kind_t kind)
{
    if (verifier == NULL || pem == NULL ||
        (kind != CELLA_VERIFY_ROOT_INTEL && kind != CELLA_VERIFY_ROOT_SOFTWARE_TEE))
        return CELLA_ERR_INVALID_ARGUMENT;
    if (verifier->root_count == ROOTS_MAX)
        return CELLA_ERR_OUT_OF_MEMORY;
    STACK_OF(X509) *certificates = pem_certificates(pem, pem_size);
    cella_result_t r = CELLA_ERR_INVALID_FORMAT;
    if (certificates == NULL || sk_X509_num(certificates) != 1) {
        cella_log(CELLA_LOG_ERROR, "verifier: a trusted root must be one PEM certificate");
        goto out;
    }
    X509 *certificate = sk_X509_value(certificates, 0);
    EVP_PKEY *key = X509_get0_pubkey(certificate);
    if (key == NULL || X509_check_issued(certificate, certificate) != X509_V_OK ||
        X509_verify(certificate, key) != 1) {
        cella_log(CELLA_LOG_ERROR, "verifier: a trusted root must be a self-signed certificate");
        goto out;
    }
    struct trusted_root *root = &verifier->roots[verifier->root_count];
    root->subject = X509_NAME_dup(X509_get_subject_name(certificate));
    if (root->subject == NULL || !key_der(key, &root->key, &root->key_size)) {
        root_clear(root);
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    root->kind = kind;
    verifier->root_count++;
    r = CELLA_OK;
out:
    ERR_clear_error();
    sk_X509_pop_free(certificates, X509_free);
    return r;
}

/* The trusted root certificate is (subject and key), or NULL. */
static const struct trusted_root *trusted_root_of(const cella_verifier_t *v, X509 *certificate)
{
    uint8_t *key = NULL;
    size_t key_size = 0;
    const struct trusted_root *found = NULL;
    EVP_PKEY *public_key = X509_get0_pubkey(certificate);

    if (public_key == NULL || !key_der(public_key, &key, &key_size))
        return NULL;
    for (size_t i = 0; i < v->root_count && found == NULL; i++) {
        const struct trusted_root *root = &v->roots[i];
        if (root->key_size == key_size && memcmp(root->key, key, key_size) == 0 &&
            X509_NAME_cmp(root->subject, X509_get_subject_name(certificate)) == 0)
            found = root;
    }
    free(key);
    return found;
}

/* ---- the cache ------------------------------------------------------------------------------ */

static void entry_release(struct cache_entry *entry)
{
    if (entry == NULL || __atomic_sub_fetch(&entry->references, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    EVP_PKEY_free(entry->signer);
    cella_tcb_info_destroy(entry->tcb_info);
    cella_enclave_identity_destroy(entry->identity);
    free(entry->text);
    free(entry);
}

static bool entry_holds_at(const struct cache_entry *entry, int64_t now);

/* The entry for key whose window holds at now, with a reference for the caller, or NULL. */
static struct cache_entry *cache_get(cella_verifier_t *v, const uint8_t key[32], int64_t now)
{
    struct cache_entry *found = NULL;
    pthread_mutex_lock(&v->cache_lock);
    for (size_t i = 0; i < CACHE_ENTRIES && found == NULL; i++) {
        if (v->cache[i] != NULL && memcmp(v->cache[i]->key, key, 32) == 0 &&
            entry_holds_at(v->cache[i], now)) {
            found = v->cache[i];
            __atomic_add_fetch(&found->references, 1, __ATOMIC_ACQ_REL);
        }
    }
    pthread_mutex_unlock(&v->cache_lock);
    return found;
}

/* Keeps entry (the caller keeps its own reference) in place of an entry with its key, else
 * of the oldest when full. */
static void cache_put(cella_verifier_t *v, struct cache_entry *entry)
{
    __atomic_add_fetch(&entry->references, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_lock(&v->cache_lock);
    size_t slot = v->cache_next;
    bool replaces = false;
    for (size_t i = 0; i < CACHE_ENTRIES && !replaces; i++) {
        if (v->cache[i] != NULL && memcmp(v->cache[i]->key, entry->key, 32) == 0) {
            slot = i;
            replaces = true;
        }
    }
    struct cache_entry *evicted = v->cache[slot];
    v->cache[slot] = entry;
    if (!replaces)
        v->cache_next = (v->cache_next + 1) % CACHE_ENTRIES;
    pthread_mutex_unlock(&v->cache_lock);
    entry_release(evicted);
}

static struct cache_entry *entry_new(const uint8_t key[32])
{
    struct cache_entry *entry = calloc(1, sizeof(*entry));
    if (entry != NULL) {
        memcpy(entry->key, key, 32);
        entry->references = 1;
    }
    return entry;
}

/* Windows are half-open, [not_before, not_after), as OpenSSL counts validity periods. */
static bool entry_holds_at(const struct cache_entry *entry, int64_t now)
{
    return entry != NULL && now >= entry->not_before && now < entry->not_after;
}

/*
 * The cache key of `what` (a tag), the bytes proven, and what the proof depended on. Returns
 * false when it cannot be computed: the caller then neither looks in the cache nor fills it.
 */
static bool cache_key(const struct check *c, const char *what, const void *a, size_t a_size,
                      const void *b, size_t b_size, uint8_t key[32])
{
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    uint8_t required = c->verifier->crls_required ? 1 : 0;
    unsigned int size = 0;
    uint64_t sizes[4] = {a_size, b_size, c->root_crl_size, c->pck_crl_size};
    bool done = false;

    memset(key, 0, 32);
    if (context == NULL)
        return false;
    /* Lengths first, so no two different inputs hash the same bytes. */
    if (EVP_DigestInit_ex(context, EVP_sha256(), NULL) == 1 &&
        EVP_DigestUpdate(context, what, strlen(what) + 1) == 1 &&
        EVP_DigestUpdate(context, sizes, sizeof(sizes)) == 1 &&
        EVP_DigestUpdate(context, &required, 1) == 1 &&
        (a_size == 0 || EVP_DigestUpdate(context, a, a_size) == 1) &&
        (b_size == 0 || EVP_DigestUpdate(context, b, b_size) == 1) &&
        (c->root_crl_size == 0 ||
         EVP_DigestUpdate(context, c->root_crl_bytes, c->root_crl_size) == 1) &&
        (c->pck_crl_size == 0 || EVP_DigestUpdate(context, c->pck_crl_bytes, c->pck_crl_size) == 1))
        done = EVP_DigestFinal_ex(context, key, &size) == 1 && size == 32;
    EVP_MD_CTX_free(context);
    return done;
}

/* ---- time -------------------------------------------------------------------------------------
 */

static bool asn1_time_seconds(const ASN1_TIME *time, int64_t *seconds)
{
    struct tm tm;
    if (time == NULL || ASN1_TIME_to_tm(time, &tm) != 1)
        return false;
    *seconds = (int64_t)timegm(&tm);
    return true;
}

static void expire_at(struct check *c, int64_t seconds)
{
    if (c->result->collateral_expiration == 0 || seconds < c->result->collateral_expiration)
        c->result->collateral_expiration = seconds;
}

static void expire_with_chain(struct check *c, STACK_OF(X509) * chain)
{
    for (int i = 0; i < sk_X509_num(chain); i++) {
        int64_t seconds;
        if (asn1_time_seconds(X509_get0_notAfter(sk_X509_value(chain, i)), &seconds))
            expire_at(c, seconds);
    }
}

static void expire_with_crl(struct check *c, X509_CRL *crl)
{
    int64_t seconds;
    if (crl != NULL && asn1_time_seconds(X509_CRL_get0_nextUpdate(crl), &seconds))
        expire_at(c, seconds);
}

/* ---- CRLs -------------------------------------------------------------------------------------
 */

static bool is_hex(const uint8_t *bytes, size_t size)
{
    if (size == 0 || size % 2 != 0)
        return false;
    for (size_t i = 0; i < size; i++) {
        uint8_t b = bytes[i];
        if (!((b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F')))
            return false;
    }
    return true;
}

/* A CRL in DER, PEM or hex-encoded DER (as PCCS serves the root CA's). */
static X509_CRL *crl_parse(const uint8_t *bytes, size_t size)
{
    X509_CRL *crl = NULL;

    if (size == 0 || size > CELLA_COLLATERAL_MAX_BYTES)
        return NULL;
    if (size > 10 && memcmp(bytes, "-----BEGIN", 10) == 0) {
        BIO *bio = BIO_new_mem_buf(bytes, (int)size);
        crl = bio != NULL ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
    } else if (is_hex(bytes, size)) {
        size_t der_size = size / 2;
        uint8_t *der = malloc(der_size);
        if (der != NULL) {
            for (size_t i = 0; i < der_size; i++) {
                unsigned int byte = 0;
                (void)sscanf((const char *)bytes + 2 * i, "%2x", &byte);
                der[i] = (uint8_t)byte;
            }
            const unsigned char *p = der;
            crl = d2i_X509_CRL(NULL, &p, (long)der_size);
            if (crl != NULL && p != der + der_size) {
                X509_CRL_free(crl);
                crl = NULL;
            }
            free(der);
        }
    } else {
        const unsigned char *p = bytes;
        crl = d2i_X509_CRL(NULL, &p, (long)size);
        if (crl != NULL && p != bytes + size) {
            X509_CRL_free(crl);
            crl = NULL;
        }
    }
    ERR_clear_error();
    return crl;
}

/* ---- chains -----------------------------------------------------------------------------------
 */

/* The time in which a verification of chain (with the CRLs in c) holds. */
static void chain_window(const struct check *c, STACK_OF(X509) * chain, int64_t *not_before,
                         int64_t *not_after)
{
    int64_t start = INT64_MIN, end = INT64_MAX, seconds;

    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *certificate = sk_X509_value(chain, i);
        if (asn1_time_seconds(X509_get0_notBefore(certificate), &seconds) && seconds > start)
            start = seconds;
        if (asn1_time_seconds(X509_get0_notAfter(certificate), &seconds) && seconds < end)
            end = seconds;
    }
    X509_CRL *crls[2] = {c->root_crl, c->pck_crl};
    for (size_t i = 0; i < 2; i++) {
        if (crls[i] == NULL)
            continue;
        if (asn1_time_seconds(X509_CRL_get0_lastUpdate(crls[i]), &seconds) && seconds > start)
            start = seconds;
        if (asn1_time_seconds(X509_CRL_get0_nextUpdate(crls[i]), &seconds) && seconds < end)
            end = seconds;
    }
    *not_before = start;
    *not_after = end;
}

static int chain_callback(int ok, X509_STORE_CTX *context)
{
    const bool *crls_required = X509_STORE_CTX_get_app_data(context);
    /* Without required CRLs, a certificate whose issuer's CRL was not supplied passes. */
    if (!ok && X509_STORE_CTX_get_error(context) == X509_V_ERR_UNABLE_TO_GET_CRL && !*crls_required)
        return 1;
    return ok;
}

/*
 * Verifies chain (leaf first) at c->now: it must end in a self-signed certificate that is a
 * trusted root by subject and key, every signature and validity window must hold, and the
 * CRLs given (when required: for every certificate) must not revoke any of it. *root gets
 * the trusted root. `what` names the chain in the reason.
 */
static cella_verify_failure_t verify_chain(struct check *c, STACK_OF(X509) * chain,
                                           const char *what, cella_verify_failure_t failure,
                                           const struct trusted_root **root)
{
    int count = sk_X509_num(chain);
    X509 *top = sk_X509_value(chain, count - 1);
    X509_STORE *store = NULL;
    X509_STORE_CTX *context = NULL;
    STACK_OF(X509) *untrusted = NULL;
    cella_verify_failure_t outcome = failure;
    bool crls_required = c->verifier->crls_required;
    char subject[256];

    if (parse_crls(c) != CELLA_VERIFY_OK)
        return c->result->failure;
    X509_NAME_oneline(X509_get_subject_name(top), subject, sizeof(subject));
    *root = X509_check_issued(top, top) == X509_V_OK ? trusted_root_of(c->verifier, top) : NULL;
    if (*root == NULL) {
        ERR_clear_error();
        return fail(c, failure, "%s ends at %s, which is not a trusted root", what, subject);
    }
    store = X509_STORE_new();
    context = X509_STORE_CTX_new();
    untrusted = sk_X509_new_null();
    if (store == NULL || context == NULL || untrusted == NULL ||
        X509_STORE_add_cert(store, top) != 1) {
        fail(c, failure, "%s: out of memory", what);
        goto out;
    }
    for (int i = 1; i < count - 1; i++) {
        if (sk_X509_push(untrusted, sk_X509_value(chain, i)) <= 0) {
            fail(c, failure, "%s: out of memory", what);
            goto out;
        }
    }
    unsigned long flags =
        c->signatures_only ? 0 : X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
    if (c->root_crl != NULL)
        (void)X509_STORE_add_crl(store, c->root_crl);
    if (c->pck_crl != NULL)
        (void)X509_STORE_add_crl(store, c->pck_crl);
    if (X509_STORE_CTX_init(context, store, sk_X509_value(chain, 0), untrusted) != 1) {
        fail(c, failure, "%s: out of memory", what);
        goto out;
    }
    X509_VERIFY_PARAM *parameters = X509_STORE_CTX_get0_param(context);
    X509_VERIFY_PARAM_set_time(parameters, (time_t)c->now);
    X509_VERIFY_PARAM_set_flags(parameters, flags);
    X509_STORE_CTX_set_app_data(context, &crls_required);
    X509_STORE_CTX_set_verify_cb(context, chain_callback);
    if (X509_verify_cert(context) == 1) {
        outcome = CELLA_VERIFY_OK;
        expire_with_chain(c, chain);
        goto out;
    }
    int error = X509_STORE_CTX_get_error(context);
    int depth = X509_STORE_CTX_get_error_depth(context);
    X509 *at = X509_STORE_CTX_get_current_cert(context);
    char name[256] = "?";
    if (at != NULL)
        X509_NAME_oneline(X509_get_subject_name(at), name, sizeof(name));
    switch (error) {
    case X509_V_ERR_CERT_REVOKED:
        outcome = failure == CELLA_VERIFY_PCK_CHAIN ? CELLA_VERIFY_PCK_REVOKED : failure;
        break;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
        outcome = CELLA_VERIFY_CRL;
        break;
    default:
        outcome = failure;
        break;
    }
    fail(c, outcome, "%s: %s (certificate %d, %s)", what, X509_verify_cert_error_string(error),
         depth, name);
out:
    ERR_clear_error();
    sk_X509_free(untrusted);
    X509_STORE_CTX_free(context);
    X509_STORE_free(store);
    return outcome;
}

/* ---- signatures -------------------------------------------------------------------------------
 */

/* An ECDSA P-256 signature, raw r || s (big-endian), over data with SHA-256. */
static bool ecdsa_verify(EVP_PKEY *key, const void *data, size_t size, const uint8_t signature[64])
{
    ECDSA_SIG *parsed = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(signature, 32, NULL);
    BIGNUM *s = BN_bin2bn(signature + 32, 32, NULL);
    unsigned char *der = NULL;
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    bool valid = false;

    if (parsed == NULL || r == NULL || s == NULL || context == NULL ||
        ECDSA_SIG_set0(parsed, r, s) != 1)
        goto out;
    r = s = NULL; /* owned by parsed now */
    int der_size = i2d_ECDSA_SIG(parsed, &der);
    valid = der_size > 0 && EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, key) == 1 &&
            EVP_DigestVerify(context, der, (size_t)der_size, data, size) == 1;
out:
    ERR_clear_error();
    OPENSSL_free(der);
    EVP_MD_CTX_free(context);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(parsed);
    return valid;
}

/* The attestation key (raw x || y) as a P-256 public key; NULL if it is not on the curve. */
static EVP_PKEY *attestation_key(const uint8_t raw[64])
{
    uint8_t point[65];
    OSSL_PARAM params[3];
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);

    point[0] = 0x04;
    memcpy(point + 1, raw, 64);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                 (char *)(uintptr_t) "prime256v1", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
    params[2] = OSSL_PARAM_construct_end();
    if (context == NULL || EVP_PKEY_fromdata_init(context) != 1 ||
        EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(context);
    if (key != NULL) {
        EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
        if (check == NULL || EVP_PKEY_public_check(check) != 1) {
            EVP_PKEY_free(key);
            key = NULL;
        }
        EVP_PKEY_CTX_free(check);
    }
    ERR_clear_error();
    return key;
}

/*
 * The attestation key as an OpenSSL key (a reference for the caller), made once per key: its
 * point is checked when it is first made, and a key seen before is the same bytes.
 */
static EVP_PKEY *known_attestation_key(cella_verifier_t *v, const uint8_t raw[64])
{
    EVP_PKEY *key = NULL;

    pthread_mutex_lock(&v->cache_lock);
    for (size_t i = 0; i < CACHE_ENTRIES && key == NULL; i++) {
        struct attestation_key_memo *memo = &v->attestation_keys[i];
        if (memo->key != NULL && memcmp(memo->raw, raw, 64) == 0 && EVP_PKEY_up_ref(memo->key) == 1)
            key = memo->key;
    }
    pthread_mutex_unlock(&v->cache_lock);
    if (key != NULL)
        return key;
    key = attestation_key(raw);
    if (key == NULL || EVP_PKEY_up_ref(key) != 1)
        return key;
    pthread_mutex_lock(&v->cache_lock);
    struct attestation_key_memo *memo = &v->attestation_keys[v->attestation_key_next];
    v->attestation_key_next = (v->attestation_key_next + 1) % CACHE_ENTRIES;
    EVP_PKEY *evicted = memo->key;
    memcpy(memo->raw, raw, 64);
    memo->key = key;
    pthread_mutex_unlock(&v->cache_lock);
    EVP_PKEY_free(evicted);
    return key;
}

/* ---- the steps --------------------------------------------------------------------------------
 */

static cella_verify_failure_t parse_quote(struct check *c, const void *quote, size_t size)
{
    if (size > CELLA_QUOTE_MAX_BYTES)
        return fail(c, CELLA_VERIFY_QUOTE_FORMAT, "the quote is %zu bytes, more than %u", size,
                    CELLA_QUOTE_MAX_BYTES);
    /* One copy: the caller's buffer may change while it is checked. */
    c->quote_copy = malloc(size == 0 ? 1 : size);
    if (c->quote_copy == NULL)
        return fail(c, CELLA_VERIFY_QUOTE_FORMAT, "out of memory");
    memcpy(c->quote_copy, quote, size);
    if (cella_quote_parse(c->quote_copy, size, &c->quote) != CELLA_OK)
        return fail(c, CELLA_VERIFY_QUOTE_FORMAT,
                    "the quote does not parse as a v3 ECDSA P-256 quote (the log says where)");
    c->result->header = c->quote.header;
    c->result->isv_report = c->quote.isv_report;
    const uint8_t *vendor = c->quote.header.qe_vendor_id;
    if (memcmp(vendor, intel_qe_vendor_id, 16) != 0 &&
        memcmp(vendor, software_tee_qe_vendor_id, 16) != 0)
        return fail(c, CELLA_VERIFY_QE_VENDOR, "the QE vendor ID is neither Intel's nor cella's");
    return CELLA_VERIFY_OK;
}

/* Notes the CRLs' bytes; they are parsed only when a chain is verified afresh. */
static cella_verify_failure_t load_crls(struct check *c,
                                        const cella_verify_collateral_t *collateral)
{
    if (collateral == NULL)
        return CELLA_VERIFY_OK;
    c->root_crl_bytes = collateral->root_ca_crl;
    c->root_crl_size = collateral->root_ca_crl != NULL ? collateral->root_ca_crl_size : 0;
    c->pck_crl_bytes = collateral->pck_crl;
    c->pck_crl_size = collateral->pck_crl != NULL ? collateral->pck_crl_size : 0;
    return CELLA_VERIFY_OK;
}

/* Parses the CRLs supplied, once per verification (a chain's proof depends on them). */
static cella_verify_failure_t parse_crls(struct check *c)
{
    if (c->root_crl_size != 0 && c->root_crl == NULL) {
        c->root_crl = crl_parse(c->root_crl_bytes, c->root_crl_size);
        if (c->root_crl == NULL)
            return fail(c, CELLA_VERIFY_CRL, "the root CA CRL is not a CRL (DER, PEM or hex)");
        expire_with_crl(c, c->root_crl);
    }
    if (c->pck_crl_size != 0 && c->pck_crl == NULL) {
        c->pck_crl = crl_parse(c->pck_crl_bytes, c->pck_crl_size);
        if (c->pck_crl == NULL)
            return fail(c, CELLA_VERIFY_CRL, "the PCK CRL is not a CRL (DER, PEM or hex)");
        expire_with_crl(c, c->pck_crl);
    }
    return CELLA_VERIFY_OK;
}

/* Proves the PCK chain (pem) afresh and keeps the proof (when `keep`: its key was computed). */
static cella_verify_failure_t prove_pck_chain(struct check *c, const char *pem, size_t size,
                                              const uint8_t key[32], bool keep)
{
    const struct trusted_root *root = NULL;
    cella_verify_failure_t f;
    STACK_OF(X509) *chain = pem_certificates(pem, size);
    struct cache_entry *entry = NULL;

    if (chain == NULL || sk_X509_num(chain) < 2) {
        f = fail(c, CELLA_VERIFY_CERTIFICATION_DATA,
                 "the PCK certificate chain is not a PEM chain of at least two certificates");
        goto out;
    }
    f = verify_chain(c, chain, "the PCK certificate chain", CELLA_VERIFY_PCK_CHAIN, &root);
    if (f != CELLA_VERIFY_OK)
        goto out;
    entry = entry_new(key);
    if (entry == NULL) {
        f = fail(c, CELLA_VERIFY_PCK_CHAIN, "out of memory");
        goto out;
    }
    if (cella_pck_info_get(sk_X509_value(chain, 0), &entry->pck) != CELLA_OK) {
        f = fail(c, CELLA_VERIFY_PCK_EXTENSION,
                 "the PCK certificate's SGX extension is missing or malformed");
        goto out;
    }
    entry->root = root;
    entry->signer = X509_get_pubkey(sk_X509_value(chain, 0));
    chain_window(c, chain, &entry->not_before, &entry->not_after);
    entry->expires = entry->not_after;
    if (entry->signer == NULL) {
        f = fail(c, CELLA_VERIFY_PCK_CHAIN, "the PCK certificate has no usable key");
        goto out;
    }
    if (keep)
        cache_put(c->verifier, entry);
    c->pck_entry = entry;
    entry = NULL;
out:
    entry_release(entry);
    sk_X509_pop_free(chain, X509_free);
    return f;
}

static cella_verify_failure_t check_pck(struct check *c,
                                        const cella_verify_collateral_t *collateral)
{
    const char *pem = NULL;
    size_t size = 0;
    uint8_t key[32];

    if (c->quote.certification_data_type == PCK_CERT_CHAIN) {
        pem = (const char *)c->quote.certification_data;
        size = c->quote.certification_data_size;
    } else if (collateral != NULL && collateral->pck_certificate_chain != NULL) {
        pem = collateral->pck_certificate_chain;
        size = collateral->pck_certificate_chain_size;
    } else {
        return fail(c, CELLA_VERIFY_CERTIFICATION_DATA,
                    "the quote's certification data is of type %u, not a PCK chain (5), and no "
                    "PCK certificate chain was supplied",
                    (unsigned)c->quote.certification_data_type);
    }
    bool cached = cache_key(c, "pck chain", pem, size, NULL, 0, key);
    c->pck_entry = cached ? cache_get(c->verifier, key, c->now) : NULL;
    if (!entry_holds_at(c->pck_entry, c->now)) {
        entry_release(c->pck_entry);
        c->pck_entry = NULL;
        cella_verify_failure_t f = prove_pck_chain(c, pem, size, key, cached);
        if (f != CELLA_VERIFY_OK)
            return f;
    }
    c->root = c->pck_entry->root;
    c->pck = c->pck_entry->pck;
    expire_at(c, c->pck_entry->expires);
    c->result->software_tee = c->root->kind == CELLA_VERIFY_ROOT_SOFTWARE_TEE;
    const uint8_t *expected =
        c->root->kind == CELLA_VERIFY_ROOT_INTEL ? intel_qe_vendor_id : software_tee_qe_vendor_id;
    if (memcmp(c->quote.header.qe_vendor_id, expected, 16) != 0)
        return fail(c, CELLA_VERIFY_QE_VENDOR,
                    "the QE vendor ID is %s's, but the PCK chain ends "
                    "at a %s root",
                    c->result->software_tee ? "Intel" : "cella",
                    c->result->software_tee ? "software-TEE" : "Intel");
    memcpy(c->result->fmspc, c->pck.fmspc, sizeof(c->pck.fmspc));
    memcpy(c->result->pce_id, c->pck.pce_id, sizeof(c->pck.pce_id));
    memcpy(c->result->pck_tcb_components, c->pck.components, sizeof(c->pck.components));
    c->result->pck_pce_svn = c->pck.pce_svn;
    return CELLA_VERIFY_OK;
}

static cella_verify_failure_t check_signatures(struct check *c)
{
    EVP_PKEY *pck_key = c->pck_entry->signer;
    uint8_t digest[32];
    unsigned int digest_size = 0;

    if (pck_key == NULL || !ecdsa_verify(pck_key, c->quote.qe_report_bytes,
                                         sizeof(sgx_report_body_t), c->quote.qe_signature))
        return fail(c, CELLA_VERIFY_QE_REPORT_SIGNATURE,
                    "the QE report's signature does not verify with the PCK certificate's key");

    /* QE report data = SHA-256(attestation key || QE auth data) || 32 bytes. */
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    bool hashed =
        context != NULL && EVP_DigestInit_ex(context, EVP_sha256(), NULL) == 1 &&
        EVP_DigestUpdate(context, c->quote.attestation_key, 64) == 1 &&
        (c->quote.qe_auth_data_size == 0 ||
         EVP_DigestUpdate(context, c->quote.qe_auth_data, c->quote.qe_auth_data_size) == 1) &&
        EVP_DigestFinal_ex(context, digest, &digest_size) == 1 && digest_size == 32;
    EVP_MD_CTX_free(context);
    if (!hashed || !cella_memory_equal_ct(digest, c->quote.qe_report.report_data.d, 32))
        return fail(c, CELLA_VERIFY_QE_REPORT_DATA,
                    "the QE report data does not bind the attestation key and auth data");

    EVP_PKEY *key = known_attestation_key(c->verifier, c->quote.attestation_key);
    bool signed_by_key = key != NULL && ecdsa_verify(key, c->quote.signed_bytes,
                                                     c->quote.signed_size, c->quote.isv_signature);
    EVP_PKEY_free(key);
    if (!signed_by_key)
        return fail(c, CELLA_VERIFY_ISV_SIGNATURE,
                    "the quote's signature does not verify with its attestation key");
    return CELLA_VERIFY_OK;
}

/* Which signed document. */
enum document_kind { DOCUMENT_TCB_INFO, DOCUMENT_QE_IDENTITY };

/*
 * Only the root's TCB Signing certificate signs TCB Info and QE Identity: issued by the root
 * itself, no CA, for digital signatures, without the SGX extension (so no PCK certificate),
 * and named as its root's kind names it. Any other certificate under the root (a PCK leaf
 * whose key was taken from a platform, say) could otherwise vouch for its own platform.
 */
static bool is_tcb_signer(struct check *c, STACK_OF(X509) * chain, const struct trusted_root *root,
                          const char *what, cella_verify_failure_t failure)
{
    static const char *const names[] = {
        [CELLA_VERIFY_ROOT_INTEL] = "Intel SGX TCB Signing",
        [CELLA_VERIFY_ROOT_SOFTWARE_TEE] = "cella software TEE TCB Signing",
    };
    X509 *signer = sk_X509_value(chain, 0);
    char name[256] = "";

    if (sk_X509_num(chain) != 2) {
        fail(c, failure,
             "%s: the issuer chain has %d certificates, not the TCB Signing "
             "certificate and its root",
             what, sk_X509_num(chain));
        return false;
    }
    X509_NAME_get_text_by_NID(X509_get_subject_name(signer), NID_commonName, name, sizeof(name));
    ASN1_OBJECT *sgx = OBJ_txt2obj(CELLA_PCK_EXTENSION_OID, 1);
    bool has_sgx_extension = sgx == NULL || X509_get_ext_by_OBJ(signer, sgx, -1) >= 0;
    ASN1_OBJECT_free(sgx);
    uint32_t usage = X509_get_key_usage(signer);
    bool ok = X509_check_ca(signer) == 0 && !has_sgx_extension &&
              (usage == UINT32_MAX || (usage & KU_DIGITAL_SIGNATURE) != 0) &&
              (size_t)root->kind < sizeof(names) / sizeof(names[0]) && names[root->kind] != NULL &&
              strcmp(name, names[root->kind]) == 0;
    ERR_clear_error();
    if (!ok)
        fail(c, failure,
             "%s is signed by \"%s\", which is not the root's TCB Signing "
             "certificate",
             what, name);
    return ok;
}

/*
 * Proves a signed collateral document afresh and keeps the proof: it parses (a private copy
 * of the text), its issuer chain ends at a trusted root, the chain's first certificate's key
 * signed the exact bytes of its body, and the window is the chain's narrowed to the
 * document's [issueDate, nextUpdate].
 */
static cella_verify_failure_t prove_document(struct check *c, enum document_kind kind,
                                             const char *text, size_t size, const char *chain_pem,
                                             size_t chain_size, const uint8_t key[32], bool keep,
                                             struct cache_entry **out)
{
    const char *what = kind == DOCUMENT_TCB_INFO ? "TCB Info" : "QE Identity";
    cella_verify_failure_t failure =
        kind == DOCUMENT_TCB_INFO ? CELLA_VERIFY_TCB_INFO : CELLA_VERIFY_QE_IDENTITY;
    struct cache_entry *entry = entry_new(key);
    STACK_OF(X509) *chain = NULL;
    const char *body = NULL;
    size_t body_size = 0;
    const uint8_t *signature = NULL;
    int64_t issue_date = 0, next_update = 0;
    char chain_name[96];
    cella_verify_failure_t f = failure;

    if (entry == NULL || size > CELLA_COLLATERAL_MAX_BYTES ||
        (entry->text = malloc(size + 1)) == NULL) {
        fail(c, failure, "%s: out of memory or too large", what);
        goto out;
    }
    memcpy(entry->text, text, size);
    entry->text[size] = '\0';
    if (kind == DOCUMENT_TCB_INFO) {
        if (cella_tcb_info_parse(entry->text, size, &entry->tcb_info) != CELLA_OK) {
            fail(c, failure, "the TCB Info does not parse (the log says where)");
            goto out;
        }
        body = entry->tcb_info->body;
        body_size = entry->tcb_info->body_size;
        signature = entry->tcb_info->signature;
        issue_date = entry->tcb_info->issue_date;
        next_update = entry->tcb_info->next_update;
    } else {
        if (cella_enclave_identity_parse(entry->text, size, &entry->identity) != CELLA_OK) {
            fail(c, failure, "the QE Identity does not parse (the log says where)");
            goto out;
        }
        body = entry->identity->body;
        body_size = entry->identity->body_size;
        signature = entry->identity->signature;
        issue_date = entry->identity->issue_date;
        next_update = entry->identity->next_update;
    }
    chain = chain_pem != NULL ? pem_certificates(chain_pem, chain_size) : NULL;
    if (chain == NULL) {
        fail(c, failure, "%s: no issuer chain (PEM) was supplied", what);
        goto out;
    }
    /* Under the PCK chain's root, or not at all: said before any CRL is looked for. */
    if (trusted_root_of(c->verifier, sk_X509_value(chain, sk_X509_num(chain) - 1)) != c->root) {
        fail(c, failure, "%s is signed under another root than the PCK certificate", what);
        goto out;
    }
    snprintf(chain_name, sizeof(chain_name), "the %s issuer chain", what);
    f = verify_chain(c, chain, chain_name, failure, &entry->root);
    if (f != CELLA_VERIFY_OK)
        goto out;
    f = failure;
    if (!is_tcb_signer(c, chain, entry->root, what, failure))
        goto out;
    entry->signer = X509_get_pubkey(sk_X509_value(chain, 0));
    if (entry->signer == NULL || !ecdsa_verify(entry->signer, body, body_size, signature)) {
        fail(c, failure, "%s: the signature does not verify", what);
        goto out;
    }
    chain_window(c, chain, &entry->not_before, &entry->not_after);
    /* A document is current from its issue date through its next update, inclusive. */
    if (issue_date > entry->not_before)
        entry->not_before = issue_date;
    entry->expires = next_update < entry->not_after ? next_update : entry->not_after;
    if (next_update < INT64_MAX && next_update + 1 < entry->not_after)
        entry->not_after = next_update + 1;
    if (!entry_holds_at(entry, c->now)) {
        fail(c, failure, "%s is not current: issued %lld, next update %lld, now %lld", what,
             (long long)issue_date, (long long)next_update, (long long)c->now);
        goto out;
    }
    if (keep)
        cache_put(c->verifier, entry);
    *out = entry;
    entry = NULL;
    f = CELLA_VERIFY_OK;
out:
    entry_release(entry);
    sk_X509_pop_free(chain, X509_free);
    return f;
}

/* A signed collateral document, proven now or before, under the PCK chain's root. */
static cella_verify_failure_t check_signed(struct check *c, enum document_kind kind,
                                           const char *text, size_t size, const char *chain_pem,
                                           size_t chain_size, struct cache_entry **out)
{
    const char *what = kind == DOCUMENT_TCB_INFO ? "TCB Info" : "QE Identity";
    cella_verify_failure_t failure =
        kind == DOCUMENT_TCB_INFO ? CELLA_VERIFY_TCB_INFO : CELLA_VERIFY_QE_IDENTITY;
    uint8_t key[32];

    if (text == NULL)
        return fail(c, failure, "the %s is missing", what);
    bool cached =
        cache_key(c, what, text, size, chain_pem, chain_pem != NULL ? chain_size : 0, key);
    *out = cached ? cache_get(c->verifier, key, c->now) : NULL;
    if (!entry_holds_at(*out, c->now)) {
        entry_release(*out);
        *out = NULL;
        cella_verify_failure_t f =
            prove_document(c, kind, text, size, chain_pem, chain_size, key, cached, out);
        if (f != CELLA_VERIFY_OK)
            return f;
    }
    if ((*out)->root != c->root)
        return fail(c, failure, "%s is signed under another root than the PCK certificate", what);
    expire_at(c, (*out)->expires);
    return CELLA_VERIFY_OK;
}

static void add_advisories(cella_verify_result_t *result, const cella_tcb_level_t *level)
{
    for (size_t i = 0; i < level->advisory_count; i++) {
        bool known = false;
        for (size_t j = 0; j < result->advisory_count && !known; j++)
            known = strcmp(result->advisory_ids[j], level->advisory_ids[i]) == 0;
        if (known || result->advisory_count == CELLA_VERIFY_ADVISORIES_MAX)
            continue;
        snprintf(result->advisory_ids[result->advisory_count++], CELLA_ADVISORY_ID_MAX_BYTES, "%s",
                 level->advisory_ids[i]);
    }
}

/*
 * Intel's rule for the platform and QE statuses together: an out-of-date QE makes an
 * up-to-date platform out of date, and a platform that needs configuration "out of date,
 * configuration needed"; a revoked QE revokes everything.
 */
static cella_tcb_status_t combine(cella_tcb_status_t platform, cella_tcb_status_t qe)
{
    if (qe == CELLA_TCB_STATUS_REVOKED || platform == CELLA_TCB_STATUS_REVOKED)
        return CELLA_TCB_STATUS_REVOKED;
    if (qe == CELLA_TCB_STATUS_OUT_OF_DATE) {
        switch (platform) {
        case CELLA_TCB_STATUS_UP_TO_DATE:
        case CELLA_TCB_STATUS_SW_HARDENING_NEEDED:
            return CELLA_TCB_STATUS_OUT_OF_DATE;
        case CELLA_TCB_STATUS_CONFIGURATION_NEEDED:
        case CELLA_TCB_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED:
            return CELLA_TCB_STATUS_OUT_OF_DATE_CONFIGURATION_NEEDED;
        case CELLA_TCB_STATUS_OUT_OF_DATE:
        case CELLA_TCB_STATUS_OUT_OF_DATE_CONFIGURATION_NEEDED:
        case CELLA_TCB_STATUS_REVOKED:
            return platform;
        }
    }
    /* Any other QE status counts by severity. */
    return qe > platform ? qe : platform;
}

static cella_verify_failure_t check_collateral(struct check *c,
                                               const cella_verify_collateral_t *collateral)
{
    cella_verify_failure_t f;

    /* TCB Info and QE Identity: who signed them, when. */
    f = check_signed(c, DOCUMENT_TCB_INFO, collateral->tcb_info, collateral->tcb_info_size,
                     collateral->tcb_info_issuer_chain, collateral->tcb_info_issuer_chain_size,
                     &c->tcb_entry);
    if (f != CELLA_VERIFY_OK)
        return f;
    const cella_tcb_info_t *tcb = c->tcb_info = c->tcb_entry->tcb_info;
    if (tcb->tcb_type != 0)
        return fail(c, CELLA_VERIFY_TCB_INFO, "the TCB Info has tcbType %u, not 0", tcb->tcb_type);
    f = check_signed(c, DOCUMENT_QE_IDENTITY, collateral->qe_identity, collateral->qe_identity_size,
                     collateral->qe_identity_issuer_chain,
                     collateral->qe_identity_issuer_chain_size, &c->qe_entry);
    if (f != CELLA_VERIFY_OK)
        return f;
    const cella_enclave_identity_t *qe = c->qe_identity = c->qe_entry->identity;
    if (strcmp(qe->id, "QE") != 0 || qe->version != 2)
        return fail(c, CELLA_VERIFY_QE_IDENTITY,
                    "the identity is \"%s\" version %u, not the QE's "
                    "(\"QE\", version 2)",
                    qe->id, qe->version);

    /* The TCB Info must be the one of this platform's FMSPC and PCE. */
    if (memcmp(tcb->fmspc, c->pck.fmspc, sizeof(tcb->fmspc)) != 0 ||
        memcmp(tcb->pce_id, c->pck.pce_id, sizeof(tcb->pce_id)) != 0)
        return fail(c, CELLA_VERIFY_FMSPC_MISMATCH,
                    "the TCB Info is for another platform (FMSPC or PCE-ID differ from the PCK "
                    "certificate's)");
    return CELLA_VERIFY_OK;
}

static cella_verify_failure_t check_tcb(struct check *c)
{
    const cella_enclave_identity_t *qe = c->qe_identity;
    const sgx_report_body_t *report = &c->quote.qe_report;
    uint8_t misc[4], attributes[16];

    /* The QE is the one its identity describes. */
    memcpy(misc, &report->misc_select, sizeof(misc));
    memcpy(attributes, &report->attributes, sizeof(attributes));
    for (size_t i = 0; i < sizeof(misc); i++) {
        if ((misc[i] & qe->miscselect_mask[i]) != qe->miscselect[i])
            return fail(c, CELLA_VERIFY_QE_IDENTITY_MISMATCH,
                        "the QE's MISCSELECT does not match its identity");
    }
    for (size_t i = 0; i < sizeof(attributes); i++) {
        if ((attributes[i] & qe->attributes_mask[i]) != qe->attributes[i])
            return fail(c, CELLA_VERIFY_QE_IDENTITY_MISMATCH,
                        "the QE's attributes do not match its identity");
    }
    if (memcmp(report->mr_signer.m, qe->mrsigner, sizeof(qe->mrsigner)) != 0 ||
        report->isv_prod_id != qe->isv_prod_id)
        return fail(c, CELLA_VERIFY_QE_IDENTITY_MISMATCH,
                    "the QE's MRSIGNER or ISVPRODID is not its identity's");

    const cella_tcb_level_t *qe_level = NULL;
    for (size_t i = 0; i < qe->level_count && qe_level == NULL; i++) {
        if (report->isv_svn >= qe->levels[i].isv_svn)
            qe_level = &qe->levels[i];
    }
    if (qe_level == NULL)
        return fail(c, CELLA_VERIFY_QE_TCB_NOT_SUPPORTED,
                    "the QE's ISVSVN %u is below every level of its identity",
                    (unsigned)report->isv_svn);

    /* The platform: the first level (highest first) the certified TCB reaches. */
    const cella_tcb_info_t *tcb = c->tcb_info;
    const cella_tcb_level_t *level = NULL;
    for (size_t i = 0; i < tcb->level_count && level == NULL; i++) {
        bool reached = c->pck.pce_svn >= tcb->levels[i].pce_svn;
        for (size_t k = 0; k < CELLA_TCB_COMPONENT_COUNT && reached; k++)
            reached = c->pck.components[k] >= tcb->levels[i].components[k];
        if (reached)
            level = &tcb->levels[i];
    }
    if (level == NULL)
        return fail(c, CELLA_VERIFY_TCB_NOT_SUPPORTED,
                    "the platform's certified TCB is below every level of the TCB Info");

    cella_verify_result_t *result = c->result;
    result->tcb_evaluated = true;
    result->platform_tcb_status = level->status;
    result->qe_tcb_status = qe_level->status;
    result->tcb_status = combine(level->status, qe_level->status);
    result->tcb_date = level->tcb_date;
    result->tcb_evaluation_data_number = tcb->tcb_evaluation_data_number;
    add_advisories(result, level);
    add_advisories(result, qe_level);
    if (result->tcb_status == CELLA_TCB_STATUS_REVOKED)
        return fail(c, CELLA_VERIFY_TCB_REVOKED, "the %s's TCB level is Revoked",
                    level->status == CELLA_TCB_STATUS_REVOKED ? "platform" : "QE");
    return CELLA_VERIFY_OK;
}

/* The PCK CA the leaf comes from, by its issuer's name: "processor" or "platform". */
static const char *pck_ca_of(X509 *leaf)
{
    char issuer[256];
    X509_NAME_oneline(X509_get_issuer_name(leaf), issuer, sizeof(issuer));
    return strstr(issuer, "Processor") != NULL ? "processor" : "platform";
}

/*
 * The FMSPC and PCK CA the quote's PCK chain names, read from the certificate the first time
 * a chain is seen and remembered by its bytes. Nothing here is trusted yet: the chain is
 * verified afterwards like any other, and a chain that lies about its platform only fetches
 * collateral that does not match it.
 */
static cella_verify_failure_t platform_of(struct check *c, uint8_t fmspc[6], char ca[16])
{
    cella_verifier_t *v = c->verifier;
    uint8_t key[32];
    bool known = false;

    bool cached = cache_key(c, "platform", c->quote.certification_data,
                            c->quote.certification_data_size, NULL, 0, key);
    pthread_mutex_lock(&v->cache_lock);
    for (size_t i = 0; cached && i < CACHE_ENTRIES && !known; i++) {
        if (v->platforms[i].used && memcmp(v->platforms[i].key, key, 32) == 0) {
            memcpy(fmspc, v->platforms[i].fmspc, 6);
            memcpy(ca, v->platforms[i].ca, 16);
            known = true;
        }
    }
    pthread_mutex_unlock(&v->cache_lock);
    if (known)
        return CELLA_VERIFY_OK;

    STACK_OF(X509) *chain = pem_certificates((const char *)c->quote.certification_data,
                                             c->quote.certification_data_size);
    cella_pck_info_t pck;
    cella_verify_failure_t f = CELLA_VERIFY_OK;
    if (chain == NULL || sk_X509_num(chain) < 2 ||
        cella_pck_info_get(sk_X509_value(chain, 0), &pck) != CELLA_OK) {
        f = fail(c, CELLA_VERIFY_CERTIFICATION_DATA, "the quote's PCK certificate cannot be read");
    } else {
        /* Nothing is fetched for a certificate no trusted root vouches for: its FMSPC could
         * be anything. (Revocation is checked once the CRLs are in, with everything else.) */
        const struct trusted_root *root = NULL;
        c->signatures_only = true;
        f = verify_chain(c, chain, "the PCK certificate chain", CELLA_VERIFY_PCK_CHAIN, &root);
        c->signatures_only = false;
    }
    if (f == CELLA_VERIFY_OK) {
        memcpy(fmspc, pck.fmspc, 6);
        snprintf(ca, 16, "%s", pck_ca_of(sk_X509_value(chain, 0)));
    }
    if (f == CELLA_VERIFY_OK && cached) {
        pthread_mutex_lock(&v->cache_lock);
        struct platform_memo *memo = &v->platforms[v->platform_next];
        v->platform_next = (v->platform_next + 1) % CACHE_ENTRIES;
        memcpy(memo->key, key, 32);
        memcpy(memo->fmspc, fmspc, 6);
        memcpy(memo->ca, ca, 16);
        memo->used = true;
        pthread_mutex_unlock(&v->cache_lock);
    }
    sk_X509_pop_free(chain, X509_free);
    return f;
}

static cella_result_t run(cella_verifier_t *verifier, const void *quote, size_t quote_size,
                          const cella_verify_collateral_t *collateral,
                          cella_collateral_source_t *source, int64_t now,
                          cella_verify_result_t *result)
{
    struct check c = {.verifier = verifier, .now = now, .result = result};
    cella_verify_collateral_t fetched;
    cella_verify_failure_t f;

    if (result == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    memset(result, 0, sizeof(*result));
    if (verifier == NULL || quote == NULL) {
        result->failure = CELLA_VERIFY_QUOTE_FORMAT;
        snprintf(result->reason, sizeof(result->reason), "no verifier or no quote");
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    f = parse_quote(&c, quote, quote_size);
    if (f == CELLA_VERIFY_OK && source != NULL) {
        /* The collateral of the platform the quote's own PCK certificate names. */
        if (c.quote.certification_data_type != PCK_CERT_CHAIN) {
            f = fail(&c, CELLA_VERIFY_CERTIFICATION_DATA,
                     "the quote's certification data is of type %u, not a PCK chain (5): its "
                     "platform cannot be looked up",
                     (unsigned)c.quote.certification_data_type);
        } else {
            uint8_t fmspc[6];
            char ca[16];
            f = platform_of(&c, fmspc, ca);
            if (f == CELLA_VERIFY_OK &&
                cella_collateral_source_get(source, fmspc, ca, &fetched) != CELLA_OK)
                f = fail(&c, CELLA_VERIFY_TCB_INFO,
                         "the collateral for this platform is not available (the log says "
                         "why)");
            if (f == CELLA_VERIFY_OK) {
                collateral = &fetched;
                result->collateral = fetched;
            }
        }
    }
    if (f == CELLA_VERIFY_OK)
        f = load_crls(&c, collateral);
    if (f == CELLA_VERIFY_OK)
        f = check_pck(&c, collateral);
    if (f == CELLA_VERIFY_OK && collateral != NULL)
        f = check_collateral(&c, collateral);
    if (f == CELLA_VERIFY_OK)
        f = check_signatures(&c);
    if (f == CELLA_VERIFY_OK && collateral != NULL)
        f = check_tcb(&c);

    free(c.quote_copy);
    X509_CRL_free(c.root_crl);
    X509_CRL_free(c.pck_crl);
    entry_release(c.pck_entry);
    entry_release(c.tcb_entry);
    entry_release(c.qe_entry);
    ERR_clear_error();
    if (f != CELLA_VERIFY_OK) {
        cella_log(CELLA_LOG_INFO, "quote verification failed: %s: %s", cella_verify_failure_str(f),
                  result->reason);
        return CELLA_ERR_VERIFY_FAILED;
    }
    return CELLA_OK;
}

cella_result_t cella_verifier_verify(cella_verifier_t *verifier, const void *quote,
                                     size_t quote_size, const cella_verify_collateral_t *collateral,
                                     int64_t now, cella_verify_result_t *result)
{
    return run(verifier, quote, quote_size, collateral, NULL, now, result);
}

cella_result_t cella_verifier_verify_from(cella_verifier_t *verifier, const void *quote,
                                          size_t quote_size, cella_collateral_source_t *source,
                                          int64_t now, cella_verify_result_t *result)
{
    if (source == NULL) {
        if (result != NULL) {
            memset(result, 0, sizeof(*result));
            result->failure = CELLA_VERIFY_TCB_INFO;
            snprintf(result->reason, sizeof(result->reason), "no collateral source");
        }
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    return run(verifier, quote, quote_size, NULL, source, now, result);
}
