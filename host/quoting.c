/* SPDX-License-Identifier: Apache-2.0 */
/* host/quoting.c: the software quoting enclave: its PKI, DCAP v3 quotes and their collateral. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cella/encoding.h>
#include <cella/memory.h>
#include <cella/verify.h>
#include <sgx_quote_3.h>

#include "../common/log_internal.h"
#include "quoting.h"

/* ---- what every platform shares ------------------------------------------------------------ */

#define ORGANIZATION "cella (software TEE, not Intel SGX hardware)"

/* Validity of every certificate: 2025-01-01T00:00:00Z to 2049-12-31T23:59:59Z. */
#define NOT_BEFORE ((time_t)1735689600)
#define NOT_AFTER  ((time_t)2524607999)

/* The date of the platform's one TCB level and of the QE's. */
#define TCB_DATE "2025-01-01T00:00:00Z"

/* The QE's measurements are the SHA-256 of these texts: no enclave image has them. */
#define QE_MRENCLAVE_TEXT "cella software TEE quoting enclave, version 1"
#define QE_MRSIGNER_TEXT  "cella software TEE quoting enclave signer, version 1"
#define QE_PROD_ID        1
#define QE_ATTRIBUTES     (SGX_FLAGS_INITTED | SGX_FLAGS_MODE64BIT | SGX_FLAGS_PROVISION_KEY)
#define QE_XFRM           UINT64_C(0x3)

/* Intel's SGX extension of PCK certificates: 1.2.840.113741.1.13.1 (dcap-quote.md section 5). */
#define SGX_EXTENSION_OID "1.2.840.113741.1.13.1"
#define SGX_TYPE_STANDARD 0

/* An ECDSA P-256 signature in DER when r and s both have their top bit set: 30 46 02 21 00 r
 * 02 21 00 s. Certificates are signed until their signature has this length, so that they,
 * the certification data and the quote have one size on every platform. A signature has it
 * with probability 1/4; SIGNING_ATTEMPTS_MAX attempts all miss with probability 2^-106. */
#define CERTIFICATE_SIGNATURE_BYTES 72
#define SIGNING_ATTEMPTS_MAX        256

/* Re-derivations of a private scalar that is 0 or not below the group order (2^-32 each). */
#define SCALAR_ATTEMPTS_MAX 16

#define P256_SCALAR_BYTES 32
#define P256_POINT_BYTES  65 /* 04 || x || y */
#define SERIAL_BYTES      16

/* Key material labels (cella_keys_derive_material()): each names what it derives. */
enum key { KEY_ROOT, KEY_PLATFORM_CA, KEY_PCK, KEY_TCB_SIGNING, KEY_ATTESTATION, KEY_COUNT };

static const char *const key_labels[KEY_COUNT] = {
    [KEY_ROOT] = "quoting: root CA key",
    [KEY_PLATFORM_CA] = "quoting: PCK platform CA key",
    [KEY_PCK] = "quoting: PCK key",
    [KEY_TCB_SIGNING] = "quoting: TCB signing key",
    [KEY_ATTESTATION] = "quoting: attestation key",
};

#define PPID_LABEL "quoting: PPID"

enum certificate { CERT_ROOT, CERT_PLATFORM_CA, CERT_PCK, CERT_TCB_SIGNING, CERT_COUNT };

/* One certificate of the hierarchy; every one is issued by a certificate before it. */
struct certificate_spec {
    const char *common_name;
    enum key key;
    enum certificate issuer; /* itself: self-signed */
    const char *basic_constraints;
    const char *key_usage;
    const char *serial_label;
};

static const struct certificate_spec certificate_specs[CERT_COUNT] = {
    [CERT_ROOT] = {"cella software TEE Root CA", KEY_ROOT, CERT_ROOT, "critical,CA:TRUE,pathlen:1",
                   "critical,keyCertSign,cRLSign", "quoting: root CA serial"},
    [CERT_PLATFORM_CA] = {"cella software TEE PCK Platform CA", KEY_PLATFORM_CA, CERT_ROOT,
                          "critical,CA:TRUE,pathlen:0", "critical,keyCertSign,cRLSign",
                          "quoting: PCK platform CA serial"},
    [CERT_PCK] = {"cella software TEE PCK Certificate", KEY_PCK, CERT_PLATFORM_CA,
                  "critical,CA:FALSE", "critical,digitalSignature,nonRepudiation",
                  "quoting: PCK serial"},
    [CERT_TCB_SIGNING] = {"cella software TEE TCB Signing", KEY_TCB_SIGNING, CERT_ROOT,
                          "critical,CA:FALSE", "critical,digitalSignature,nonRepudiation",
                          "quoting: TCB signing serial"},
};

static const uint8_t platform_fmspc[6] = CELLA_QUOTING_FMSPC_INIT;
static const uint8_t platform_pce_id[2] = CELLA_QUOTING_PCE_ID_INIT;
static const sgx_cpu_svn_t platform_cpu_svn = CELLA_KEYS_CPUSVN_INIT;
static const uint8_t qe_vendor_id[16] = CELLA_VERIFY_SOFTWARE_TEE_QE_VENDOR_ID;

struct cella_quoting {
    const cella_keys_secrets_t *secrets;
    EVP_PKEY *keys[KEY_COUNT];
    X509 *certificates[CERT_COUNT];
    uint8_t attestation_key[64]; /* x || y */
    uint8_t auth_data[CELLA_QUOTING_AUTH_DATA_BYTES];
    sgx_report_body_t qe_report;     /* report data binds the attestation key */
    uint8_t qe_report_signature[64]; /* by the PCK key */
    char *certification_data;        /* PEM chain, NUL-terminated */
    size_t certification_data_size;  /* NUL included */
    uint32_t quote_size;
};

/* Runs a step of a fallible function; on failure jumps to its one `out:` label. */
#define CHECK(expression)  \
    do {                   \
        r = (expression);  \
        if (r != CELLA_OK) \
            goto out;      \
    } while (0)

/* An OpenSSL or jansson step: on failure logs what failed and jumps to `out:`. */
#define REQUIRE(condition, what)      \
    do {                              \
        if (!(condition)) {           \
            r = library_failed(what); \
            goto out;                 \
        }                             \
    } while (0)

