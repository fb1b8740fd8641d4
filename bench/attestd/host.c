/* SPDX-License-Identifier: Apache-2.0 */
/* bench/attestd/host.c: cella-attestd's tokens per second next to the crypto that each needs. */
#define _GNU_SOURCE
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <cella/encoding.h>
#include <cella/log.h>
#include <cella/verify.h>

#include "bench.h"
#include "host/keys.h"
#include "host/quoting.h"

/*
 * cella-attestd (the daemon built with this tree) serves a software-TEE platform made here, in
 * dev mode, on 127.0.0.1 with its default worker threads (one per CPU). wrk (bench.lua, one
 * client thread) posts one valid attestation request over CONNECTIONS keep-alive connections
 * for a few seconds; the figure is tokens per second, with the latency percentiles wrk saw.
 * The baseline, measured in the same run between the load rounds and on as many threads as
 * there are cores, is the bare cost of what every token needs: one quote verification with
 * the collateral kept in memory (cella_verifier_verify) and one RS256 signature (OpenSSL,
 * RSA-2048) of a payload of the size the service signs: the crypto bound, in tokens per
 * second on this machine. Both figures are medians over the rounds; the machine is shared,
 * and the baseline feels the same neighbours as the service. Goals: at least 1,000 tokens per
 * second on this machine, and at least 60% of the crypto bound.
 */

#ifndef CELLA_ATTESTD_PATH
#error "CELLA_ATTESTD_PATH: the cella-attestd to measure"
#endif
#ifndef CELLA_BENCH_ATTESTD_LUA
#error "CELLA_BENCH_ATTESTD_LUA: the path of bench.lua"
#endif

#define ATTEST_PATH  "/attest/SgxEnclave?api-version=2022-08-01"
#define RUNTIME_DATA "the runtime data the enclave binds: a public key, say"
#define ROUNDS       5
#define CONNECTIONS  8

struct platform {
    char directory[64]; /* secrets, collateral/, state/, the request body, the daemon's log */
    cella_keys_secrets_t *secrets;
    cella_quoting_t *quoting;
    cella_quoting_collateral_t *collateral;
    uint8_t *quote;
    size_t quote_size;
};

static bool platform_create(struct platform *p, int64_t now)
{
    sgx_report_body_t identity;
    sgx_target_info_t qe;
    sgx_report_t report;
    sgx_report_data_t report_data;
    char path[128];

    memset(&identity, 0, sizeof(identity));
    memset(&report_data, 0, sizeof(report_data));
    identity.attributes.flags = SGX_FLAGS_INITTED | SGX_FLAGS_MODE64BIT;
    identity.attributes.xfrm = 3;
    identity.isv_prod_id = 1;
    SHA256((const uint8_t *)RUNTIME_DATA, strlen(RUNTIME_DATA), report_data.d);
    snprintf(p->directory, sizeof(p->directory), "/tmp/cella-bench-attestd.XXXXXX");
    if (mkdtemp(p->directory) == NULL ||
        cella_keys_secrets_create(p->directory, &p->secrets) != CELLA_OK ||
        cella_quoting_create(p->secrets, &p->quoting) != CELLA_OK ||
        cella_quoting_collateral_create(p->quoting, now, false, &p->collateral) != CELLA_OK)
        return false;
    snprintf(path, sizeof(path), "%s/collateral", p->directory);
    if (cella_quoting_export(p->quoting, now, path, false) != CELLA_OK)
        return false;
    snprintf(path, sizeof(path), "%s/state", p->directory);
    if (mkdir(path, 0700) != 0)
        return false;
    cella_quoting_get_target_info(&qe);
    p->quote_size = cella_quoting_get_quote_size(p->quoting);
    p->quote = malloc(p->quote_size);
    return p->quote != NULL &&
           cella_keys_create_report(p->secrets, &identity, &qe, &report_data, &report) ==
               SGX_SUCCESS &&
           cella_quoting_get_quote(p->quoting, &report, p->quote, (uint32_t)p->quote_size) ==
               SGX_QL_SUCCESS;
}

static int remove_entry(const char *path, const struct stat *status, int flag, struct FTW *ftw)
{
    (void)status, (void)flag, (void)ftw;
    return remove(path);
}

