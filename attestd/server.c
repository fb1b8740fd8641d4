/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/server.c: libmicrohttpd with a thread pool, optional TLS, limits, routes, MAA errors. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/rand.h>

#include <cella/memory.h>

#include "../common/log_internal.h"
#include "attest.h"
#include "metadata.h"
#include "policies.h"
#include "server.h"
#include "service.h"

#ifndef CELLA_VERSION
#define CELLA_VERSION "0"
#endif

/* A client that keeps sending past the limit is cut off after this many times the limit
 * (it gets the 413 when it stops sooner). */
#define DISCARD_FACTOR 4

/* The api-version values MAA's clients send (maa-api.md §2). */
static const char *const api_versions[] = {"2020-10-01", "2022-08-01", "2025-06-01"};

/*
 * One thread accepts connections and hands each to the worker that serves the fewest (each
 * worker is a libmicrohttpd daemon with one thread of its own, without a listening socket).
 * With libmicrohttpd's own thread pool every worker accepts from the shared socket, and the
 * first to wake takes a whole burst of new connections: a few keep-alive clients could then
 * all land on one worker and leave the other cores idle.
 */
struct worker {
    struct MHD_Daemon *daemon;
    atomic_uint connections; /* open now (libmicrohttpd's connection notifications) */
    unsigned limit;          /* its share of max_connections */
};

/* How long the acceptor waits before it tries again when every worker is full, or when
 * the process is out of file descriptors. */
#define ACCEPT_RETRY_MILLISECONDS 50

struct cella_server {
    int listen_fd;
    uint16_t port;
    bool ipv6;
    unsigned threads;
    size_t max_body_bytes;
    unsigned timeout_seconds;
    unsigned max_connections;
    char *tls_cert;
    char *tls_key;
    size_t tls_key_size;
    struct worker *workers; /* threads of them, once started */
    unsigned worker_count;
    int wake[2]; /* a pipe: a byte on it stops the acceptor */
    pthread_t acceptor;
    bool accepting; /* the acceptor runs */
    cella_service_t *service;
};

/* One request's body, as it arrives. */
struct upload {
    char *body;
    size_t size;
    size_t capacity;
    size_t received; /* including what was discarded */
    bool too_large;
};

/* ---- responses ------------------------------------------------------------------------------- */

void cella_server_set_error(cella_server_response_t *response, unsigned status, const char *code,
                            const char *format, ...)
{
    char message[CELLA_SERVER_MESSAGE_MAX_BYTES];
    va_list arguments;

    va_start(arguments, format);
    vsnprintf(message, sizeof(message), format, arguments);
    va_end(arguments);
    if (response->body != NULL && !response->borrowed)
        free(response->body);
    response->body = NULL;
    response->body_size = 0;
    response->borrowed = false;
    response->status = status;
    response->error_code = code;
    json_t *error = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
    char *text = error != NULL ? json_dumps(error, JSON_COMPACT) : NULL;
    json_decref(error);
    if (text == NULL) {
        response->status = 500;
        response->error_code = CELLA_SERVER_INTERNAL_ERROR;
        return;
    }
    response->body = text;
    response->body_size = strlen(text);
}

void cella_server_set_json(cella_server_response_t *response, json_t *body)
{
    char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;

    json_decref(body);
    if (text == NULL) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR, "out of memory");
        return;
    }
    if (response->body != NULL && !response->borrowed)
        free(response->body);
    response->status = 200;
    response->body = text;
    response->body_size = strlen(text);
    response->borrowed = false;
    response->error_code = NULL;
}