static cella_result_t library_failed(const char *what)
{
    unsigned long error = ERR_get_error();
    char reason[256] = "no reason given";

    if (error != 0)
        ERR_error_string_n(error, reason, sizeof(reason));
    ERR_clear_error();
    cella_log(CELLA_LOG_ERROR, "quoting: %s failed: %s", what, reason);
    return CELLA_ERR_UNEXPECTED;
}

/* ---- the QE's identity ----------------------------------------------------------------------- */

static void sha256_text(const char *text, uint8_t digest[32])
{
    unsigned int size = 0;

    /* SHA-256 of a constant cannot fail but for a broken library: the identity would be 0. */
    if (EVP_Digest(text, strlen(text), digest, &size, EVP_sha256(), NULL) != 1 || size != 32)
        memset(digest, 0, 32);
}

void cella_quoting_get_identity(sgx_report_body_t *identity)
{
    memset(identity, 0, sizeof(*identity));
    identity->cpu_svn = platform_cpu_svn;
    identity->misc_select = 0;
    identity->attributes.flags = QE_ATTRIBUTES;
    identity->attributes.xfrm = QE_XFRM;
    sha256_text(QE_MRENCLAVE_TEXT, identity->mr_enclave.m);
    sha256_text(QE_MRSIGNER_TEXT, identity->mr_signer.m);
    identity->isv_prod_id = QE_PROD_ID;
    identity->isv_svn = CELLA_QUOTING_QE_SVN;
}

void cella_quoting_get_target_info(sgx_target_info_t *target_info)
{
    sgx_report_body_t identity;

    cella_quoting_get_identity(&identity);
    memset(target_info, 0, sizeof(*target_info));
    target_info->mr_enclave = identity.mr_enclave;
    target_info->attributes = identity.attributes;
    target_info->misc_select = identity.misc_select;
    target_info->config_svn = identity.config_svn;
    memcpy(target_info->config_id, identity.config_id, sizeof(target_info->config_id));
}

/* ---- DER, for the SGX extension ------------------------------------------------------------- */

#define DER_MAX_BYTES 640

#define DER_INTEGER      0x02
#define DER_OCTET_STRING 0x04
#define DER_OID          0x06
#define DER_ENUMERATED   0x0a
#define DER_SEQUENCE     0x30

/* DER being written; `overflow` records that something did not fit (then nothing counts). */
struct der {
    uint8_t bytes[DER_MAX_BYTES];
    size_t size;
    bool overflow;
};

static void der_append(struct der *d, const void *bytes, size_t size)
{
    if (d->overflow || size > sizeof(d->bytes) - d->size) {
        d->overflow = true;
        return;
    }
    memcpy(d->bytes + d->size, bytes, size);
    d->size += size;
}

/* A tag, a definite length (X.690 8.1.3: short form below 128) and the contents. */
static void der_element(struct der *d, uint8_t tag, const void *content, size_t size)
{
    uint8_t header[4] = {tag};
    size_t header_size = 2;

    if (size < 0x80) {
        header[1] = (uint8_t)size;
    } else if (size <= 0xff) {
        header[1] = 0x81;
        header[2] = (uint8_t)size;
        header_size = 3;
    } else if (size <= 0xffff) {
        header[1] = 0x82;
        header[2] = (uint8_t)(size >> 8);
        header[3] = (uint8_t)size;
        header_size = 4;
    } else {
        d->overflow = true;
        return;
    }
    der_append(d, header, header_size);
    der_append(d, content, size);
}

/* A non-negative INTEGER or ENUMERATED (X.690 8.3): the fewest big-endian bytes, with a
 * leading zero when the top bit is set (255 is 02 02 00 ff). */
static void der_unsigned(struct der *d, uint8_t tag, uint32_t value)
{
    uint8_t content[5] = {0, (uint8_t)(value >> 24), (uint8_t)(value >> 16), (uint8_t)(value >> 8),
                          (uint8_t)value};
    size_t start = 1;

    while (start < 4 && content[start] == 0)
        start++;
    if (content[start] & 0x80)
        start--;
    der_element(d, tag, content + start, sizeof(content) - start);
}

/* SEQUENCE { OID 1.2.840.113741.1.13.1.<arcs>, value } with value already encoded. */
static void der_sgx_field(struct der *d, uint8_t arc, uint8_t sub_arc, const struct der *value)
{
    /* 1.2 -> 42; 840 -> 86 48; 113741 -> 86 f8 4d; 1; 13; 1. Every arc after it is < 128. */
    static const uint8_t base[] = {0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01};
    uint8_t oid[sizeof(base) + 2];
    struct der field = {.size = 0};
    size_t oid_size = sizeof(base);

    memcpy(oid, base, sizeof(base));
    oid[oid_size++] = arc;
    if (sub_arc != 0)
        oid[oid_size++] = sub_arc;
    der_element(&field, DER_OID, oid, oid_size);
    der_append(&field, value->bytes, value->size);
    d->overflow |= value->overflow || field.overflow;
    der_element(d, DER_SEQUENCE, field.bytes, field.size);
}

/*
 * The SGX extension's value (dcap-quote.md section 5): SEQUENCE of { OID, value }: PPID
 * (OCTET STRING 16), TCB (SEQUENCE: 16 component SVNs and PCESVN as INTEGER, CPUSVN as
 * OCTET STRING 16), PCE-ID (OCTET STRING 2), FMSPC (OCTET STRING 6), SGX type (ENUMERATED).
 * The certified TCB components are the platform's CPUSVN bytes, as on SGX hardware.
 */