static void platform_destroy(struct platform *p)
{
    free(p->quote);
    cella_quoting_collateral_destroy(p->collateral);
    cella_quoting_destroy(p->quoting);
    cella_keys_secrets_destroy(p->secrets);
    if (p->directory[0] != '\0')
        (void)nftw(p->directory, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* text: base64url of data, without padding (malloc'd). */
static char *base64url(const void *data, size_t data_size)
{
    size_t size = 0;
    if (cella_encoding_base64_encoded_size(data_size, CELLA_ENCODING_BASE64_NOPAD, &size) !=
        CELLA_OK)
        return NULL;
    size += 1;
    char *text = malloc(size);
    if (text != NULL &&
        cella_encoding_base64url_encode(data, data_size, CELLA_ENCODING_BASE64_NOPAD, text,
                                        &size) != CELLA_OK) {
        free(text);
        text = NULL;
    }
    return text;
}

/* The request body, as MAA's SDKs send it; written to DIR/request.json too. */
static char *request_body(const struct platform *p)
{
    char *quote = base64url(p->quote, p->quote_size);
    char *data = base64url(RUNTIME_DATA, strlen(RUNTIME_DATA));
    char *body = NULL;
    char path[128];

    if (quote != NULL && data != NULL &&
        asprintf(&body,
                 "{\"quote\":\"%s\",\"runtimeData\":{\"data\":\"%s\",\"dataType\":\"Binary\"}}",
                 quote, data) < 0)
        body = NULL;
    free(quote);
    free(data);
    snprintf(path, sizeof(path), "%s/request.json", p->directory);
    FILE *file = body != NULL ? fopen(path, "w") : NULL;
    if (file == NULL || fputs(body, file) < 0) {
        free(body);
        body = NULL;
    }
    if (file != NULL && fclose(file) != 0) {
        free(body);
        body = NULL;
    }
    return body;
}

/* ---- the daemon ------------------------------------------------------------------------------ */

struct daemon {
    pid_t pid;
    char base[128]; /* its URL */
};

/* Starts cella-attestd on a free port of 127.0.0.1; waits for its "listening on" line. */
static bool daemon_start(const struct platform *p, struct daemon *d)
{
    char collateral[128], state[128], root[160], log[128];

    snprintf(collateral, sizeof(collateral), "%s/collateral", p->directory);
    snprintf(state, sizeof(state), "%s/state", p->directory);
    snprintf(root, sizeof(root), "%s/collateral/%s", p->directory, CELLA_QUOTING_ROOT_CA_FILE);
    snprintf(log, sizeof(log), "%s/attestd.log", p->directory);
    d->pid = fork();
    if (d->pid < 0)
        return false;
    if (d->pid == 0) {
        FILE *out = freopen(log, "w", stderr);
        if (out == NULL || dup2(fileno(out), STDOUT_FILENO) < 0)
            _exit(127);
        /* CELLA_BENCH_ATTESTD measures another build of it, e.g. for a comparison. */
        const char *attestd = getenv("CELLA_BENCH_ATTESTD");
        execl(attestd != NULL && attestd[0] != '\0' ? attestd : CELLA_ATTESTD_PATH, "cella-attestd",
              "--port", "0", "--state-dir", state, "--collateral", collateral, "--dev",
              "--trust-software-tee-root", root, "--log-level", "warning", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        char line[512];
        FILE *file = fopen(log, "r");
        while (file != NULL && fgets(line, sizeof(line), file) != NULL)
            if (sscanf(line, "cella-attestd: listening on %127s as", d->base) == 1) {
                fclose(file);
                return true;
            }
        if (file != NULL)
            fclose(file);
        if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
            d->pid = 0; /* it exited: nothing to stop */
            break;
        }
        usleep(50 * 1000);
    }
    fprintf(stderr, "bench_attestd: cella-attestd did not start; its log:\n");
    FILE *file = fopen(log, "r");
    char line[512];
    while (file != NULL && fgets(line, sizeof(line), file) != NULL)
        fprintf(stderr, "  %s", line);
    if (file != NULL)
        fclose(file);
    return false;
}

/* SIGTERM; true when it stopped cleanly (exit 0). */
static bool daemon_stop(struct daemon *d)
{
    int status = 0;
    if (d->pid <= 0)
        return true;
    kill(d->pid, SIGTERM);
    if (waitpid(d->pid, &status, 0) != d->pid)
        return false;
    d->pid = 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The daemon's CPU time so far, in seconds (utime + stime of /proc/PID/stat). */
static double daemon_cpu_seconds(const struct daemon *d)
{
    char path[64], text[1024];
    unsigned long user = 0, system_time = 0;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)d->pid);
    FILE *file = fopen(path, "r");
    size_t size = file != NULL ? fread(text, 1, sizeof(text) - 1, file) : 0;
    if (file != NULL)
        fclose(file);
    text[size] = '\0';
    /* After the command name in parentheses: fields 3 on; utime and stime are 14 and 15. */
    const char *after = strrchr(text, ')');
    if (after == NULL || sscanf(after + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                                &user, &system_time) != 2)
        return 0;
    return (double)(user + system_time) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- one attestation with libcurl: the token, and the size of what the service signs ------- */

struct buffer {
    char *bytes;
    size_t size;
};

static size_t collect(char *data, size_t size, size_t count, void *context)
{
    struct buffer *b = context;
    size_t n = size * count;
    char *grown = realloc(b->bytes, b->size + n + 1);
    if (grown == NULL)
        return 0;
    memcpy(grown + b->size, data, n);
    b->size += n;
    grown[b->size] = '\0';
    b->bytes = grown;
    return n;
}

/* Posts body once; *signed_size receives the size of the token's header.payload. */
static bool attest_once(const struct daemon *d, const char *body, size_t *signed_size)
{
    char url[256];
    struct buffer answer = {NULL, 0};
    long status = 0;
    bool ok = false;

    snprintf(url, sizeof(url), "%s%s", d->base, ATTEST_PATH);
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (curl != NULL && headers != NULL && curl_easy_setopt(curl, CURLOPT_URL, url) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer) == CURLE_OK &&
        curl_easy_perform(curl) == CURLE_OK &&
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200) {
        /* {"token":"HEADER.PAYLOAD.SIGNATURE"} */
        const char *token = strstr(answer.bytes, "\"token\":\"");
        const char *last_dot = token != NULL ? strrchr(token, '.') : NULL;
        if (last_dot != NULL) {
            token += strlen("\"token\":\"");
            *signed_size = (size_t)(last_dot - token);
            ok = true;
        }
    }
    if (!ok)
        fprintf(stderr, "bench_attestd: the attestation failed: HTTP %ld %s\n", status,
                answer.bytes != NULL ? answer.bytes : "");
    free(answer.bytes);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return ok;
}

/* ---- the load: wrk ----------------------------------------------------------------------- */

struct load {
    double tokens_per_second;
    double p50_ms, p99_ms;
    double daemon_cores;        /* the daemon's CPU time over the run's wall time */
    double daemon_us_per_token; /* the daemon's CPU time per token */
};

static bool run_wrk(const struct platform *p, const struct daemon *d, unsigned seconds,
                    struct load *load)
{
    char command[1024], line[512];
    unsigned long long requests = 0, duration_us = 0, status_errors = 0, socket_errors = 0;
    unsigned long long p50_us = 0, p99_us = 0;
    bool found = false;

    snprintf(command, sizeof(command),
             "wrk -t 1 -c %d -d %us --timeout 10s -s '%s' '%s' -- '%s/request.json' 2>&1",
             CONNECTIONS, seconds, CELLA_BENCH_ATTESTD_LUA, d->base, p->directory);
    double cpu_before = daemon_cpu_seconds(d);
    uint64_t start = bench_now_ns();
    FILE *wrk = popen(command, "r");
    if (wrk == NULL)
        return false;
    while (fgets(line, sizeof(line), wrk) != NULL)
        if (sscanf(line,
                   "bench: requests %llu duration_us %llu status_errors %llu socket_errors %llu "
                   "p50_us %llu p99_us %llu",
                   &requests, &duration_us, &status_errors, &socket_errors, &p50_us, &p99_us) == 6)
            found = true;
    int status = pclose(wrk);
    double wall = (double)(bench_now_ns() - start) / 1e9;
    if (!found || status != 0 || duration_us == 0 || status_errors != 0 || socket_errors != 0) {
        fprintf(stderr,
                "bench_attestd: wrk failed (exit %d; %llu requests, %llu answers with an error "
                "status, %llu socket errors)\n",
                status, requests, status_errors, socket_errors);
        return false;
    }
    load->tokens_per_second = (double)requests / ((double)duration_us / 1e6);
    load->p50_ms = (double)p50_us / 1000;
    load->p99_ms = (double)p99_us / 1000;
    double cpu = daemon_cpu_seconds(d) - cpu_before;
    load->daemon_cores = cpu / wall;
    load->daemon_us_per_token = requests != 0 ? cpu * 1e6 / (double)requests : 0;
    return true;
}

/* ---- the baseline: one verification and one RS256 signature per token, on every core ------ */

struct baseline {
    cella_verifier_t *verifier;
    const uint8_t *quote;
    size_t quote_size;
    const cella_verify_collateral_t *collateral;
    int64_t now;
    EVP_PKEY *key;
    const uint8_t *payload;
    size_t payload_size;
    uint64_t deadline_ns;
};

struct baseline_thread {
    pthread_t thread;
    const struct baseline *baseline;
    uint64_t tokens;
    bool ok;
};

static bool sign_once(EVP_PKEY *key, const uint8_t *payload, size_t payload_size)
{
    uint8_t signature[512]; /* RSA-4096 at most */
    size_t signature_size = sizeof(signature);
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    bool ok = context != NULL && EVP_DigestSignInit(context, NULL, EVP_sha256(), NULL, key) == 1 &&
              EVP_DigestSign(context, signature, &signature_size, payload, payload_size) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

/* What every token needs: the quote verified, then the token signed. */
static bool token_crypto(const struct baseline *b)
{
    cella_verify_result_t result;
    return cella_verifier_verify(b->verifier, b->quote, b->quote_size, b->collateral, b->now,
                                 &result) == CELLA_OK &&
           sign_once(b->key, b->payload, b->payload_size);
}

static void *baseline_run(void *context)
{
    struct baseline_thread *t = context;
    t->ok = true;
    while (t->ok && bench_now_ns() < t->baseline->deadline_ns) {
        t->ok = token_crypto(t->baseline);
        t->tokens++;
    }
    return NULL;
}

/* The crypto bound: tokens per second with one thread per core doing only the crypto. */
static bool measure_bound(struct baseline *b, long cores, unsigned milliseconds, double *rate)
{
    struct baseline_thread threads[64];
    size_t count = cores < 64 ? (size_t)cores : 64;
    uint64_t start = bench_now_ns();
    bool ok = true;

    b->deadline_ns = start + (uint64_t)milliseconds * 1000000u;
    for (size_t i = 0; i < count; i++) {
        threads[i] = (struct baseline_thread){.baseline = b, .tokens = 0, .ok = false};
        if (pthread_create(&threads[i].thread, NULL, baseline_run, &threads[i]) != 0)
            return false;
    }
    uint64_t tokens = 0;
    for (size_t i = 0; i < count; i++) {
        pthread_join(threads[i].thread, NULL);
        ok &= threads[i].ok;
        tokens += threads[i].tokens;
    }
    *rate = (double)tokens / ((double)(bench_now_ns() - start) / 1e9);
    return ok;
}

int main(int argc, char **argv)
{
    bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    unsigned seconds = quick ? 2 : 5;
    unsigned bound_milliseconds = quick ? 700 : 2000;
    size_t iterations = quick ? 10 : 40;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct platform platform;
    struct daemon daemon = {0, ""};
    cella_verifier_t *verifier = NULL;
    EVP_PKEY *key = NULL;
    uint8_t *payload = NULL;
    char *body = NULL;
    size_t signed_size = 0;
    int code = 1;

    printf("cella benchmark: cella-attestd's attestation tokens per second over HTTP keep-alive, "
           "next to one quote verification plus one RS256 signature per token on every core "
           "(the crypto bound)\n");
    cella_log_set_handler(NULL, NULL);
    if (cores < 1)
        cores = 1;
    if (system("command -v wrk >/dev/null 2>&1") != 0) {
        printf("not run: wrk missing (scripts/install-deps installs it)\n");
        return 0;
    }
    memset(&platform, 0, sizeof(platform));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int64_t now = (int64_t)time(NULL);
    if (!platform_create(&platform, now) || (body = request_body(&platform)) == NULL ||
        cella_verifier_create(&verifier) != CELLA_OK ||
        cella_verifier_add_root(verifier, platform.collateral->root_ca,
                                platform.collateral->root_ca_size,
                                CELLA_VERIFY_ROOT_SOFTWARE_TEE) != CELLA_OK) {
        fprintf(stderr, "bench_attestd: cannot make a software-TEE platform\n");
        goto out;
    }
    if (!daemon_start(&platform, &daemon) || !attest_once(&daemon, body, &signed_size))
        goto out;

    /* The baseline's inputs: the collateral kept in memory; a key and a payload of the size
     * the service signs. */
    const cella_quoting_collateral_t *made = platform.collateral;
    cella_verify_collateral_t collateral = {
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
    key = EVP_RSA_gen(2048);
    payload = malloc(signed_size);
    if (key == NULL || payload == NULL)
        goto out;
    for (size_t i = 0; i < signed_size; i++)
        payload[i] = (uint8_t)("abcdefghijklmnopqrstuvwxyz0123456789"[i % 36]);
    struct baseline baseline = {
        .verifier = verifier,
        .quote = platform.quote,
        .quote_size = platform.quote_size,
        .collateral = &collateral,
        .now = now,
        .key = key,
        .payload = payload,
        .payload_size = signed_size,
        .deadline_ns = 0,
    };

    /* Rounds: the bound, then the service under load; medians over the rounds. */
    double bound_rate[ROUNDS], rate[ROUNDS], p50[ROUNDS], p99[ROUNDS], used[ROUNDS];
    double cpu_per_token[ROUNDS];
    bool ok = true;
    for (int round = 0; ok && round < ROUNDS; round++) {
        struct load load = {0, 0, 0, 0, 0};
        ok = measure_bound(&baseline, cores, bound_milliseconds, &bound_rate[round]) &&
             run_wrk(&platform, &daemon, seconds, &load);
        rate[round] = load.tokens_per_second;
        p50[round] = load.p50_ms;
        p99[round] = load.p99_ms;
        used[round] = load.daemon_cores;
        cpu_per_token[round] = load.daemon_us_per_token;
    }
    /* For the record: each part's cost on one core. */
    double verify_ns = 0, sign_ns = 0;
    cella_verify_result_t result;
    BENCH_MEDIAN_NS(verify_ns, 7, iterations, {
        ok &= cella_verifier_verify(verifier, platform.quote, platform.quote_size, &collateral, now,
                                    &result) == CELLA_OK;
    });
    BENCH_MEDIAN_NS(sign_ns, 7, iterations, { ok &= sign_once(key, payload, signed_size); });
    if (!ok) {
        fprintf(stderr, "bench_attestd: a measurement failed\n");
        goto out;
    }
    double tokens = bench_median(rate, ROUNDS), bound = bench_median(bound_rate, ROUNDS);
    char what[96], baseline_name[64];
    snprintf(what, sizeof(what), "one token over HTTP, %ld cores", cores);
    snprintf(baseline_name, sizeof(baseline_name), "verify + RS256 sign, %ld cores", cores);
    bench_report(what, 1e9 / tokens, baseline_name, 1e9 / bound);
    printf("  tokens per second: %.0f; the crypto bound: %.0f; %.0f%% of it\n", tokens, bound,
           100 * tokens / bound);
    printf("  latency p50 %.2f ms, p99 %.2f ms (%d keep-alive connections); the daemon used "
           "%.2f cores\n",
           bench_median(p50, ROUNDS), bench_median(p99, ROUNDS), CONNECTIONS,
           bench_median(used, ROUNDS));
    printf("  CPU time per token: the daemon %.1f us; on one core, a verification %.1f us and an "
           "RS256 signature of %zu bytes %.1f us\n",
           bench_median(cpu_per_token, ROUNDS), verify_ns / 1000, signed_size, sign_ns / 1000);
    bench_report_goal("at least 1,000 tokens/s on this machine", tokens >= 1000);
    bench_report_goal("at least 60% of the crypto bound", tokens >= 0.6 * bound);
    code = 0;
out:
    if (!daemon_stop(&daemon)) {
        fprintf(stderr, "bench_attestd: cella-attestd did not stop cleanly\n");
        code = 1;
    }
    free(payload);
    free(body);
    EVP_PKEY_free(key);
    cella_verifier_destroy(verifier);
    platform_destroy(&platform);
    curl_global_cleanup();
    return code;
}
