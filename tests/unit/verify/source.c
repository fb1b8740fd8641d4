/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/verify/source.c: collateral sources: a directory, and a PCCS-compatible server. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include <cella/log.h>
#include <cella/verify.h>

#include "verify/source.h"

/*
 * The collateral directories are built at run time in a temporary folder, from the vectors
 * in $CELLA_SHARED_DIR/vectors (tests that need them say "not run" and pass when they are
 * absent). The PCCS tests start pccs_server.py (its path in $CELLA_PCCS_SERVER) on
 * 127.0.0.1 over such a directory; it counts the collateral requests it answers (/stats).
 */

#define OASIS_NOW 1671497404 /* 2022-12-20T00:50:04Z */
#define QVL_NOW   1704067200 /* 2024-01-01T00:00:00Z */

/* ---- the log ----------------------------------------------------------------------------- */

static char log_text[16384];

static void capture(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    (void)level;
    size_t used = strlen(log_text);
    snprintf(log_text + used, sizeof(log_text) - used, "%s\n", message);
}

static void log_clear(void)
{
    log_text[0] = '\0';
}

static void assert_logged(const char *text)
{
    if (strstr(log_text, text) == NULL)
        fail_msg("the log lacks \"%s\"; it holds:\n%s", text, log_text);
}

/* ---- vectors and directories ------------------------------------------------------------- */

struct file {
    uint8_t *bytes;
    size_t size;
};

static const char *shared_dir(void)
{
    const char *dir = getenv("CELLA_SHARED_DIR");
    return dir != NULL ? dir : "/work/shared";
}

static bool read_whole(const char *path, struct file *f)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return false;
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    long size = ftell(file);
    assert_true(size >= 0);
    rewind(file);
    f->bytes = malloc((size_t)size + 1);
    assert_non_null(f->bytes);
    assert_int_equal(fread(f->bytes, 1, (size_t)size, file), (size_t)size);
    f->bytes[size] = '\0';
    f->size = (size_t)size;
    fclose(file);
    return true;
}

/* The vector `name`, or false (and a "not run" line) when the vectors are absent. */
static bool vector(const char *name, struct file *f)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/vectors/%s", shared_dir(), name);
    if (!read_whole(path, f)) {
        printf("not run: %s is absent (the vectors folder; set CELLA_SHARED_DIR)\n", path);
        return false;
    }
    return true;
}

static void write_whole(const char *path, const struct file *f)
{
    FILE *file = fopen(path, "wb");
    assert_non_null(file);
    assert_int_equal(fwrite(f->bytes, 1, f->size, file), f->size);
    assert_int_equal(fclose(file), 0);
}

/* One file of a collateral directory: the vector it is copied from, and its name there. */
struct copy {
    const char *vector;
    const char *name;
};

static const struct copy oasis_files[] = {
    {"oasis-v3/tcb_info_v3_fmspc_00606A000000.json", "tcb-info/00606a000000.json"},
    {"oasis-v3/tcb_info_v3_fmspc_00606A000000_certs.pem", "tcb-info-issuer-chain.pem"},
    {"oasis-v3/tcb_info_v3_fmspc_00606A000000_certs.pem", "qe-identity-issuer-chain.pem"},
    {"oasis-v3/qe_identity_v2.json", "qe-identity.json"},
};

