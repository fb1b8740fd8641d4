/* SPDX-License-Identifier: Apache-2.0 */
/* bench/seal/host.c: sealing and unsealing inside the enclave next to OpenSSL's AES-128-GCM. */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <cella/host.h>

#include "../bench.h"
#include "seal_bench_u.h"

/*
 * sgx_seal_data and sgx_unseal_data of 4 KiB and 1 MiB, inside the enclave, on the backend
 * CELLA_BACKEND names (the sandbox when unset; "sim" for the in-process backend). One ECALL
 * repeats the operation on the same enclave buffers many times, so a figure is the enclave's
 * own throughput, not the ECALL's or the copies of its arguments. Every seal draws a fresh key
 * ID and so asks the platform for a fresh key: one round trip to the platform (the monitor
 * process over a socket on the sandbox, a function call on sim) per seal and per unseal. The
 * 4 KiB figures are therefore also the latency of one sgx_seal_data, key included.
 *
 * The baseline, measured in the same run: OpenSSL EVP AES-128-GCM on the host over the same
 * number of bytes, with a key schedule per operation as sealing has: encryption for sealing,
 * decryption with the tag check for unsealing.
 *
 * A split of 1 MiB shows where sealing's time goes: the enclave's GCM, its CTR (with the copy
 * that comes with it) and its GHASH under a fixed key, without the key round trip, each next
 * to OpenSSL doing the same.
 *
 * The platform keeps its secrets in CELLA_STATE_DIR: this program sets it to a directory of
 * its own, which it creates and removes. Timings are printed, never asserted; the program fails
 * only when a call fails.
 */

#define SMALL_BYTES ((size_t)4 << 10)
#define LARGE_BYTES ((size_t)1 << 20)
#define GOAL        ">= 1 GB/s for 1 MiB on one core"
#define GOAL_MB_S   1000.0

static struct settings {
    bool quick;
    unsigned rounds;
    unsigned batches;  /* per round, per figure */
    uint64_t batch_ns; /* the length a batch aims at */
} settings;

static char state_dir[4096];

__attribute__((noreturn, format(printf, 1, 2))) static void fail(const char *format, ...)
{
    va_list arguments;

    fflush(stdout);
    fputs("bench_seal: ", stderr);
    va_start(arguments, format);
    vfprintf(stderr, format, arguments);
    va_end(arguments);
    fputc('\n', stderr);
    exit(1);
}

/* ---- the state directory ------------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *walk)
{
    (void)info;
    (void)type;
    (void)walk;
    if (remove(path) != 0)
        fprintf(stderr, "bench_seal: cannot remove %s\n", path);
    return 0;
}

static void remove_state_dir(void)
{
    if (state_dir[0] != '\0')
        (void)nftw(state_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    state_dir[0] = '\0';
}

/*
 * A fresh CELLA_STATE_DIR for the platform's secrets, removed at exit. The platform warns when
 * it creates new secrets, as it does in a fresh directory on every run: unless CELLA_LOG says
 * otherwise, only errors are logged.
 */
static void make_state_dir(void)
{
    const char *tmp = getenv("TMPDIR");

    if (getenv("CELLA_LOG") == NULL && setenv("CELLA_LOG", "error", 1) != 0)
        fail("cannot set CELLA_LOG");

    if (tmp == NULL || tmp[0] == '\0')
        tmp = "/tmp";
    if ((size_t)snprintf(state_dir, sizeof(state_dir), "%s/cella-bench-seal.XXXXXX", tmp) >=
        sizeof(state_dir))
        fail("TMPDIR is too long");
    if (mkdtemp(state_dir) == NULL) {
        state_dir[0] = '\0';
        fail("cannot create a state directory in %s", tmp);
    }
    if (atexit(remove_state_dir) != 0 || setenv("CELLA_STATE_DIR", state_dir, 1) != 0) {
        remove_state_dir();
        fail("cannot set CELLA_STATE_DIR");
    }
}

/* ---- samples ------------------------------------------------------------------------------ */

/* Does one operation count times: one ECALL that repeats it, or a loop on the host. */
typedef void (*work_fn)(void *context, uint64_t count);

