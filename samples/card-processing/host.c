/* SPDX-License-Identifier: Apache-2.0 */
/* samples/card-processing/host.c: the untrusted side: sealed state, attestation, relaying. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include <cella/encoding.h>
#include <sgx_dcap_ql_wrapper.h>
#include <sgx_urts.h>

#include "card_u.h"
#include "frame.h"
#include "protocol.h"

#define ATTEST_PATH            "/attest/SgxEnclave?api-version=2022-08-01"
#define RESPONSE_MAX_BYTES     (1024u * 1024u)
#define CLIENT_TIMEOUT_SECONDS 10 /* a whole exchange with one client, by default */
#define CLIENT_TIMEOUT_MAX     3600

static void usage(void)
{
    fprintf(stderr,
            "usage: card_host --enclave FILE --state FILE --attest URL --listen SOCKET\n"
            "                 [--client-timeout SECONDS] [--allow-memory-inspection]\n"
            "       card_host --enclave FILE --state FILE --attest URL --print-token\n"
            "  Starts the card-processing enclave with the keys sealed in the state file (made\n"
            "  and sealed there on the first start), attests it at the attestation service URL,\n"
            "  and relays clients' encrypted card numbers from the Unix socket to the enclave\n"
            "  until SIGTERM or SIGINT, one client at a time, each given --client-timeout seconds\n"
            "  (default %d) for its whole exchange; --print-token prints the attestation token\n"
            "  and exits.\n",
            CLIENT_TIMEOUT_SECONDS);
}

CELLA_PRINTF(1, 2) static int fail(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("card host: ", stderr);
    vfprintf(stderr, format, arguments);
    fputc('\n', stderr);
    va_end(arguments);
    return 1;
}

/* Progress: on stdout, or on stderr when stdout carries the token (--print-token). */
static FILE *progress;

CELLA_PRINTF(1, 2) static void say(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("card host: ", progress);
    vfprintf(progress, format, arguments);
    fputc('\n', progress);
    va_end(arguments);
}

/* ---- the sealed state ----------------------------------------------------------------------- */

/* Reads path into buffer. Returns 0, ENOENT (no file yet), or another errno / EFBIG. */
static int read_state(const char *path, uint8_t *buffer, size_t capacity, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return errno;
    *size = fread(buffer, 1, capacity, file);
    int error = ferror(file) ? EIO : 0;
    if (error == 0 && fgetc(file) != EOF)
        error = EFBIG;
    fclose(file);
    return error;
}

/* Writes the state next to path, then renames it into place: a crash leaves the old or the new. */
static int write_state(const char *path, const uint8_t *data, size_t size)
{
    char temporary[4096];
    if (snprintf(temporary, sizeof(temporary), "%s.new", path) >= (int)sizeof(temporary))
        return fail("%s: the path is too long", path);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail("%s: %s", temporary, strerror(errno));
    bool written = write(fd, data, size) == (ssize_t)size && fsync(fd) == 0;
    if (close(fd) != 0 || !written || rename(temporary, path) != 0) {
        int error = errno;
        unlink(temporary);
        return fail("%s: cannot write the state: %s", path, strerror(error));
    }
    return 0;
}

static const char *explain_unsealing(int status)
{
    switch (status) {
    case SGX_ERROR_MAC_MISMATCH:
        return "the file was changed, or sealed by another signer's enclave or on another "
               "platform";
    case SGX_ERROR_INVALID_ISVSVN:
        return "it was sealed by a newer version of this enclave";
    case SGX_ERROR_INVALID_PARAMETER:
        return "it is not this enclave's state";
    case SGX_ERROR_UNEXPECTED:
        return "the platform keys are unavailable (the log line above says why)";
    default:
        return "see `cella error`";
    }
}

/* Unseals the enclave's keys from the state file, or has it make and seal new ones. */
static int start_keys(sgx_enclave_id_t eid, const char *path)
{
    uint8_t blob[CARD_SEALED_MAX_BYTES];
    size_t size = 0;
    int status = -1;

    int error = read_state(path, blob, sizeof(blob), &size);
    if (error == ENOENT) {
        if (card_keys_create(eid, &status, blob, sizeof(blob), &size) != SGX_SUCCESS ||
            status != SGX_SUCCESS)
            return fail("the enclave made no keys: 0x%04x", (unsigned)status);
        if (write_state(path, blob, size) != 0)
            return 1;
        say("first start: the enclave made its keys and sealed them to %s (%zu bytes)", path, size);
        return 0;
    }
    if (error != 0)
        return fail("%s: %s", path,
                    error == EFBIG ? "larger than any state this enclave writes" : strerror(error));
    if (card_keys_load(eid, &status, blob, size) != SGX_SUCCESS || status != SGX_SUCCESS)
        return fail("%s: the enclave refuses its state: 0x%04x: %s (the file is left as it is; "
                    "delete it only to start over with new keys and new tokens)",
                    path, (unsigned)status, explain_unsealing(status));
    say("the enclave unsealed its keys from %s", path);
    return 0;
}

