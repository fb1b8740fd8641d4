/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/verify/qvl.c: sgx_qv_verify_quote(), and cella's verdicts as the SDK's results. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cella/collateral.h>
#include <cella/log.h>
#include <cella/quote.h>
#include <cella/verify.h>
#include <sgx/sgx_dcap_quoteverify.h>

#include "verify/qvl.h"

/*
 * Intel's sample quote (intel-qvl-sample) chains to Intel's test root, which this API does
 * not trust (it trusts Intel's SGX Root CA only, as Intel's library does), so the real quote
 * used here is oasis-v3's, with its TCB Info and QE Identity. oasis-v3 has no CRLs, and this
 * API requires them: its verdict is the CRL step's refusal (UNSPECIFIED), which is what is
 * checked. CRLs from intel-qvl-sample exercise the encodings of each collateral version.
 * Without the vectors those tests say "not run"; the parameter and mapping tests always run.
 */

#define OASIS_NOW 1671497404 /* 2022-12-20T00:50:04Z */

static char log_text[8192];

static void capture(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    (void)level;
    size_t used = strlen(log_text);
    snprintf(log_text + used, sizeof(log_text) - used, "%s\n", message);
}

static void assert_logged(const char *text)
{
    if (strstr(log_text, text) == NULL)
        fail_msg("the log lacks \"%s\"; it holds:\n%s", text, log_text);
}

struct file {
    char *bytes;
    size_t size;
};

static bool vector(const char *name, struct file *f)
{
    const char *dir = getenv("CELLA_SHARED_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/vectors/%s", dir != NULL ? dir : "/work/shared", name);
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        printf("not run: %s is absent (the vectors folder; set CELLA_SHARED_DIR)\n", path);
        return false;
    }
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    long size = ftell(file);
    assert_true(size > 0);
    rewind(file);
    f->bytes = malloc((size_t)size + 1);
    assert_non_null(f->bytes);
    assert_int_equal(fread(f->bytes, 1, (size_t)size, file), (size_t)size);
    f->bytes[size] = '\0';
    f->size = (size_t)size;
    fclose(file);
    return true;
}

/* The oasis-v3 quote and its collateral as the SDK's struct, sizes counting the NULs. */
struct oasis {
    struct file quote, tcb_info, chain, qe_identity;
    sgx_ql_qve_collateral_t collateral;
};

static bool oasis_load(struct oasis *o)
{
    memset(o, 0, sizeof(*o));
    if (!vector("oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin", &o->quote))
        return false;
    assert_true(vector("oasis-v3/tcb_info_v3_fmspc_00606A000000.json", &o->tcb_info));
    assert_true(vector("oasis-v3/tcb_info_v3_fmspc_00606A000000_certs.pem", &o->chain));
    assert_true(vector("oasis-v3/qe_identity_v2.json", &o->qe_identity));
    o->collateral.major_version = 3;
    o->collateral.minor_version = 1;
    o->collateral.tee_type = 0;
    o->collateral.tcb_info = o->tcb_info.bytes;
    o->collateral.tcb_info_size = (uint32_t)o->tcb_info.size + 1;
    o->collateral.tcb_info_issuer_chain = o->chain.bytes;
    o->collateral.tcb_info_issuer_chain_size = (uint32_t)o->chain.size + 1;
    o->collateral.qe_identity = o->qe_identity.bytes;
    o->collateral.qe_identity_size = (uint32_t)o->qe_identity.size + 1;
    o->collateral.qe_identity_issuer_chain = o->chain.bytes;
    o->collateral.qe_identity_issuer_chain_size = (uint32_t)o->chain.size + 1;
    return true;
}

static void oasis_free(struct oasis *o)
{
    free(o->quote.bytes);
    free(o->tcb_info.bytes);
    free(o->chain.bytes);
    free(o->qe_identity.bytes);
}

/* Calls sgx_qv_verify_quote() on o's quote with collateral; returns its return. */
static quote3_error_t verify(const struct oasis *o, const sgx_ql_qve_collateral_t *collateral,
                             uint32_t *expiration_status, sgx_ql_qv_result_t *verdict,
                             sgx_ql_qv_supplemental_t *supplemental)
{
    return sgx_qv_verify_quote((const uint8_t *)o->quote.bytes, (uint32_t)o->quote.size, collateral,
                               (time_t)OASIS_NOW, expiration_status, verdict, NULL,
                               supplemental != NULL ? (uint32_t)sizeof(*supplemental) : 0,
                               (uint8_t *)supplemental);
}