/* Runs work with growing counts (a warm-up) and returns the count that fills one batch. */
static uint64_t calibrate(work_fn work, void *context)
{
    uint64_t count = 1, elapsed;

    for (;;) {
        uint64_t start = bench_now_ns();
        work(context, count);
        elapsed = bench_now_ns() - start;
        if (elapsed >= settings.batch_ns / 4 || count >= UINT64_C(1) << 32)
            break;
        count *= 2;
    }
    double each = (double)elapsed / (double)count;
    uint64_t fill = each > 0 ? (uint64_t)((double)settings.batch_ns / each) : count;
    return fill != 0 ? fill : 1;
}

/* One round's batches of work into series, as time per operation. */
static void measure(struct bench_series *series, work_fn work, void *context)
{
    uint64_t count = calibrate(work, context);

    for (unsigned b = 0; b < settings.batches; b++) {
        uint64_t start = bench_now_ns();
        work(context, count);
        bench_series_add(series, (double)(bench_now_ns() - start) / (double)count);
    }
}

/* ---- the enclave -------------------------------------------------------------------------- */

enum operation { OP_SEAL, OP_UNSEAL, OP_KEY, OP_PART };

/* The parts, as ecall_part_repeat numbers them. */
enum part { PART_GCM = 0, PART_CTR = 1, PART_GHASH = 2, PART_COPY = 3, PART_COUNT = 4 };

struct enclave_work {
    uint64_t id;
    enum operation operation;
    enum part part;
};

/* An ECALL's status and then the sgx_status_t the enclave function returned. */
static void check(sgx_status_t status, const int *result, const char *what)
{
    if (status != SGX_SUCCESS)
        fail("the ECALL for %s failed with status %#x", what, (unsigned)status);
    if (*result != SGX_SUCCESS)
        fail("%s in the enclave failed with status %#x", what, (unsigned)*result);
}

static void enclave_repeat(void *context, uint64_t count)
{
    const struct enclave_work *work = context;
    int result = SGX_ERROR_UNEXPECTED;

    switch (work->operation) {
    case OP_SEAL:
        check(ecall_seal_repeat(work->id, &result, count), &result, "sealing");
        break;
    case OP_UNSEAL:
        check(ecall_unseal_repeat(work->id, &result, count), &result, "unsealing");
        break;
    case OP_KEY:
        check(ecall_get_key_repeat(work->id, &result, count), &result, "sgx_get_key");
        break;
    case OP_PART:
        check(ecall_part_repeat(work->id, &result, (uint32_t)work->part, count), &result,
              "a part of sealing");
        break;
    }
}

static void prepare(uint64_t id, size_t size)
{
    int result = SGX_ERROR_UNEXPECTED;

    check(ecall_prepare(id, &result, size), &result, "preparing the buffers");
}

/* ---- the baseline: OpenSSL on the host ---------------------------------------------------- */

static const uint8_t baseline_key[16] = {15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
static const uint8_t baseline_iv[16]; /* GCM takes 12 bytes of it, CTR all 16 */

enum baseline { GCM_ENCRYPT, GCM_DECRYPT, CTR_ENCRYPT, GMAC, COPY };

struct openssl_work {
    enum baseline baseline;
    EVP_CIPHER_CTX *context;
    const uint8_t *text;
    uint8_t *ciphertext; /* GCM_ENCRYPT's output, GCM_DECRYPT's input */
    uint8_t *output;
    size_t size;
    uint8_t tag[16];
};

static void openssl_once(struct openssl_work *work)
{
    EVP_CIPHER_CTX *context = work->context;
    int length = 0, size = (int)work->size;
    bool ok = true;

    switch (work->baseline) {
    case GCM_ENCRYPT:
        ok = EVP_EncryptInit_ex2(context, NULL, baseline_key, baseline_iv, NULL) == 1 &&
             EVP_EncryptUpdate(context, work->ciphertext, &length, work->text, size) == 1 &&
             EVP_EncryptFinal_ex(context, work->ciphertext + length, &length) == 1 &&
             EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, work->tag) == 1;
        break;
    case GCM_DECRYPT:
        ok = EVP_DecryptInit_ex2(context, NULL, baseline_key, baseline_iv, NULL) == 1 &&
             EVP_DecryptUpdate(context, work->output, &length, work->ciphertext, size) == 1 &&
             EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, work->tag) == 1 &&
             EVP_DecryptFinal_ex(context, work->output + length, &length) == 1;
        break;
    case CTR_ENCRYPT:
        ok = EVP_EncryptInit_ex2(context, NULL, baseline_key, baseline_iv, NULL) == 1 &&
             EVP_EncryptUpdate(context, work->output, &length, work->text, size) == 1;
        break;
    case GMAC:
        /* GCM over additional data alone: GHASH and one block of AES. */
        ok = EVP_EncryptInit_ex2(context, NULL, baseline_key, baseline_iv, NULL) == 1 &&
             EVP_EncryptUpdate(context, NULL, &length, work->text, size) == 1 &&
             EVP_EncryptFinal_ex(context, work->output, &length) == 1 &&
             EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, work->tag) == 1;
        break;
    case COPY:
        memcpy(work->output, work->text, work->size);
        __asm__ __volatile__("" : : "r"(work->output) : "memory");
        break;
    }
    if (!ok)
        fail("OpenSSL failed (baseline %d)", (int)work->baseline);
}