/* ---- the quote and the attestation -------------------------------------------------------- */

/* The enclave's quote, its report binding SHA-256(public key). */
static int get_quote(sgx_enclave_id_t eid, uint8_t **quote, uint32_t *quote_size)
{
    sgx_target_info_t qe_target;
    sgx_report_t report;
    int status = -1;

    if (sgx_qe_get_target_info(&qe_target) != SGX_QL_SUCCESS)
        return fail("no target info from the quoting enclave");
    if (card_make_report(eid, &status, &qe_target, &report) != SGX_SUCCESS || status != SGX_SUCCESS)
        return fail("the enclave made no report: 0x%04x", (unsigned)status);
    quote3_error_t error = sgx_qe_get_quote_size(quote_size);
    if (error != SGX_QL_SUCCESS)
        return fail("no quote size: 0x%04x (see `cella error 0x%04x`)", (unsigned)error,
                    (unsigned)error);
    *quote = malloc(*quote_size);
    if (*quote == NULL)
        return fail("out of memory");
    error = sgx_qe_get_quote(&report, *quote_size, *quote);
    if (error != SGX_QL_SUCCESS) {
        free(*quote);
        *quote = NULL;
        return fail("no quote: 0x%04x (see `cella error 0x%04x`)", (unsigned)error,
                    (unsigned)error);
    }
    return 0;
}

/* data in base64url without padding, in a new string (NULL when out of memory). */
static char *base64url(const uint8_t *data, size_t size)
{
    size_t text_size = 0;
    if (cella_encoding_base64_encoded_size(size, CELLA_ENCODING_BASE64_NOPAD, &text_size) !=
        CELLA_OK)
        return NULL;
    text_size += 1;
    char *text = malloc(text_size);
    if (text != NULL && cella_encoding_base64url_encode(data, size, CELLA_ENCODING_BASE64_NOPAD,
                                                        text, &text_size) != CELLA_OK) {
        free(text);
        text = NULL;
    }
    return text;
}

typedef struct response {
    char *data;
    size_t size;
} response_t;

static size_t collect(char *data, size_t size, size_t count, void *context)
{
    response_t *response = context;
    size_t bytes = size * count;
    if (bytes > RESPONSE_MAX_BYTES - response->size)
        return 0; /* too large: curl reports a write error */
    char *grown = realloc(response->data, response->size + bytes + 1);
    if (grown == NULL)
        return 0;
    memcpy(grown + response->size, data, bytes);
    response->data = grown;
    response->size += bytes;
    response->data[response->size] = '\0';
    return bytes;
}

/*
 * POSTs the quote with the public key as runtime data to the service at url, as MAA's API
 * has it, and returns the token of its answer in *token (a new string).
 */