static void the_supplemental_data_size_is_the_structs(void **state)
{
    uint32_t size = 0;
    (void)state;
    assert_int_equal(sgx_qv_get_quote_supplemental_data_size(&size), SGX_QL_SUCCESS);
    assert_int_equal(size, sizeof(sgx_ql_qv_supplemental_t));
    assert_int_equal(sgx_qv_get_quote_supplemental_data_size(NULL), SGX_QL_ERROR_INVALID_PARAMETER);
}

static void a_real_quote_without_crls_is_refused_at_the_crl_step(void **state)
{
    struct oasis o;
    uint32_t expiration_status = 7;
    sgx_ql_qv_result_t verdict = SGX_QL_QV_RESULT_OK;
    sgx_ql_qv_supplemental_t supplemental;
    (void)state;
    if (!oasis_load(&o))
        return;

    log_text[0] = '\0';
    memset(&supplemental, 0xa5, sizeof(supplemental));
    assert_int_equal(verify(&o, &o.collateral, &expiration_status, &verdict, &supplemental),
                     SGX_QL_SUCCESS);
    assert_int_equal(verdict, SGX_QL_QV_RESULT_UNSPECIFIED);
    assert_logged("quote verification failed: crl:");
    /* Without CRLs it cannot be told that nothing expired. */
    assert_int_equal(expiration_status, 1);

    /* The supplemental data: what was established before the refusal. */
    assert_int_equal(supplemental.major_version, SUPPLEMENTAL_DATA_VERSION);
    assert_int_equal(supplemental.minor_version, SUPPLEMENTAL_V3_LATEST_MINOR_VERSION);
    assert_int_equal(supplemental.version, 0x00030003);
    assert_int_equal(supplemental.earliest_expiration_date, 1673786736); /* the QE Identity's */
    assert_int_equal(supplemental.qe_iden_earliest_expiration_date, 1673786736);
    assert_int_equal(supplemental.tcb_pce_isvsvn, 13);
    assert_int_equal(supplemental.tee_type, 0);
    assert_int_equal(supplemental.smt_enabled, PCK_FLAG_UNDEFINED);
    assert_int_equal(supplemental.qe_iden_status, SGX_QL_QV_RESULT_UNSPECIFIED);
    assert_int_equal(supplemental.tcb_eval_ref_num, 0); /* no TCB was evaluated */
    assert_string_equal(supplemental.sa_list, "");

    /* The same with version 3.0 collateral. */
    sgx_ql_qve_collateral_t collateral = o.collateral;
    collateral.minor_version = 0;
    assert_int_equal(verify(&o, &collateral, &expiration_status, &verdict, NULL), SGX_QL_SUCCESS);
    assert_int_equal(verdict, SGX_QL_QV_RESULT_UNSPECIFIED);
    oasis_free(&o);
}

static char *hex_of(const struct file *f)
{
    char *hex = malloc(2 * f->size + 1);
    assert_non_null(hex);
    for (size_t i = 0; i < f->size; i++)
        sprintf(hex + 2 * i, "%02x", (unsigned char)f->bytes[i]);
    return hex;
}

