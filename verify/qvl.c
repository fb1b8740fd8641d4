/* SPDX-License-Identifier: Apache-2.0 */
/* verify/qvl.c: sgx_qv_verify_quote() and its companion, the DCAP SDK's API on cella's verifier. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cella/collateral.h>
#include <cella/quote.h>
#include <cella/verify.h>
#include <sgx/sgx_dcap_quoteverify.h>

#include "../common/log_internal.h"
#include "pck.h"
#include "qvl.h"

/*
 * Intel's library verifies in-process (QVL) or inside its QvE enclave. cella answers the
 * in-process form with its own verifier, configured as Intel's library is: Intel's SGX Root
 * CA as the only root, CRLs required. The verdict is cella's (verify.c); this file checks
 * the SDK's parameters, translates the collateral struct, maps the verdict to the SDK's
 * codes and fills the supplemental data from what the verification established.
 */

#define COLLATERAL_MAJOR_VERSION 3
#define TEE_TYPE_SGX             0x00000000u

_Static_assert(sizeof(sgx_ql_qv_supplemental_t) <= UINT32_MAX, "its size is a uint32_t");

/* ---- the verdict ---------------------------------------------------------------------------- */

sgx_ql_qv_result_t cella_qvl_status_result(cella_tcb_status_t status)
{
    switch (status) {
    case CELLA_TCB_STATUS_UP_TO_DATE:
        return SGX_QL_QV_RESULT_OK;
    case CELLA_TCB_STATUS_SW_HARDENING_NEEDED:
        return SGX_QL_QV_RESULT_SW_HARDENING_NEEDED;
    case CELLA_TCB_STATUS_CONFIGURATION_NEEDED:
        return SGX_QL_QV_RESULT_CONFIG_NEEDED;
    case CELLA_TCB_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED:
        return SGX_QL_QV_RESULT_CONFIG_AND_SW_HARDENING_NEEDED;
    case CELLA_TCB_STATUS_OUT_OF_DATE:
        return SGX_QL_QV_RESULT_OUT_OF_DATE;
    case CELLA_TCB_STATUS_OUT_OF_DATE_CONFIGURATION_NEEDED:
        return SGX_QL_QV_RESULT_OUT_OF_DATE_CONFIG_NEEDED;
    case CELLA_TCB_STATUS_REVOKED:
        return SGX_QL_QV_RESULT_REVOKED;
    }
    return SGX_QL_QV_RESULT_UNSPECIFIED;
}

quote3_error_t cella_qvl_verdict(cella_result_t verified, const cella_verify_result_t *result,
                                 sgx_ql_qv_result_t *qv_result)
{
    *qv_result = SGX_QL_QV_RESULT_UNSPECIFIED;
    if (verified == CELLA_ERR_INVALID_ARGUMENT)
        return SGX_QL_ERROR_INVALID_PARAMETER;
    if (verified == CELLA_ERR_OUT_OF_MEMORY)
        return SGX_QL_ERROR_OUT_OF_MEMORY;
    if (result == NULL || (verified != CELLA_OK && verified != CELLA_ERR_VERIFY_FAILED))
        return SGX_QL_ERROR_UNEXPECTED;
    if (verified == CELLA_OK) {
        if (result->failure != CELLA_VERIFY_OK || !result->tcb_evaluated)
            return SGX_QL_ERROR_UNEXPECTED; /* collateral is always given here */
        *qv_result = cella_qvl_status_result(result->tcb_status);
        return SGX_QL_SUCCESS;
    }
    switch (result->failure) {
    case CELLA_VERIFY_OK:
        return SGX_QL_ERROR_UNEXPECTED; /* refused without a reason: a broken invariant */
    /* A quote the library cannot read is an error of the call, as in Intel's library. */
    case CELLA_VERIFY_QUOTE_FORMAT:
    case CELLA_VERIFY_QE_VENDOR:
        return SGX_QL_QUOTE_FORMAT_UNSUPPORTED;
    case CELLA_VERIFY_CERTIFICATION_DATA:
        return SGX_QL_QUOTE_CERTIFICATION_DATA_UNSUPPORTED;
    /* Whatever does not verify cryptographically. */
    case CELLA_VERIFY_PCK_CHAIN:
    case CELLA_VERIFY_QE_REPORT_SIGNATURE:
    case CELLA_VERIFY_QE_REPORT_DATA:
    case CELLA_VERIFY_ISV_SIGNATURE:
        *qv_result = SGX_QL_QV_RESULT_INVALID_SIGNATURE;
        return SGX_QL_SUCCESS;
    case CELLA_VERIFY_PCK_REVOKED:
    case CELLA_VERIFY_TCB_REVOKED:
        *qv_result = SGX_QL_QV_RESULT_REVOKED;
        return SGX_QL_SUCCESS;
    /* The rest: bad or stale collateral, a platform or QE the collateral does not cover. */
    case CELLA_VERIFY_PCK_EXTENSION:
    case CELLA_VERIFY_CRL:
    case CELLA_VERIFY_TCB_INFO:
    case CELLA_VERIFY_QE_IDENTITY:
    case CELLA_VERIFY_FMSPC_MISMATCH:
    case CELLA_VERIFY_QE_IDENTITY_MISMATCH:
    case CELLA_VERIFY_TCB_NOT_SUPPORTED:
    case CELLA_VERIFY_QE_TCB_NOT_SUPPORTED:
        *qv_result = SGX_QL_QV_RESULT_UNSPECIFIED;
        return SGX_QL_SUCCESS;
    }
    return SGX_QL_ERROR_UNEXPECTED;
}

