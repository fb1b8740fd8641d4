/* SPDX-License-Identifier: Apache-2.0 */
/* host/dcap_ql.c: DCAP quote generation (sgx_dcap_ql_wrapper.h), here or by cella-platformd. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <sgx_dcap_ql_wrapper.h>

#include "../common/log_internal.h"
#include "../monitor/protocol.h"
#include "enclave.h"
#include "keys.h"
#include "quoting.h"

/*
 * Who quotes follows who made the report: in dev mode and sim, the user's platform secrets
 * MAC'd it (in this process or the user's monitor), and this process reads the same secrets;
 * in service mode cella-platformd's secrets did, and only its monitor can quote. The socket
 * is chosen as the sandbox backend chooses it for enclaves (host/sandbox.c): the one the
 * application set, else CELLA_PLATFORM_SOCKET.
 */

#define SOCKET_PATH_BYTES sizeof(((struct sockaddr_un *)0)->sun_path)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char chosen_socket[SOCKET_PATH_BYTES]; /* "" : the environment decides */
static cella_keys_secrets_t *local_secrets;   /* dev mode: made on first use, kept */
static cella_quoting_t *local_quoting;

cella_result_t cella_dcap_ql_set_platform_socket(const char *path)
{
    size_t length = path != NULL ? strlen(path) : 0;

    if (length >= sizeof(chosen_socket))
        return CELLA_ERR_INVALID_ARGUMENT;
    pthread_mutex_lock(&lock);
    memset(chosen_socket, 0, sizeof(chosen_socket));
    if (length > 0)
        memcpy(chosen_socket, path, length);
    pthread_mutex_unlock(&lock);
    return CELLA_OK;
}

/* Service mode's socket into path; false for dev mode (or a path too long: *status). */
static bool platform_socket(char path[SOCKET_PATH_BYTES], quote3_error_t *status)
{
    *status = SGX_QL_SUCCESS;
    pthread_mutex_lock(&lock);
    memcpy(path, chosen_socket, SOCKET_PATH_BYTES);
    pthread_mutex_unlock(&lock);
    if (path[0] != '\0')
        return true;
    const char *variable = secure_getenv("CELLA_PLATFORM_SOCKET"); /* not for set-user-ID */
    if (variable == NULL || variable[0] == '\0')
        return false;
    if (strlen(variable) >= SOCKET_PATH_BYTES) {
        cella_log(CELLA_LOG_ERROR,
                  "CELLA_PLATFORM_SOCKET is longer than a Unix socket path can "
                  "be (%zu bytes)",
                  SOCKET_PATH_BYTES - 1);
        *status = SGX_QL_ERROR_INVALID_PARAMETER;
        return false;
    }
    memcpy(path, variable, strlen(variable) + 1);
    return true;
}

/* ---- dev mode and sim: this process is the QE ------------------------------------------------ */

/* The QE of the user's platform, made on first use; a failure is tried again next time. */
static quote3_error_t local_qe(const cella_quoting_t **out)
{
    char state_dir[PATH_MAX];
    quote3_error_t status = SGX_QL_ERROR_UNEXPECTED;

    pthread_mutex_lock(&lock);
    if (local_quoting != NULL) {
        status = SGX_QL_SUCCESS;
        goto out;
    }
    if (cella_keys_state_dir(state_dir, sizeof(state_dir)) != CELLA_OK) {
        cella_log(CELLA_LOG_ERROR, "quoting: no state directory for the platform secrets is "
                                   "known (set CELLA_STATE_DIR or HOME)");
        goto out;
    }
    cella_result_t r = CELLA_OK;
    if (local_secrets == NULL)
        r = cella_keys_secrets_create(state_dir, &local_secrets);
    if (r == CELLA_OK)
        r = cella_quoting_create(local_secrets, &local_quoting);
    if (r == CELLA_ERR_OUT_OF_MEMORY)
        status = SGX_QL_ERROR_OUT_OF_MEMORY;
    if (r == CELLA_OK)
        status = SGX_QL_SUCCESS;
out:
    *out = local_quoting;
    pthread_mutex_unlock(&lock);
    return status;
}

