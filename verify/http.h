/* SPDX-License-Identifier: Apache-2.0 */
/* verify/http.h: bounded HTTP GETs over libcurl, for the PCCS source and key-set fetches. */
#ifndef CELLA_VERIFY_HTTP_H
#define CELLA_VERIFY_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <cella/result.h>

#define CELLA_HTTP_URL_MAX_BYTES 2048

/* Starts libcurl once per process; false (logged as "<who>: ...") when it does not start. */
bool cella_http_start(const char *who);

/*
 * Whether url is an http:// or https:// URL with a host, shorter than CELLA_HTTP_URL_MAX_BYTES,
 * without user information (nothing secret then reaches a log line that names the URL), and
 * with nothing a URL may not hold as it is; with allow_query false, also without '?' or '#'
 * (a base that paths are appended to). Needs cella_http_start().
 */
bool cella_http_url_ok(const char *url, bool allow_query);

/* A response: its HTTP status and its body, NUL-terminated (not counted in body_size). */
typedef struct cella_http_response {
    long status;
    char *body;
    size_t body_size;
    /* private */
    size_t body_capacity;
    size_t body_max;
    bool body_too_large;
    bool out_of_memory;
} cella_http_response_t;

/* libcurl's header callback: one header line, not NUL-terminated; 0 aborts the transfer. */
typedef size_t (*cella_http_header_fn)(char *line, size_t size, size_t count, void *context);

/*
 * GETs url: TLS peer and host name verification on (the system's CA store), no redirects,
 * bounded connect and total times, at most max_bytes of body. accept (or NULL) is sent as the
 * Accept header; on_header (or NULL) sees every response header line. Returns CELLA_OK with
 * response->status set, whatever it is (the caller judges it); CELLA_ERR_IO when the transfer
 * failed or the body was larger than max_bytes (logged as "<who>: GET <url>: ...");
 * CELLA_ERR_OUT_OF_MEMORY. Clear *response with cella_http_response_clear() in every case.
 */
CELLA_MUST_CHECK cella_result_t cella_http_get(const char *who, const char *url, const char *accept,
                                               size_t max_bytes, cella_http_header_fn on_header,
                                               void *header_context,
                                               cella_http_response_t *response);

void cella_http_response_clear(cella_http_response_t *response);

#endif /* CELLA_VERIFY_HTTP_H */
