/* SPDX-License-Identifier: Apache-2.0 */
/* verify/http.c: bounded HTTP GETs over libcurl, for the PCCS source and key-set fetches. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "../common/log_internal.h"
#include "http.h"

#define CONNECT_TIMEOUT_SECONDS 10L
#define TOTAL_TIMEOUT_SECONDS   30L

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;

static void curl_init(void)
{
    curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

bool cella_http_start(const char *who)
{
    if (pthread_once(&curl_once, curl_init) != 0 || curl_init_result != CURLE_OK) {
        cella_log(CELLA_LOG_ERROR, "%s: libcurl does not start", who);
        return false;
    }
    return true;
}

bool cella_http_url_ok(const char *url, bool allow_query)
{
    size_t length = strlen(url);
    size_t scheme = 0;

    if (strncasecmp(url, "https://", 8) == 0)
        scheme = 8;
    else if (strncasecmp(url, "http://", 7) == 0)
        scheme = 7;
    if (scheme == 0 || length == scheme || length >= CELLA_HTTP_URL_MAX_BYTES || url[scheme] == '/')
        return false;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
            c == '`' || c == '{' || c == '|' || c == '}')
            return false;
        if (!allow_query && (c == '?' || c == '#'))
            return false;
    }
    CURLU *parsed = curl_url();
    char *host = NULL, *user = NULL;
    bool ok = parsed != NULL && curl_url_set(parsed, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK && host != NULL &&
              host[0] != '\0' && curl_url_get(parsed, CURLUPART_USER, &user, 0) == CURLUE_NO_USER;
    curl_free(user);
    curl_free(host);
    curl_url_cleanup(parsed);
    return ok;
}

static size_t on_body(char *data, size_t size, size_t count, void *context)
{
    cella_http_response_t *response = context;
    size_t bytes = size * count; /* libcurl guarantees size == 1 */

    if (bytes > response->body_max - response->body_size) {
        response->body_too_large = true;
        return 0; /* aborts the transfer */
    }
    if (response->body_size + bytes + 1 > response->body_capacity) {
        size_t capacity = response->body_capacity == 0 ? 16384 : response->body_capacity;
        while (capacity < response->body_size + bytes + 1)
            capacity *= 2;
        char *grown = realloc(response->body, capacity);
        if (grown == NULL) {
            response->out_of_memory = true;
            return 0;
        }
        response->body = grown;
        response->body_capacity = capacity;
    }
    memcpy(response->body + response->body_size, data, bytes);
    response->body_size += bytes;
    response->body[response->body_size] = '\0';
    return bytes;
}

cella_result_t cella_http_get(const char *who, const char *url, const char *accept,
                              size_t max_bytes, cella_http_header_fn on_header,
                              void *header_context, cella_http_response_t *response)
{
    char error[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL;
    cella_result_t r = CELLA_ERR_IO;

    memset(response, 0, sizeof(*response));
    response->body_max = max_bytes;
    CURL *curl = curl_easy_init();
    if (accept != NULL) {
        char line[256];
        snprintf(line, sizeof(line), "Accept: %s", accept);
        headers = curl_slist_append(NULL, line);
    }
    if (curl == NULL || (accept != NULL && headers == NULL)) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    bool set =
        curl_easy_setopt(curl, CURLOPT_URL, url) == CURLE_OK &&
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
#else
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) ==
            CURLE_OK &&
#endif
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_SECONDS) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_SECONDS) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_bytes) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_USERAGENT, "cella") == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, response) == CURLE_OK &&
        (headers == NULL || curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) == CURLE_OK) &&
        (on_header == NULL ||
         (curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
          curl_easy_setopt(curl, CURLOPT_HEADERDATA, header_context) == CURLE_OK));
    if (!set) {
        cella_log(CELLA_LOG_ERROR, "%s: cannot set up the HTTP request to %s", who, url);
        goto out;
    }
    CURLcode code = curl_easy_perform(curl);
    if (response->out_of_memory) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    if (response->body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
        cella_log(CELLA_LOG_ERROR, "%s: GET %s: the response is larger than %zu bytes", who, url,
                  max_bytes);
        goto out;
    }
    if (code != CURLE_OK) {
        cella_log(CELLA_LOG_ERROR, "%s: GET %s: %s%s%s", who, url, curl_easy_strerror(code),
                  error[0] != '\0' ? ": " : "", error);
        goto out;
    }
    (void)curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response->status);
    r = CELLA_OK;
out:
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return r;
}

void cella_http_response_clear(cella_http_response_t *response)
{
    if (response == NULL)
        return;
    free(response->body);
    memset(response, 0, sizeof(*response));
}