static bool sgx_extension_value(const uint8_t ppid[16], struct der *out)
{
    struct der tcb = {.size = 0}, tcb_sequence = {.size = 0}, value, fields = {.size = 0};

    for (uint8_t i = 0; i < 16; i++) {
        value = (struct der){.size = 0};
        der_unsigned(&value, DER_INTEGER, platform_cpu_svn.svn[i]);
        der_sgx_field(&tcb, 2, (uint8_t)(i + 1), &value);
    }
    value = (struct der){.size = 0};
    der_unsigned(&value, DER_INTEGER, CELLA_QUOTING_PCE_SVN);
    der_sgx_field(&tcb, 2, 17, &value);
    value = (struct der){.size = 0};
    der_element(&value, DER_OCTET_STRING, platform_cpu_svn.svn, sizeof(platform_cpu_svn.svn));
    der_sgx_field(&tcb, 2, 18, &value);
    der_element(&tcb_sequence, DER_SEQUENCE, tcb.bytes, tcb.size);
    tcb_sequence.overflow |= tcb.overflow;

    value = (struct der){.size = 0};
    der_element(&value, DER_OCTET_STRING, ppid, 16);
    der_sgx_field(&fields, 1, 0, &value);
    der_sgx_field(&fields, 2, 0, &tcb_sequence);
    value = (struct der){.size = 0};
    der_element(&value, DER_OCTET_STRING, platform_pce_id, sizeof(platform_pce_id));
    der_sgx_field(&fields, 3, 0, &value);
    value = (struct der){.size = 0};
    der_element(&value, DER_OCTET_STRING, platform_fmspc, sizeof(platform_fmspc));
    der_sgx_field(&fields, 4, 0, &value);
    value = (struct der){.size = 0};
    der_unsigned(&value, DER_ENUMERATED, SGX_TYPE_STANDARD);
    der_sgx_field(&fields, 5, 0, &value);

    *out = (struct der){.size = 0};
    der_element(out, DER_SEQUENCE, fields.bytes, fields.size);
    return !(fields.overflow || out->overflow);
}

/* ---- keys ------------------------------------------------------------------------------------ */

/*
 * The P-256 key of `label`: the private scalar is 32 bytes of key material read big-endian;
 * when that is 0 or not below the group order, the material of "<label> #1", "#2", ... is
 * tried in turn, so the same secrets always give the same key.
 */
static cella_result_t derive_key(const cella_keys_secrets_t *secrets, const char *label,
                                 EVP_PKEY **out)
{
    uint8_t material[P256_SCALAR_BYTES];
    uint8_t point_bytes[P256_POINT_BYTES];
    char attempt_label[128];
    EC_GROUP *group = NULL;
    EC_POINT *point = NULL;
    BN_CTX *bn_context = NULL;
    BIGNUM *scalar = NULL;
    OSSL_PARAM_BLD *builder = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *context = NULL;
    EVP_PKEY *key = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    bool found = false;

    group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    bn_context = BN_CTX_secure_new();
    scalar = BN_secure_new();
    REQUIRE(group != NULL && bn_context != NULL && scalar != NULL, "setting up P-256");
    BN_set_flags(scalar, BN_FLG_CONSTTIME);
    for (unsigned attempt = 0; attempt < SCALAR_ATTEMPTS_MAX && !found; attempt++) {
        if (attempt == 0)
            snprintf(attempt_label, sizeof(attempt_label), "%s", label);
        else
            snprintf(attempt_label, sizeof(attempt_label), "%s #%u", label, attempt);
        if (cella_keys_derive_material(secrets, attempt_label, material, sizeof(material)) !=
            SGX_SUCCESS) {
            cella_log(CELLA_LOG_ERROR, "quoting: cannot derive key material (%s)", label);
            goto out;
        }
        REQUIRE(BN_bin2bn(material, sizeof(material), scalar) != NULL, "reading a private key");
        found = !BN_is_zero(scalar) && BN_cmp(scalar, EC_GROUP_get0_order(group)) < 0;
    }
    if (!found) {
        cella_log(CELLA_LOG_ERROR, "quoting: no valid P-256 scalar for %s", label);
        goto out;
    }
    point = EC_POINT_new(group);
    REQUIRE(point != NULL && EC_POINT_mul(group, point, scalar, NULL, NULL, bn_context) == 1 &&
                EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, point_bytes,
                                   sizeof(point_bytes), bn_context) == sizeof(point_bytes),
            "computing a public key");
    builder = OSSL_PARAM_BLD_new();
    REQUIRE(builder != NULL &&
                OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
                                                0) == 1 &&
                OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_PRIV_KEY, scalar) == 1 &&
                OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point_bytes,
                                                 sizeof(point_bytes)) == 1,
            "describing a key");
    params = OSSL_PARAM_BLD_to_param(builder);
    context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    REQUIRE(params != NULL && context != NULL && EVP_PKEY_fromdata_init(context) == 1 &&
                EVP_PKEY_fromdata(context, &key, EVP_PKEY_KEYPAIR, params) == 1,
            "making a key");
    *out = key;
    key = NULL;
    r = CELLA_OK;
out:
    cella_memory_wipe(material, sizeof(material));
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(params); /* wipes nothing: the private BIGNUM is copied into secure memory */
    OSSL_PARAM_BLD_free(builder);
    EC_POINT_free(point);
    BN_clear_free(scalar);
    BN_CTX_free(bn_context);
    EC_GROUP_free(group);
    return r;
}

/* The uncompressed point of key without its 04: x || y, big-endian. */
static bool raw_public_key(EVP_PKEY *key, uint8_t out[64])
{
    uint8_t point[P256_POINT_BYTES];
    size_t size = 0;

    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                        sizeof(point), &size) != 1 ||
        size != sizeof(point) || point[0] != 0x04)
        return false;
    memcpy(out, point + 1, 64);
    return true;
}

/* ECDSA P-256 with SHA-256 over data, as DCAP writes it: r || s, 32 bytes each, big-endian. */
static bool sign_raw(EVP_PKEY *key, const void *data, size_t size, uint8_t signature[64])
{
    uint8_t der[80];
    size_t der_size = sizeof(der);
    const uint8_t *cursor = der;
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG *parsed = NULL;
    bool done = false;
    EVP_MD_CTX *context = EVP_MD_CTX_new();

    if (context == NULL || EVP_DigestSignInit(context, NULL, EVP_sha256(), NULL, key) != 1 ||
        EVP_DigestSign(context, der, &der_size, data, size) != 1)
        goto out;
    parsed = d2i_ECDSA_SIG(NULL, &cursor, (long)der_size);
    if (parsed == NULL)
        goto out;
    ECDSA_SIG_get0(parsed, &r, &s);
    done = BN_bn2binpad(r, signature, 32) == 32 && BN_bn2binpad(s, signature + 32, 32) == 32;
out:
    ECDSA_SIG_free(parsed);
    EVP_MD_CTX_free(context);
    if (!done)
        memset(signature, 0, 64);
    return done;
}

