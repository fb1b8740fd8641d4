/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/verify/verify.c: the quote verifier on real Intel quotes and collateral. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include <cella/log.h>
#include <cella/quote.h>
#include <cella/verify.h>

/*
 * The vectors are read from $CELLA_SHARED_DIR/vectors (../shared/vectors/README.md gives
 * every expected value used here). Without that folder each test says "not run" and passes
 * without asserting anything; the synthetic tests of the quote and collateral parsers still
 * run.
 */

struct file {
    uint8_t *bytes;
    size_t size;
};

static bool vector_path(char *path, size_t size, const char *name)
{
    const char *dir = getenv("CELLA_SHARED_DIR");
    snprintf(path, size, "%s/vectors/%s", dir != NULL ? dir : "/work/shared", name);
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return false;
    fclose(file);
    return true;
}

/* The vector `name`, or size 0 (and a "not run" line) when the vectors are absent. */
static struct file vector(const char *name)
{
    char path[1024];
    struct file f = {NULL, 0};
    if (!vector_path(path, sizeof(path), name)) {
        printf("not run: %s is absent (the vectors folder; set CELLA_SHARED_DIR)\n", path);
        return f;
    }
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    long size = ftell(file);
    assert_true(size > 0);
    rewind(file);
    f.bytes = malloc((size_t)size + 1);
    assert_non_null(f.bytes);
    assert_int_equal(fread(f.bytes, 1, (size_t)size, file), (size_t)size);
    f.bytes[size] = '\0';
    f.size = (size_t)size;
    fclose(file);
    return f;
}

/* Two PEM files one after the other. */
static struct file concatenated(struct file a, struct file b)
{
    struct file f = {malloc(a.size + b.size + 1), a.size + b.size};
    assert_non_null(f.bytes);
    memcpy(f.bytes, a.bytes, a.size);
    memcpy(f.bytes + a.size, b.bytes, b.size);
    f.bytes[f.size] = '\0';
    return f;
}

static void hex_of(const uint8_t *bytes, size_t size, char *out)
{
    for (size_t i = 0; i < size; i++)
        sprintf(out + 2 * i, "%02x", bytes[i]);
}

static void assert_hex(const uint8_t *bytes, size_t size, const char *expected)
{
    char text[256];
    assert_true(size * 2 < sizeof(text));
    hex_of(bytes, size, text);
    assert_string_equal(text, expected);
}

static bool has_advisory(const cella_verify_result_t *result, const char *id)
{
    for (size_t i = 0; i < result->advisory_count; i++) {
        if (strcmp(result->advisory_ids[i], id) == 0)
            return true;
    }
    return false;
}

/* ---- oasis-v3: a real quote with TCB Info and QE Identity, no CRLs ------------------------ */

#define OASIS_NOW 1671497404 /* 2022-12-20T00:50:04Z */

struct oasis {
    struct file quote, tcb_info, chain, qe_identity;
    cella_verify_collateral_t collateral;
};

static bool oasis_load(struct oasis *o)
{
    o->quote = vector("oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin");
    if (o->quote.size == 0)
        return false;
    o->tcb_info = vector("oasis-v3/tcb_info_v3_fmspc_00606A000000.json");
    o->chain = vector("oasis-v3/tcb_info_v3_fmspc_00606A000000_certs.pem");
    o->qe_identity = vector("oasis-v3/qe_identity_v2.json");
    memset(&o->collateral, 0, sizeof(o->collateral));
    o->collateral.tcb_info = (const char *)o->tcb_info.bytes;
    o->collateral.tcb_info_size = o->tcb_info.size;
    o->collateral.tcb_info_issuer_chain = (const char *)o->chain.bytes;
    o->collateral.tcb_info_issuer_chain_size = o->chain.size;
    o->collateral.qe_identity = (const char *)o->qe_identity.bytes;
    o->collateral.qe_identity_size = o->qe_identity.size;
    o->collateral.qe_identity_issuer_chain = (const char *)o->chain.bytes;
    o->collateral.qe_identity_issuer_chain_size = o->chain.size;
    return true;
}

