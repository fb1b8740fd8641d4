/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/server.h: the HTTP(S) front of cella-attestd: libmicrohttpd, routes, MAA errors. */
#ifndef CELLA_ATTESTD_SERVER_H
#define CELLA_ATTESTD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <cella/defs.h>
#include <cella/result.h>

typedef struct cella_service cella_service_t;

#define CELLA_SERVER_DEFAULT_MAX_BODY_BYTES  (64u * 1024u)
#define CELLA_SERVER_DEFAULT_TIMEOUT_SECONDS 10u
#define CELLA_SERVER_DEFAULT_MAX_CONNECTIONS 512u

/* How to listen. */
typedef struct cella_server_config {
    const char *address;      /* an IPv4 or IPv6 literal, e.g. "127.0.0.1", "::1" */
    uint16_t port;            /* 0: any free port (see cella_server_port()) */
    unsigned threads;         /* the thread pool; 0: one per online CPU */
    size_t max_body_bytes;    /* larger request bodies get 413 */
    unsigned timeout_seconds; /* idle connections are closed after this */
    unsigned max_connections; /* further connections are refused until one closes */
    const char *tls_cert_pem; /* TLS: the certificate chain (PEM text), or NULL for HTTP */
    const char *tls_key_pem;  /* TLS: its private key (PEM text), or NULL */
} cella_server_config_t;

typedef struct cella_server cella_server_t;

/*
 * Binds and listens on config's address and port (nothing is served until
 * cella_server_start()). Plain HTTP is refused unless the address is a loopback one
 * (127.0.0.1, ::1): tokens and policies must not cross a network in clear. Returns CELLA_OK
 * and *out (free with cella_server_stop()); CELLA_ERR_ACCESS_DENIED (plain HTTP on a
 * non-loopback address); CELLA_ERR_INVALID_ARGUMENT (not an IP literal, or a bad limit);
 * CELLA_ERR_UNSUPPORTED (TLS asked for, and libmicrohttpd was built without it); CELLA_ERR_IO
 * (cannot bind or listen: the log says why); CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_server_listen(const cella_server_config_t *config,
                                                    cella_server_t **out);

/* The port it listens on (the one chosen when the configuration said 0). */
uint16_t cella_server_port(const cella_server_t *server);

/* Whether it speaks TLS. */
bool cella_server_is_tls(const cella_server_t *server);

/*
 * Starts serving service's routes on the thread pool. Returns CELLA_OK; CELLA_ERR_IO
 * (libmicrohttpd did not start: the log says why); CELLA_ERR_INVALID_STATE (started already).
 */
CELLA_MUST_CHECK cella_result_t cella_server_start(cella_server_t *server,
                                                   cella_service_t *service);

/* Stops serving (waiting for requests in progress) and frees the server. NULL: nothing. */
void cella_server_stop(cella_server_t *server);

/* Whether address is an IPv4 or IPv6 loopback literal (127.0.0.1 or ::1). */
bool cella_server_is_loopback(const char *address);

/* ---- what handlers see ------------------------------------------------------------------- */

/* A request, whole: its body has been read (up to the limit). */
typedef struct cella_server_request {
    const char *method;
    const char *path;          /* without the query */
    const char *api_version;   /* the api-version query parameter, or NULL */
    const char *content_type;  /* or NULL */
    const char *authorization; /* or NULL */
    const char *body;          /* body_size bytes, followed by a NUL */
    size_t body_size;
} cella_server_request_t;

/* What a handler answers: a status and a JSON body. */
typedef struct cella_server_response {
    unsigned status;
    char *body; /* freed by the server, unless borrowed */
    size_t body_size;
    bool borrowed;          /* body outlives the server (a document made at start) */
    const char *error_code; /* for errors: the MAA error code, also sent as x-ms-error-code */
    char allow[32];         /* for 405: the methods the path takes (the Allow header) */
} cella_server_response_t;

/* The MAA error codes cella-attestd answers with (maa-api.md §10, and HTTP's own). */
#define CELLA_SERVER_INVALID_PARAMETER   "InvalidParameter"
#define CELLA_SERVER_INVALID_OPERATION   "InvalidOperation"
#define CELLA_SERVER_POLICY_EVALUATION   "PolicyEvaluationError"
#define CELLA_SERVER_POLICY_PARSING      "PolicyParsingError"
#define CELLA_SERVER_UNAUTHORIZED        "Unauthorized"
#define CELLA_SERVER_API_VERSION_MISSING "ApiVersionUnspecified"
#define CELLA_SERVER_API_VERSION_BAD     "UnsupportedApiVersion"
#define CELLA_SERVER_NOT_FOUND           "NotFound"
#define CELLA_SERVER_METHOD_NOT_ALLOWED  "MethodNotAllowed"
#define CELLA_SERVER_TOO_LARGE           "RequestEntityTooLarge"
#define CELLA_SERVER_UNSUPPORTED_MEDIA   "UnsupportedMediaType"
#define CELLA_SERVER_INTERNAL_ERROR      "InternalServerError"

/* Longest error message sent, NUL included. */
#define CELLA_SERVER_MESSAGE_MAX_BYTES 512

/*
 * Sets response to status with the MAA error body {"error":{"code":code,"message":...}}.
 * An allocation failure leaves a 500 without a body.
 */
void cella_server_set_error(cella_server_response_t *response, unsigned status, const char *code,
                            const char *format, ...) CELLA_PRINTF(4, 5);

/* Sets response to 200 with body (serialised compactly; the reference is stolen). */
void cella_server_set_json(cella_server_response_t *response, json_t *body);

/* Sets response to 200 with {"token": token}. */
void cella_server_set_token(cella_server_response_t *response, const char *token);

/*
 * The answer to request: routing, the api-version and media-type checks, then the handler.
 * Used by the HTTP layer, and by tests without HTTP.
 */
void cella_server_dispatch(cella_service_t *service, const cella_server_request_t *request,
                           cella_server_response_t *response);

#endif /* CELLA_ATTESTD_SERVER_H */