void cella_server_set_token(cella_server_response_t *response, const char *token)
{
    static const char prefix[] = "{\"token\":\"", suffix[] = "\"}";
    size_t size = strlen(token);

    /* A JWS compact token is base64url and dots: nothing to escape, so the answer is written
     * as it is, without a JSON object and a copy of the token made and serialised. */
    if (strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") !=
        size) {
        cella_server_set_json(response, json_pack("{s:s}", "token", token));
        return;
    }
    char *body = malloc(sizeof(prefix) - 1 + size + sizeof(suffix));
    if (body == NULL) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR, "out of memory");
        return;
    }
    memcpy(body, prefix, sizeof(prefix) - 1);
    memcpy(body + sizeof(prefix) - 1, token, size);
    memcpy(body + sizeof(prefix) - 1 + size, suffix, sizeof(suffix));
    if (response->body != NULL && !response->borrowed)
        free(response->body);
    response->status = 200;
    response->body = body;
    response->body_size = sizeof(prefix) - 1 + size + sizeof(suffix) - 1;
    response->borrowed = false;
    response->error_code = NULL;
}

/* ---- routing --------------------------------------------------------------------------------- */

typedef enum action {
    ACTION_ATTEST,
    ACTION_CERTS,
    ACTION_OPENID,
    ACTION_POLICY_GET,
    ACTION_POLICY_SET,
    ACTION_POLICY_RESET,
    ACTION_CERTIFICATES,
    ACTION_ISOLATED_ONLY,
} action_t;

typedef enum media {
    MEDIA_NONE, /* no body expected */
    MEDIA_JSON, /* application/json */
    MEDIA_TEXT, /* a policy token: text/plain (or JSON, JWT, JOSE) */
} media_t;

/*
 * The routes. A path is prefix, then (with_type) an attestation type without '/' or ':',
 * then suffix; without a type, prefix is the whole path.
 */
typedef struct route {
    const char *method;
    const char *prefix;
    bool with_type;
    const char *suffix;
    bool api_version; /* api-version required */
    media_t media;
    action_t action;
} route_t;

static const route_t routes[] = {
    {"POST", "/attest/", true, "", true, MEDIA_JSON, ACTION_ATTEST},
    {"GET", "/certs", false, "", false, MEDIA_NONE, ACTION_CERTS},
    {"GET", "/.well-known/openid-configuration", false, "", false, MEDIA_NONE, ACTION_OPENID},
    {"GET", "/policies/", true, "", true, MEDIA_NONE, ACTION_POLICY_GET},
    {"PUT", "/policies/", true, "", true, MEDIA_TEXT, ACTION_POLICY_SET},
    {"POST", "/policies/", true, ":reset", true, MEDIA_TEXT, ACTION_POLICY_RESET},
    {"GET", "/certificates", false, "", true, MEDIA_NONE, ACTION_CERTIFICATES},
    {"POST", "/certificates:add", false, "", true, MEDIA_NONE, ACTION_ISOLATED_ONLY},
    {"POST", "/certificates:remove", false, "", true, MEDIA_NONE, ACTION_ISOLATED_ONLY},
};

/* MAA's attestation types that this service does not attest (maa-api.md §2). */
static const char *const other_types[] = {"SevSnpVm",   "TdxVm",          "Tpm",
                                          "AzureGuest", "CyResComponent", "VBSEnclave"};

/* Whether path is route's; *type and *type_size receive the type part. */
static bool route_matches(const route_t *route, const char *path, const char **type,
                          size_t *type_size)
{
    size_t path_size = strlen(path);
    size_t prefix_size = strlen(route->prefix);
    size_t suffix_size = strlen(route->suffix);

    if (!route->with_type)
        return strcmp(path, route->prefix) == 0;
    if (path_size <= prefix_size + suffix_size || strncmp(path, route->prefix, prefix_size) != 0 ||
        strcmp(path + path_size - suffix_size, route->suffix) != 0)
        return false;
    *type = path + prefix_size;
    *type_size = path_size - prefix_size - suffix_size;
    for (size_t i = 0; i < *type_size; i++)
        if ((*type)[i] == '/' || (*type)[i] == ':')
            return false;
    return true;
}