static int attest(const char *url, const uint8_t *quote, uint32_t quote_size,
                  const uint8_t public_key[CARD_PUBLIC_KEY_BYTES], char **token)
{
    char *quote_text = base64url(quote, quote_size);
    char *key_text = base64url(public_key, CARD_PUBLIC_KEY_BYTES);
    char *endpoint = NULL, *body = NULL;
    struct curl_slist *headers = NULL;
    response_t response = {NULL, 0};
    json_t *answer = NULL;
    CURL *curl = NULL;
    long http_status = 0;
    int rc = 1;

    if (quote_text == NULL || key_text == NULL)
        goto out;
    /* base64url needs no JSON escaping. */
    size_t body_size = strlen(quote_text) + strlen(key_text) + 128;
    size_t endpoint_size = strlen(url) + sizeof(ATTEST_PATH);
    body = malloc(body_size);
    endpoint = malloc(endpoint_size);
    if (body == NULL || endpoint == NULL)
        goto out;
    snprintf(body, body_size,
             "{\"quote\":\"%s\",\"runtimeData\":{\"data\":\"%s\",\"dataType\":\"Binary\"}}",
             quote_text, key_text);
    snprintf(endpoint, endpoint_size, "%s%s", url, ATTEST_PATH);

    curl = curl_easy_init();
    headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (curl == NULL || headers == NULL)
        goto out;
    curl_easy_setopt(curl, CURLOPT_URL, endpoint);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    CURLcode result = curl_easy_perform(curl);
    if (result != CURLE_OK) {
        fail("%s: %s", endpoint, curl_easy_strerror(result));
        goto out;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
    answer = response.data != NULL ? json_loadb(response.data, response.size, 0, NULL) : NULL;
    if (http_status != 200) {
        /* MAA's error body: {"error": {"code": ..., "message": ...}}. */
        json_t *error = json_object_get(answer, "error");
        fail("%s: HTTP %ld: %s: %s", endpoint, http_status,
             json_string_value(json_object_get(error, "code")) != NULL
                 ? json_string_value(json_object_get(error, "code"))
                 : "no MAA error code",
             json_string_value(json_object_get(error, "message")) != NULL
                 ? json_string_value(json_object_get(error, "message"))
                 : "");
        goto out;
    }
    const char *text = json_string_value(json_object_get(answer, "token"));
    if (text == NULL) {
        fail("%s: the answer holds no token", endpoint);
        goto out;
    }
    *token = strdup(text);
    rc = *token == NULL;
out:
    json_decref(answer);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    free(response.data);
    free(endpoint);
    free(body);
    free(key_text);
    free(quote_text);
    return rc;
}

/* ---- relaying ------------------------------------------------------------------------------ */

static volatile sig_atomic_t stop_requested;

static void request_stop(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

/* One client: the token out, its encrypted request to the enclave, the enclave's answer back. */
static void serve_client(sgx_enclave_id_t eid, int fd, const char *token, unsigned timeout)
{
    /* One deadline for the whole exchange: a client that trickles bytes cannot hold the host
     * (and every client queued behind it) for longer. */
    uint64_t deadline = frame_deadline(timeout);
    uint8_t request[CARD_REQUEST_MAX_BYTES];
    uint8_t answer[CARD_ANSWER_BYTES];
    size_t request_size = 0;
    int status = -1;

    if (!send_frame(fd, (const uint8_t *)token, strlen(token), deadline) ||
        !receive_frame(fd, request, sizeof(request), &request_size, deadline)) {
        if (errno == ETIMEDOUT)
            say("a client took longer than %u s for its exchange; dropped", timeout);
        else
            say("a client left, or sent no request of at most %d bytes", CARD_REQUEST_MAX_BYTES);
        return;
    }
    /* The host holds only ciphertext; the enclave decrypts. */
    if (card_process(eid, &status, request, request_size, answer, sizeof(answer)) != SGX_SUCCESS ||
        status != SGX_SUCCESS) {
        say("the enclave failed on a request: 0x%04x", (unsigned)status);
        return;
    }
    /* What the host learns: the result; masked number and token are the client's to read. */
    switch (answer[0]) {
    case CARD_RESULT_OK:
        say("relayed %zu encrypted bytes; the enclave answered with an encrypted masked number "
            "and token",
            request_size);
        break;
    case CARD_RESULT_NOT_A_CARD_NUMBER:
    case CARD_RESULT_CHECKSUM_FAILED:
        say("relayed %zu encrypted bytes; the enclave refused them: not a valid card number",
            request_size);
        break;
    default:
        say("relayed %zu bytes that the enclave could not decrypt", request_size);
        break;
    }
    if (!send_frame(fd, answer, sizeof(answer), deadline))
        say("the client left before the answer, or did not take it in time");
}

/* Listens on the Unix socket at path and serves one client after the other until a signal. */
static int serve(sgx_enclave_id_t eid, const char *path, const char *token, unsigned timeout)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    sigset_t blocked, unblocked;
    int listener = -1, rc = 1;
    bool bound = false;

    if (strlen(path) >= sizeof(address.sun_path))
        return fail("%s: too long for a socket path", path);
    memcpy(address.sun_path, path, strlen(path) + 1);

    /* SIGTERM and SIGINT only interrupt the wait for the next client (pselect), so an
     * exchange in progress always completes and the enclave is destroyed cleanly. */
    struct sigaction action = {.sa_handler = request_stop};
    sigemptyset(&action.sa_mask);
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    if (sigprocmask(SIG_BLOCK, &blocked, &unblocked) != 0 ||
        sigaction(SIGTERM, &action, NULL) != 0 || sigaction(SIGINT, &action, NULL) != 0)
        return fail("cannot handle signals: %s", strerror(errno));

    listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    bound =
        listener >= 0 && bind(listener, (const struct sockaddr *)&address, sizeof(address)) == 0;
    if (!bound || listen(listener, 8) != 0) {
        fail("%s: cannot listen: %s", path, strerror(errno));
        goto out;
    }
    say("listening on %s", path);
    while (!stop_requested) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(listener, &readable);
        if (pselect(listener + 1, &readable, NULL, NULL, NULL, &unblocked) < 0) {
            if (errno == EINTR)
                continue;
            fail("waiting for clients: %s", strerror(errno));
            goto out;
        }
        int client = accept(listener, NULL, NULL);
        if (client < 0)
            continue; /* gone before it was accepted */
        serve_client(eid, client, token, timeout);
        close(client);
    }
    say("stopping");
    rc = 0;
out:
    if (listener >= 0)
        close(listener);
    if (bound)
        unlink(path); /* only the socket this process made */
    return rc;
}