/* ---- certificates ---------------------------------------------------------------------------- */

static cella_result_t add_extension(X509 *certificate, X509V3_CTX *context, int nid,
                                    const char *value)
{
    X509_EXTENSION *extension = X509V3_EXT_nconf_nid(NULL, context, nid, value);
    cella_result_t r = CELLA_OK;

    if (extension == NULL || X509_add_ext(certificate, extension, -1) != 1)
        r = library_failed("adding a certificate extension");
    X509_EXTENSION_free(extension);
    return r;
}

static cella_result_t add_sgx_extension(const cella_keys_secrets_t *secrets, X509 *certificate)
{
    uint8_t ppid[16];
    struct der value;
    ASN1_OBJECT *oid = NULL;
    ASN1_OCTET_STRING *content = NULL;
    X509_EXTENSION *extension = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (cella_keys_derive_material(secrets, PPID_LABEL, ppid, sizeof(ppid)) != SGX_SUCCESS ||
        !sgx_extension_value(ppid, &value)) {
        cella_log(CELLA_LOG_ERROR, "quoting: cannot make the PCK certificate's SGX extension");
        goto out;
    }
    oid = OBJ_txt2obj(SGX_EXTENSION_OID, 1);
    content = ASN1_OCTET_STRING_new();
    REQUIRE(oid != NULL && content != NULL &&
                ASN1_OCTET_STRING_set(content, value.bytes, (int)value.size) == 1,
            "encoding the SGX extension");
    extension = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, content); /* not critical */
    REQUIRE(extension != NULL && X509_add_ext(certificate, extension, -1) == 1,
            "adding the SGX extension");
    r = CELLA_OK;
out:
    X509_EXTENSION_free(extension);
    ASN1_OCTET_STRING_free(content);
    ASN1_OBJECT_free(oid);
    return r;
}

/* A positive serial number of SERIAL_BYTES from key material, its top bits 01 (fixed length). */
static cella_result_t set_serial(const cella_keys_secrets_t *secrets, X509 *certificate,
                                 const char *label)
{
    uint8_t bytes[SERIAL_BYTES];
    BIGNUM *number = NULL;
    ASN1_INTEGER *serial = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (cella_keys_derive_material(secrets, label, bytes, sizeof(bytes)) != SGX_SUCCESS) {
        cella_log(CELLA_LOG_ERROR, "quoting: cannot derive a serial number");
        return r;
    }
    bytes[0] = (uint8_t)((bytes[0] & 0x3f) | 0x40);
    number = BN_bin2bn(bytes, sizeof(bytes), NULL);
    serial = number != NULL ? BN_to_ASN1_INTEGER(number, NULL) : NULL;
    REQUIRE(serial != NULL && X509_set_serialNumber(certificate, serial) == 1,
            "setting a serial number");
    r = CELLA_OK;
out:
    ASN1_INTEGER_free(serial);
    BN_free(number);
    return r;
}

static X509_NAME *make_name(const char *common_name)
{
    X509_NAME *name = X509_NAME_new();

    if (name == NULL ||
        X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                   (const unsigned char *)common_name, -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
                                   (const unsigned char *)ORGANIZATION, -1, -1, 0) != 1) {
        X509_NAME_free(name);
        return NULL;
    }
    return name;
}

/* Signs until the signature has the fixed length (see CERTIFICATE_SIGNATURE_BYTES). */
static cella_result_t sign_certificate(X509 *certificate, EVP_PKEY *key)
{
    for (int attempt = 0; attempt < SIGNING_ATTEMPTS_MAX; attempt++) {
        const ASN1_BIT_STRING *signature = NULL;
        if (X509_sign(certificate, key, EVP_sha256()) <= 0)
            return library_failed("signing a certificate");
        X509_get0_signature(&signature, NULL, certificate);
        if (signature != NULL && ASN1_STRING_length(signature) == CERTIFICATE_SIGNATURE_BYTES)
            return CELLA_OK;
    }
    cella_log(CELLA_LOG_ERROR, "quoting: no certificate signature of %d bytes in %d attempts",
              CERTIFICATE_SIGNATURE_BYTES, SIGNING_ATTEMPTS_MAX);
    return CELLA_ERR_UNEXPECTED;
}

static cella_result_t build_certificate(cella_quoting_t *q, enum certificate which)
{
    const struct certificate_spec *spec = &certificate_specs[which];
    X509 *certificate = X509_new();
    X509_NAME *name = make_name(spec->common_name);
    X509V3_CTX context;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    REQUIRE(certificate != NULL && name != NULL, "allocating a certificate");
    X509 *issuer = spec->issuer == which ? certificate : q->certificates[spec->issuer];
    EVP_PKEY *issuer_key = q->keys[certificate_specs[spec->issuer].key];
    REQUIRE(X509_set_version(certificate, X509_VERSION_3) == 1 &&
                X509_set_subject_name(certificate, name) == 1 &&
                X509_set_issuer_name(certificate, X509_get_subject_name(issuer)) == 1 &&
                ASN1_TIME_set(X509_getm_notBefore(certificate), NOT_BEFORE) != NULL &&
                ASN1_TIME_set(X509_getm_notAfter(certificate), NOT_AFTER) != NULL &&
                X509_set_pubkey(certificate, q->keys[spec->key]) == 1,
            "filling in a certificate");
    CHECK(set_serial(q->secrets, certificate, spec->serial_label));
    X509V3_set_ctx(&context, issuer, certificate, NULL, NULL, 0);
    CHECK(add_extension(certificate, &context, NID_basic_constraints, spec->basic_constraints));
    CHECK(add_extension(certificate, &context, NID_key_usage, spec->key_usage));
    /* The subject key identifier first: a self-signed certificate's AKI is its own SKI. */
    CHECK(add_extension(certificate, &context, NID_subject_key_identifier, "hash"));
    CHECK(add_extension(certificate, &context, NID_authority_key_identifier, "keyid:always"));
    if (which == CERT_PCK)
        CHECK(add_sgx_extension(q->secrets, certificate));
    CHECK(sign_certificate(certificate, issuer_key));
    q->certificates[which] = certificate;
    certificate = NULL;
out:
    X509_NAME_free(name);
    X509_free(certificate);
    return r;
}