static void openssl_repeat(void *context, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++)
        openssl_once(context);
}

/* The host's copies of the text, its GCM ciphertext and an output buffer, for one size. */
struct host_buffers {
    uint8_t *text;
    uint8_t *ciphertext;
    uint8_t *output;
    size_t size;
};

struct ciphers {
    EVP_CIPHER *gcm;
    EVP_CIPHER *ctr;
};

static struct openssl_work openssl_start(enum baseline baseline, const struct ciphers *ciphers,
                                         const struct host_buffers *buffers)
{
    struct openssl_work work = {.baseline = baseline,
                                .text = buffers->text,
                                .ciphertext = buffers->ciphertext,
                                .output = buffers->output,
                                .size = buffers->size};
    const EVP_CIPHER *cipher = baseline == CTR_ENCRYPT ? ciphers->ctr : ciphers->gcm;

    if (baseline == COPY)
        return work;
    work.context = EVP_CIPHER_CTX_new();
    if (work.context == NULL)
        fail("out of memory");
    int ok = baseline == GCM_DECRYPT ? EVP_DecryptInit_ex2(work.context, cipher, NULL, NULL, NULL)
                                     : EVP_EncryptInit_ex2(work.context, cipher, NULL, NULL, NULL);
    if (ok != 1)
        fail("OpenSSL cannot set up its cipher");
    return work;
}

/* ---- the run ------------------------------------------------------------------------------ */

/* One size's figures over all rounds. */
struct figures {
    struct bench_series seal, unseal, encrypt, decrypt;
};

static struct results {
    struct figures small, large;
    struct bench_series key;                                         /* a key ID and sgx_get_key */
    struct bench_series part[PART_COUNT], part_baseline[PART_COUNT]; /* of 1 MiB */
} results;

static void measure_size(uint64_t id, const struct ciphers *ciphers,
                         const struct host_buffers *buffers, struct figures *figures)
{
    struct enclave_work seal = {id, OP_SEAL, PART_GCM}, unseal = {id, OP_UNSEAL, PART_GCM};
    struct openssl_work encrypt = openssl_start(GCM_ENCRYPT, ciphers, buffers);
    struct openssl_work decrypt = openssl_start(GCM_DECRYPT, ciphers, buffers);

    prepare(id, buffers->size);
    measure(&figures->seal, enclave_repeat, &seal);
    measure(&figures->encrypt, openssl_repeat, &encrypt);
    measure(&figures->unseal, enclave_repeat, &unseal);
    memcpy(decrypt.tag, encrypt.tag, sizeof(decrypt.tag)); /* the tag of the ciphertext */
    measure(&figures->decrypt, openssl_repeat, &decrypt);
    if (memcmp(buffers->output, buffers->text, buffers->size) != 0)
        fail("OpenSSL's decryption did not give the text back");
    EVP_CIPHER_CTX_free(encrypt.context);
    EVP_CIPHER_CTX_free(decrypt.context);
}

static void measure_parts(uint64_t id, const struct ciphers *ciphers,
                          const struct host_buffers *buffers)
{
    static const enum baseline baselines[PART_COUNT] = {GCM_ENCRYPT, CTR_ENCRYPT, GMAC, COPY};

    /* The enclave's buffers are still the size measure_size prepared last. */
    for (unsigned p = 0; p < PART_COUNT; p++) {
        struct enclave_work part = {id, OP_PART, (enum part)p};
        struct openssl_work baseline = openssl_start(baselines[p], ciphers, buffers);
        measure(&results.part[p], enclave_repeat, &part);
        measure(&results.part_baseline[p], openssl_repeat, &baseline);
        EVP_CIPHER_CTX_free(baseline.context);
    }
}