/* ---- main ---------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    const char *enclave_path = NULL, *state_path = NULL, *url = NULL, *socket_path = NULL;
    bool print_token = false, allow_inspection = false;
    unsigned client_timeout = CLIENT_TIMEOUT_SECONDS;
    sgx_enclave_id_t eid = 0;
    uint8_t public_key[CARD_PUBLIC_KEY_BYTES];
    uint8_t *quote = NULL;
    uint32_t quote_size = 0;
    char *token = NULL;
    int status = -1, rc = 1;

    for (int i = 1; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp(argv[i], "--enclave") == 0 && has_value) {
            enclave_path = argv[++i];
        } else if (strcmp(argv[i], "--state") == 0 && has_value) {
            state_path = argv[++i];
        } else if (strcmp(argv[i], "--attest") == 0 && has_value) {
            url = argv[++i];
        } else if (strcmp(argv[i], "--listen") == 0 && has_value) {
            socket_path = argv[++i];
        } else if (strcmp(argv[i], "--client-timeout") == 0 && has_value) {
            char *end = NULL;
            errno = 0;
            unsigned long seconds = strtoul(argv[++i], &end, 10);
            if (errno != 0 || end == argv[i] || *end != '\0' || seconds == 0 ||
                seconds > CLIENT_TIMEOUT_MAX) {
                fail("--client-timeout %s: give whole seconds from 1 to %d", argv[i],
                     CLIENT_TIMEOUT_MAX);
                return 64;
            }
            client_timeout = (unsigned)seconds;
        } else if (strcmp(argv[i], "--print-token") == 0) {
            print_token = true;
        } else if (strcmp(argv[i], "--allow-memory-inspection") == 0) {
            allow_inspection = true;
        } else {
            usage();
            return 64;
        }
    }
    /* Either serve clients or print the token: exactly one of the two. */
    if (enclave_path == NULL || state_path == NULL || url == NULL ||
        (socket_path != NULL) == print_token) {
        usage();
        return 64;
    }

    /* Output goes to a log file in the demo: one line at a time. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    progress = print_token ? stderr : stdout;
    /* Under Yama's ptrace_scope 1 only a process's ancestors may read its memory; the demo's
     * scan, which proves no card number is in here, runs beside this process. */
    if (allow_inspection)
        (void)prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return fail("libcurl does not start");

    sgx_status_t created = sgx_create_enclave(enclave_path, SGX_DEBUG_FLAG, NULL, NULL, &eid, NULL);
    if (created != SGX_SUCCESS) {
        fail("cannot create the enclave %s: 0x%04x (see `cella error 0x%04x`)", enclave_path,
             (unsigned)created, (unsigned)created);
        goto out;
    }
    if (start_keys(eid, state_path) != 0)
        goto out;
    if (card_get_public_key(eid, &status, public_key) != SGX_SUCCESS || status != SGX_SUCCESS) {
        fail("the enclave has no public key: 0x%04x", (unsigned)status);
        goto out;
    }
    if (get_quote(eid, &quote, &quote_size) != 0 ||
        attest(url, quote, quote_size, public_key, &token) != 0)
        goto out;
    if (print_token) {
        printf("%s\n", token);
        rc = 0;
        goto out;
    }
    say("quote of %u bytes attested at %s: a token of %zu bytes", quote_size, url, strlen(token));
    rc = serve(eid, socket_path, token, client_timeout);
out:
    free(token);
    free(quote);
    if (eid != 0)
        sgx_destroy_enclave(eid);
    curl_global_cleanup();
    return rc;
}