/* PEM of the certificates `which` (count of them), in that order, NUL-terminated. */
static cella_result_t certificates_pem(const cella_quoting_t *q, const enum certificate *which,
                                       size_t count, char **out, size_t *out_size)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    REQUIRE(bio != NULL, "allocating a buffer");
    for (size_t i = 0; i < count; i++)
        REQUIRE(PEM_write_bio_X509(bio, q->certificates[which[i]]) == 1, "writing PEM");
    long size = BIO_get_mem_data(bio, &data);
    REQUIRE(size > 0 && data != NULL, "writing PEM");
    char *text = malloc((size_t)size + 1);
    if (text == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    memcpy(text, data, (size_t)size);
    text[size] = '\0';
    *out = text;
    *out_size = (size_t)size;
    r = CELLA_OK;
out:
    BIO_free(bio);
    return r;
}

/* ---- the object ------------------------------------------------------------------------------ */

/* The QE's report: its identity, with SHA-256(attestation key || auth data) || 32 zeros. */
static cella_result_t make_qe_report(cella_quoting_t *q)
{
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    unsigned int size = 0;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    cella_quoting_get_identity(&q->qe_report);
    REQUIRE(context != NULL && EVP_DigestInit_ex(context, EVP_sha256(), NULL) == 1 &&
                EVP_DigestUpdate(context, q->attestation_key, sizeof(q->attestation_key)) == 1 &&
                EVP_DigestUpdate(context, q->auth_data, sizeof(q->auth_data)) == 1 &&
                EVP_DigestFinal_ex(context, q->qe_report.report_data.d, &size) == 1 && size == 32,
            "hashing the attestation key");
    REQUIRE(sign_raw(q->keys[KEY_PCK], &q->qe_report, sizeof(q->qe_report), q->qe_report_signature),
            "signing the QE report");
    r = CELLA_OK;
out:
    EVP_MD_CTX_free(context);
    return r;
}