static void run_round(uint64_t id, const struct ciphers *ciphers, const struct host_buffers *small,
                      const struct host_buffers *large)
{
    struct enclave_work key = {id, OP_KEY, PART_GCM};

    measure_size(id, ciphers, small, &results.small);
    measure(&results.key, enclave_repeat, &key);
    measure_size(id, ciphers, large, &results.large);
    measure_parts(id, ciphers, large);
}

/* One throughput line: MB/s (10^6 bytes per second) of both and their ratio (below 1:
 * slower than the baseline). */
static double report_rate(const char *what, size_t bytes, double value_ns,
                          const char *baseline_name, double baseline_ns)
{
    double value = value_ns > 0 ? (double)bytes / value_ns * 1e3 : 0.0;
    double baseline = baseline_ns > 0 ? (double)bytes / baseline_ns * 1e3 : 0.0;

    printf("%-44s %8.0f MB/s   baseline %-30s %8.0f MB/s   ratio %5.2fx\n", what, value,
           baseline_name, baseline, baseline > 0 ? value / baseline : 0.0);
    return value;
}

static void report(const char *backend)
{
    struct figures *small = &results.small, *large = &results.large;
    double key_ns = bench_series_median(&results.key);
    double seal_small_ns = bench_series_median(&small->seal);
    double seal_large_ns = bench_series_median(&large->seal);
    double gcm_large_ns = bench_series_median(&results.part[PART_GCM]);

    printf("one operation, key round trip included (%s backend):\n", backend);
    bench_report("one sgx_seal_data of 4 KiB", seal_small_ns, "OpenSSL GCM encrypt, 4 KiB",
                 bench_series_median(&small->encrypt));
    printf("  of which the key (random key ID, sgx_get_key round trip) %.1f ns, %.0f%%\n", key_ns,
           seal_small_ns > 0 ? 100.0 * key_ns / seal_small_ns : 0.0);
    bench_report("one sgx_unseal_data of 4 KiB", bench_series_median(&small->unseal),
                 "OpenSSL GCM decrypt, 4 KiB", bench_series_median(&small->decrypt));

    printf("\nthroughput inside the enclave, one core:\n");
    report_rate("seal 4 KiB", SMALL_BYTES, seal_small_ns, "OpenSSL AES-128-GCM encrypt",
                bench_series_median(&small->encrypt));
    report_rate("unseal 4 KiB", SMALL_BYTES, bench_series_median(&small->unseal),
                "OpenSSL AES-128-GCM decrypt+tag", bench_series_median(&small->decrypt));
    double seal_rate =
        report_rate("seal 1 MiB", LARGE_BYTES, seal_large_ns, "OpenSSL AES-128-GCM encrypt",
                    bench_series_median(&large->encrypt));
    bench_report_goal(GOAL, seal_rate >= GOAL_MB_S);
    double unseal_rate =
        report_rate("unseal 1 MiB", LARGE_BYTES, bench_series_median(&large->unseal),
                    "OpenSSL AES-128-GCM decrypt+tag", bench_series_median(&large->decrypt));
    bench_report_goal(GOAL, unseal_rate >= GOAL_MB_S);

    printf("\nsplit of 1 MiB: the enclave's parts under a fixed key, no key round trip:\n");
    report_rate("  GCM encrypt (sgx_rijndael128GCM_encrypt)", LARGE_BYTES, gcm_large_ns,
                "OpenSSL AES-128-GCM encrypt",
                bench_series_median(&results.part_baseline[PART_GCM]));
    report_rate("  copy + CTR (sgx_aes_ctr_encrypt)", LARGE_BYTES,
                bench_series_median(&results.part[PART_CTR]), "OpenSSL AES-128-CTR",
                bench_series_median(&results.part_baseline[PART_CTR]));
    report_rate("  GHASH (GCM of 1 MiB additional data)", LARGE_BYTES,
                bench_series_median(&results.part[PART_GHASH]), "OpenSSL GMAC, the same",
                bench_series_median(&results.part_baseline[PART_GHASH]));
    report_rate("  memcpy", LARGE_BYTES, bench_series_median(&results.part[PART_COPY]),
                "host memcpy", bench_series_median(&results.part_baseline[PART_COPY]));
    printf("  one seal of 1 MiB %.1f µs: its key %.1f µs, GCM under a fixed key %.1f µs\n",
           seal_large_ns / 1e3, key_ns / 1e3, gcm_large_ns / 1e3);
}