/* ---- the verifier, one per process ------------------------------------------------------------
 */

static pthread_once_t verifier_once = PTHREAD_ONCE_INIT;
static cella_verifier_t *shared_verifier;
static cella_result_t shared_verifier_result = CELLA_ERR_UNEXPECTED;

static void verifier_init(void)
{
    /* Intel's root only, CRLs required: the defaults. Kept for the life of the process. */
    shared_verifier_result = cella_verifier_create(&shared_verifier);
}

/* ---- the collateral -----------------------------------------------------------------------------
 */

/* A (pointer, size) pair of the SDK struct: both set or both empty. */
static bool pair_ok(const char *data, uint32_t size)
{
    return (data == NULL) == (size == 0);
}

/* Text without the terminating NULs the SDK's sizes may count. */
static size_t text_size(const char *text, uint32_t size)
{
    size_t n = size;
    while (n > 0 && text[n - 1] == '\0')
        n--;
    return n;
}

static bool is_hex_text(const char *text, size_t size)
{
    if (size == 0 || size % 2 != 0)
        return false;
    for (size_t i = 0; i < size; i++) {
        char c = text[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

static int hex_digit(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* DER bytes as one CRL, all of them; NULL otherwise. */
static X509_CRL *crl_from_der(const uint8_t *der, size_t size)
{
    const unsigned char *p = der;
    if (size == 0 || size > CELLA_COLLATERAL_MAX_BYTES)
        return NULL;
    X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)size);
    if (crl != NULL && p != der + size) {
        X509_CRL_free(crl);
        crl = NULL;
    }
    return crl;
}

/*
 * A CRL in the encoding its collateral version uses: 3.1 raw DER; 3.0 hex-encoded DER, or
 * PEM. *size is what the verifier is to be given (text without its NULs). NULL when it is
 * not one.
 */
static X509_CRL *crl_parse(const char *bytes, uint32_t size, uint16_t minor_version,
                           size_t *given_size)
{
    X509_CRL *crl = NULL;

    if (minor_version == 1) {
        *given_size = size;
        return crl_from_der((const uint8_t *)bytes, size);
    }
    size_t n = text_size(bytes, size);
    *given_size = n;
    if (n > CELLA_COLLATERAL_MAX_BYTES)
        return NULL;
    if (is_hex_text(bytes, n)) {
        uint8_t *der = malloc(n / 2);
        if (der == NULL)
            return NULL;
        for (size_t i = 0; i < n / 2; i++)
            der[i] = (uint8_t)(hex_digit(bytes[2 * i]) << 4 | hex_digit(bytes[2 * i + 1]));
        crl = crl_from_der(der, n / 2);
        free(der);
    } else if (n > 10 && memcmp(bytes, "-----BEGIN", 10) == 0) {
        BIO *bio = BIO_new_mem_buf(bytes, (int)n);
        crl = bio != NULL ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
    }
    return crl;
}

/* ---- dates for the expiration status and the supplemental data --------------------------------
 */

struct dates {
    bool known;             /* every date source parsed */
    int64_t earliest_issue; /* 0 while nothing was seen */
    int64_t latest_issue;
    int64_t earliest_expiration;
};

static void dates_add(struct dates *d, int64_t issue, int64_t expiration)
{
    if (d->earliest_issue == 0 || issue < d->earliest_issue)
        d->earliest_issue = issue;
    if (d->latest_issue == 0 || issue > d->latest_issue)
        d->latest_issue = issue;
    if (d->earliest_expiration == 0 || expiration < d->earliest_expiration)
        d->earliest_expiration = expiration;
}

static bool asn1_seconds(const ASN1_TIME *time, int64_t *seconds)
{
    struct tm tm;
    if (time == NULL || ASN1_TIME_to_tm(time, &tm) != 1)
        return false;
    *seconds = (int64_t)timegm(&tm);
    return true;
}

/* The validity of every certificate of a PEM chain. */
static void dates_of_chain(struct dates *d, const char *pem, size_t size)
{
    BIO *bio =
        size > 0 && size <= CELLA_COLLATERAL_MAX_BYTES ? BIO_new_mem_buf(pem, (int)size) : NULL;
    int count = 0;

    while (bio != NULL) {
        X509 *certificate = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (certificate == NULL)
            break;
        int64_t issue, expiration;
        if (asn1_seconds(X509_get0_notBefore(certificate), &issue) &&
            asn1_seconds(X509_get0_notAfter(certificate), &expiration))
            dates_add(d, issue, expiration);
        else
            d->known = false;
        X509_free(certificate);
        count++;
    }
    BIO_free(bio);
    ERR_clear_error();
    if (count == 0)
        d->known = false;
}

static void dates_of_crl(struct dates *d, const X509_CRL *crl)
{
    int64_t issue, expiration;
    if (crl != NULL && asn1_seconds(X509_CRL_get0_lastUpdate(crl), &issue) &&
        asn1_seconds(X509_CRL_get0_nextUpdate(crl), &expiration))
        dates_add(d, issue, expiration);
    else
        d->known = false;
}

static uint32_t crl_number(const X509_CRL *crl)
{
    uint32_t number = 0;
    ASN1_INTEGER *value =
        crl != NULL ? X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL) : NULL;
    uint64_t wide = 0;
    if (value != NULL && ASN1_INTEGER_get_uint64(&wide, value) == 1 && wide <= UINT32_MAX)
        number = (uint32_t)wide;
    ASN1_INTEGER_free(value);
    ERR_clear_error();
    return number;
}

/* Everything one call has copied and parsed, released at its end. */
#define COLLATERAL_ITEMS 6 /* the PCK CRL's issuer chain is not read (its pair is checked) */

struct call {
    cella_verify_collateral_t collateral; /* over `copies` */
    char *copies[COLLATERAL_ITEMS];       /* the caller's documents, read once */
    X509_CRL *root_crl;
    X509_CRL *pck_crl;
    cella_tcb_info_t *tcb_info;
    cella_enclave_identity_t *qe_identity;
    uint8_t *quote_copy;
    cella_quote_t quote;
    bool quote_parsed;
    X509 *pck_leaf;
};

static void call_clear(struct call *c)
{
    for (size_t i = 0; i < COLLATERAL_ITEMS; i++)
        free(c->copies[i]);
    X509_CRL_free(c->root_crl);
    X509_CRL_free(c->pck_crl);
    cella_tcb_info_destroy(c->tcb_info);
    cella_enclave_identity_destroy(c->qe_identity);
    free(c->quote_copy);
    X509_free(c->pck_leaf);
}

/* Reads the collateral struct into c->collateral; returns what the SDK returns for it. */
static quote3_error_t read_collateral(struct call *c, const sgx_ql_qve_collateral_t *in)
{
    cella_verify_collateral_t *out = &c->collateral;

    if (in->major_version != COLLATERAL_MAJOR_VERSION ||
        (in->minor_version != 0 && in->minor_version != 1)) {
        cella_log(CELLA_LOG_ERROR,
                  "sgx_qv_verify_quote: collateral version %u.%u; this library "
                  "reads 3.0 and 3.1",
                  in->major_version, in->minor_version);
        return SGX_QL_COLLATERAL_VERSION_NOT_SUPPORTED;
    }
    if (in->tee_type != TEE_TYPE_SGX) {
        cella_log(CELLA_LOG_ERROR,
                  "sgx_qv_verify_quote: collateral for tee_type 0x%08x; only SGX "
                  "(0) is verified",
                  in->tee_type);
        return SGX_QL_ERROR_INVALID_PARAMETER;
    }
    if (!pair_ok(in->pck_crl_issuer_chain, in->pck_crl_issuer_chain_size) ||
        !pair_ok(in->root_ca_crl, in->root_ca_crl_size) ||
        !pair_ok(in->pck_crl, in->pck_crl_size) ||
        !pair_ok(in->tcb_info_issuer_chain, in->tcb_info_issuer_chain_size) ||
        !pair_ok(in->tcb_info, in->tcb_info_size) ||
        !pair_ok(in->qe_identity_issuer_chain, in->qe_identity_issuer_chain_size) ||
        !pair_ok(in->qe_identity, in->qe_identity_size)) {
        cella_log(CELLA_LOG_ERROR, "sgx_qv_verify_quote: a collateral pointer and its size "
                                   "disagree (one is NULL or 0, the other not)");
        return SGX_QL_ERROR_INVALID_PARAMETER;
    }
    if (in->tcb_info == NULL || in->tcb_info_issuer_chain == NULL || in->qe_identity == NULL ||
        in->qe_identity_issuer_chain == NULL) {
        cella_log(CELLA_LOG_ERROR, "sgx_qv_verify_quote: the collateral lacks the TCB Info, the "
                                   "QE Identity or an issuer chain");
        return SGX_QL_ERROR_INVALID_PARAMETER;
    }
    /*
     * Each document is copied once (text without the NULs the SDK's sizes may count, and no
     * more than the verifier takes), and everything after works on the copies: verification,
     * dates and supplemental data all see the same bytes, whatever the caller's buffers do.
     */
    const struct {
        const char *data;
        uint32_t size;
        bool text;
        const char *name;
    } items[COLLATERAL_ITEMS] = {
        {in->tcb_info, in->tcb_info_size, true, "TCB Info"},
        {in->tcb_info_issuer_chain, in->tcb_info_issuer_chain_size, true, "TCB Info issuer chain"},
        {in->qe_identity, in->qe_identity_size, true, "QE Identity"},
        {in->qe_identity_issuer_chain, in->qe_identity_issuer_chain_size, true,
         "QE Identity issuer chain"},
        {in->root_ca_crl, in->root_ca_crl_size, in->minor_version == 0, "root CA CRL"},
        {in->pck_crl, in->pck_crl_size, in->minor_version == 0, "PCK CRL"},
    };
    size_t sizes[COLLATERAL_ITEMS] = {0};
    for (size_t i = 0; i < COLLATERAL_ITEMS; i++) {
        if (items[i].data == NULL)
            continue;
        sizes[i] = items[i].text ? text_size(items[i].data, items[i].size) : items[i].size;
        if (sizes[i] > CELLA_COLLATERAL_MAX_BYTES) {
            cella_log(CELLA_LOG_ERROR,
                      "sgx_qv_verify_quote: the %s is %zu bytes, more than the %u this "
                      "library takes",
                      items[i].name, sizes[i], (unsigned)CELLA_COLLATERAL_MAX_BYTES);
            return SGX_QL_ERROR_INVALID_PARAMETER;
        }
        /* One byte more, a NUL: the PEM and JSON readers may take it as text. */
        c->copies[i] = malloc(sizes[i] + 1);
        if (c->copies[i] == NULL)
            return SGX_QL_ERROR_OUT_OF_MEMORY;
        memcpy(c->copies[i], items[i].data, sizes[i]);
        c->copies[i][sizes[i]] = '\0';
    }
    out->tcb_info = c->copies[0];
    out->tcb_info_size = sizes[0];
    out->tcb_info_issuer_chain = c->copies[1];
    out->tcb_info_issuer_chain_size = sizes[1];
    out->qe_identity = c->copies[2];
    out->qe_identity_size = sizes[2];
    out->qe_identity_issuer_chain = c->copies[3];
    out->qe_identity_issuer_chain_size = sizes[3];

    /*
     * Absent CRLs are passed on as absent: the verifier refuses the quote for them (a
     * verdict, CELLA_VERIFY_CRL). CRLs present in the wrong encoding are an error of the call.
     */
    if (c->copies[4] != NULL) {
        c->root_crl = crl_parse(c->copies[4], (uint32_t)sizes[4], in->minor_version,
                                &out->root_ca_crl_size);
        out->root_ca_crl = (const uint8_t *)c->copies[4];
    }
    if (c->copies[5] != NULL) {
        c->pck_crl =
            crl_parse(c->copies[5], (uint32_t)sizes[5], in->minor_version, &out->pck_crl_size);
        out->pck_crl = (const uint8_t *)c->copies[5];
    }
    ERR_clear_error();
    if ((in->root_ca_crl != NULL && c->root_crl == NULL) ||
        (in->pck_crl != NULL && c->pck_crl == NULL)) {
        cella_log(CELLA_LOG_ERROR, "sgx_qv_verify_quote: the %s CRL is not %s",
                  in->root_ca_crl != NULL && c->root_crl == NULL ? "root CA" : "PCK",
                  in->minor_version == 1 ? "DER (collateral version 3.1)"
                                         : "hex-encoded DER or PEM (collateral version 3.0)");
        return SGX_QL_CRL_UNSUPPORTED_FORMAT;
    }
    return SGX_QL_SUCCESS;
}

/* The quote's own PCK leaf, for the supplemental data, from the copy that was verified. */
static void read_quote(struct call *c, size_t size)
{
    c->quote_parsed = cella_quote_parse(c->quote_copy, size, &c->quote) == CELLA_OK;
    if (!c->quote_parsed || c->quote.certification_data_type != PCK_CERT_CHAIN ||
        c->quote.certification_data_size > CELLA_QUOTE_MAX_BYTES)
        return;
    BIO *bio = BIO_new_mem_buf(c->quote.certification_data, (int)c->quote.certification_data_size);
    c->pck_leaf = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    ERR_clear_error();
}

/* The dates of everything used, and of the QE Identity with its chain on their own. */
static void collect_dates(struct call *c, struct dates *all, struct dates *qe)
{
    const cella_verify_collateral_t *k = &c->collateral;

    all->known = qe->known = true;
    if (cella_tcb_info_parse(k->tcb_info, k->tcb_info_size, &c->tcb_info) == CELLA_OK)
        dates_add(all, c->tcb_info->issue_date, c->tcb_info->next_update);
    else
        all->known = false;
    if (cella_enclave_identity_parse(k->qe_identity, k->qe_identity_size, &c->qe_identity) ==
        CELLA_OK) {
        dates_add(all, c->qe_identity->issue_date, c->qe_identity->next_update);
        dates_add(qe, c->qe_identity->issue_date, c->qe_identity->next_update);
    } else {
        all->known = qe->known = false;
    }
    dates_of_chain(all, k->tcb_info_issuer_chain, k->tcb_info_issuer_chain_size);
    dates_of_chain(all, k->qe_identity_issuer_chain, k->qe_identity_issuer_chain_size);
    dates_of_chain(qe, k->qe_identity_issuer_chain, k->qe_identity_issuer_chain_size);
    dates_of_crl(all, c->root_crl);
    dates_of_crl(all, c->pck_crl);
    if (c->quote_parsed && c->quote.certification_data_type == PCK_CERT_CHAIN)
        dates_of_chain(all, (const char *)c->quote.certification_data,
                       c->quote.certification_data_size);
    else
        all->known = false;
}

static void fill_supplemental(const struct call *c, const cella_verify_result_t *result,
                              const struct dates *all, const struct dates *qe,
                              sgx_ql_qv_supplemental_t *s)
{
    memset(s, 0, sizeof(*s));
    s->major_version = SUPPLEMENTAL_DATA_VERSION;
    s->minor_version = SUPPLEMENTAL_V3_LATEST_MINOR_VERSION;
    s->earliest_issue_date = (time_t)all->earliest_issue;
    s->latest_issue_date = (time_t)all->latest_issue;
    s->earliest_expiration_date = (time_t)all->earliest_expiration;
    s->pck_crl_num = crl_number(c->pck_crl);
    s->root_ca_crl_num = crl_number(c->root_crl);
    s->tee_type = TEE_TYPE_SGX;
    s->dynamic_platform = PCK_FLAG_UNDEFINED;
    s->cached_keys = PCK_FLAG_UNDEFINED;
    s->smt_enabled = PCK_FLAG_UNDEFINED;
    s->qe_iden_earliest_issue_date = (time_t)qe->earliest_issue;
    s->qe_iden_latest_issue_date = (time_t)qe->latest_issue;
    s->qe_iden_earliest_expiration_date = (time_t)qe->earliest_expiration;
    s->qe_iden_status = SGX_QL_QV_RESULT_UNSPECIFIED;

    cella_pck_info_t pck;
    if (c->pck_leaf != NULL && cella_pck_info_get(c->pck_leaf, &pck) == CELLA_OK) {
        memcpy(s->pck_ppid, pck.ppid, sizeof(s->pck_ppid));
        memcpy(s->tcb_cpusvn.svn, pck.cpu_svn, sizeof(s->tcb_cpusvn.svn));
        s->tcb_pce_isvsvn = pck.pce_svn;
        memcpy(&s->pce_id, pck.pce_id, sizeof(s->pce_id));
        s->sgx_type = (uint8_t)(pck.sgx_type <= 2 ? pck.sgx_type : 0);
    }
    ERR_clear_error();
    if (c->qe_identity != NULL) {
        s->qe_iden_tcb_eval_ref_num = c->qe_identity->tcb_evaluation_data_number;
        /* The QE's level: the first (highest) its ISVSVN reaches. */
        for (size_t i = 0; c->quote_parsed && i < c->qe_identity->level_count; i++) {
            if (c->quote.qe_report.isv_svn >= c->qe_identity->levels[i].isv_svn) {
                s->qe_iden_tcb_level_date_tag = (time_t)c->qe_identity->levels[i].tcb_date;
                break;
            }
        }
    }
    if (!result->tcb_evaluated)
        return;
    s->tcb_level_date_tag = (time_t)result->tcb_date;
    s->tcb_eval_ref_num = result->tcb_evaluation_data_number;
    s->qe_iden_status = cella_qvl_status_result(result->qe_tcb_status);
    size_t used = 0;
    for (size_t i = 0; i < result->advisory_count; i++) {
        size_t length = strnlen(result->advisory_ids[i], CELLA_ADVISORY_ID_MAX_BYTES);
        size_t needed = length + (used > 0 ? 1 : 0);
        if (needed >= sizeof(s->sa_list) - used)
            break; /* no room for it and the NUL: the list ends with the ones that fit */
        if (used > 0)
            s->sa_list[used++] = ',';
        memcpy(s->sa_list + used, result->advisory_ids[i], length);
        used += length;
    }
    s->sa_list[used] = '\0';
}

/* ---- the API
 * -------------------------------------------------------------------------------------- */

quote3_error_t sgx_qv_get_quote_supplemental_data_size(uint32_t *p_data_size)
{
    if (p_data_size == NULL)
        return SGX_QL_ERROR_INVALID_PARAMETER;
    *p_data_size = (uint32_t)sizeof(sgx_ql_qv_supplemental_t);
    return SGX_QL_SUCCESS;
}

quote3_error_t sgx_qv_verify_quote(const uint8_t *p_quote, uint32_t quote_size,
                                   const struct _sgx_ql_qve_collateral_t *p_quote_collateral,
                                   const time_t expiration_check_date,
                                   uint32_t *p_collateral_expiration_status,
                                   sgx_ql_qv_result_t *p_quote_verification_result,
                                   sgx_ql_qe_report_info_t *p_qve_report_info,
                                   uint32_t supplemental_data_size, uint8_t *p_supplemental_data)
{
    struct call c;
    cella_verify_result_t *result = NULL;
    sgx_ql_qv_result_t verdict = SGX_QL_QV_RESULT_UNSPECIFIED;
    quote3_error_t r = SGX_QL_ERROR_UNEXPECTED;

    memset(&c, 0, sizeof(c));
    /* Until a verdict is reached, the outputs say "not verified" and "expired". */
    if (p_quote_verification_result != NULL)
        *p_quote_verification_result = SGX_QL_QV_RESULT_UNSPECIFIED;
    if (p_collateral_expiration_status != NULL)
        *p_collateral_expiration_status = 1;

    if (p_quote == NULL || quote_size == 0 || p_collateral_expiration_status == NULL ||
        p_quote_verification_result == NULL ||
        (p_supplemental_data == NULL) != (supplemental_data_size == 0) ||
        (p_supplemental_data != NULL &&
         supplemental_data_size != (uint32_t)sizeof(sgx_ql_qv_supplemental_t))) {
        cella_log(CELLA_LOG_ERROR,
                  "sgx_qv_verify_quote: a NULL quote or output, or a "
                  "supplemental data size other than sgx_qv_get_quote_supplemental_data_size()'s");
        return SGX_QL_ERROR_INVALID_PARAMETER;
    }
    if (p_qve_report_info != NULL) {
        cella_log(CELLA_LOG_ERROR, "sgx_qv_verify_quote: there is no QvE enclave to report on "
                                   "the verification; pass p_qve_report_info NULL");
        return SGX_QL_UNABLE_TO_GENERATE_REPORT;
    }
    if (p_quote_collateral == NULL) {
        cella_log(CELLA_LOG_ERROR, "sgx_qv_verify_quote: no collateral; this library fetches "
                                   "none (cella_collateral_source_get() can)");
        return SGX_QL_ERROR_INVALID_PARAMETER;
    }
    if (quote_size > CELLA_QUOTE_MAX_BYTES) {
        cella_log(CELLA_LOG_ERROR, "sgx_qv_verify_quote: a quote of %u bytes, more than the %u "
                                   "a quote can be",
                  quote_size, (unsigned)CELLA_QUOTE_MAX_BYTES);
        return SGX_QL_QUOTE_FORMAT_UNSUPPORTED;
    }
    r = read_collateral(&c, p_quote_collateral);
    if (r != SGX_QL_SUCCESS)
        goto out;
    /* The quote is read once, too: verified and described from the same copy. */
    c.quote_copy = malloc(quote_size);
    if (c.quote_copy == NULL) {
        r = SGX_QL_ERROR_OUT_OF_MEMORY;
        goto out;
    }
    memcpy(c.quote_copy, p_quote, quote_size);
    if (pthread_once(&verifier_once, verifier_init) != 0 || shared_verifier_result != CELLA_OK) {
        cella_log(CELLA_LOG_ERROR, "sgx_qv_verify_quote: the verifier does not start: %s",
                  cella_result_str(shared_verifier_result));
        r = shared_verifier_result == CELLA_ERR_OUT_OF_MEMORY ? SGX_QL_ERROR_OUT_OF_MEMORY
                                                              : SGX_QL_ERROR_UNEXPECTED;
        goto out;
    }
    result = malloc(sizeof(*result));
    if (result == NULL) {
        r = SGX_QL_ERROR_OUT_OF_MEMORY;
        goto out;
    }
    cella_result_t verified =
        cella_verifier_verify(shared_verifier, c.quote_copy, quote_size, &c.collateral,
                              (int64_t)expiration_check_date, result);
    r = cella_qvl_verdict(verified, result, &verdict);
    if (r != SGX_QL_SUCCESS)
        goto out;

    struct dates all = {0}, qe = {0};
    read_quote(&c, quote_size);
    collect_dates(&c, &all, &qe);
    *p_quote_verification_result = verdict;
    *p_collateral_expiration_status =
        all.known && (int64_t)expiration_check_date <= all.earliest_expiration ? 0 : 1;
    if (p_supplemental_data != NULL) {
        sgx_ql_qv_supplemental_t supplemental;
        fill_supplemental(&c, result, &all, &qe, &supplemental);
        memcpy(p_supplemental_data, &supplemental, sizeof(supplemental));
    }
out:
    free(result);
    call_clear(&c);
    return r;
}
