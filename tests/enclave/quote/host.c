/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/quote/host.c: attestation end to end: report, quote, collateral, verifier. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <cella/verify.h>
#include <sgx_dcap_ql_wrapper.h>
#include <sgx_urts.h>

#include "host/keys.h"
#include "host/quoting.h"
#include "quote_u.h"

/*
 * Dev mode and sim (the default run): the platform secrets live in a directory of this test's
 * own (CELLA_STATE_DIR); the test exports the platform's collateral with the library, as
 * `cella platform export` does, into a folder next to them.
 *
 * Service mode (--service DIR, run by tests/enclave/sandbox/service.sh as an application
 * user): cella-platformd runs the enclave and quotes, with secrets the user cannot read; DIR
 * holds the collateral the daemon's user exported.
 */

static char work_dir[] = "/tmp/cella-quote-test.XXXXXX";
static char state_dir[PATH_MAX];
static char collateral_dir[PATH_MAX];
static sgx_enclave_id_t enclave_id;

/* ---- the collateral directory ---------------------------------------------------------------- */

/* A file of the collateral directory, whole, with a NUL after it (not counted). */
static char *read_collateral(const char *name, size_t *size)
{
    char path[PATH_MAX + 64];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", collateral_dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    assert_int_equal(fstat(fd, &st), 0);
    char *bytes = malloc((size_t)st.st_size + 1);
    assert_non_null(bytes);
    assert_int_equal(read(fd, bytes, (size_t)st.st_size), st.st_size);
    close(fd);
    bytes[st.st_size] = '\0';
    *size = (size_t)st.st_size;
    return bytes;
}

struct collateral_files {
    char *root, *root_crl, *pck_crl, *tcb_info, *tcb_chain, *qe_identity, *qe_chain;
    size_t root_size;
    cella_verify_collateral_t collateral;
};

static void load_collateral(struct collateral_files *files)
{
    cella_verify_collateral_t *c = &files->collateral;

    memset(files, 0, sizeof(*files));
    files->root = read_collateral("root-ca.pem", &files->root_size);
    files->root_crl = read_collateral("root-ca-crl.der", &c->root_ca_crl_size);
    files->pck_crl = read_collateral("pck-crl-platform.der", &c->pck_crl_size);
    files->tcb_info = read_collateral("tcb-info/ce11a0000001.json", &c->tcb_info_size);
    files->tcb_chain = read_collateral("tcb-info-issuer-chain.pem", &c->tcb_info_issuer_chain_size);
    files->qe_identity = read_collateral("qe-identity.json", &c->qe_identity_size);
    files->qe_chain =
        read_collateral("qe-identity-issuer-chain.pem", &c->qe_identity_issuer_chain_size);
    c->root_ca_crl = (const uint8_t *)files->root_crl;
    c->pck_crl = (const uint8_t *)files->pck_crl;
    c->tcb_info = files->tcb_info;
    c->tcb_info_issuer_chain = files->tcb_chain;
    c->qe_identity = files->qe_identity;
    c->qe_identity_issuer_chain = files->qe_chain;
}

static void unload_collateral(struct collateral_files *files)
{
    free(files->root);
    free(files->root_crl);
    free(files->pck_crl);
    free(files->tcb_info);
    free(files->tcb_chain);
    free(files->qe_identity);
    free(files->qe_chain);
}

/* Verifies quote now with the collateral directory's collateral; with its root only if asked. */
static cella_result_t verify_quote(const uint8_t *quote, size_t size, bool trust_root,
                                   cella_verify_result_t *result)
{
    struct collateral_files files;
    cella_verifier_t *verifier = NULL;

    load_collateral(&files);
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    if (trust_root)
        assert_int_equal(cella_verifier_add_root(verifier, files.root, files.root_size,
                                                 CELLA_VERIFY_ROOT_SOFTWARE_TEE),
                         CELLA_OK);
    cella_result_t r = cella_verifier_verify(verifier, quote, size, &files.collateral,
                                             (int64_t)time(NULL), result);
    cella_verifier_destroy(verifier);
    unload_collateral(&files);
    return r;
}

/* ---- a quote of the test enclave ------------------------------------------------------------- */

struct quoted {
    uint8_t nonce[64];
    sgx_report_t report;
    uint8_t *quote;
    uint32_t size;
};