/* The media type without its parameters, compared case-insensitively. */
static bool media_is(const char *content_type, const char *media_type)
{
    size_t size = strlen(media_type);
    if (strncasecmp(content_type, media_type, size) != 0)
        return false;
    char next = content_type[size];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

static bool media_accepted(media_t media, const char *content_type)
{
    if (content_type == NULL || content_type[0] == '\0' || media == MEDIA_NONE)
        return true;
    if (media == MEDIA_JSON)
        return media_is(content_type, "application/json");
    return media_is(content_type, "text/plain") || media_is(content_type, "application/json") ||
           media_is(content_type, "application/jwt") || media_is(content_type, "application/jose");
}

static bool api_version_known(const char *version)
{
    for (size_t i = 0; i < sizeof(api_versions) / sizeof(api_versions[0]); i++)
        if (strcmp(version, api_versions[i]) == 0)
            return true;
    return false;
}

/* The answer to a path of a known attestation type that this service has no part for. */
static bool is_other_type(const char *type, size_t type_size)
{
    for (size_t i = 0; i < sizeof(other_types) / sizeof(other_types[0]); i++)
        if (strlen(other_types[i]) == type_size && memcmp(other_types[i], type, type_size) == 0)
            return true;
    return false;
}

static void run(cella_service_t *service, const route_t *route, const char *type, size_t type_size,
                const cella_server_request_t *request, cella_server_response_t *response)
{
    cella_policies_type_t policy_type = CELLA_POLICIES_SGX_ENCLAVE;

    if (route->with_type && !cella_policies_type_parse(type, type_size, &policy_type)) {
        if (is_other_type(type, type_size))
            cella_server_set_error(response, 400, CELLA_SERVER_INVALID_OPERATION,
                                   "this service attests SGX enclaves only (SgxEnclave, "
                                   "OpenEnclave), not %.*s",
                                   (int)type_size, type);
        else
            cella_server_set_error(response, 400, CELLA_SERVER_INVALID_PARAMETER,
                                   "unknown attestation type '%.*s'",
                                   (int)type_size > 64 ? 64 : (int)type_size, type);
        return;
    }
    switch (route->action) {
    case ACTION_ATTEST:
        cella_attest_handle(service, policy_type, request, response);
        break;
    case ACTION_CERTS:
        cella_metadata_handle_certs(service, request, response);
        break;
    case ACTION_OPENID:
        cella_metadata_handle_openid(service, request, response);
        break;
    case ACTION_POLICY_GET:
        cella_policies_handle_get(service, policy_type, request, response);
        break;
    case ACTION_POLICY_SET:
        cella_policies_handle_set(service, policy_type, request, response);
        break;
    case ACTION_POLICY_RESET:
        cella_policies_handle_reset(service, policy_type, request, response);
        break;
    case ACTION_CERTIFICATES:
        cella_policies_handle_certificates(service, request, response);
        break;
    case ACTION_ISOLATED_ONLY:
        cella_server_set_error(response, 400, CELLA_SERVER_INVALID_OPERATION,
                               "policy management certificates belong to Isolated instances; "
                               "this service has none");
        break;
    }
}

void cella_server_dispatch(cella_service_t *service, const cella_server_request_t *request,
                           cella_server_response_t *response)
{
    const route_t *found = NULL;
    const char *type = NULL;
    size_t type_size = 0;
    bool path_known = false;
    char *allowed = response->allow;
    size_t allowed_size = sizeof(response->allow);

    allowed[0] = '\0';

    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]) && found == NULL; i++) {
        const char *route_type = NULL;
        size_t route_type_size = 0;
        if (!route_matches(&routes[i], request->path, &route_type, &route_type_size))
            continue;
        path_known = true;
        if (strcmp(request->method, routes[i].method) == 0) {
            found = &routes[i];
            type = route_type;
            type_size = route_type_size;
        } else if (strstr(allowed, routes[i].method) == NULL) {
            size_t used = strlen(allowed);
            snprintf(allowed + used, allowed_size - used, "%s%s", used == 0 ? "" : ", ",
                     routes[i].method);
        }
    }
    if (found != NULL)
        allowed[0] = '\0'; /* the Allow header is for 405 only */
    if (found == NULL && !path_known) {
        cella_server_set_error(response, 404, CELLA_SERVER_NOT_FOUND, "no resource at this path");
        return;
    }
    if (found == NULL) {
        cella_server_set_error(response, 405, CELLA_SERVER_METHOD_NOT_ALLOWED,
                               "%.16s is not allowed here; allowed: %s", request->method, allowed);
        return;
    }
    if (found->api_version && request->api_version == NULL) {
        cella_server_set_error(response, 400, CELLA_SERVER_API_VERSION_MISSING,
                               "An API version is required, but was not specified (add "
                               "?api-version=2022-08-01)");
        return;
    }
    if (found->api_version && !api_version_known(request->api_version)) {
        cella_server_set_error(response, 400, CELLA_SERVER_API_VERSION_BAD,
                               "The HTTP resource that matches the request URI does not support "
                               "the API version '%.32s' (supported: 2020-10-01, 2022-08-01, "
                               "2025-06-01)",
                               request->api_version);
        return;
    }
    if (!media_accepted(found->media, request->content_type)) {
        cella_server_set_error(
            response, 415, CELLA_SERVER_UNSUPPORTED_MEDIA, "the body must be %s, not %.64s",
            found->media == MEDIA_JSON ? "application/json" : "text/plain", request->content_type);
        return;
    }
    run(service, found, type, type_size, request, response);
}