/* ---- service mode: cella-platformd's monitor is the QE --------------------------------------- */

static int connect_platform(const char *path, quote3_error_t *status)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    int result;

    *status = SGX_QL_ERROR_OUT_OF_MEMORY;
    if (fd < 0)
        return -1;
    memcpy(address.sun_path, path, strlen(path) + 1);
    do {
        result = connect(fd, (const struct sockaddr *)&address, sizeof(address));
    } while (result != 0 && errno == EINTR);
    if (result == 0)
        return fd;
    int error = errno;
    cella_log(CELLA_LOG_ERROR, "quoting: cannot reach cella-platformd at %s: %s; %s", path,
              strerror(error),
              error == ENOENT || error == ECONNREFUSED
                  ? "start it, or unset CELLA_PLATFORM_SOCKET to quote in dev mode"
              : error == EACCES || error == EPERM
                  ? "this user may not use it: add the user to the socket's group"
                  : "check that cella-platformd listens there");
    close(fd);
    *status = SGX_QL_SERVICE_UNAVAILABLE;
    return -1;
}

/* What the daemon's monitor sends after QUOTE. */
union answer {
    uint32_t type;
    cella_monitor_log_t log;
    cella_monitor_quote_result_t result;
};

/* One message of the daemon's monitor, validated: its size; 0 when it closed; -1 when bad. */
static ssize_t receive_answer(int fd, union answer *message)
{
    ssize_t n;

    do {
        n = recv(fd, message, sizeof(*message), MSG_TRUNC);
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return 0;
    if ((size_t)n > sizeof(*message) || (size_t)n < sizeof(uint32_t))
        return -1;
    if (message->type == CELLA_MONITOR_MSG_LOG && (size_t)n == sizeof(message->log)) {
        message->log.text[sizeof(message->log.text) - 1] = '\0';
        return n;
    }
    if (message->type == CELLA_MONITOR_MSG_QUOTE_RESULT &&
        (size_t)n >= CELLA_MONITOR_QUOTE_RESULT_HEADER_BYTES)
        return n;
    return -1;
}

/*
 * Asks cella-platformd: for the size of a quote (report NULL), or for the quote of report
 * into quote (capacity bytes). *quote_size receives the size of a quote.
 */
static quote3_error_t ask_platform(const char *path, const sgx_report_t *report, uint8_t *quote,
                                   uint32_t capacity, uint32_t *quote_size)
{
    cella_monitor_quote_t request;
    union answer *message = malloc(sizeof(*message));
    quote3_error_t status = SGX_QL_ERROR_OUT_OF_MEMORY;
    int fd = -1;

    if (message == NULL)
        goto out;
    fd = connect_platform(path, &status);
    if (fd < 0)
        goto out;
    memset(&request, 0, sizeof(request));
    request.type = CELLA_MONITOR_MSG_QUOTE;
    request.version = CELLA_MONITOR_PROTOCOL_VERSION;
    request.flags = report == NULL ? CELLA_MONITOR_QUOTE_SIZE_ONLY : 0;
    if (report != NULL)
        memcpy(request.report, report, sizeof(request.report));
    status = SGX_QL_SERVICE_UNAVAILABLE;
    ssize_t n;
    do {
        n = send(fd, &request, sizeof(request), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(request)) {
        cella_log(CELLA_LOG_ERROR, "quoting: cannot send the request to cella-platformd: %s",
                  n < 0 ? strerror(errno) : "short write");
        goto out;
    }
    for (;;) {
        n = receive_answer(fd, message);
        if (n <= 0) {
            cella_log(CELLA_LOG_ERROR,
                      "quoting: cella-platformd %s (is it from the same cella "
                      "version as the application?)",
                      n == 0 ? "closed the connection without a quote" : "sent a bad message");
            status = n == 0 ? SGX_QL_SERVICE_UNAVAILABLE : SGX_QL_ERROR_UNEXPECTED;
            goto out;
        }
        if (message->type == CELLA_MONITOR_MSG_LOG) {
            cella_log_level_t level = message->log.level <= CELLA_LOG_DEBUG
                                          ? (cella_log_level_t)message->log.level
                                          : CELLA_LOG_DEBUG;
            cella_log(level, "cella-platformd: %s", message->log.text);
            continue;
        }
        break;
    }
    const cella_monitor_quote_result_t *result = &message->result;
    size_t payload = (size_t)n - CELLA_MONITOR_QUOTE_RESULT_HEADER_BYTES;
    status = (quote3_error_t)result->status;
    *quote_size = result->quote_size;
    if (status != SGX_QL_SUCCESS)
        goto out;
    /* A quote, when one was asked for, fills the rest of the answer exactly. */
    if (payload != (report != NULL ? result->quote_size : 0) || result->quote_size == 0) {
        cella_log(CELLA_LOG_ERROR,
                  "quoting: cella-platformd's answer has %zu bytes of quote; "
                  "it announced %u",
                  payload, result->quote_size);
        status = SGX_QL_ERROR_UNEXPECTED;
        goto out;
    }
    if (report != NULL) {
        if (capacity < result->quote_size) {
            cella_log(CELLA_LOG_ERROR,
                      "quoting: the quote buffer has %u bytes; a quote needs %u "
                      "(sgx_qe_get_quote_size)",
                      capacity, result->quote_size);
            status = SGX_QL_ERROR_INVALID_PARAMETER;
            goto out;
        }
        memcpy(quote, result->quote, result->quote_size);
    }
out:
    if (fd >= 0)
        close(fd);
    free(message);
    return status;
}

/* ---- the SDK's functions --------------------------------------------------------------------- */

quote3_error_t sgx_qe_set_enclave_load_policy(sgx_ql_request_policy_t policy)
{
    /* There is no enclave to keep loaded or to unload: both policies are the same here. */
    if (policy != SGX_QL_PERSISTENT && policy != SGX_QL_EPHEMERAL)
        return SGX_QL_UNSUPPORTED_LOADING_POLICY;
    return SGX_QL_SUCCESS;
}

quote3_error_t sgx_qe_get_target_info(sgx_target_info_t *p_qe_target_info)
{
    if (p_qe_target_info == NULL)
        return SGX_QL_ERROR_INVALID_PARAMETER;
    cella_quoting_get_target_info(p_qe_target_info);
    return SGX_QL_SUCCESS;
}

quote3_error_t sgx_qe_get_quote_size(uint32_t *p_quote_size)
{
    char path[SOCKET_PATH_BYTES];
    const cella_quoting_t *quoting = NULL;
    quote3_error_t status = SGX_QL_SUCCESS;

    if (p_quote_size == NULL)
        return SGX_QL_ERROR_INVALID_PARAMETER;
    cella_host_log_init();
    if (platform_socket(path, &status)) {
        uint32_t size = 0;
        status = ask_platform(path, NULL, NULL, 0, &size);
        if (status == SGX_QL_SUCCESS)
            *p_quote_size = size;
        return status;
    }
    if (status != SGX_QL_SUCCESS)
        return status;
    status = local_qe(&quoting);
    if (status == SGX_QL_SUCCESS)
        *p_quote_size = cella_quoting_get_quote_size(quoting);
    return status;
}

quote3_error_t sgx_qe_get_quote(const sgx_report_t *p_app_report, uint32_t quote_size,
                                uint8_t *p_quote)
{
    char path[SOCKET_PATH_BYTES];
    const cella_quoting_t *quoting = NULL;
    quote3_error_t status = SGX_QL_SUCCESS;

    if (p_app_report == NULL || p_quote == NULL)
        return SGX_QL_ERROR_INVALID_PARAMETER;
    cella_host_log_init();
    if (platform_socket(path, &status)) {
        uint32_t size = 0;
        return ask_platform(path, p_app_report, p_quote, quote_size, &size);
    }
    if (status != SGX_QL_SUCCESS)
        return status;
    status = local_qe(&quoting);
    if (status != SGX_QL_SUCCESS)
        return status;
    return cella_quoting_get_quote(quoting, p_app_report, p_quote, quote_size);
}

quote3_error_t sgx_qe_cleanup_by_policy(void)
{
    /* Nothing to unload: the platform's keys stay in this process until it ends. */
    return SGX_QL_SUCCESS;
}