static const struct copy qvl_files[] = {
    {"intel-qvl-sample/tcbInfo.json", "tcb-info/00707f000000.json"},
    {"intel-qvl-sample/tcbSignChain.pem", "tcb-info-issuer-chain.pem"},
    {"intel-qvl-sample/tcbSignChain.pem", "qe-identity-issuer-chain.pem"},
    {"intel-qvl-sample/qeIdentity.json", "qe-identity.json"},
    {"intel-qvl-sample/rootCaCrl.der", "root-ca-crl.der"},
    {"intel-qvl-sample/intermediateCaCrl.der", "pck-crl-processor.der"},
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_dir(const char *dir)
{
    assert_int_equal(nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
}

/*
 * A fresh temporary directory holding the files, all but the one named `skip` (or NULL).
 * Returns false when the vectors are absent.
 */
static bool make_dir(const struct copy *files, size_t count, const char *skip, char *dir,
                     size_t dir_size)
{
    char path[1024];
    snprintf(dir, dir_size, "%s/cella-collateral-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/tcb-info", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    for (size_t i = 0; i < count; i++) {
        struct file f;
        if (!vector(files[i].vector, &f)) {
            remove_dir(dir);
            return false;
        }
        if (skip == NULL || strcmp(files[i].name, skip) != 0) {
            snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
            write_whole(path, &f);
        }
        free(f.bytes);
    }
    return true;
}

static cella_verifier_t *verifier_without_crls(void)
{
    cella_verifier_t *verifier = NULL;
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    cella_verifier_set_crls_required(verifier, false);
    return verifier;
}

static bool has_advisory(const cella_verify_result_t *result, const char *id)
{
    for (size_t i = 0; i < result->advisory_count; i++) {
        if (strcmp(result->advisory_ids[i], id) == 0)
            return true;
    }
    return false;
}

static void assert_oasis_verified(cella_result_t r, const cella_verify_result_t *result)
{
    if (r != CELLA_OK)
        fail_msg("refused: %s: %s\nlog:\n%s", cella_verify_failure_str(result->failure),
                 result->reason, log_text);
    assert_int_equal(result->failure, CELLA_VERIFY_OK);
    assert_true(result->tcb_evaluated);
    assert_int_equal(result->tcb_status, CELLA_TCB_STATUS_SW_HARDENING_NEEDED);
    assert_int_equal(result->qe_tcb_status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_int_equal(result->advisory_count, 2);
    assert_true(has_advisory(result, "INTEL-SA-00615"));
    assert_true(has_advisory(result, "INTEL-SA-00657"));
    assert_int_equal(result->collateral_expiration, 1673786736);
}

/* ---- refreshing kept documents ----------------------------------------------------------- */

/* A fetcher whose documents name their item and a version; it counts what it serves. */
struct versioned_fetcher {
    int version;
    int fetches;
};

static cella_result_t versioned_fetch(void *state, enum collateral_item item, const char *fmspc,
                                      const char *ca, struct collateral_document *document)
{
    struct versioned_fetcher *f = state;
    char text[64];
    (void)fmspc;
    (void)ca;
    int n = snprintf(text, sizeof(text), "item %d, version %d", (int)item, f->version);
    document->data = strdup(text);
    document->size = (size_t)n;
    document->issuer_chain = strdup("chain");
    document->issuer_chain_size = 5;
    f->fetches++;
    return document->data != NULL && document->issuer_chain != NULL ? CELLA_OK
                                                                     : CELLA_ERR_OUT_OF_MEMORY;
}

static void versioned_destroy(void *state)
{
    (void)state;
}

/* Waits until documents kept for one second at the time `fetched` are stale. */
static void wait_until_stale(time_t fetched)
{
    while (time(NULL) < fetched + 1) {
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

/*
 * Stale documents are fetched again. When the service has nothing newer, the ones already
 * served are kept (a long-running verifier must not pile up a copy per refresh); documents
 * that did change replace them, and the old ones stay readable for results that point at them.
 */
static void a_refresh_keeps_the_documents_served_unless_they_changed(void **state)
{
    (void)state;
    static const struct collateral_fetcher fetcher = {versioned_fetch, versioned_destroy, 1};
    struct versioned_fetcher fake = {1, 0};
    static const uint8_t fmspc[6] = {0x00, 0x90, 0x6e, 0xa1, 0x00, 0x00};
    cella_collateral_source_t *source = NULL;
    cella_verify_collateral_t first, again, changed;

    assert_int_equal(cella_collateral_source_create(&fetcher, &fake, &source), CELLA_OK);
    assert_int_equal(cella_collateral_source_get(source, fmspc, "processor", &first), CELLA_OK);
    assert_int_equal(fake.fetches, 4);
    wait_until_stale(time(NULL));
    assert_int_equal(cella_collateral_source_get(source, fmspc, "processor", &again), CELLA_OK);
    assert_int_equal(fake.fetches, 8);
    assert_ptr_equal(again.tcb_info, first.tcb_info);
    assert_ptr_equal(again.pck_crl, first.pck_crl);

    fake.version = 2;
    wait_until_stale(time(NULL));
    assert_int_equal(cella_collateral_source_get(source, fmspc, "processor", &changed), CELLA_OK);
    assert_int_equal(fake.fetches, 12);
    assert_ptr_not_equal(changed.tcb_info, first.tcb_info);
    assert_memory_equal(changed.tcb_info, "item 0, version 2", changed.tcb_info_size);
    assert_memory_equal(first.tcb_info, "item 0, version 1", first.tcb_info_size);
    cella_collateral_source_destroy(source);
}

/* ---- the directory source ---------------------------------------------------------------- */

static void a_collateral_directory_verifies_a_real_quote_as_sw_hardening_needed(void **state)
{
    char dir[512];
    struct file quote;
    cella_collateral_source_t *source = NULL;
    cella_verify_result_t result;
    (void)state;
    if (!vector("oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin", &quote))
        return;
    if (!make_dir(oasis_files, 4, NULL, dir, sizeof(dir)))
        return;
    cella_verifier_t *verifier = verifier_without_crls();
    assert_int_equal(cella_collateral_source_open_dir(dir, &source), CELLA_OK);

    log_clear();
    assert_oasis_verified(
        cella_verifier_verify_from(verifier, quote.bytes, quote.size, source, OASIS_NOW, &result),
        &result);
    /* Again, from what the source kept: the files may go in between. */
    remove_dir(dir);
    assert_oasis_verified(
        cella_verifier_verify_from(verifier, quote.bytes, quote.size, source, OASIS_NOW, &result),
        &result);
    /* The result names the documents it was verified with: the source's own. */
    static const uint8_t fmspc[6] = {0x00, 0x60, 0x6a, 0x00, 0x00, 0x00};
    cella_verify_collateral_t kept;
    assert_int_equal(cella_collateral_source_get(source, result.fmspc, "platform", &kept),
                     CELLA_OK);
    assert_memory_equal(result.fmspc, fmspc, sizeof(fmspc));
    assert_non_null(result.collateral.tcb_info);
    assert_ptr_equal(result.collateral.tcb_info, kept.tcb_info);
    assert_ptr_equal(result.collateral.qe_identity, kept.qe_identity);
    assert_ptr_equal(result.collateral.pck_crl, kept.pck_crl);
    assert_int_equal(result.collateral.tcb_info_size, kept.tcb_info_size);

    cella_collateral_source_destroy(source);
    cella_verifier_destroy(verifier);
    free(quote.bytes);
}

static void a_directory_without_crls_is_refused_when_crls_are_required(void **state)
{
    char dir[512];
    struct file quote;
    cella_collateral_source_t *source = NULL;
    cella_verifier_t *verifier = NULL;
    cella_verify_result_t result;
    (void)state;
    if (!vector("oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin", &quote))
        return;
    if (!make_dir(oasis_files, 4, NULL, dir, sizeof(dir)))
        return;
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    assert_int_equal(cella_collateral_source_open_dir(dir, &source), CELLA_OK);
    assert_int_equal(
        cella_verifier_verify_from(verifier, quote.bytes, quote.size, source, OASIS_NOW, &result),
        CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_CRL);
    cella_collateral_source_destroy(source);
    cella_verifier_destroy(verifier);
    remove_dir(dir);
    free(quote.bytes);
}

static void a_missing_tcb_info_file_fails_as_tcb_info_naming_its_path(void **state)
{
    char dir[512], expected[1024];
    struct file quote;
    cella_collateral_source_t *source = NULL;
    cella_verify_result_t result;
    (void)state;
    if (!vector("oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin", &quote))
        return;
    if (!make_dir(oasis_files, 4, "tcb-info/00606a000000.json", dir, sizeof(dir)))
        return;
    cella_verifier_t *verifier = verifier_without_crls();
    assert_int_equal(cella_collateral_source_open_dir(dir, &source), CELLA_OK);
    log_clear();
    assert_int_equal(
        cella_verifier_verify_from(verifier, quote.bytes, quote.size, source, OASIS_NOW, &result),
        CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_TCB_INFO);
    assert_true(strlen(result.reason) > 0);
    snprintf(expected, sizeof(expected), "%s/tcb-info/00606a000000.json", dir);
    assert_logged(expected);

    /* The same from cella_collateral_source_get() itself. */
    static const uint8_t fmspc[6] = {0x00, 0x60, 0x6a, 0x00, 0x00, 0x00};
    cella_verify_collateral_t collateral;
    assert_int_equal(cella_collateral_source_get(source, fmspc, "platform", &collateral),
                     CELLA_ERR_NOT_FOUND);
    cella_collateral_source_destroy(source);
    cella_verifier_destroy(verifier);
    remove_dir(dir);
    free(quote.bytes);
}

static void intels_sample_directory_serves_its_crls_but_its_quote_has_no_pck_chain(void **state)
{
    char dir[512];
    struct file quote, root, pck, pck_chain;
    cella_collateral_source_t *source = NULL;
    cella_verifier_t *verifier = NULL;
    cella_verify_result_t result;
    cella_verify_collateral_t collateral;
    (void)state;
    if (!vector("intel-qvl-sample/quote.dat", &quote))
        return;
    if (!make_dir(qvl_files, 6, NULL, dir, sizeof(dir)))
        return;
    assert_true(vector("intel-qvl-sample/trustedRootCaCert.pem", &root));
    assert_true(vector("intel-qvl-sample/pckCert.pem", &pck));
    assert_true(vector("intel-qvl-sample/pckSignChain.pem", &pck_chain));
    assert_int_equal(cella_verifier_create(&verifier), CELLA_OK);
    assert_int_equal(cella_verifier_add_root(verifier, (const char *)root.bytes, root.size,
                                             CELLA_VERIFY_ROOT_INTEL),
                     CELLA_OK);
    assert_int_equal(cella_collateral_source_open_dir(dir, &source), CELLA_OK);

    /* Its quote carries certification data of type 1: its platform cannot be looked up. */
    assert_int_equal(
        cella_verifier_verify_from(verifier, quote.bytes, quote.size, source, QVL_NOW, &result),
        CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_CERTIFICATION_DATA);

    /* The source still serves the platform's collateral, CRLs included, by FMSPC and CA. */
    static const uint8_t fmspc[6] = {0x00, 0x70, 0x7f, 0x00, 0x00, 0x00};
    assert_int_equal(cella_collateral_source_get(source, fmspc, "processor", &collateral),
                     CELLA_OK);
    assert_non_null(collateral.root_ca_crl);
    assert_non_null(collateral.pck_crl);
    assert_null(collateral.pck_certificate_chain);
    /* With the PCK chain given separately, the quote verifies with it and its CRLs. */
    size_t chain_size = pck.size + pck_chain.size;
    char *chain = malloc(chain_size);
    assert_non_null(chain);
    memcpy(chain, pck.bytes, pck.size);
    memcpy(chain + pck.size, pck_chain.bytes, pck_chain.size);
    collateral.pck_certificate_chain = chain;
    collateral.pck_certificate_chain_size = chain_size;
    assert_int_equal(
        cella_verifier_verify(verifier, quote.bytes, quote.size, &collateral, QVL_NOW, &result),
        CELLA_OK);
    assert_int_equal(result.tcb_status, CELLA_TCB_STATUS_UP_TO_DATE);

    /* The Platform CA's CRL is not there: absent, not an error. */
    assert_int_equal(cella_collateral_source_get(source, fmspc, "platform", &collateral), CELLA_OK);
    assert_null(collateral.pck_crl);
    assert_non_null(collateral.root_ca_crl);

    free(chain);
    cella_collateral_source_destroy(source);
    cella_verifier_destroy(verifier);
    remove_dir(dir);
    free(quote.bytes);
    free(root.bytes);
    free(pck.bytes);
    free(pck_chain.bytes);
}

static void a_directory_source_checks_its_arguments(void **state)
{
    cella_collateral_source_t *source = NULL;
    cella_verify_collateral_t collateral;
    cella_verify_result_t result;
    static const uint8_t fmspc[6] = {0};
    (void)state;

    assert_int_equal(cella_collateral_source_open_dir(NULL, &source), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_collateral_source_open_dir("/tmp", NULL), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_collateral_source_open_dir("/nonexistent/cella/collateral", &source),
                     CELLA_ERR_NOT_FOUND);
    assert_int_equal(cella_collateral_source_open_dir("/dev/null", &source), CELLA_ERR_NOT_FOUND);
    assert_null(source);

    assert_int_equal(cella_collateral_source_open_dir("/tmp", &source), CELLA_OK);
    assert_int_equal(cella_collateral_source_get(source, fmspc, "other", &collateral),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_collateral_source_get(source, NULL, "platform", &collateral),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_collateral_source_get(NULL, fmspc, "platform", &collateral),
                     CELLA_ERR_INVALID_ARGUMENT);
    cella_collateral_source_destroy(source);
    cella_collateral_source_destroy(NULL);

    /* No source: a failure of the TCB Info step, with its reason. */
    cella_verifier_t *verifier = verifier_without_crls();
    assert_int_equal(cella_verifier_verify_from(verifier, "x", 1, NULL, OASIS_NOW, &result),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(result.failure, CELLA_VERIFY_TCB_INFO);
    cella_verifier_destroy(verifier);
}

/* ---- the PCCS source ---------------------------------------------------------------------- */

struct server {
    pid_t pid;
    int port;
    char dir[512];
    char url[64];
};

/*
 * Starts pccs_server.py over dir with extra arguments (NULL-terminated). Returns false, with a
 * "not run" line, when the script or python3 is not there.
 */
static bool server_start(struct server *s, const char *dir, ...)
{
    const char *script = getenv("CELLA_PCCS_SERVER");
    char port_file[600];
    const char *argv[16];
    size_t argc = 0;
    va_list extra;

    memset(s, 0, sizeof(*s));
    if (script == NULL || access(script, R_OK) != 0) {
        printf("not run: the PCCS test server is absent (set CELLA_PCCS_SERVER)\n");
        return false;
    }
    snprintf(s->dir, sizeof(s->dir), "%s", dir);
    snprintf(port_file, sizeof(port_file), "%s.port", dir);
    (void)remove(port_file);
    argv[argc++] = "python3";
    argv[argc++] = script;
    argv[argc++] = dir;
    argv[argc++] = "--port-file";
    argv[argc++] = port_file;
    argv[argc++] = "--lifetime";
    argv[argc++] = "60";
    va_start(extra, dir);
    for (const char *a = va_arg(extra, const char *); a != NULL && argc < 15;
         a = va_arg(extra, const char *))
        argv[argc++] = a;
    va_end(extra);
    argv[argc] = NULL;

    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        execvp("python3", (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    /* Wait until it listens (it writes its port then), for at most 20 s. */
    for (int i = 0; i < 400; i++) {
        FILE *file = fopen(port_file, "r");
        if (file != NULL) {
            int scanned = fscanf(file, "%d", &s->port);
            fclose(file);
            if (scanned == 1) {
                (void)remove(port_file);
                snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
                return true;
            }
        }
        int status = 0;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
                printf("not run: python3 is absent\n");
                s->pid = 0;
                return false;
            }
            fail_msg("the PCCS test server stopped at once (status %d)", status);
        }
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    fail_msg("the PCCS test server did not start in 20 s");
    return false;
}

static void server_stop(struct server *s)
{
    int status = 0;
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGTERM);
    assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
    s->pid = 0;
}

/* The server's /stats: how many collateral requests it answered, and their paths. */
static json_t *server_stats(const struct server *s)
{
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    char response[16384];
    size_t used = 0;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&address, sizeof(address)), 0);
    static const char request[] = "GET /stats HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    assert_int_equal(write(fd, request, sizeof(request) - 1), (ssize_t)(sizeof(request) - 1));
    for (;;) {
        ssize_t n = read(fd, response + used, sizeof(response) - 1 - used);
        if (n < 0 && errno == EINTR)
            continue;
        assert_true(n >= 0);
        if (n == 0)
            break;
        used += (size_t)n;
        assert_true(used < sizeof(response) - 1);
    }
    close(fd);
    response[used] = '\0';
    const char *body = strstr(response, "\r\n\r\n");
    assert_non_null(body);
    json_error_t error;
    json_t *stats = json_loads(body + 4, 0, &error);
    assert_non_null(stats);
    return stats;
}

static json_int_t request_count(const struct server *s)
{
    json_t *stats = server_stats(s);
    json_int_t count = json_integer_value(json_object_get(stats, "requests"));
    json_decref(stats);
    return count;
}

static bool server_saw(const struct server *s, const char *path)
{
    json_t *stats = server_stats(s);
    json_t *paths = json_object_get(stats, "paths");
    bool seen = false;
    for (size_t i = 0; i < json_array_size(paths); i++)
        seen = seen || strcmp(json_string_value(json_array_get(paths, i)), path) == 0;
    json_decref(stats);
    return seen;
}

/* The oasis quote through a server over the oasis directory with the extra arguments. */
struct pccs_case {
    struct file quote;
    char dir[512];
    struct server server;
    cella_verifier_t *verifier;
    cella_collateral_source_t *source;
};

static bool pccs_start(struct pccs_case *p, const char *extra)
{
    memset(p, 0, sizeof(*p));
    if (!vector("oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin", &p->quote))
        return false;
    if (!make_dir(oasis_files, 4, NULL, p->dir, sizeof(p->dir))) {
        free(p->quote.bytes);
        return false;
    }
    const char *a = extra, *b = NULL;
    char status_argument[16];
    if (extra != NULL && strncmp(extra, "--status=", 9) == 0) {
        snprintf(status_argument, sizeof(status_argument), "%s", extra + 9);
        a = "--status";
        b = status_argument;
    }
    if (!server_start(&p->server, p->dir, a, b, NULL)) {
        remove_dir(p->dir);
        free(p->quote.bytes);
        return false;
    }
    p->verifier = verifier_without_crls();
    assert_int_equal(cella_collateral_source_open_pccs(p->server.url, &p->source), CELLA_OK);
    log_clear();
    return true;
}

static void pccs_finish(struct pccs_case *p)
{
    server_stop(&p->server);
    cella_collateral_source_destroy(p->source);
    cella_verifier_destroy(p->verifier);
    remove_dir(p->dir);
    free(p->quote.bytes);
}

static void a_real_quote_verifies_through_a_pccs_and_its_collateral_is_kept(void **state)
{
    struct pccs_case p;
    cella_verify_result_t result;
    (void)state;
    if (!pccs_start(&p, NULL))
        return;
    assert_oasis_verified(cella_verifier_verify_from(p.verifier, p.quote.bytes, p.quote.size,
                                                     p.source, OASIS_NOW, &result),
                          &result);
    /* TCB Info, QE Identity and the two CRLs (absent here: 404), by the quote's own FMSPC
     * and PCK CA (the Platform CA). */
    assert_int_equal(request_count(&p.server), 4);
    assert_true(server_saw(&p.server, "/sgx/certification/v4/tcb?fmspc=00606a000000"));
    assert_true(server_saw(&p.server, "/sgx/certification/v4/qe/identity"));
    assert_true(server_saw(&p.server, "/sgx/certification/v4/pckcrl?ca=platform&encoding=der"));
    assert_true(server_saw(&p.server, "/sgx/certification/v4/rootcacrl"));

    /* The second verification uses what the source kept. */
    assert_oasis_verified(cella_verifier_verify_from(p.verifier, p.quote.bytes, p.quote.size,
                                                     p.source, OASIS_NOW, &result),
                          &result);
    assert_int_equal(request_count(&p.server), 4);
    pccs_finish(&p);
}

/* A PCK certificate no trusted root vouches for (its signature changed) makes no request:
 * its FMSPC could be anything, and every request would be the sender's to choose. */
static void nothing_is_fetched_for_a_pck_certificate_no_root_vouches_for(void **state)
{
    struct pccs_case p;
    cella_verify_result_t result;
    (void)state;
    if (!pccs_start(&p, NULL))
        return;
    static const char end[] = "-----END CERTIFICATE-----";
    uint8_t *at = memmem(p.quote.bytes, p.quote.size, end, sizeof(end) - 1);
    assert_non_null(at);
    uint8_t *inside = at - 12; /* base64 of the leaf's signature */
    *inside = *inside == 'A' ? 'B' : 'A';
    assert_int_equal(cella_verifier_verify_from(p.verifier, p.quote.bytes, p.quote.size, p.source,
                                                OASIS_NOW, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_PCK_CHAIN);
    assert_int_equal(request_count(&p.server), 0);
    pccs_finish(&p);
}

static void the_older_tcb_info_issuer_chain_header_is_accepted(void **state)
{
    struct pccs_case p;
    cella_verify_result_t result;
    (void)state;
    if (!pccs_start(&p, "--legacy-tcb-header"))
        return;
    assert_oasis_verified(cella_verifier_verify_from(p.verifier, p.quote.bytes, p.quote.size,
                                                     p.source, OASIS_NOW, &result),
                          &result);
    pccs_finish(&p);
}

static void a_pccs_answering_500_fails_cleanly_with_the_status_and_url_in_the_log(void **state)
{
    struct pccs_case p;
    cella_verify_result_t result;
    (void)state;
    if (!pccs_start(&p, "--status=500"))
        return;
    assert_int_equal(cella_verifier_verify_from(p.verifier, p.quote.bytes, p.quote.size, p.source,
                                                OASIS_NOW, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_TCB_INFO);
    assert_non_null(strstr(result.reason, "not available"));
    assert_logged("HTTP status 500");
    char url[128];
    snprintf(url, sizeof(url), "%s/sgx/certification/v4/tcb?fmspc=00606a000000", p.server.url);
    assert_logged(url);
    /* A short excerpt of the body, never more. */
    assert_logged("the test server fails this request on purpose");

    /* And through the source itself: an I/O error. */
    static const uint8_t fmspc[6] = {0x00, 0x60, 0x6a, 0x00, 0x00, 0x00};
    cella_verify_collateral_t collateral;
    assert_int_equal(cella_collateral_source_get(p.source, fmspc, "platform", &collateral),
                     CELLA_ERR_IO);
    pccs_finish(&p);
}

static void a_pccs_without_the_platforms_tcb_info_gives_not_found(void **state)
{
    struct pccs_case p;
    cella_verify_result_t result;
    char path[600];
    (void)state;
    if (!pccs_start(&p, NULL))
        return;
    snprintf(path, sizeof(path), "%s/tcb-info/00606a000000.json", p.dir);
    assert_int_equal(remove(path), 0);
    static const uint8_t fmspc[6] = {0x00, 0x60, 0x6a, 0x00, 0x00, 0x00};
    cella_verify_collateral_t collateral;
    assert_int_equal(cella_collateral_source_get(p.source, fmspc, "platform", &collateral),
                     CELLA_ERR_NOT_FOUND);
    assert_logged("HTTP status 404");
    assert_int_equal(cella_verifier_verify_from(p.verifier, p.quote.bytes, p.quote.size, p.source,
                                                OASIS_NOW, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_VERIFY_TCB_INFO);
    pccs_finish(&p);
}

/* Percent-encodes text as PCS does, but leaves '+' as it is (also valid, and base64's). */
static char *url_encode(const char *text, size_t size)
{
    char *encoded = malloc(3 * size + 1);
    size_t n = 0;
    assert_non_null(encoded);
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+')
            encoded[n++] = (char)c;
        else
            n += (size_t)sprintf(encoded + n, "%%%02X", c);
    }
    encoded[n] = '\0';
    return encoded;
}

static void issuer_chain_headers_must_be_strictly_url_encoded(void **state)
{
    /* Header values as they are sent (the server's --raw-chain sends the file as it is). */
    static const char *const bad[] = {
        "%",      /* a cut escape at the end */
        "abc%4",  /* likewise, one digit */
        "%zz",    /* not hex */
        "%00",    /* a NUL */
        "%C3%A9", /* not ASCII */
        "%07",    /* a control character */
        "a b",    /* raw white space inside */
    };
    static const uint8_t fmspc[6] = {0x00, 0x60, 0x6a, 0x00, 0x00, 0x00};
    struct pccs_case p;
    cella_verify_collateral_t collateral;
    cella_verify_result_t result;
    struct file chain;
    char path[600];
    (void)state;
    if (!pccs_start(&p, "--raw-chain"))
        return;
    snprintf(path, sizeof(path), "%s/tcb-info-issuer-chain.pem", p.dir);
    assert_true(read_whole(path, &chain));

    /* Failures are not kept, so one source sees each value in turn. */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct file f = {(uint8_t *)(uintptr_t)bad[i], strlen(bad[i])};
        write_whole(path, &f);
        log_clear();
        if (cella_collateral_source_get(p.source, fmspc, "platform", &collateral) != CELLA_ERR_IO)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_logged("the TCB-Info-Issuer-Chain header is not URL-encoded text");
    }

    /* The same chain, encoded: decoded to the very bytes, and the quote verifies. */
    char *encoded = url_encode((const char *)chain.bytes, chain.size);
    struct file f = {(uint8_t *)encoded, strlen(encoded)};
    write_whole(path, &f);
    assert_int_equal(cella_collateral_source_get(p.source, fmspc, "platform", &collateral),
                     CELLA_OK);
    assert_int_equal(collateral.tcb_info_issuer_chain_size, chain.size);
    assert_memory_equal(collateral.tcb_info_issuer_chain, chain.bytes, chain.size);
    /* The QE Identity's header is not --raw-chain'd: the server encoded it itself. */
    assert_int_equal(collateral.qe_identity_issuer_chain_size, chain.size);
    assert_oasis_verified(cella_verifier_verify_from(p.verifier, p.quote.bytes, p.quote.size,
                                                     p.source, OASIS_NOW, &result),
                          &result);
    free(encoded);
    free(chain.bytes);
    pccs_finish(&p);
}

static void an_unreachable_pccs_gives_an_io_error_naming_the_url(void **state)
{
    cella_collateral_source_t *source = NULL;
    cella_verify_collateral_t collateral;
    struct sockaddr_in address = {.sin_family = AF_INET};
    socklen_t size = sizeof(address);
    char url[64];
    static const uint8_t fmspc[6] = {0x00, 0x60, 0x6a, 0x00, 0x00, 0x00};
    (void)state;

    /* A port that was free a moment ago, and is closed now. */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&address, sizeof(address)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&address, &size), 0);
    close(fd);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/", (unsigned)ntohs(address.sin_port));

    assert_int_equal(cella_collateral_source_open_pccs(url, &source), CELLA_OK);
    log_clear();
    assert_int_equal(cella_collateral_source_get(source, fmspc, "platform", &collateral),
                     CELLA_ERR_IO);
    /* The trailing '/' of the base URL is not doubled. */
    char expected[128];
    snprintf(expected, sizeof(expected), "GET http://127.0.0.1:%u/sgx/certification/v4/tcb",
             (unsigned)ntohs(address.sin_port));
    assert_logged(expected);
    cella_collateral_source_destroy(source);
}

static void only_http_and_https_base_urls_are_accepted(void **state)
{
    static const char *const bad[] = {
        "",
        "ftp://example.com",
        "file:///etc/passwd",
        "https://",
        "http:///path",
        "api.trustedservices.intel.com",
        "https://example.com/a b",
        "https://example.com/?x=1",
        "https://example.com/#top",
        "https://example.com/\n",
        "https://exa\x01mple.com",
        "https://key:secret@pccs.example.com",
    };
    cella_collateral_source_t *source = NULL;
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (cella_collateral_source_open_pccs(bad[i], &source) != CELLA_ERR_INVALID_ARGUMENT)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_null(source);
    }
    assert_int_equal(cella_collateral_source_open_pccs(NULL, &source), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(
        cella_collateral_source_open_pccs("https://api.trustedservices.intel.com", NULL),
        CELLA_ERR_INVALID_ARGUMENT);
    /* Opening fetches nothing, so these need no network. */
    assert_int_equal(
        cella_collateral_source_open_pccs("https://api.trustedservices.intel.com", &source),
        CELLA_OK);
    cella_collateral_source_destroy(source);
    assert_int_equal(cella_collateral_source_open_pccs("HTTP://127.0.0.1:8081/pccs/", &source),
                     CELLA_OK);
    cella_collateral_source_destroy(source);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_collateral_directory_verifies_a_real_quote_as_sw_hardening_needed),
        cmocka_unit_test(a_refresh_keeps_the_documents_served_unless_they_changed),
        cmocka_unit_test(a_directory_without_crls_is_refused_when_crls_are_required),
        cmocka_unit_test(a_missing_tcb_info_file_fails_as_tcb_info_naming_its_path),
        cmocka_unit_test(intels_sample_directory_serves_its_crls_but_its_quote_has_no_pck_chain),
        cmocka_unit_test(a_directory_source_checks_its_arguments),
        cmocka_unit_test(a_real_quote_verifies_through_a_pccs_and_its_collateral_is_kept),
        cmocka_unit_test(nothing_is_fetched_for_a_pck_certificate_no_root_vouches_for),
        cmocka_unit_test(the_older_tcb_info_issuer_chain_header_is_accepted),
        cmocka_unit_test(a_pccs_answering_500_fails_cleanly_with_the_status_and_url_in_the_log),
        cmocka_unit_test(a_pccs_without_the_platforms_tcb_info_gives_not_found),
        cmocka_unit_test(issuer_chain_headers_must_be_strictly_url_encoded),
        cmocka_unit_test(an_unreachable_pccs_gives_an_io_error_naming_the_url),
        cmocka_unit_test(only_http_and_https_base_urls_are_accepted),
    };
    /* The server is on this machine: no proxy may stand in between. */
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    cella_log_set_level(CELLA_LOG_INFO);
    cella_log_set_handler(capture, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