/* ---- libmicrohttpd -----------------------------------------------------------------------------
 */

static void log_from_mhd(void *context, const char *format, va_list arguments)
    __attribute__((format(printf, 2, 0)));

static void log_from_mhd(void *context, const char *format, va_list arguments)
{
    char message[CELLA_LOG_MESSAGE_MAX_BYTES];
    (void)context;

    vsnprintf(message, sizeof(message), format, arguments);
    /* libmicrohttpd ends its messages with a newline. */
    size_t size = strlen(message);
    while (size > 0 && (message[size - 1] == '\n' || message[size - 1] == '\r'))
        message[--size] = '\0';
    cella_log(CELLA_LOG_WARNING, "http: %s", message);
}

static void request_completed(void *context, struct MHD_Connection *connection, void **state,
                              enum MHD_RequestTerminationCode code)
{
    (void)context, (void)connection, (void)code;
    struct upload *upload = *state;
    if (upload != NULL) {
        free(upload->body);
        free(upload);
        *state = NULL;
    }
}

/* A random request id in UUID form, as MAA's x-ms-request-id. */
static void request_id(char id[37])
{
    uint8_t bytes[16];

    if (RAND_bytes(bytes, sizeof(bytes)) != 1)
        memset(bytes, 0, sizeof(bytes));
    bytes[6] = (uint8_t)((bytes[6] & 0x0f) | 0x40);
    bytes[8] = (uint8_t)((bytes[8] & 0x3f) | 0x80);
    snprintf(id, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
             bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
}

static enum MHD_Result send_response(struct MHD_Connection *connection,
                                     cella_server_response_t *response)
{
    struct MHD_Response *reply = NULL;
    char id[37];

    if (response->body == NULL || response->borrowed)
        reply = MHD_create_response_from_buffer(response->body_size, response->body,
                                                MHD_RESPMEM_PERSISTENT);
    else
        reply = MHD_create_response_from_buffer(response->body_size, response->body,
                                                MHD_RESPMEM_MUST_FREE);
    if (reply == NULL) {
        if (!response->borrowed)
            free(response->body);
        return MHD_NO;
    }
    request_id(id);
    bool ok = MHD_add_response_header(reply, MHD_HTTP_HEADER_CONTENT_TYPE,
                                      "application/json; charset=utf-8") == MHD_YES &&
              MHD_add_response_header(reply, "x-ms-request-id", id) == MHD_YES &&
              MHD_add_response_header(reply, "x-ms-maa-service-version",
                                      "cella-attestd/" CELLA_VERSION) == MHD_YES &&
              MHD_add_response_header(reply, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") == MHD_YES;
    if (ok && response->error_code != NULL)
        ok = MHD_add_response_header(reply, "x-ms-error-code", response->error_code) == MHD_YES;
    if (ok && response->status == 405 && response->allow[0] != '\0')
        ok = MHD_add_response_header(reply, MHD_HTTP_HEADER_ALLOW, response->allow) == MHD_YES;
    enum MHD_Result result = ok ? MHD_queue_response(connection, response->status, reply) : MHD_NO;
    MHD_destroy_response(reply);
    return result;
}

static enum MHD_Result handle(void *context, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **state)
{
    cella_server_t *server = context;
    struct upload *upload = *state;
    cella_server_response_t response = {0, NULL, 0, false, NULL, ""};
    (void)version;

    if (upload == NULL) {
        /* The headers are in: refuse a declared oversized body before reading it. */
        upload = calloc(1, sizeof(*upload));
        if (upload == NULL)
            return MHD_NO;
        *state = upload;
        const char *length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length != NULL && strtoull(length, NULL, 10) > server->max_body_bytes) {
            cella_server_set_error(&response, 413, CELLA_SERVER_TOO_LARGE,
                                   "the body is larger than %zu bytes", server->max_body_bytes);
            return send_response(connection, &response);
        }
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        size_t size = *upload_data_size;
        *upload_data_size = 0;
        if (__builtin_add_overflow(upload->received, size, &upload->received) ||
            upload->received > DISCARD_FACTOR * server->max_body_bytes)
            return MHD_NO; /* a client that will not stop: close the connection */
        if (upload->too_large || upload->size + size > server->max_body_bytes) {
            upload->too_large = true;
            return MHD_YES;
        }
        if (upload->size + size + 1 > upload->capacity) {
            size_t capacity = upload->capacity == 0 ? 4096 : upload->capacity;
            while (capacity < upload->size + size + 1)
                capacity *= 2;
            char *grown = realloc(upload->body, capacity);
            if (grown == NULL)
                return MHD_NO;
            upload->body = grown;
            upload->capacity = capacity;
        }
        memcpy(upload->body + upload->size, upload_data, size);
        upload->size += size;
        upload->body[upload->size] = '\0';
        return MHD_YES;
    }
    if (upload->too_large) {
        cella_server_set_error(&response, 413, CELLA_SERVER_TOO_LARGE,
                               "the body is larger than %zu bytes", server->max_body_bytes);
        return send_response(connection, &response);
    }
    cella_server_request_t request = {
        .method = method,
        .path = url,
        .api_version =
            MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "api-version"),
        .content_type =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .authorization =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
        .body = upload->body != NULL ? upload->body : "",
        .body_size = upload->size,
    };
    cella_server_dispatch(server->service, &request, &response);
    if (response.status >= 400 && response.status != 404)
        cella_log(response.status >= 500 ? CELLA_LOG_ERROR : CELLA_LOG_INFO, "%s %s: %u %s", method,
                  url, response.status, response.body != NULL ? response.body : "");
    return send_response(connection, &response);
}