/* The enclave's report for target (the QE's when NULL), with a fresh nonce as report data. */
static void make_report(const sgx_target_info_t *target, struct quoted *q)
{
    sgx_target_info_t qe_target;
    int status = -1;

    assert_int_equal(getrandom(q->nonce, sizeof(q->nonce), 0), (ssize_t)sizeof(q->nonce));
    if (target == NULL) {
        assert_int_equal(sgx_qe_get_target_info(&qe_target), SGX_QL_SUCCESS);
        target = &qe_target;
    }
    assert_int_equal(ecall_make_report(enclave_id, &status, (const uint8_t *)target, q->nonce,
                                       (uint8_t *)&q->report),
                     SGX_SUCCESS);
    assert_int_equal(status, SGX_SUCCESS);
}

/* The SDK's flow: target info, the enclave's report with a nonce, size, quote. */
static void make_quote(struct quoted *q)
{
    make_report(NULL, q);
    assert_int_equal(sgx_qe_get_quote_size(&q->size), SGX_QL_SUCCESS);
    assert_true(q->size > CELLA_QUOTE3_MIN_BYTES);
    q->quote = malloc(q->size);
    assert_non_null(q->quote);
    assert_int_equal(sgx_qe_get_quote(&q->report, q->size, q->quote), SGX_QL_SUCCESS);
}

static void enclave_identity(sgx_report_body_t *identity)
{
    int status = -1;
    assert_int_equal(ecall_self_identity(enclave_id, &status, (uint8_t *)identity), SGX_SUCCESS);
    assert_int_equal(status, SGX_SUCCESS);
}

/* ---- tests (every mode) ---------------------------------------------------------------------- */