/* The backend CELLA_BACKEND names, as cella_enclave_create reads it; exits on another name. */
static cella_backend_t chosen_backend(void)
{
    const char *name = getenv("CELLA_BACKEND");

    if (name == NULL || name[0] == '\0' || strcmp(name, "sandbox") == 0)
        return CELLA_BACKEND_SANDBOX;
    if (strcmp(name, "sim") == 0)
        return CELLA_BACKEND_SIM;
    fail("CELLA_BACKEND=%s is not a backend: use \"sandbox\" or \"sim\"", name);
}

static struct host_buffers host_buffers_create(size_t size)
{
    struct host_buffers buffers = {malloc(size), malloc(size + 16), malloc(size + 16), size};

    if (buffers.text == NULL || buffers.ciphertext == NULL || buffers.output == NULL)
        fail("out of memory");
    for (size_t i = 0; i < size; i++)
        buffers.text[i] = (uint8_t)(i * 131u);
    memset(buffers.ciphertext, 0, size + 16);
    memset(buffers.output, 0, size + 16);
    return buffers;
}

static void host_buffers_destroy(struct host_buffers *buffers)
{
    free(buffers->text);
    free(buffers->ciphertext);
    free(buffers->output);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_seal [--quick]\n"
                    "  --quick  a short run (one round of fewer, shorter batches)\n"
                    "The backend comes from CELLA_BACKEND: the sandbox when unset, or \"sim\".\n");
}

int main(int argc, char **argv)
{
    cella_enclave_options_t options;
    cella_enclave_t *enclave = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            settings.quick = true;
        } else {
            usage();
            return 2;
        }
    }
    settings.rounds = settings.quick ? 1 : 3;
    settings.batches = settings.quick ? 5 : 9;
    settings.batch_ns = settings.quick ? 4000000 : 20000000;

    cella_backend_t backend = chosen_backend();
    const char *backend_name = backend == CELLA_BACKEND_SIM ? "sim" : "sandbox";
    printf("cella benchmark: sgx_seal_data / sgx_unseal_data inside the enclave next to OpenSSL "
           "EVP AES-128-GCM on the host\n");
    if (backend == CELLA_BACKEND_SIM)
        printf("backend: sim (the enclave in this process; a key is a function call)\n");
    else
        printf("backend: sandbox (the enclave in its own process; a key is a round trip to the "
               "monitor); CELLA_BACKEND=sim for the other\n");

    make_state_dir();
    memset(&options, 0, sizeof(options));
    options.backend = backend;
    options.debug = true;
    cella_result_t result = cella_enclave_create(BENCH_SEAL_ENCLAVE, &options, &enclave);
    if (result == CELLA_ERR_UNSUPPORTED) {
        printf("%s backend: not available here (see cella detect); nothing measured\n",
               backend_name);
        return 0;
    }
    if (result != CELLA_OK)
        fail("cannot create the enclave %s on the %s backend: %s", BENCH_SEAL_ENCLAVE, backend_name,
             cella_result_str(result));

    struct ciphers ciphers = {EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL),
                              EVP_CIPHER_fetch(NULL, "AES-128-CTR", NULL)};
    if (ciphers.gcm == NULL || ciphers.ctr == NULL)
        fail("OpenSSL has no AES-128-GCM or AES-128-CTR");
    struct host_buffers small = host_buffers_create(SMALL_BYTES);
    struct host_buffers large = host_buffers_create(LARGE_BYTES);
    printf("each figure: the median of %u batches of about %.0f ms; an enclave batch is one "
           "ECALL repeating the operation\n\n",
           settings.rounds * settings.batches, (double)settings.batch_ns / 1e6);

    uint64_t id = cella_enclave_get_id(enclave);
    for (unsigned r = 0; r < settings.rounds; r++)
        run_round(id, &ciphers, &small, &large);
    (void)ecall_release(id);
    cella_enclave_destroy(enclave);

    report(backend_name);
    host_buffers_destroy(&small);
    host_buffers_destroy(&large);
    EVP_CIPHER_free(ciphers.gcm);
    EVP_CIPHER_free(ciphers.ctr);
    return 0;
}
