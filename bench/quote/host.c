/* SPDX-License-Identifier: Apache-2.0 */
/* bench/quote/host.c: report -> quote latency next to OpenSSL's bare ECDSA signatures. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cella/host.h>
#include <sgx_dcap_ql_wrapper.h>

#include "../bench.h"
#include "quote_u.h"

/*
 * What a quote costs once the enclave has made its report. sgx_qe_get_quote checks the
 * report's MAC (AES-128-CMAC under the QE's report key), signs the header and the report with
 * the attestation key (ECDSA P-256) and copies the certification data in. The QE's report
 * and the PCK key's signature of it are made once, with the rest of the platform's keys and
 * certificates, by the first call of the process: that call is shown on its own.
 *
 * In dev mode and sim the application's process quotes with the user's platform secrets, so
 * sgx_qe_get_quote itself costs the same on both backends; the report differs (on the
 * sandbox, sgx_create_report is a round trip to the monitor; on sim, a function call). Both
 * are shown per backend: the quote alone, and the enclave's report followed by its quote.
 * CELLA_BACKEND, when set, picks one backend; otherwise both are measured.
 *
 * The baseline, measured in the same run: OpenSSL EVP ECDSA P-256 with SHA-256 making the two
 * signatures a DCAP quote carries: header and report (432 bytes) by the attestation key, and
 * the QE's report (384 bytes) by the PCK key. cella makes the second once per process.
 *
 * The platform secrets live in a CELLA_STATE_DIR of this program's own, removed at the end.
 * Timings are printed, never asserted; the program fails only when a call fails.
 */

#define BATCHES 9 /* per figure; medians of batches */
#define GOAL    "quote generation under 1 ms"
#define GOAL_NS 1e6

static unsigned iterations = 200; /* per batch */
static char state_dir[] = "/tmp/cella-bench-quote.XXXXXX";

__attribute__((noreturn, format(printf, 1, 2))) static void fail(const char *format, ...)
{
    va_list arguments;

    fflush(stdout);
    fputs("bench_quote: ", stderr);
    va_start(arguments, format);
    vfprintf(stderr, format, arguments);
    va_end(arguments);
    fputc('\n', stderr);
    exit(1);
}

/* The state directory holds the secrets file alone: remove both. */
static void remove_state_dir(void)
{
    char path[sizeof(state_dir) + 32];

    snprintf(path, sizeof(path), "%s/platform-secrets", state_dir);
    (void)unlink(path);
    (void)rmdir(state_dir);
}

/* ---- the baseline: OpenSSL's two signatures ------------------------------------------------- */

struct signatures {
    EVP_PKEY *attestation_key, *pck_key;
    uint8_t header_and_report[432];
    uint8_t qe_report[384];
};

static void sign_once(EVP_PKEY *key, const uint8_t *data, size_t size)
{
    uint8_t signature[80];
    size_t signature_size = sizeof(signature);
    EVP_MD_CTX *context = EVP_MD_CTX_new();

    if (context == NULL || EVP_DigestSignInit(context, NULL, EVP_sha256(), NULL, key) != 1 ||
        EVP_DigestSign(context, signature, &signature_size, data, size) != 1)
        fail("OpenSSL cannot sign");
    EVP_MD_CTX_free(context);
}

static void two_signatures(struct signatures *s)
{
    sign_once(s->attestation_key, s->header_and_report, sizeof(s->header_and_report));
    sign_once(s->pck_key, s->qe_report, sizeof(s->qe_report));
}

/* ---- one backend ---------------------------------------------------------------------------- */

struct figures {
    bool measured;
    double quote_ns;  /* sgx_qe_get_quote of a report made before */
    double report_ns; /* the enclave's sgx_create_report, then sgx_qe_get_quote */
};

static void make_report(uint64_t id, const sgx_target_info_t *target, sgx_report_t *report)
{
    static const uint8_t nonce[64] = {1, 2, 3, 4, 5, 6, 7, 8};
    int status = -1;

    if (ecall_make_report(id, &status, (const uint8_t *)target, nonce, (uint8_t *)report) !=
            SGX_SUCCESS ||
        status != SGX_SUCCESS)
        fail("the enclave cannot make a report (status %#x)", (unsigned)status);
}

static void quote(const sgx_report_t *report, uint8_t *buffer, uint32_t size)
{
    quote3_error_t status = sgx_qe_get_quote(report, size, buffer);

    if (status != SGX_QL_SUCCESS)
        fail("sgx_qe_get_quote failed with %#x", (unsigned)status);
}

static struct figures measure_backend(cella_backend_t backend, const char *name, uint32_t size)
{
    cella_enclave_options_t options;
    cella_enclave_t *enclave = NULL;
    struct figures figures = {false, 0, 0};
    sgx_target_info_t target;
    sgx_report_t report;
    uint8_t *buffer = malloc(size);