static void a_quote_of_the_enclave_verifies_with_the_platform_collateral(void **state)
{
    (void)state;
    static const uint8_t vendor[16] = CELLA_VERIFY_SOFTWARE_TEE_QE_VENDOR_ID;
    static const uint8_t fmspc[6] = CELLA_QUOTING_FMSPC_INIT;
    struct quoted q;
    cella_verify_result_t result;
    sgx_report_body_t identity;

    make_quote(&q);
    cella_result_t r = verify_quote(q.quote, q.size, true, &result);
    if (r != CELLA_OK)
        fail_msg("the quote did not verify: %s: %s", cella_verify_failure_str(result.failure),
                 result.reason);
    assert_int_equal(result.failure, CELLA_VERIFY_OK);
    assert_true(result.tcb_evaluated);
    assert_true(result.software_tee);
    assert_int_equal(result.tcb_status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_int_equal(result.platform_tcb_status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_int_equal(result.qe_tcb_status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_memory_equal(result.header.qe_vendor_id, vendor, sizeof(vendor));
    assert_memory_equal(result.fmspc, fmspc, sizeof(fmspc));

    /* The attested enclave is this one, as the platform measured it, with the nonce. */
    enclave_identity(&identity);
    assert_memory_equal(result.isv_report.mr_enclave.m, identity.mr_enclave.m, 32);
    assert_memory_equal(result.isv_report.mr_signer.m, identity.mr_signer.m, 32);
    assert_int_equal(result.isv_report.isv_prod_id, 5);
    assert_int_equal(result.isv_report.isv_svn, 3);
    assert_int_equal(result.isv_report.attributes.flags, identity.attributes.flags);
    assert_int_equal(result.isv_report.attributes.xfrm, identity.attributes.xfrm);
    assert_true(result.isv_report.attributes.flags & SGX_FLAGS_DEBUG);
    assert_int_equal(result.isv_report.misc_select, identity.misc_select);
    assert_memory_equal(result.isv_report.cpu_svn.svn, identity.cpu_svn.svn, 16);
    assert_memory_equal(result.isv_report.report_data.d, q.nonce, sizeof(q.nonce));
    free(q.quote);
}

static void without_the_platform_root_the_pck_chain_fails(void **state)
{
    (void)state;
    struct quoted q;
    cella_verify_result_t result;

    make_quote(&q);
    assert_int_equal(verify_quote(q.quote, q.size, false, &result), CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_PCK_CHAIN);
    assert_string_equal(cella_verify_failure_str(result.failure), "pck-chain");
    free(q.quote);
}

static void a_report_for_another_target_gets_no_quote(void **state)
{
    (void)state;
    sgx_target_info_t own_target;
    struct quoted q;
    int status = -1;

    /* A report for the enclave itself (local attestation), not for the QE. */
    assert_int_equal(ecall_self_target(enclave_id, &status, (uint8_t *)&own_target), SGX_SUCCESS);
    assert_int_equal(status, SGX_SUCCESS);
    make_report(&own_target, &q);
    assert_int_equal(sgx_qe_get_quote_size(&q.size), SGX_QL_SUCCESS);
    q.quote = calloc(1, q.size);
    assert_non_null(q.quote);
    assert_int_equal(sgx_qe_get_quote(&q.report, q.size, q.quote), SGX_QL_INVALID_REPORT);
    /* Nor does the QE's report with one changed byte. */
    make_report(NULL, &q);
    q.report.body.report_data.d[0] ^= 1;
    assert_int_equal(sgx_qe_get_quote(&q.report, q.size, q.quote), SGX_QL_INVALID_REPORT);
    free(q.quote);
}

static void a_quote_with_a_changed_isv_report_byte_fails_verification(void **state)
{
    (void)state;
    static const size_t offsets[] = {
        48 + offsetof(sgx_report_body_t, mr_enclave),
        48 + offsetof(sgx_report_body_t, attributes),
        48 + offsetof(sgx_report_body_t, isv_svn),
        48 + offsetof(sgx_report_body_t, report_data) + 63,
    };
    struct quoted q;
    cella_verify_result_t result;

    make_quote(&q);
    for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        q.quote[offsets[i]] ^= 0x01;
        assert_int_equal(verify_quote(q.quote, q.size, true, &result), CELLA_ERR_VERIFY_FAILED);
        if (result.failure != CELLA_VERIFY_ISV_SIGNATURE)
            fail_msg("byte %zu: %s: %s", offsets[i], cella_verify_failure_str(result.failure),
                     result.reason);
        q.quote[offsets[i]] ^= 0x01;
    }
    assert_int_equal(verify_quote(q.quote, q.size, true, &result), CELLA_OK);
    free(q.quote);
}

static void the_sdk_calls_check_their_arguments(void **state)
{
    (void)state;
    struct quoted q;

    make_report(NULL, &q);
    assert_int_equal(sgx_qe_get_target_info(NULL), SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_qe_get_quote_size(NULL), SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_qe_get_quote_size(&q.size), SGX_QL_SUCCESS);
    q.quote = malloc(q.size);
    assert_non_null(q.quote);
    assert_int_equal(sgx_qe_get_quote(NULL, q.size, q.quote), SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_qe_get_quote(&q.report, q.size, NULL), SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_qe_get_quote(&q.report, q.size - 1, q.quote),
                     SGX_QL_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_qe_set_enclave_load_policy(SGX_QL_PERSISTENT), SGX_QL_SUCCESS);
    assert_int_equal(sgx_qe_set_enclave_load_policy(SGX_QL_EPHEMERAL), SGX_QL_SUCCESS);
    assert_int_equal(sgx_qe_set_enclave_load_policy(SGX_QL_PERSISTENT_QVE_MULTI_THREAD),
                     SGX_QL_UNSUPPORTED_LOADING_POLICY);
    assert_int_equal(sgx_qe_cleanup_by_policy(), SGX_QL_SUCCESS);
    /* After cleanup, quoting goes on. */
    assert_int_equal(sgx_qe_get_quote(&q.report, q.size, q.quote), SGX_QL_SUCCESS);
    free(q.quote);
}

static void a_chosen_platform_socket_that_nobody_serves_is_reported(void **state)
{
    (void)state;
    char path[PATH_MAX + 32];
    uint32_t size = 0;

    snprintf(path, sizeof(path), "%s/nobody.sock", work_dir);
    assert_int_equal(cella_dcap_ql_set_platform_socket(path), CELLA_OK);
    assert_int_equal(sgx_qe_get_quote_size(&size), SGX_QL_SERVICE_UNAVAILABLE);
    assert_int_equal(cella_dcap_ql_set_platform_socket(NULL), CELLA_OK);
    assert_int_equal(sgx_qe_get_quote_size(&size), SGX_QL_SUCCESS);
    char long_path[200];
    memset(long_path, 'x', sizeof(long_path) - 1);
    long_path[sizeof(long_path) - 1] = '\0';
    assert_int_equal(cella_dcap_ql_set_platform_socket(long_path), CELLA_ERR_INVALID_ARGUMENT);
}

/* ---- dev mode and sim ------------------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* The test enclave: CELLA_TEST_QUOTE_ENCLAVE names a copy (service.sh), else the build's. */
static int create_enclave(void)
{
    const char *path = getenv("CELLA_TEST_QUOTE_ENCLAVE");

    if (path == NULL || path[0] == '\0')
        path = CELLA_TEST_QUOTE_ENCLAVE;
    if (sgx_create_enclave(path, 1, NULL, NULL, &enclave_id, NULL) != SGX_SUCCESS) {
        fprintf(stderr, "cannot create the enclave %s\n", path);
        return -1;
    }
    return 0;
}

/* The platform's secrets in a fresh directory, its collateral exported with the library. */
static int setup_dev_mode(void **state)
{
    (void)state;
    cella_keys_secrets_t *secrets = NULL;
    cella_quoting_t *quoting = NULL;
    int result = -1;

    if (mkdtemp(work_dir) == NULL)
        return -1;
    snprintf(state_dir, sizeof(state_dir), "%s/state", work_dir);
    snprintf(collateral_dir, sizeof(collateral_dir), "%s/collateral", work_dir);
    setenv("CELLA_STATE_DIR", state_dir, 1);
    if (cella_keys_secrets_create(state_dir, &secrets) == CELLA_OK &&
        cella_quoting_create(secrets, &quoting) == CELLA_OK &&
        cella_quoting_export(quoting, (int64_t)time(NULL), collateral_dir, false) == CELLA_OK)
        result = create_enclave();
    cella_quoting_destroy(quoting);
    cella_keys_secrets_destroy(secrets);
    return result;
}

static int teardown_dev_mode(void **state)
{
    (void)state;
    (void)sgx_destroy_enclave(enclave_id);
    return nftw(work_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- service mode ---------------------------------------------------------------------------- */

static void the_application_user_holds_no_platform_secrets(void **state)
{
    (void)state;
    char path[PATH_MAX + 32];
    const char *own = getenv("CELLA_STATE_DIR");

    /* The daemon quoted: this user's own platform was never made. */
    assert_non_null(own);
    snprintf(path, sizeof(path), "%s/%s", own, CELLA_KEYS_SECRETS_FILE);
    assert_int_equal(access(path, F_OK), -1);
}

static int setup_service_mode(void **state)
{
    (void)state;
    if (getenv("CELLA_PLATFORM_SOCKET") == NULL) {
        fprintf(stderr, "--service needs CELLA_PLATFORM_SOCKET\n");
        return -1;
    }
    return create_enclave();
}

static int teardown_service_mode(void **state)
{
    (void)state;
    (void)sgx_destroy_enclave(enclave_id);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_quote_of_the_enclave_verifies_with_the_platform_collateral),
        cmocka_unit_test(without_the_platform_root_the_pck_chain_fails),
        cmocka_unit_test(a_report_for_another_target_gets_no_quote),
        cmocka_unit_test(a_quote_with_a_changed_isv_report_byte_fails_verification),
        cmocka_unit_test(the_sdk_calls_check_their_arguments),
        cmocka_unit_test(a_chosen_platform_socket_that_nobody_serves_is_reported),
    };
    const struct CMUnitTest service_tests[] = {
        cmocka_unit_test(a_quote_of_the_enclave_verifies_with_the_platform_collateral),
        cmocka_unit_test(without_the_platform_root_the_pck_chain_fails),
        cmocka_unit_test(a_report_for_another_target_gets_no_quote),
        cmocka_unit_test(the_application_user_holds_no_platform_secrets),
    };

    if (argc == 3 && strcmp(argv[1], "--service") == 0) {
        snprintf(collateral_dir, sizeof(collateral_dir), "%s", argv[2]);
        return cmocka_run_group_tests_name("quotes through cella-platformd", service_tests,
                                           setup_service_mode, teardown_service_mode);
    }
    if (argc != 1) {
        fprintf(stderr, "usage: %s [--service COLLATERAL_DIR]\n", argv[0]);
        return 2;
    }
    return cmocka_run_group_tests(tests, setup_dev_mode, teardown_dev_mode);
}