static void oasis_free(struct oasis *o)
{
    free(o->quote.bytes);
    free(o->tcb_info.bytes);
    free(o->chain.bytes);
    free(o->qe_identity.bytes);
}

static cella_verifier_t *verifier_without_crls(void)
{
    cella_verifier_t *verifier = NULL;
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    cella_verifier_set_crls_required(verifier, false);
    return verifier;
}

static void a_real_quote_verifies_with_its_collateral_as_sw_hardening_needed(void **state)
{
    struct oasis o;
    cella_verify_result_t result;
    (void)state;
    if (!oasis_load(&o))
        return;
    cella_verifier_t *verifier = verifier_without_crls();

    assert_int_equal(cella_verifier_verify(verifier, o.quote.bytes, o.quote.size, &o.collateral,
                                           OASIS_NOW, &result),
                     CELLA_OK);
    assert_int_equal(result.failure, CELLA_VERIFY_OK);
    assert_string_equal(result.reason, "");
    assert_true(result.tcb_evaluated);
    assert_false(result.software_tee);
    assert_int_equal(result.tcb_status, CELLA_TCB_STATUS_SW_HARDENING_NEEDED);
    assert_int_equal(result.platform_tcb_status, CELLA_TCB_STATUS_SW_HARDENING_NEEDED);
    assert_int_equal(result.qe_tcb_status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_int_equal(result.advisory_count, 2);
    assert_true(has_advisory(&result, "INTEL-SA-00615"));
    assert_true(has_advisory(&result, "INTEL-SA-00657"));
    assert_int_equal(result.tcb_evaluation_data_number, 13);
    assert_int_equal(result.tcb_date, 1660089600); /* 2022-08-10T00:00:00Z */
    /* The earliest end: the QE Identity's next update, 2023-01-15T12:45:36Z. */
    assert_int_equal(result.collateral_expiration, 1673786736);
    assert_hex(result.isv_report.mr_enclave.m, 32,
               "68823bc62f409ee33a32ea270cfe45d4b19a6fb3c8570d7bc186cbe062398e8f");
    assert_hex(result.isv_report.mr_signer.m, 32,
               "9affcfae47b848ec2caf1c49b4b283531e1cc425f93582b36806e52a43d78d1a");
    assert_hex(result.fmspc, 6, "00606a000000");
    assert_hex(result.pce_id, 2, "0000");
    assert_int_equal(result.pck_pce_svn, 13);
    static const uint8_t components[16] = {7, 9, 3, 3, 255, 255, 1, 0};
    assert_memory_equal(result.pck_tcb_components, components, 16);
    assert_int_equal(result.header.qe_svn, 9);
    assert_int_equal(result.header.pce_svn, 13);
    cella_verifier_destroy(verifier);
    oasis_free(&o);
}

static void a_real_quote_verifies_without_collateral_but_gets_no_tcb_status(void **state)
{
    struct oasis o;
    cella_verify_result_t result;
    (void)state;
    if (!oasis_load(&o))
        return;
    cella_verifier_t *verifier = verifier_without_crls();
    assert_int_equal(
        cella_verifier_verify(verifier, o.quote.bytes, o.quote.size, NULL, OASIS_NOW, &result),
        CELLA_OK);
    assert_false(result.tcb_evaluated);
    assert_int_equal(result.advisory_count, 0);
    cella_verifier_destroy(verifier);
    oasis_free(&o);
}

/* Verifies o's quote with one change; returns the failure. */
static cella_verify_failure_t failure_of(cella_verifier_t *verifier, const struct oasis *o,
                                         const uint8_t *quote, size_t size,
                                         const cella_verify_collateral_t *collateral, int64_t now)
{
    cella_verify_result_t result;
    (void)o;
    cella_result_t r = cella_verifier_verify(verifier, quote, size, collateral, now, &result);
    assert_int_equal(r == CELLA_OK, result.failure == CELLA_VERIFY_OK);
    if (result.failure != CELLA_VERIFY_OK)
        assert_true(strlen(result.reason) > 0);
    return result.failure;
}

static void every_signed_or_bound_part_of_a_real_quote_is_checked(void **state)
{
    struct oasis o;
    (void)state;
    if (!oasis_load(&o))
        return;
    cella_verifier_t *verifier = verifier_without_crls();
    uint8_t *copy = malloc(o.quote.size);
    assert_non_null(copy);

    /* Offsets in the v3 layout: the part each one falls in, and the check that must see it. */
    static const struct {
        size_t offset;
        cella_verify_failure_t failure;
    } cases[] = {
        {0, CELLA_VERIFY_QUOTE_FORMAT},                /* version */
        {8, CELLA_VERIFY_ISV_SIGNATURE},               /* qe_svn: the header is signed */
        {12, CELLA_VERIFY_QE_VENDOR},                  /* the QE vendor */
        {30, CELLA_VERIFY_ISV_SIGNATURE},              /* user data */
        {48 + 64, CELLA_VERIFY_ISV_SIGNATURE},         /* the ISV report's MRENCLAVE */
        {48 + 320, CELLA_VERIFY_ISV_SIGNATURE},        /* its report data */
        {432, CELLA_VERIFY_QUOTE_FORMAT},              /* signature_data_len */
        {436, CELLA_VERIFY_ISV_SIGNATURE},             /* the ISV signature */
        {500, CELLA_VERIFY_QE_REPORT_DATA},            /* the attestation key */
        {564 + 64, CELLA_VERIFY_QE_REPORT_SIGNATURE},  /* the QE report */
        {564 + 320, CELLA_VERIFY_QE_REPORT_SIGNATURE}, /* its report data */
        {948, CELLA_VERIFY_QE_REPORT_SIGNATURE},       /* the QE signature */
        {1014, CELLA_VERIFY_QE_REPORT_DATA},           /* the QE auth data */
        {1046, CELLA_VERIFY_CERTIFICATION_DATA},       /* the type: 5 becomes 4, a leaf alone */
        {1052 + 200, CELLA_VERIFY_CERTIFICATION_DATA}, /* inside the leaf's PEM */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(copy, o.quote.bytes, o.quote.size);
        copy[cases[i].offset] ^= 0x01;
        cella_verify_failure_t f =
            failure_of(verifier, &o, copy, o.quote.size, &o.collateral, OASIS_NOW);
        if (f != cases[i].failure)
            fail_msg("byte %zu: %s, expected %s", cases[i].offset, cella_verify_failure_str(f),
                     cella_verify_failure_str(cases[i].failure));
    }
    /* Truncated and with a byte too many. */
    assert_int_equal(
        failure_of(verifier, &o, o.quote.bytes, o.quote.size - 1, &o.collateral, OASIS_NOW),
        CELLA_VERIFY_QUOTE_FORMAT);
    uint8_t *longer = calloc(1, o.quote.size + 1);
    assert_non_null(longer);
    memcpy(longer, o.quote.bytes, o.quote.size);
    assert_int_equal(failure_of(verifier, &o, longer, o.quote.size + 1, &o.collateral, OASIS_NOW),
                     CELLA_VERIFY_QUOTE_FORMAT);
    free(longer);
    free(copy);
    cella_verifier_destroy(verifier);
    oasis_free(&o);
}

static void changed_or_stale_collateral_is_refused(void **state)
{
    struct oasis o;
    (void)state;
    if (!oasis_load(&o))
        return;
    cella_verifier_t *verifier = verifier_without_crls();
    cella_verify_collateral_t collateral = o.collateral;

    /* One changed character inside the signed TCB Info body ("tcbEvaluationDataNumber":13). */
    char *tcb = strdup((const char *)o.tcb_info.bytes);
    assert_non_null(tcb);
    char *number = strstr(tcb, "\"tcbEvaluationDataNumber\":13");
    assert_non_null(number);
    number[strlen("\"tcbEvaluationDataNumber\":1")] = '4';
    collateral.tcb_info = tcb;
    assert_int_equal(failure_of(verifier, &o, o.quote.bytes, o.quote.size, &collateral, OASIS_NOW),
                     CELLA_VERIFY_TCB_INFO);
    free(tcb);

    /* The same in the QE Identity. */
    collateral = o.collateral;
    char *qe = strdup((const char *)o.qe_identity.bytes);
    assert_non_null(qe);
    char *isvprodid = strstr(qe, "\"isvprodid\":1");
    assert_non_null(isvprodid);
    isvprodid[strlen("\"isvprodid\":")] = '2';
    collateral.qe_identity = qe;
    assert_int_equal(failure_of(verifier, &o, o.quote.bytes, o.quote.size, &collateral, OASIS_NOW),
                     CELLA_VERIFY_QE_IDENTITY);
    free(qe);

    /* After the QE Identity's next update, and before the TCB Info was issued. */
    assert_int_equal(
        failure_of(verifier, &o, o.quote.bytes, o.quote.size, &o.collateral, 1673786736 + 1),
        CELLA_VERIFY_QE_IDENTITY);
    assert_int_equal(
        failure_of(verifier, &o, o.quote.bytes, o.quote.size, &o.collateral, 1671440410 - 1),
        CELLA_VERIFY_TCB_INFO);
    /* Long after: the TCB Signing certificate itself has expired (2025-05-21). */
    assert_int_equal(
        failure_of(verifier, &o, o.quote.bytes, o.quote.size, &o.collateral, 1767225600),
        CELLA_VERIFY_TCB_INFO);
    /* Missing pieces. */
    collateral = o.collateral;
    collateral.tcb_info_issuer_chain = NULL;
    collateral.tcb_info_issuer_chain_size = 0;
    assert_int_equal(failure_of(verifier, &o, o.quote.bytes, o.quote.size, &collateral, OASIS_NOW),
                     CELLA_VERIFY_TCB_INFO);
    collateral = o.collateral;
    collateral.qe_identity = NULL;
    collateral.qe_identity_size = 0;
    assert_int_equal(failure_of(verifier, &o, o.quote.bytes, o.quote.size, &collateral, OASIS_NOW),
                     CELLA_VERIFY_QE_IDENTITY);
    cella_verifier_destroy(verifier);
    oasis_free(&o);
}

static void crls_are_required_unless_the_caller_says_otherwise(void **state)
{
    struct oasis o;
    cella_verify_result_t result;
    cella_verifier_t *verifier = NULL;
    (void)state;
    if (!oasis_load(&o))
        return;
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    assert_int_equal(cella_verifier_verify(verifier, o.quote.bytes, o.quote.size, &o.collateral,
                                           OASIS_NOW, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_CRL);
    cella_verifier_destroy(verifier);
    oasis_free(&o);
}

/*
 * A verifier keeps what it proved (chains, signed collateral) for the next quote; what it
 * kept must never answer for another time, other bytes or other CRLs.
 */
static void what_a_verifier_keeps_never_outlives_its_window(void **state)
{
    struct oasis o;
    cella_verify_result_t result;
    (void)state;
    if (!oasis_load(&o))
        return;
    cella_verifier_t *verifier = verifier_without_crls();
    for (int i = 0; i < 3; i++) {
        assert_int_equal(cella_verifier_verify(verifier, o.quote.bytes, o.quote.size, &o.collateral,
                                               OASIS_NOW, &result),
                         CELLA_OK);
        assert_int_equal(result.tcb_status, CELLA_TCB_STATUS_SW_HARDENING_NEEDED);
        assert_int_equal(result.collateral_expiration, 1673786736);
        /* After the QE Identity's next update, and before the PCK certificate was issued. */
        assert_int_equal(
            failure_of(verifier, &o, o.quote.bytes, o.quote.size, &o.collateral, 1673786737),
            CELLA_VERIFY_QE_IDENTITY);
        assert_int_equal(
            failure_of(verifier, &o, o.quote.bytes, o.quote.size, &o.collateral, 1670238721 - 1),
            CELLA_VERIFY_PCK_CHAIN);
    }
    /* The same quote and collateral with CRLs now required: the proof without them is not
     * reused. */
    cella_verifier_set_crls_required(verifier, true);
    assert_int_equal(
        failure_of(verifier, &o, o.quote.bytes, o.quote.size, &o.collateral, OASIS_NOW),
        CELLA_VERIFY_CRL);
    cella_verifier_destroy(verifier);
    oasis_free(&o);
}

struct worker {
    cella_verifier_t *verifier;
    const struct oasis *oasis;
    int failures;
};

static void *verify_repeatedly(void *argument)
{
    struct worker *w = argument;
    cella_verify_result_t result;
    for (int i = 0; i < 40; i++) {
        if (cella_verifier_verify(w->verifier, w->oasis->quote.bytes, w->oasis->quote.size,
                                  &w->oasis->collateral, OASIS_NOW, &result) != CELLA_OK ||
            result.tcb_status != CELLA_TCB_STATUS_SW_HARDENING_NEEDED)
            w->failures++;
    }
    return NULL;
}

static void one_verifier_serves_threads_at_once(void **state)
{
    struct oasis o;
    struct worker workers[4];
    pthread_t threads[4];
    (void)state;
    if (!oasis_load(&o))
        return;
    cella_verifier_t *verifier = verifier_without_crls();
    for (int t = 0; t < 4; t++) {
        workers[t] = (struct worker){verifier, &o, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, verify_repeatedly, &workers[t]), 0);
    }
    for (int t = 0; t < 4; t++) {
        assert_int_equal(pthread_join(threads[t], NULL), 0);
        assert_int_equal(workers[t].failures, 0);
    }
    cella_verifier_destroy(verifier);
    oasis_free(&o);
}

/* ---- intel-qvl-sample: Intel's test hierarchy, full collateral with CRLs ------------------- */

#define QVL_NOW 1704067200 /* 2024-01-01T00:00:00Z */

struct qvl {
    struct file quote, pck, pck_chain, root, tcb_info, tcb_chain, qe_identity, root_crl, pck_crl;
    struct file pck_full;
    cella_verify_collateral_t collateral;
};

static bool qvl_load(struct qvl *q)
{
    q->quote = vector("intel-qvl-sample/quote.dat");
    if (q->quote.size == 0)
        return false;
    q->pck = vector("intel-qvl-sample/pckCert.pem");
    q->pck_chain = vector("intel-qvl-sample/pckSignChain.pem");
    q->root = vector("intel-qvl-sample/trustedRootCaCert.pem");
    q->tcb_info = vector("intel-qvl-sample/tcbInfo.json");
    q->tcb_chain = vector("intel-qvl-sample/tcbSignChain.pem");
    q->qe_identity = vector("intel-qvl-sample/qeIdentity.json");
    q->root_crl = vector("intel-qvl-sample/rootCaCrl.der");
    q->pck_crl = vector("intel-qvl-sample/intermediateCaCrl.der");
    q->pck_full = concatenated(q->pck, q->pck_chain);
    cella_verify_collateral_t c = {
        .tcb_info = (const char *)q->tcb_info.bytes,
        .tcb_info_size = q->tcb_info.size,
        .tcb_info_issuer_chain = (const char *)q->tcb_chain.bytes,
        .tcb_info_issuer_chain_size = q->tcb_chain.size,
        .qe_identity = (const char *)q->qe_identity.bytes,
        .qe_identity_size = q->qe_identity.size,
        .qe_identity_issuer_chain = (const char *)q->tcb_chain.bytes,
        .qe_identity_issuer_chain_size = q->tcb_chain.size,
        .root_ca_crl = q->root_crl.bytes,
        .root_ca_crl_size = q->root_crl.size,
        .pck_crl = q->pck_crl.bytes,
        .pck_crl_size = q->pck_crl.size,
        .pck_certificate_chain = (const char *)q->pck_full.bytes,
        .pck_certificate_chain_size = q->pck_full.size,
    };
    q->collateral = c;
    return true;
}

static void qvl_free(struct qvl *q)
{
    struct file *files[] = {&q->quote,    &q->pck,       &q->pck_chain,   &q->root,
                            &q->tcb_info, &q->tcb_chain, &q->qe_identity, &q->root_crl,
                            &q->pck_crl,  &q->pck_full};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        free(files[i]->bytes);
}

static void intels_sample_verifies_with_its_test_root_and_crls_as_up_to_date(void **state)
{
    struct qvl q;
    cella_verify_result_t result;
    cella_verifier_t *verifier = NULL;
    (void)state;
    if (!qvl_load(&q))
        return;
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    assert_int_equal(cella_verifier_add_root(verifier, (const char *)q.root.bytes, q.root.size,
                                             CELLA_VERIFY_ROOT_INTEL),
                     CELLA_OK);
    assert_int_equal(cella_verifier_verify(verifier, q.quote.bytes, q.quote.size, &q.collateral,
                                           QVL_NOW, &result),
                     CELLA_OK);
    assert_true(result.tcb_evaluated);
    assert_int_equal(result.tcb_status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_int_equal(result.qe_tcb_status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_hex(result.fmspc, 6, "00707f000000");
    assert_int_equal(result.pck_pce_svn, 3);
    static const uint8_t zeros[32];
    assert_memory_equal(result.isv_report.mr_enclave.m, zeros, 32);
    cella_verifier_destroy(verifier);
    qvl_free(&q);
}

static void intels_test_hierarchy_is_not_trusted_by_default(void **state)
{
    struct qvl q;
    cella_verify_result_t result;
    cella_verifier_t *verifier = NULL;
    (void)state;
    if (!qvl_load(&q))
        return;
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    assert_int_equal(cella_verifier_verify(verifier, q.quote.bytes, q.quote.size, &q.collateral,
                                           QVL_NOW, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_PCK_CHAIN);
    assert_non_null(strstr(result.reason, "not a trusted root"));
    /* Nor as a software-TEE root: its quotes carry Intel's QE vendor ID. */
    assert_int_equal(cella_verifier_add_root(verifier, (const char *)q.root.bytes, q.root.size,
                                             CELLA_VERIFY_ROOT_SOFTWARE_TEE),
                     CELLA_OK);
    assert_int_equal(cella_verifier_verify(verifier, q.quote.bytes, q.quote.size, &q.collateral,
                                           QVL_NOW, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_QE_VENDOR);
    cella_verifier_destroy(verifier);
    qvl_free(&q);
}

static void a_quote_without_a_pck_chain_needs_one_from_the_collateral(void **state)
{
    struct qvl q;
    cella_verify_result_t result;
    cella_verifier_t *verifier = NULL;
    (void)state;
    if (!qvl_load(&q))
        return;
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    assert_int_equal(cella_verifier_add_root(verifier, (const char *)q.root.bytes, q.root.size,
                                             CELLA_VERIFY_ROOT_INTEL),
                     CELLA_OK);
    cella_verify_collateral_t collateral = q.collateral;
    collateral.pck_certificate_chain = NULL;
    collateral.pck_certificate_chain_size = 0;
    assert_int_equal(
        cella_verifier_verify(verifier, q.quote.bytes, q.quote.size, &collateral, QVL_NOW, &result),
        CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_CERTIFICATION_DATA);
    /* The CRLs must be current: the PCK CA's runs to 2029-09-05. */
    assert_int_equal(cella_verifier_verify(verifier, q.quote.bytes, q.quote.size, &q.collateral,
                                           1883000000, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_not_equal(result.failure, CELLA_VERIFY_OK);
    /* A CRL that is not one. */
    collateral = q.collateral;
    collateral.pck_crl = q.root.bytes;
    collateral.pck_crl_size = q.root.size;
    assert_int_equal(
        cella_verifier_verify(verifier, q.quote.bytes, q.quote.size, &collateral, QVL_NOW, &result),
        CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_CRL);
    /* The root's CRL offered as the PCK CA's: the leaf has no CRL from its issuer. */
    collateral = q.collateral;
    collateral.pck_crl = q.root_crl.bytes;
    collateral.pck_crl_size = q.root_crl.size;
    assert_int_equal(
        cella_verifier_verify(verifier, q.quote.bytes, q.quote.size, &collateral, QVL_NOW, &result),
        CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_CRL);
    cella_verifier_destroy(verifier);
    qvl_free(&q);
}

/* ---- azure samples: real quotes without collateral --------------------------------------- */

struct azure_case {
    const char *file;
    const char *mr_enclave;
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    uint64_t flags;
};

static uint8_t *hex_decode(const char *hex, size_t *size)
{
    size_t length = strlen(hex);
    assert_int_equal(length % 2, 0);
    uint8_t *bytes = malloc(length / 2);
    assert_non_null(bytes);
    for (size_t i = 0; i < length / 2; i++) {
        unsigned int byte = 0;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
        bytes[i] = (uint8_t)byte;
    }
    *size = length / 2;
    return bytes;
}

static void verify_azure(const struct azure_case *cases, size_t count, bool oe_report,
                         const char *mr_signer)
{
    cella_verifier_t *verifier = NULL;
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    cella_verifier_set_crls_required(verifier, false);
    for (size_t i = 0; i < count; i++) {
        struct file f = vector(cases[i].file);
        if (f.size == 0)
            break;
        json_error_t error;
        json_t *info = json_loadb((const char *)f.bytes, f.size, 0, &error);
        assert_non_null(info);
        size_t size = 0;
        uint8_t *bytes = hex_decode(json_string_value(json_object_get(info, "QuoteHex")), &size);
        const uint8_t *quote = bytes;
        size_t quote_size = size;
        if (oe_report)
            assert_int_equal(cella_quote_from_oe_report(bytes, size, &quote, &quote_size),
                             CELLA_OK);
        cella_verify_result_t result;
        assert_int_equal(cella_verifier_verify(verifier, quote, quote_size, NULL, QVL_NOW, &result),
                         CELLA_OK);
        assert_false(result.tcb_evaluated);
        assert_hex(result.isv_report.mr_enclave.m, 32, cases[i].mr_enclave);
        assert_hex(result.isv_report.mr_signer.m, 32, mr_signer);
        assert_int_equal(result.isv_report.isv_prod_id, cases[i].isv_prod_id);
        assert_int_equal(result.isv_report.isv_svn, cases[i].isv_svn);
        assert_int_equal(result.isv_report.attributes.flags, cases[i].flags);
        assert_hex(result.fmspc, 6, "00906ed50000");
        free(bytes);
        json_decref(info);
        free(f.bytes);
    }
    cella_verifier_destroy(verifier);
}

static void four_real_sdk_quotes_verify_to_the_stated_identities(void **state)
{
    static const struct azure_case cases[] = {
        {"azure-samples-sgx/enclave.info.debug.json",
         "3e2df98fc7fd042b842121cae6a8086d546e7970db55103725cc1dcbc2c48814", 1, 1, 0x07},
        {"azure-samples-sgx/enclave.info.release.json",
         "d37d983a85d63fb49649610e2eba0930ecdbff6d113aca3ff3fc7261696c0134", 1, 1, 0x05},
        {"azure-samples-sgx/enclave.info.prodid.json",
         "d37d983a85d63fb49649610e2eba0930ecdbff6d113aca3ff3fc7261696c0134", 9999, 1, 0x05},
        {"azure-samples-sgx/enclave.info.securityversion.json",
         "d37d983a85d63fb49649610e2eba0930ecdbff6d113aca3ff3fc7261696c0134", 1, 8888, 0x05},
    };
    (void)state;
    verify_azure(cases, 4, false,
                 "feb995eb86c349ac98e5afbbb5732ca7376ec9979002702ea17ad476e0853a04");
}

static void four_real_open_enclave_reports_verify_under_the_older_root_certificate(void **state)
{
    static const struct azure_case cases[] = {
        {"azure-samples-oe/enclave.info.debug.json",
         "f78abec1b19bb4ba945bb986ca4d7fc0b3029f75f6e13e1ce43a7747d7426e57", 1, 1, 0x07},
        {"azure-samples-oe/enclave.info.release.json",
         "4d62dedf3296fb3e7794b5b57bde276c98d11e79b4f86665aa32d4649f9ab1d8", 1, 1, 0x05},
        {"azure-samples-oe/enclave.info.prodid.json",
         "191a8eaa7dfaf37ba600165206d01aef6fdbeb19d5033f8fa5683a665867588a", 9999, 1, 0x05},
        {"azure-samples-oe/enclave.info.securityversion.json",
         "6f4efcdb4e6ca3e9a6c340db202300afcc13d58aa7bbcb8afe4a6471eaf076e4", 1, 8888, 0x05},
    };
    (void)state;
    verify_azure(cases, 4, true,
                 "62ba6bcab59700c340bdbcd36bf74c6e0d6892cdf91671dca93bcbfff81ef9f2");
}

static void a_tdx_quote_is_refused_as_unsupported(void **state)
{
    cella_verify_result_t result;
    (void)state;
    struct file f = vector("intel-qvl-sample/tdx/quote.dat");
    if (f.size == 0)
        return;
    cella_verifier_t *verifier = verifier_without_crls();
    assert_int_equal(cella_verifier_verify(verifier, f.bytes, f.size, NULL, QVL_NOW, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_QUOTE_FORMAT);
    cella_verifier_destroy(verifier);
    free(f.bytes);
}

/* ---- without vectors ---------------------------------------------------------------------- */

static void arguments_and_roots_are_checked(void **state)
{
    cella_verifier_t *verifier = NULL;
    cella_verify_result_t result;
    (void)state;
    assert_int_equal(cella_verifier_create(NULL), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    assert_int_equal(cella_verifier_verify(verifier, NULL, 10, NULL, 0, &result),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_verifier_verify(verifier, "x", 1, NULL, 0, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_QUOTE_FORMAT);
    assert_int_equal(
        cella_verifier_add_root(verifier, "not a certificate", 17, CELLA_VERIFY_ROOT_INTEL),
        CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_verifier_add_root(verifier, "x", 1, (cella_verify_root_kind_t)7),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_string_equal(cella_verify_failure_str(CELLA_VERIFY_PCK_REVOKED), "pck-revoked");
    cella_verifier_destroy(verifier);
    cella_verifier_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_real_quote_verifies_with_its_collateral_as_sw_hardening_needed),
        cmocka_unit_test(a_real_quote_verifies_without_collateral_but_gets_no_tcb_status),
        cmocka_unit_test(every_signed_or_bound_part_of_a_real_quote_is_checked),
        cmocka_unit_test(changed_or_stale_collateral_is_refused),
        cmocka_unit_test(crls_are_required_unless_the_caller_says_otherwise),
        cmocka_unit_test(what_a_verifier_keeps_never_outlives_its_window),
        cmocka_unit_test(one_verifier_serves_threads_at_once),
        cmocka_unit_test(intels_sample_verifies_with_its_test_root_and_crls_as_up_to_date),
        cmocka_unit_test(intels_test_hierarchy_is_not_trusted_by_default),
        cmocka_unit_test(a_quote_without_a_pck_chain_needs_one_from_the_collateral),
        cmocka_unit_test(four_real_sdk_quotes_verify_to_the_stated_identities),
        cmocka_unit_test(four_real_open_enclave_reports_verify_under_the_older_root_certificate),
        cmocka_unit_test(a_tdx_quote_is_refused_as_unsupported),
        cmocka_unit_test(arguments_and_roots_are_checked),
    };
    cella_log_set_handler(NULL, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