static void each_collateral_version_takes_its_crl_encoding(void **state)
{
    struct oasis o;
    struct file der, pem;
    uint32_t expiration_status = 0;
    sgx_ql_qv_result_t verdict = SGX_QL_QV_RESULT_OK;
    (void)state;
    if (!oasis_load(&o))
        return;
    assert_true(vector("intel-qvl-sample/rootCaCrl.der", &der));
    assert_true(vector("intel-qvl-sample/rootCaCrl.pem", &pem));
    char *hex = hex_of(&der);
    const uint32_t hex_size = (uint32_t)strlen(hex) + 1;

    /* A well-formed CRL gets to the verifier, which refuses it: it is another root's. */
    static const struct {
        uint16_t minor;
        int encoding; /* 0 DER, 1 hex, 2 PEM */
        quote3_error_t expected;
    } cases[] = {
        {1, 0, SGX_QL_SUCCESS},
        {0, 1, SGX_QL_SUCCESS},
        {0, 2, SGX_QL_SUCCESS},
        {1, 1, SGX_QL_CRL_UNSUPPORTED_FORMAT},
        {1, 2, SGX_QL_CRL_UNSUPPORTED_FORMAT},
        {0, 0, SGX_QL_CRL_UNSUPPORTED_FORMAT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sgx_ql_qve_collateral_t collateral = o.collateral;
        char *bytes = cases[i].encoding == 0 ? der.bytes : cases[i].encoding == 1 ? hex : pem.bytes;
        uint32_t size = cases[i].encoding == 0   ? (uint32_t)der.size
                        : cases[i].encoding == 1 ? hex_size
                                                 : (uint32_t)pem.size;
        collateral.minor_version = cases[i].minor;
        collateral.root_ca_crl = bytes;
        collateral.root_ca_crl_size = size;
        collateral.pck_crl = bytes;
        collateral.pck_crl_size = size;
        quote3_error_t r = verify(&o, &collateral, &expiration_status, &verdict, NULL);
        if (r != cases[i].expected)
            fail_msg("case %zu: 0x%04x, expected 0x%04x", i, (unsigned)r,
                     (unsigned)cases[i].expected);
        assert_int_equal(verdict, SGX_QL_QV_RESULT_UNSPECIFIED);
    }
    /* Not a CRL at all. */
    sgx_ql_qve_collateral_t collateral = o.collateral;
    collateral.pck_crl = o.chain.bytes;
    collateral.pck_crl_size = (uint32_t)o.chain.size;
    assert_int_equal(verify(&o, &collateral, &expiration_status, &verdict, NULL),
                     SGX_QL_CRL_UNSUPPORTED_FORMAT);
    free(hex);
    free(der.bytes);
    free(pem.bytes);
    oasis_free(&o);
}

/* Collateral that only has to get past the parameter checks. */
static sgx_ql_qve_collateral_t synthetic_collateral(void)
{
    static char json[] = "{}", chain[] = "-----BEGIN CERTIFICATE-----\n";
    sgx_ql_qve_collateral_t c;
    memset(&c, 0, sizeof(c));
    c.major_version = 3;
    c.minor_version = 1;
    c.tcb_info = json;
    c.tcb_info_size = sizeof(json);
    c.qe_identity = json;
    c.qe_identity_size = sizeof(json);
    c.tcb_info_issuer_chain = chain;
    c.tcb_info_issuer_chain_size = sizeof(chain);
    c.qe_identity_issuer_chain = chain;
    c.qe_identity_issuer_chain_size = sizeof(chain);
    return c;
}

static void every_parameter_is_checked(void **state)
{
    static const uint8_t quote[1100] = {3, 0, 2, 0};
    uint8_t report_info[1024] = {0};
    sgx_ql_qv_supplemental_t supplemental;
    uint32_t status = 0;
    sgx_ql_qv_result_t verdict = SGX_QL_QV_RESULT_OK;
    const sgx_ql_qve_collateral_t good = synthetic_collateral();
    const uint32_t supplemental_size = (uint32_t)sizeof(supplemental);
    (void)state;

    /* Outputs first say "not verified", "expired". */
    assert_int_equal(sgx_qv_verify_quote(NULL, sizeof(quote), &good, OASIS_NOW, &status, &verdict,
                                         NULL, 0, NULL),
                     SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(status, 1);
    assert_int_equal(verdict, SGX_QL_QV_RESULT_UNSPECIFIED);
    assert_int_equal(
        sgx_qv_verify_quote(quote, 0, &good, OASIS_NOW, &status, &verdict, NULL, 0, NULL),
        SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(
        sgx_qv_verify_quote(quote, sizeof(quote), &good, OASIS_NOW, NULL, &verdict, NULL, 0, NULL),
        SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(
        sgx_qv_verify_quote(quote, sizeof(quote), &good, OASIS_NOW, &status, NULL, NULL, 0, NULL),
        SGX_QL_ERROR_INVALID_PARAMETER);
    /* Supplemental data: both or neither, and exactly the struct's size. */
    assert_int_equal(sgx_qv_verify_quote(quote, sizeof(quote), &good, OASIS_NOW, &status, &verdict,
                                         NULL, supplemental_size, NULL),
                     SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_qv_verify_quote(quote, sizeof(quote), &good, OASIS_NOW, &status, &verdict,
                                         NULL, 0, (uint8_t *)&supplemental),
                     SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_qv_verify_quote(quote, sizeof(quote), &good, OASIS_NOW, &status, &verdict,
                                         NULL, supplemental_size - 1, (uint8_t *)&supplemental),
                     SGX_QL_ERROR_INVALID_PARAMETER);
    /* No QvE, and no fetching. */
    log_text[0] = '\0';
    assert_int_equal(sgx_qv_verify_quote(quote, sizeof(quote), &good, OASIS_NOW, &status, &verdict,
                                         (sgx_ql_qe_report_info_t *)(void *)report_info, 0, NULL),
                     SGX_QL_UNABLE_TO_GENERATE_REPORT);
    assert_logged("p_qve_report_info NULL");
    assert_int_equal(sgx_qv_verify_quote(quote, sizeof(quote), NULL, OASIS_NOW, &status, &verdict,
                                         NULL, 0, NULL),
                     SGX_QL_ERROR_INVALID_PARAMETER);

    /* The collateral struct. */
    static const struct {
        const char *what;
        quote3_error_t expected;
    } cases[] = {
        {"version 1.0", SGX_QL_COLLATERAL_VERSION_NOT_SUPPORTED},
        {"version 3.2", SGX_QL_COLLATERAL_VERSION_NOT_SUPPORTED},
        {"version 4.0", SGX_QL_COLLATERAL_VERSION_NOT_SUPPORTED},
        {"tee_type TDX", SGX_QL_ERROR_INVALID_PARAMETER},
        {"a size without its pointer", SGX_QL_ERROR_INVALID_PARAMETER},
        {"a pointer without its size", SGX_QL_ERROR_INVALID_PARAMETER},
        {"no TCB Info", SGX_QL_ERROR_INVALID_PARAMETER},
        {"no QE Identity issuer chain", SGX_QL_ERROR_INVALID_PARAMETER},
        {"a CRL that is no CRL", SGX_QL_CRL_UNSUPPORTED_FORMAT},
        {"a TCB Info larger than a document can be", SGX_QL_ERROR_INVALID_PARAMETER},
    };
    char *huge = malloc(CELLA_COLLATERAL_MAX_BYTES + 1);
    assert_non_null(huge);
    memset(huge, '{', CELLA_COLLATERAL_MAX_BYTES + 1);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sgx_ql_qve_collateral_t c = good;
        static char junk[] = "not a CRL";
        switch (i) {
        case 0:
            c.major_version = 1;
            c.minor_version = 0;
            break;
        case 1:
            c.minor_version = 2;
            break;
        case 2:
            c.major_version = 4;
            c.minor_version = 0;
            break;
        case 3:
            c.tee_type = 0x81;
            break;
        case 4:
            c.pck_crl_size = 10;
            break;
        case 5:
            c.pck_crl_issuer_chain = junk;
            break;
        case 6:
            c.tcb_info = NULL;
            c.tcb_info_size = 0;
            break;
        case 7:
            c.qe_identity_issuer_chain = NULL;
            c.qe_identity_issuer_chain_size = 0;
            break;
        case 8:
            c.root_ca_crl = junk;
            c.root_ca_crl_size = sizeof(junk);
            break;
        case 9:
            c.tcb_info = huge;
            c.tcb_info_size = CELLA_COLLATERAL_MAX_BYTES + 1;
            break;
        default:
            fail();
        }
        status = 0;
        verdict = SGX_QL_QV_RESULT_OK;
        quote3_error_t r = sgx_qv_verify_quote(quote, sizeof(quote), &c, OASIS_NOW, &status,
                                               &verdict, NULL, 0, NULL);
        if (r != cases[i].expected)
            fail_msg("%s: 0x%04x, expected 0x%04x", cases[i].what, (unsigned)r,
                     (unsigned)cases[i].expected);
        assert_int_equal(status, 1);
        assert_int_equal(verdict, SGX_QL_QV_RESULT_UNSPECIFIED);
    }

    free(huge);

    /* A quote larger than any quote is refused before anything is copied. */
    uint8_t *long_quote = calloc(1, CELLA_QUOTE_MAX_BYTES + 1);
    assert_non_null(long_quote);
    memcpy(long_quote, quote, sizeof(quote));
    assert_int_equal(sgx_qv_verify_quote(long_quote, CELLA_QUOTE_MAX_BYTES + 1, &good, OASIS_NOW,
                                         &status, &verdict, NULL, 0, NULL),
                     SGX_QL_QUOTE_FORMAT_UNSUPPORTED);
    free(long_quote);

    /* Past the parameters, a quote that is not one is an unsupported format. */
    assert_int_equal(sgx_qv_verify_quote(quote, sizeof(quote), &good, OASIS_NOW, &status, &verdict,
                                         NULL, supplemental_size, (uint8_t *)&supplemental),
                     SGX_QL_QUOTE_FORMAT_UNSUPPORTED);
    assert_int_equal(verdict, SGX_QL_QV_RESULT_UNSPECIFIED);
}

static void a_quote_without_a_pck_chain_is_unsupported_certification_data(void **state)
{
    struct file quote;
    uint32_t status = 0;
    sgx_ql_qv_result_t verdict = SGX_QL_QV_RESULT_OK;
    const sgx_ql_qve_collateral_t collateral = synthetic_collateral();
    (void)state;
    if (!vector("intel-qvl-sample/quote.dat", &quote))
        return;
    assert_int_equal(sgx_qv_verify_quote((const uint8_t *)quote.bytes, (uint32_t)quote.size,
                                         &collateral, OASIS_NOW, &status, &verdict, NULL, 0, NULL),
                     SGX_QL_QUOTE_CERTIFICATION_DATA_UNSUPPORTED);
    assert_int_equal(verdict, SGX_QL_QV_RESULT_UNSPECIFIED);
    free(quote.bytes);
}

/* ---- the mapping ---------------------------------------------------------------------------- */

static void every_tcb_status_maps_to_its_sdk_result(void **state)
{
    static const struct {
        cella_tcb_status_t status;
        sgx_ql_qv_result_t expected;
    } cases[] = {
        {CELLA_TCB_STATUS_UP_TO_DATE, SGX_QL_QV_RESULT_OK},
        {CELLA_TCB_STATUS_SW_HARDENING_NEEDED, SGX_QL_QV_RESULT_SW_HARDENING_NEEDED},
        {CELLA_TCB_STATUS_CONFIGURATION_NEEDED, SGX_QL_QV_RESULT_CONFIG_NEEDED},
        {CELLA_TCB_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED,
         SGX_QL_QV_RESULT_CONFIG_AND_SW_HARDENING_NEEDED},
        {CELLA_TCB_STATUS_OUT_OF_DATE, SGX_QL_QV_RESULT_OUT_OF_DATE},
        {CELLA_TCB_STATUS_OUT_OF_DATE_CONFIGURATION_NEEDED,
         SGX_QL_QV_RESULT_OUT_OF_DATE_CONFIG_NEEDED},
        {CELLA_TCB_STATUS_REVOKED, SGX_QL_QV_RESULT_REVOKED},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_verify_result_t result;
        sgx_ql_qv_result_t verdict = SGX_QL_QV_RESULT_MAX;
        memset(&result, 0, sizeof(result));
        result.tcb_evaluated = true;
        result.tcb_status = cases[i].status;
        assert_int_equal(cella_qvl_status_result(cases[i].status), cases[i].expected);
        assert_int_equal(cella_qvl_verdict(CELLA_OK, &result, &verdict), SGX_QL_SUCCESS);
        assert_int_equal(verdict, cases[i].expected);
    }
    /* The SDK's values, by number. */
    assert_int_equal(SGX_QL_QV_RESULT_CONFIG_NEEDED, 0xA001);
    assert_int_equal(SGX_QL_QV_RESULT_INVALID_SIGNATURE, 0xA004);
    assert_int_equal(SGX_QL_QV_RESULT_UNSPECIFIED, 0xA006);
    assert_int_equal(SGX_QL_QV_RESULT_SW_HARDENING_NEEDED, 0xA007);
    assert_int_equal(SGX_QL_QV_RESULT_CONFIG_AND_SW_HARDENING_NEEDED, 0xA008);
    assert_int_equal(SGX_QL_QV_RESULT_TD_RELAUNCH_ADVISED_CONFIG_NEEDED, 0xA00A);
    assert_int_equal(cella_qvl_status_result((cella_tcb_status_t)99), SGX_QL_QV_RESULT_UNSPECIFIED);
}

static void every_failure_maps_to_a_return_and_a_verdict(void **state)
{
    static const struct {
        cella_verify_failure_t failure;
        quote3_error_t expected;
        sgx_ql_qv_result_t verdict;
    } cases[] = {
        {CELLA_VERIFY_QUOTE_FORMAT, SGX_QL_QUOTE_FORMAT_UNSUPPORTED, SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_QE_VENDOR, SGX_QL_QUOTE_FORMAT_UNSUPPORTED, SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_CERTIFICATION_DATA, SGX_QL_QUOTE_CERTIFICATION_DATA_UNSUPPORTED,
         SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_PCK_CHAIN, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_INVALID_SIGNATURE},
        {CELLA_VERIFY_PCK_REVOKED, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_REVOKED},
        {CELLA_VERIFY_PCK_EXTENSION, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_CRL, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_TCB_INFO, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_QE_IDENTITY, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_FMSPC_MISMATCH, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_QE_REPORT_SIGNATURE, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_INVALID_SIGNATURE},
        {CELLA_VERIFY_QE_REPORT_DATA, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_INVALID_SIGNATURE},
        {CELLA_VERIFY_QE_IDENTITY_MISMATCH, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_ISV_SIGNATURE, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_INVALID_SIGNATURE},
        {CELLA_VERIFY_TCB_NOT_SUPPORTED, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_QE_TCB_NOT_SUPPORTED, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_UNSPECIFIED},
        {CELLA_VERIFY_TCB_REVOKED, SGX_QL_SUCCESS, SGX_QL_QV_RESULT_REVOKED},
        /* Refused without a reason cannot happen; it is not taken for a verdict. */
        {CELLA_VERIFY_OK, SGX_QL_ERROR_UNEXPECTED, SGX_QL_QV_RESULT_UNSPECIFIED},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_verify_result_t result;
        sgx_ql_qv_result_t verdict = SGX_QL_QV_RESULT_OK;
        memset(&result, 0, sizeof(result));
        result.failure = cases[i].failure;
        /* A status from before the failure must not leak into the verdict. */
        result.tcb_evaluated = true;
        result.tcb_status = CELLA_TCB_STATUS_UP_TO_DATE;
        quote3_error_t r = cella_qvl_verdict(CELLA_ERR_VERIFY_FAILED, &result, &verdict);
        if (r != cases[i].expected || verdict != cases[i].verdict)
            fail_msg("%s: 0x%04x and 0x%04x, expected 0x%04x and 0x%04x",
                     cella_verify_failure_str(cases[i].failure), (unsigned)r, (unsigned)verdict,
                     (unsigned)cases[i].expected, (unsigned)cases[i].verdict);
    }
}

static void the_verifiers_other_returns_map_to_errors(void **state)
{
    cella_verify_result_t result;
    sgx_ql_qv_result_t verdict = SGX_QL_QV_RESULT_OK;
    (void)state;
    memset(&result, 0, sizeof(result));
    assert_int_equal(cella_qvl_verdict(CELLA_ERR_INVALID_ARGUMENT, &result, &verdict),
                     SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(verdict, SGX_QL_QV_RESULT_UNSPECIFIED);
    assert_int_equal(cella_qvl_verdict(CELLA_ERR_OUT_OF_MEMORY, &result, &verdict),
                     SGX_QL_ERROR_OUT_OF_MEMORY);
    assert_int_equal(cella_qvl_verdict(CELLA_ERR_IO, &result, &verdict), SGX_QL_ERROR_UNEXPECTED);
    assert_int_equal(cella_qvl_verdict(CELLA_ERR_VERIFY_FAILED, NULL, &verdict),
                     SGX_QL_ERROR_UNEXPECTED);
    /* Verified, but without collateral: this API always passes collateral, so never a verdict. */
    verdict = SGX_QL_QV_RESULT_OK;
    assert_int_equal(cella_qvl_verdict(CELLA_OK, &result, &verdict), SGX_QL_ERROR_UNEXPECTED);
    assert_int_equal(verdict, SGX_QL_QV_RESULT_UNSPECIFIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_supplemental_data_size_is_the_structs),
        cmocka_unit_test(a_real_quote_without_crls_is_refused_at_the_crl_step),
        cmocka_unit_test(each_collateral_version_takes_its_crl_encoding),
        cmocka_unit_test(every_parameter_is_checked),
        cmocka_unit_test(a_quote_without_a_pck_chain_is_unsupported_certification_data),
        cmocka_unit_test(every_tcb_status_maps_to_its_sdk_result),
        cmocka_unit_test(every_failure_maps_to_a_return_and_a_verdict),
        cmocka_unit_test(the_verifiers_other_returns_map_to_errors),
    };
    cella_log_set_level(CELLA_LOG_INFO);
    cella_log_set_handler(capture, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