    if (buffer == NULL)
        fail("out of memory");
    memset(&options, 0, sizeof(options));
    options.backend = backend;
    options.debug = true;
    cella_result_t result = cella_enclave_create(BENCH_QUOTE_ENCLAVE, &options, &enclave);
    if (result == CELLA_ERR_UNSUPPORTED) {
        printf("%s backend: not available here (see cella detect); nothing measured\n", name);
        free(buffer);
        return figures;
    }
    if (result != CELLA_OK)
        fail("cannot create the enclave %s on the %s backend: %s", BENCH_QUOTE_ENCLAVE, name,
             cella_result_str(result));
    uint64_t id = cella_enclave_get_id(enclave);
    if (sgx_qe_get_target_info(&target) != SGX_QL_SUCCESS)
        fail("sgx_qe_get_target_info failed");
    make_report(id, &target, &report);
    for (unsigned i = 0; i < iterations / 4 + 1; i++) /* warm-up */
        quote(&report, buffer, size);
    BENCH_MEDIAN_NS(figures.quote_ns, BATCHES, iterations, quote(&report, buffer, size));
    BENCH_MEDIAN_NS(figures.report_ns, BATCHES, iterations,
                    (make_report(id, &target, &report), quote(&report, buffer, size)));
    figures.measured = true;
    cella_enclave_destroy(enclave);
    free(buffer);
    return figures;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_quote [--quick]\n"
                    "  --quick  a short run (fewer iterations per batch)\n"
                    "CELLA_BACKEND (\"sandbox\" or \"sim\") measures one backend; unset, both.\n");
}

int main(int argc, char **argv)
{
    struct signatures signatures;
    double baseline_ns = 0;
    uint32_t size = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") != 0) {
            usage();
            return 2;
        }
        iterations = 20;
    }
    const char *chosen = getenv("CELLA_BACKEND");
    bool sandbox = chosen == NULL || chosen[0] == '\0' || strcmp(chosen, "sandbox") == 0;
    bool sim = chosen == NULL || chosen[0] == '\0' || strcmp(chosen, "sim") == 0;
    if (!sandbox && !sim)
        fail("CELLA_BACKEND=%s is not a backend: use \"sandbox\" or \"sim\"", chosen);

    if (getenv("CELLA_LOG") == NULL && setenv("CELLA_LOG", "error", 1) != 0)
        fail("cannot set CELLA_LOG");
    if (mkdtemp(state_dir) == NULL)
        fail("cannot create a state directory in /tmp");
    if (atexit(remove_state_dir) != 0 || setenv("CELLA_STATE_DIR", state_dir, 1) != 0)
        fail("cannot set CELLA_STATE_DIR");

    printf("cella benchmark: an enclave's report turned into a DCAP quote (sgx_qe_get_quote) "
           "next to OpenSSL's two ECDSA P-256 signatures of a quote\n");
    printf("each figure: the median of %d batches of %u operations\n\n", BATCHES, iterations);

    uint64_t start = bench_now_ns();
    if (sgx_qe_get_quote_size(&size) != SGX_QL_SUCCESS)
        fail("sgx_qe_get_quote_size failed");
    printf("first call of the process (platform secrets read, keys derived, certificates "
           "made): %.1f µs; a quote is %u bytes\n\n",
           (double)(bench_now_ns() - start) / 1e3, size);

    signatures.attestation_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    signatures.pck_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (signatures.attestation_key == NULL || signatures.pck_key == NULL)
        fail("OpenSSL cannot make P-256 keys");
    memset(signatures.header_and_report, 0x42, sizeof(signatures.header_and_report));
    memset(signatures.qe_report, 0x24, sizeof(signatures.qe_report));

    struct figures figures[2] = {{false, 0, 0}, {false, 0, 0}};
    const char *names[2] = {"sandbox", "sim"};
    if (sandbox)
        figures[0] = measure_backend(CELLA_BACKEND_SANDBOX, names[0], size);
    if (sim)
        figures[1] = measure_backend(CELLA_BACKEND_SIM, names[1], size);
    BENCH_MEDIAN_NS(baseline_ns, BATCHES, iterations, two_signatures(&signatures));

    for (int b = 0; b < 2; b++) {
        char what[64];
        if (!figures[b].measured)
            continue;
        snprintf(what, sizeof(what), "sgx_qe_get_quote (%s backend)", names[b]);
        bench_report(what, figures[b].quote_ns, "OpenSSL: 2 ECDSA P-256 signs", baseline_ns);
        bench_report_goal(GOAL, figures[b].quote_ns < GOAL_NS);
        snprintf(what, sizeof(what), "report + quote (%s backend)", names[b]);
        bench_report(what, figures[b].report_ns, "OpenSSL: 2 ECDSA P-256 signs", baseline_ns);
    }
    printf("\na quote signs once per call (the QE report's signature is made once per process)\n");
    EVP_PKEY_free(signatures.attestation_key);
    EVP_PKEY_free(signatures.pck_key);
    return 0;
}