cella_result_t cella_quoting_create(const cella_keys_secrets_t *secrets, cella_quoting_t **out)
{
    static const enum certificate chain[] = {CERT_PCK, CERT_PLATFORM_CA, CERT_ROOT};
    cella_quoting_t *q = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (secrets == NULL || out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    q = calloc(1, sizeof(*q));
    if (q == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    q->secrets = secrets;
    for (size_t i = 0; i < KEY_COUNT; i++)
        CHECK(derive_key(secrets, key_labels[i], &q->keys[i]));
    for (size_t i = 0; i < CERT_COUNT; i++)
        CHECK(build_certificate(q, (enum certificate)i));
    REQUIRE(raw_public_key(q->keys[KEY_ATTESTATION], q->attestation_key), "reading a public key");
    for (size_t i = 0; i < sizeof(q->auth_data); i++)
        q->auth_data[i] = (uint8_t)i;
    CHECK(make_qe_report(q));
    CHECK(certificates_pem(q, chain, sizeof(chain) / sizeof(chain[0]), &q->certification_data,
                           &q->certification_data_size));
    q->certification_data_size++; /* the NUL is part of the certification data */
    size_t size = CELLA_QUOTE3_CERT_DATA_OFFSET(sizeof(q->auth_data)) + q->certification_data_size;
    if (size > UINT32_MAX)
        goto out;
    q->quote_size = (uint32_t)size;
    *out = q;
    q = NULL;
    r = CELLA_OK;
out:
    cella_quoting_destroy(q);
    return r;
}

void cella_quoting_destroy(cella_quoting_t *quoting)
{
    if (quoting == NULL)
        return;
    for (size_t i = 0; i < KEY_COUNT; i++)
        EVP_PKEY_free(quoting->keys[i]); /* OpenSSL clears private keys as it frees them */
    for (size_t i = 0; i < CERT_COUNT; i++)
        X509_free(quoting->certificates[i]);
    free(quoting->certification_data);
    cella_memory_wipe(quoting, sizeof(*quoting));
    free(quoting);
}

uint32_t cella_quoting_get_quote_size(const cella_quoting_t *quoting)
{
    return quoting != NULL ? quoting->quote_size : 0;
}

const char *cella_quoting_get_certification_data(const cella_quoting_t *quoting, size_t *size)
{
    *size = quoting->certification_data_size;
    return quoting->certification_data;
}

void cella_quoting_get_attestation_key(const cella_quoting_t *quoting, uint8_t key[64])
{
    memcpy(key, quoting->attestation_key, sizeof(quoting->attestation_key));
}

/* ---- quotes ---------------------------------------------------------------------------------- */

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

quote3_error_t cella_quoting_get_quote(const cella_quoting_t *quoting, const sgx_report_t *report,
                                       uint8_t *quote, uint32_t quote_size)
{
    const size_t auth_size = sizeof(quoting->auth_data);
    sgx_report_body_t qe_identity;
    sgx_report_t copy;
    sgx_quote_header_t header;
    uint8_t signed_bytes[CELLA_QUOTE3_SIGNED_BYTES];
    uint8_t isv_signature[64];

    if (quoting == NULL || report == NULL || quote == NULL)
        return SGX_QL_ERROR_INVALID_PARAMETER;
    /* The QE's first step: the report must be MAC'd with the QE's own report key on this
     * platform, i.e. made here, by an enclave, for the QE, and not changed since. */
    memcpy(&copy, report, sizeof(copy));
    cella_quoting_get_identity(&qe_identity);
    sgx_status_t status = cella_keys_verify_report(quoting->secrets, &qe_identity, &copy);
    if (status == SGX_ERROR_MAC_MISMATCH) {
        cella_log(CELLA_LOG_ERROR, "quoting: the report was not made for the quoting enclave on "
                                   "this platform (its MAC does not verify); make it for the "
                                   "target info sgx_qe_get_target_info gives");
        return SGX_QL_INVALID_REPORT;
    }
    if (status != SGX_SUCCESS)
        return SGX_QL_ERROR_UNEXPECTED;
    if (quote_size < quoting->quote_size) {
        cella_log(CELLA_LOG_ERROR,
                  "quoting: the quote buffer has %u bytes; a quote needs %u "
                  "(sgx_qe_get_quote_size)",
                  quote_size, quoting->quote_size);
        return SGX_QL_ERROR_INVALID_PARAMETER;
    }

    memset(&header, 0, sizeof(header));
    header.version = CELLA_QUOTE3_VERSION;
    header.att_key_type = SGX_QL_ALG_ECDSA_P256;
    header.att_key_data_0 = 0;
    header.qe_svn = CELLA_QUOTING_QE_SVN;
    header.pce_svn = CELLA_QUOTING_PCE_SVN;
    memcpy(header.qe_vendor_id, qe_vendor_id, sizeof(qe_vendor_id));
    memcpy(signed_bytes, &header, sizeof(header));
    memcpy(signed_bytes + CELLA_QUOTE3_REPORT_BODY_OFFSET, &copy.body, sizeof(copy.body));
    if (!sign_raw(quoting->keys[KEY_ATTESTATION], signed_bytes, sizeof(signed_bytes),
                  isv_signature)) {
        (void)library_failed("signing the quote");
        return SGX_QL_ERROR_UNEXPECTED;
    }

    memcpy(quote, signed_bytes, sizeof(signed_bytes));
    put_le32(quote + CELLA_QUOTE3_SIGNATURE_DATA_LEN_OFFSET,
             quoting->quote_size - CELLA_QUOTE3_SIGNATURE_DATA_OFFSET);
    memcpy(quote + CELLA_QUOTE3_ISV_SIGNATURE_OFFSET, isv_signature, sizeof(isv_signature));
    memcpy(quote + CELLA_QUOTE3_ATTEST_PUB_KEY_OFFSET, quoting->attestation_key,
           sizeof(quoting->attestation_key));
    memcpy(quote + CELLA_QUOTE3_QE_REPORT_BODY_OFFSET, &quoting->qe_report,
           sizeof(quoting->qe_report));
    memcpy(quote + CELLA_QUOTE3_QE_REPORT_SIGNATURE_OFFSET, quoting->qe_report_signature,
           sizeof(quoting->qe_report_signature));
    put_le16(quote + CELLA_QUOTE3_QE_AUTH_DATA_SIZE_OFFSET, (uint16_t)auth_size);
    memcpy(quote + CELLA_QUOTE3_QE_AUTH_DATA_OFFSET, quoting->auth_data, auth_size);
    put_le16(quote + CELLA_QUOTE3_CERT_KEY_TYPE_OFFSET(auth_size), PCK_CERT_CHAIN);
    put_le32(quote + CELLA_QUOTE3_CERT_DATA_SIZE_OFFSET(auth_size),
             (uint32_t)quoting->certification_data_size);
    memcpy(quote + CELLA_QUOTE3_CERT_DATA_OFFSET(auth_size), quoting->certification_data,
           quoting->certification_data_size);
    return SGX_QL_SUCCESS;
}

/* ---- collateral ------------------------------------------------------------------------------ */

/* ISO 8601 UTC as PCS writes it: "2025-01-01T00:00:00Z". */
static bool iso_time(int64_t seconds, char text[32])
{
    time_t t = (time_t)seconds;
    struct tm parts;

    return gmtime_r(&t, &parts) != NULL && strftime(text, 32, "%Y-%m-%dT%H:%M:%SZ", &parts) == 20;
}

static void hex_upper(const uint8_t *bytes, size_t size, char *text)
{
    static const char digits[] = "0123456789ABCDEF";

    for (size_t i = 0; i < size; i++) {
        text[2 * i] = digits[bytes[i] >> 4];
        text[2 * i + 1] = digits[bytes[i] & 0xf];
    }
    text[2 * size] = '\0';
}

/*
 * `{"<member>":<body>,"signature":"<r || s in hex>"}`: body is the compact JSON of the
 * object, and the signature, by the TCB Signing key, is over exactly those bytes, which are
 * copied into the document unchanged (verifiers check the bytes they find there).
 */
static cella_result_t sign_document(const cella_quoting_t *q, const char *member, json_t *body,
                                    char **out, size_t *out_size)
{
    uint8_t signature[64];
    char signature_hex[129];
    size_t hex_size = sizeof(signature_hex);
    char *text = NULL, *document = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    REQUIRE(body != NULL, "describing collateral");
    text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    REQUIRE(text != NULL, "writing collateral JSON");
    REQUIRE(sign_raw(q->keys[KEY_TCB_SIGNING], text, strlen(text), signature),
            "signing collateral");
    CHECK(cella_encoding_hex_encode(signature, sizeof(signature), signature_hex, &hex_size));
    int size = snprintf(NULL, 0, "{\"%s\":%s,\"signature\":\"%s\"}", member, text, signature_hex);
    REQUIRE(size > 0, "writing collateral JSON");
    document = malloc((size_t)size + 1);
    if (document == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    snprintf(document, (size_t)size + 1, "{\"%s\":%s,\"signature\":\"%s\"}", member, text,
             signature_hex);
    *out = document;
    *out_size = (size_t)size;
    document = NULL;
    r = CELLA_OK;
out:
    free(document);
    free(text);
    return r;
}

/* TCB Info v3: one level, the platform's TCB (the PCK's), up to date. */
static cella_result_t tcb_info(const cella_quoting_t *q, const char *issue_date,
                               const char *next_update, char **out, size_t *out_size)
{
    json_t *components = json_array(), *body = NULL;
    char fmspc[13], pce_id[5];

    hex_upper(platform_fmspc, sizeof(platform_fmspc), fmspc);
    hex_upper(platform_pce_id, sizeof(platform_pce_id), pce_id);
    for (size_t i = 0; components != NULL && i < sizeof(platform_cpu_svn.svn); i++) {
        if (json_array_append_new(components,
                                  json_pack("{s:i}", "svn", (int)platform_cpu_svn.svn[i])) != 0) {
            json_decref(components);
            components = NULL;
        }
    }
    if (components != NULL)
        body =
            json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:i, s:i, s:[{s:{s:o, s:i}, s:s, s:s}]}",
                      "id", "SGX", "version", 3, "issueDate", issue_date, "nextUpdate", next_update,
                      "fmspc", fmspc, "pceId", pce_id, "tcbType", 0, "tcbEvaluationDataNumber", 1,
                      "tcbLevels", "tcb", "sgxtcbcomponents", components, "pcesvn",
                      CELLA_QUOTING_PCE_SVN, "tcbDate", TCB_DATE, "tcbStatus", "UpToDate");
    cella_result_t r = sign_document(q, "tcbInfo", body, out, out_size);
    json_decref(body);
    return r;
}

/* QE Identity v2: the QE's MISCSELECT, attributes, MRSIGNER and ISVPRODID, one level. */
static cella_result_t qe_identity(const cella_quoting_t *q, const char *issue_date,
                                  const char *next_update, char **out, size_t *out_size)
{
    static const uint8_t all_ones[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    sgx_report_body_t identity;
    uint8_t misc_select[4], attributes[16];
    char misc_select_hex[9], misc_mask_hex[9], attributes_hex[33], attributes_mask_hex[33];
    char mrsigner_hex[65];

    cella_quoting_get_identity(&identity);
    /* The bytes as a report holds them (little-endian), which is how the JSON spells them. */
    put_le32(misc_select, identity.misc_select);
    for (int i = 0; i < 8; i++) {
        attributes[i] = (uint8_t)(identity.attributes.flags >> (8 * i));
        attributes[8 + i] = (uint8_t)(identity.attributes.xfrm >> (8 * i));
    }
    hex_upper(misc_select, sizeof(misc_select), misc_select_hex);
    hex_upper(all_ones, 4, misc_mask_hex);
    hex_upper(attributes, sizeof(attributes), attributes_hex);
    hex_upper(all_ones, 16, attributes_mask_hex);
    hex_upper(identity.mr_signer.m, sizeof(identity.mr_signer.m), mrsigner_hex);
    json_t *body = json_pack(
        "{s:s, s:i, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:i, s:[{s:{s:i}, s:s, s:s}]}", "id",
        "QE", "version", 2, "issueDate", issue_date, "nextUpdate", next_update,
        "tcbEvaluationDataNumber", 1, "miscselect", misc_select_hex, "miscselectMask",
        misc_mask_hex, "attributes", attributes_hex, "attributesMask", attributes_mask_hex,
        "mrsigner", mrsigner_hex, "isvprodid", (int)identity.isv_prod_id, "tcbLevels", "tcb",
        "isvsvn", (int)identity.isv_svn, "tcbDate", TCB_DATE, "tcbStatus", "UpToDate");
    cella_result_t r = sign_document(q, "enclaveIdentity", body, out, out_size);
    json_decref(body);
    return r;
}

/*
 * A CRL of `issuer`, updated at now, next update 30 days later, in DER: empty, or revoking
 * the certificate `revoked` (since now).
 */
static cella_result_t make_crl(const cella_quoting_t *q, enum certificate issuer, int64_t now,
                               const X509 *revoked, uint8_t **out, size_t *out_size)
{
    X509 *certificate = q->certificates[issuer];
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *this_update = ASN1_TIME_set(NULL, (time_t)now);
    ASN1_TIME *next_update =
        ASN1_TIME_set(NULL, (time_t)(now + CELLA_QUOTING_COLLATERAL_VALIDITY_SECONDS));
    ASN1_INTEGER *number = ASN1_INTEGER_new();
    X509_EXTENSION *authority = NULL;
    X509_REVOKED *entry = NULL;
    X509V3_CTX context;
    uint8_t *der = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    REQUIRE(crl != NULL && this_update != NULL && next_update != NULL && number != NULL,
            "allocating a CRL");
    if (revoked != NULL) {
        entry = X509_REVOKED_new();
        REQUIRE(entry != NULL &&
                    X509_REVOKED_set_serialNumber(
                        entry, (ASN1_INTEGER *)(uintptr_t)X509_get0_serialNumber(revoked)) == 1 &&
                    X509_REVOKED_set_revocationDate(entry, this_update) == 1 &&
                    X509_CRL_add0_revoked(crl, entry) == 1,
                "revoking a certificate in a CRL");
        entry = NULL; /* the CRL's now */
    }
    X509V3_set_ctx(&context, certificate, NULL, NULL, crl, 0);
    authority = X509V3_EXT_nconf_nid(NULL, &context, NID_authority_key_identifier, "keyid:always");
    /* The CRL number only grows: the time it was made. */
    REQUIRE(authority != NULL && ASN1_INTEGER_set_int64(number, now) == 1 &&
                X509_CRL_set_version(crl, X509_CRL_VERSION_2) == 1 &&
                X509_CRL_set_issuer_name(crl, X509_get_subject_name(certificate)) == 1 &&
                X509_CRL_set1_lastUpdate(crl, this_update) == 1 &&
                X509_CRL_set1_nextUpdate(crl, next_update) == 1 &&
                X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0) == 1 &&
                X509_CRL_add_ext(crl, authority, -1) == 1 &&
                X509_CRL_sign(crl, q->keys[certificate_specs[issuer].key], EVP_sha256()) > 0,
            "making a CRL");
    int size = i2d_X509_CRL(crl, &der);
    REQUIRE(size > 0, "encoding a CRL");
    *out = der;
    *out_size = (size_t)size;
    r = CELLA_OK;
out:
    X509_REVOKED_free(entry);
    X509_EXTENSION_free(authority);
    ASN1_INTEGER_free(number);
    ASN1_TIME_free(next_update);
    ASN1_TIME_free(this_update);
    X509_CRL_free(crl);
    return r;
}

cella_result_t cella_quoting_collateral_create(const cella_quoting_t *quoting, int64_t now,
                                               bool revoke_pck, cella_quoting_collateral_t **out)
{
    static const enum certificate root[] = {CERT_ROOT};
    static const enum certificate signing_chain[] = {CERT_TCB_SIGNING, CERT_ROOT};
    cella_quoting_collateral_t *c = NULL;
    char issue_date[32], next_update[32];
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (quoting == NULL || out == NULL || now < 0 ||
        now > INT64_MAX - CELLA_QUOTING_COLLATERAL_VALIDITY_SECONDS)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!iso_time(now, issue_date) ||
        !iso_time(now + CELLA_QUOTING_COLLATERAL_VALIDITY_SECONDS, next_update)) {
        cella_log(CELLA_LOG_ERROR, "quoting: the time %lld cannot be written as a date",
                  (long long)now);
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    CHECK(certificates_pem(quoting, root, 1, &c->root_ca, &c->root_ca_size));
    CHECK(make_crl(quoting, CERT_ROOT, now, NULL, &c->root_ca_crl, &c->root_ca_crl_size));
    CHECK(make_crl(quoting, CERT_PLATFORM_CA, now,
                   revoke_pck ? quoting->certificates[CERT_PCK] : NULL, &c->pck_crl,
                   &c->pck_crl_size));
    CHECK(tcb_info(quoting, issue_date, next_update, &c->tcb_info, &c->tcb_info_size));
    CHECK(certificates_pem(quoting, signing_chain, 2, &c->tcb_info_issuer_chain,
                           &c->tcb_info_issuer_chain_size));
    CHECK(qe_identity(quoting, issue_date, next_update, &c->qe_identity, &c->qe_identity_size));
    CHECK(certificates_pem(quoting, signing_chain, 2, &c->qe_identity_issuer_chain,
                           &c->qe_identity_issuer_chain_size));
    *out = c;
    c = NULL;
out:
    cella_quoting_collateral_destroy(c);
    return r;
}

void cella_quoting_collateral_destroy(cella_quoting_collateral_t *collateral)
{
    if (collateral == NULL)
        return;
    free(collateral->root_ca);
    OPENSSL_free(collateral->root_ca_crl);
    OPENSSL_free(collateral->pck_crl);
    free(collateral->tcb_info);
    free(collateral->tcb_info_issuer_chain);
    free(collateral->qe_identity);
    free(collateral->qe_identity_issuer_chain);
    free(collateral);
}

/* ---- the collateral directory ---------------------------------------------------------------- */

struct export_file {
    const char *name; /* relative to the directory */
    const void *bytes;
    size_t size;
};

/* Writes one file whole under a temporary name, then gives it its name. */
static cella_result_t export_file(int directory_fd, const char *directory,
                                  const struct export_file *file, bool overwrite)
{
    char temporary[128];
    FILE *stream = NULL;
    cella_result_t r = CELLA_ERR_IO;

    snprintf(temporary, sizeof(temporary), "%s.%ld.tmp", file->name, (long)getpid());
    int fd = openat(directory_fd, temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                    0644);
    /* Collateral is public: readable by every verifier, whatever the umask. */
    if (fd < 0 || fchmod(fd, 0644) != 0 || (stream = fdopen(fd, "wb")) == NULL)
        goto fail;
    fd = -1; /* the stream's now */
    bool written = fwrite(file->bytes, 1, file->size, stream) == file->size &&
                   fflush(stream) == 0 && fsync(fileno(stream)) == 0;
    int saved = errno;
    if (fclose(stream) != 0 || !written) {
        errno = written ? errno : saved;
        goto fail;
    }
    if (renameat2(directory_fd, temporary, directory_fd, file->name,
                  overwrite ? 0 : RENAME_NOREPLACE) != 0)
        goto fail;
    return CELLA_OK;
fail:;
    int error = errno;
    if (fd >= 0)
        close(fd);
    (void)unlinkat(directory_fd, temporary, 0);
    cella_log(CELLA_LOG_ERROR, "quoting: cannot write %s/%s: %s", directory, file->name,
              error == EEXIST ? "it already exists" : strerror(error));
    if (error == EACCES || error == EPERM || error == EROFS || error == EEXIST)
        r = CELLA_ERR_ACCESS_DENIED;
    return r;
}

cella_result_t cella_quoting_export(const cella_quoting_t *quoting, int64_t now,
                                    const char *directory, bool overwrite)
{
    cella_quoting_collateral_t *c = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    int directory_fd = -1;

    if (quoting == NULL || directory == NULL || directory[0] == '\0')
        return CELLA_ERR_INVALID_ARGUMENT;
    CHECK(cella_quoting_collateral_create(quoting, now, false, &c));
    const struct export_file files[] = {
        {CELLA_QUOTING_ROOT_CA_FILE, c->root_ca, c->root_ca_size},
        {CELLA_QUOTING_ROOT_CA_CRL_FILE, c->root_ca_crl, c->root_ca_crl_size},
        {CELLA_QUOTING_PCK_CRL_FILE, c->pck_crl, c->pck_crl_size},
        {CELLA_QUOTING_TCB_INFO_FILE, c->tcb_info, c->tcb_info_size},
        {CELLA_QUOTING_TCB_INFO_ISSUER_CHAIN_FILE, c->tcb_info_issuer_chain,
         c->tcb_info_issuer_chain_size},
        {CELLA_QUOTING_QE_IDENTITY_FILE, c->qe_identity, c->qe_identity_size},
        {CELLA_QUOTING_QE_IDENTITY_ISSUER_CHAIN_FILE, c->qe_identity_issuer_chain,
         c->qe_identity_issuer_chain_size},
    };

    r = CELLA_ERR_IO;
    if (mkdir(directory, 0755) != 0 && errno != EEXIST)
        goto system_error;
    directory_fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory_fd < 0)
        goto system_error;
    if (mkdirat(directory_fd, CELLA_QUOTING_TCB_INFO_DIR, 0755) != 0 && errno != EEXIST)
        goto system_error;
    /* Nothing is written into a directory that already holds collateral, unless asked. */
    for (size_t i = 0; !overwrite && i < sizeof(files) / sizeof(files[0]); i++) {
        struct stat st;
        if (fstatat(directory_fd, files[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            cella_log(CELLA_LOG_ERROR,
                      "quoting: %s/%s already exists; collateral is not "
                      "overwritten unless asked to",
                      directory, files[i].name);
            r = CELLA_ERR_ACCESS_DENIED;
            goto out;
        }
    }
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        CHECK(export_file(directory_fd, directory, &files[i], overwrite));
    r = CELLA_OK;
    goto out;
system_error:;
    int error = errno;
    cella_log(CELLA_LOG_ERROR, "quoting: cannot create or open the directory %s: %s", directory,
              strerror(error));
    if (error == EACCES || error == EPERM || error == EROFS)
        r = CELLA_ERR_ACCESS_DENIED;
out:
    if (directory_fd >= 0)
        close(directory_fd);
    cella_quoting_collateral_destroy(c);
    return r;
}