/* ---- listening ------------------------------------------------------------------------------- */

bool cella_server_is_loopback(const char *address)
{
    struct in_addr v4;
    struct in6_addr v6;

    if (address == NULL)
        return false;
    if (inet_pton(AF_INET, address, &v4) == 1)
        return ntohl(v4.s_addr) == INADDR_LOOPBACK;
    if (inet_pton(AF_INET6, address, &v6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

static char *copy_secret(const char *text, size_t *size)
{
    *size = strlen(text);
    char *copy = malloc(*size + 1);
    if (copy != NULL)
        memcpy(copy, text, *size + 1);
    return copy;
}

static void server_free(cella_server_t *server)
{
    if (server == NULL)
        return;
    if (server->listen_fd >= 0)
        close(server->listen_fd);
    for (int i = 0; i < 2; i++)
        if (server->wake[i] >= 0)
            close(server->wake[i]);
    free(server->workers);
    free(server->tls_cert);
    if (server->tls_key != NULL) {
        cella_memory_wipe(server->tls_key, server->tls_key_size);
        free(server->tls_key);
    }
    free(server);
}

cella_result_t cella_server_listen(const cella_server_config_t *config, cella_server_t **out)
{
    cella_result_t r = CELLA_ERR_IO;
    cella_server_t *server = NULL;
    struct sockaddr_storage address;
    socklen_t address_size = 0;
    size_t ignored = 0;
    int one = 1;

    if (config == NULL || out == NULL || config->address == NULL || config->max_body_bytes == 0 ||
        config->max_body_bytes > (64u << 20) || config->timeout_seconds == 0 ||
        config->max_connections == 0 ||
        (config->tls_cert_pem == NULL) != (config->tls_key_pem == NULL))
        return CELLA_ERR_INVALID_ARGUMENT;
    memset(&address, 0, sizeof(address));
    struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
    bool ipv6 = false;
    if (inet_pton(AF_INET, config->address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(config->port);
        address_size = sizeof(*v4);
    } else if (inet_pton(AF_INET6, config->address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(config->port);
        address_size = sizeof(*v6);
        ipv6 = true;
    } else {
        cella_log(CELLA_LOG_ERROR, "%s is not an IPv4 or IPv6 address", config->address);
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    if (config->tls_cert_pem == NULL && !cella_server_is_loopback(config->address)) {
        cella_log(CELLA_LOG_ERROR,
                  "refusing plain HTTP on %s: tokens and policies would cross the network in "
                  "clear. Give --tls-cert and --tls-key, or listen on 127.0.0.1 or ::1 (behind "
                  "a TLS-terminating proxy)",
                  config->address);
        return CELLA_ERR_ACCESS_DENIED;
    }
    if (config->tls_cert_pem != NULL && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        cella_log(CELLA_LOG_ERROR, "this libmicrohttpd was built without TLS support");
        return CELLA_ERR_UNSUPPORTED;
    }
    server = calloc(1, sizeof(*server));
    if (server == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    server->listen_fd = -1;
    server->wake[0] = server->wake[1] = -1;
    server->ipv6 = ipv6;
    server->threads = config->threads;
    if (server->threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        server->threads = cpus > 0 && cpus < 1024 ? (unsigned)cpus : 1;
    }
    server->max_body_bytes = config->max_body_bytes;
    server->timeout_seconds = config->timeout_seconds;
    server->max_connections = config->max_connections;
    if (config->tls_cert_pem != NULL) {
        server->tls_cert = copy_secret(config->tls_cert_pem, &ignored);
        server->tls_key = copy_secret(config->tls_key_pem, &server->tls_key_size);
        if (server->tls_cert == NULL || server->tls_key == NULL) {
            r = CELLA_ERR_OUT_OF_MEMORY;
            goto out;
        }
    }
    server->listen_fd =
        socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (server->listen_fd < 0 ||
        setsockopt(server->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        (ipv6 &&
         setsockopt(server->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0)) {
        cella_log(CELLA_LOG_ERROR, "cannot make a socket: %s", strerror(errno));
        goto out;
    }
    if (bind(server->listen_fd, (struct sockaddr *)&address, address_size) != 0) {
        cella_log(CELLA_LOG_ERROR, "cannot listen on %s port %u: %s", config->address,
                  (unsigned)config->port, strerror(errno));
        r = errno == EACCES ? CELLA_ERR_ACCESS_DENIED : CELLA_ERR_IO;
        goto out;
    }
    int backlog = config->max_connections > 4096 ? 4096 : (int)config->max_connections;
    if (listen(server->listen_fd, backlog) != 0 ||
        getsockname(server->listen_fd, (struct sockaddr *)&address, &address_size) != 0) {
        cella_log(CELLA_LOG_ERROR, "cannot listen on %s: %s", config->address, strerror(errno));
        goto out;
    }
    server->port = ntohs(ipv6 ? v6->sin6_port : v4->sin_port);
    *out = server;
    server = NULL;
    r = CELLA_OK;
out:
    server_free(server);
    return r;
}

uint16_t cella_server_port(const cella_server_t *server)
{
    return server->port;
}

bool cella_server_is_tls(const cella_server_t *server)
{
    return server->tls_cert != NULL;
}

/* libmicrohttpd's word on a worker's connections: counted for the acceptor's choice. */
static void connection_changed(void *context, struct MHD_Connection *connection,
                               void **socket_state, enum MHD_ConnectionNotificationCode code)
{
    struct worker *worker = context;
    (void)connection, (void)socket_state;

    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&worker->connections, 1);
    else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        atomic_fetch_sub(&worker->connections, 1);
}

/*
 * The worker with the fewest connections and room for one more, or NULL; among equals, the
 * next in turn after *turn (libmicrohttpd counts a connection handed over only once its
 * worker took it, so a burst of new connections still goes round the workers).
 */
static struct worker *least_busy(cella_server_t *server, unsigned *turn)
{
    struct worker *best = NULL;
    unsigned best_count = 0, best_index = 0;

    for (unsigned i = 0; i < server->worker_count; i++) {
        unsigned index = (*turn + i) % server->worker_count;
        unsigned count = atomic_load(&server->workers[index].connections);
        if (count < server->workers[index].limit && (best == NULL || count < best_count)) {
            best = &server->workers[index];
            best_count = count;
            best_index = index;
        }
    }
    if (best != NULL)
        *turn = best_index + 1;
    return best;
}

static void *accept_connections(void *context)
{
    cella_server_t *server = context;
    bool logged = false;
    unsigned turn = 0;

    for (;;) {
        struct pollfd events[2] = {{server->wake[0], POLLIN, 0}, {server->listen_fd, POLLIN, 0}};
        unsigned peek = turn;
        /* Every worker full: new connections wait in the backlog until one closes. */
        bool room = least_busy(server, &peek) != NULL;
        int ready = poll(events, room ? 2 : 1, room ? -1 : ACCEPT_RETRY_MILLISECONDS);
        if (ready < 0 && errno != EINTR) {
            cella_log(CELLA_LOG_ERROR, "http: poll: %s", strerror(errno));
            break;
        }
        if (events[0].revents != 0)
            break; /* stopping */
        if (ready > 0 && room && (events[1].revents & (POLLERR | POLLNVAL)) != 0) {
            cella_log(CELLA_LOG_ERROR, "http: the listening socket failed");
            break;
        }
        if (ready <= 0 || !room || (events[1].revents & POLLIN) == 0)
            continue;
        /* Again, now that a connection waits: the counts may have grown since the poll. */
        peek = turn;
        if (least_busy(server, &peek) == NULL)
            continue;
        struct sockaddr_storage address;
        socklen_t address_size = sizeof(address);
        int fd = accept4(server->listen_fd, (struct sockaddr *)&address, &address_size,
                         SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                if (!logged)
                    cella_log(CELLA_LOG_WARNING, "http: cannot accept connections: %s",
                              strerror(errno));
                logged = true;
                (void)poll(events, 1, ACCEPT_RETRY_MILLISECONDS);
            }
            continue; /* EAGAIN, ECONNABORTED, EINTR...: the next one */
        }
        logged = false;
        struct worker *worker = least_busy(server, &turn);
        if (worker == NULL) {
            close(fd); /* filled up since: refused, as libmicrohttpd would */
            continue;
        }
        /* On failure libmicrohttpd closes the socket itself (and logs why). */
        (void)MHD_add_connection(worker->daemon, fd, (struct sockaddr *)&address, address_size);
    }
    return NULL;
}

/* Stops the acceptor, then every worker (waiting for the requests in progress). */
static void stop_serving(cella_server_t *server)
{
    if (server->accepting) {
        ssize_t written;
        do
            written = write(server->wake[1], "", 1);
        while (written < 0 && errno == EINTR);
        pthread_join(server->acceptor, NULL);
        server->accepting = false;
    }
    for (unsigned i = 0; i < server->worker_count; i++)
        if (server->workers[i].daemon != NULL)
            MHD_stop_daemon(server->workers[i].daemon);
    free(server->workers);
    server->workers = NULL;
    server->worker_count = 0;
    server->service = NULL;
}

/* One worker: a daemon with a thread of its own and no listening socket. */
static struct MHD_Daemon *start_worker(cella_server_t *server, struct worker *worker)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC;

    if (server->ipv6)
        flags |= MHD_USE_IPv6;
    /* Options common to both; TLS adds its key and certificate. */
    if (server->tls_cert != NULL)
        return MHD_start_daemon(
            flags | MHD_USE_TLS, 0, NULL, NULL, handle, server, MHD_OPTION_EXTERNAL_LOGGER,
            log_from_mhd, NULL, MHD_OPTION_CONNECTION_LIMIT, worker->limit,
            MHD_OPTION_CONNECTION_TIMEOUT, server->timeout_seconds, MHD_OPTION_NOTIFY_COMPLETED,
            request_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, connection_changed, worker,
            MHD_OPTION_HTTPS_MEM_KEY, server->tls_key, MHD_OPTION_HTTPS_MEM_CERT, server->tls_cert,
            MHD_OPTION_HTTPS_PRIORITIES, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
            MHD_OPTION_END);
    return MHD_start_daemon(
        flags, 0, NULL, NULL, handle, server, MHD_OPTION_EXTERNAL_LOGGER, log_from_mhd, NULL,
        MHD_OPTION_CONNECTION_LIMIT, worker->limit, MHD_OPTION_CONNECTION_TIMEOUT,
        server->timeout_seconds, MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, connection_changed, worker, MHD_OPTION_END);
}

cella_result_t cella_server_start(cella_server_t *server, cella_service_t *service)
{
    if (server == NULL || service == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (server->workers != NULL)
        return CELLA_ERR_INVALID_STATE;
    /* As many workers as threads, each with its share of the connections (at least one). */
    unsigned count =
        server->threads < server->max_connections ? server->threads : server->max_connections;
    server->workers = calloc(count, sizeof(*server->workers));
    if (server->workers == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    server->worker_count = count;
    server->service = service;
    for (unsigned i = 0; i < count; i++) {
        struct worker *worker = &server->workers[i];
        atomic_init(&worker->connections, 0);
        worker->limit = server->max_connections / count + (i < server->max_connections % count);
        worker->daemon = start_worker(server, worker);
        if (worker->daemon == NULL) {
            cella_log(CELLA_LOG_ERROR, "the HTTP server did not start (see above)");
            stop_serving(server);
            return CELLA_ERR_IO;
        }
    }
    if ((server->wake[0] < 0 && pipe2(server->wake, O_CLOEXEC) != 0) ||
        pthread_create(&server->acceptor, NULL, accept_connections, server) != 0) {
        cella_log(CELLA_LOG_ERROR, "the HTTP server did not start: no thread to accept with");
        stop_serving(server);
        return CELLA_ERR_IO;
    }
    server->accepting = true;
    return CELLA_OK;
}

void cella_server_stop(cella_server_t *server)
{
    if (server == NULL)
        return;
    stop_serving(server);
    server_free(server);
}
