/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for attestd/server.c: listening rules, routing and MAA's error bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "attestd/server.h"

static cella_server_config_t config(const char *address)
{
    cella_server_config_t c = {
        .address = address,
        .port = 0,
        .threads = 1,
        .max_body_bytes = CELLA_SERVER_DEFAULT_MAX_BODY_BYTES,
        .timeout_seconds = CELLA_SERVER_DEFAULT_TIMEOUT_SECONDS,
        .max_connections = CELLA_SERVER_DEFAULT_MAX_CONNECTIONS,
    };
    return c;
}

static void only_loopback_addresses_are_loopback(void **state)
{
    (void)state;
    assert_true(cella_server_is_loopback("127.0.0.1"));
    assert_true(cella_server_is_loopback("::1"));
    assert_false(cella_server_is_loopback("0.0.0.0"));
    assert_false(cella_server_is_loopback("::"));
    assert_false(cella_server_is_loopback("10.0.0.1"));
    assert_false(cella_server_is_loopback("localhost"));
    assert_false(cella_server_is_loopback(NULL));
}

static void plain_http_is_served_on_loopback_only(void **state)
{
    (void)state;
    cella_server_t *server = NULL;
    cella_server_config_t c = config("127.0.0.1");

    assert_int_equal(cella_server_listen(&c, &server), CELLA_OK);
    assert_true(cella_server_port(server) != 0);
    assert_false(cella_server_is_tls(server));
    cella_server_stop(server);

    server = NULL;
    c = config("0.0.0.0");
    assert_int_equal(cella_server_listen(&c, &server), CELLA_ERR_ACCESS_DENIED);
    assert_null(server);
    c = config("localhost");
    assert_int_equal(cella_server_listen(&c, &server), CELLA_ERR_INVALID_ARGUMENT);
    c = config("127.0.0.1");
    c.tls_cert_pem = "a certificate without its key";
    assert_int_equal(cella_server_listen(&c, &server), CELLA_ERR_INVALID_ARGUMENT);
    c = config("127.0.0.1");
    c.max_body_bytes = 0;
    assert_int_equal(cella_server_listen(&c, &server), CELLA_ERR_INVALID_ARGUMENT);
    cella_server_stop(NULL);
}

/* dispatch() without a service: every case below answers before a handler runs. */
static void routing_errors_are_maa_error_bodies(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path, *api_version, *content_type;
        unsigned status;
        const char *code;
        const char *allow;
    } cases[] = {
        {"GET", "/", NULL, NULL, 404, "NotFound", ""},
        {"GET", "/attest", NULL, NULL, 404, "NotFound", ""},
        {"GET", "/attest/SgxEnclave/more", NULL, NULL, 404, "NotFound", ""},
        {"GET", "/attest/SgxEnclave", "2022-08-01", NULL, 405, "MethodNotAllowed", "POST"},
        {"DELETE", "/policies/SgxEnclave", NULL, NULL, 405, "MethodNotAllowed", "GET, PUT"},
        {"GET", "/policies/SgxEnclave:reset", NULL, NULL, 405, "MethodNotAllowed", "POST"},
        {"POST", "/certs", NULL, NULL, 405, "MethodNotAllowed", "GET"},
        {"POST", "/attest/SgxEnclave", NULL, "application/json", 400, "ApiVersionUnspecified", ""},
        {"PUT", "/policies/SgxEnclave", "2018-01-01", NULL, 400, "UnsupportedApiVersion", ""},
        {"POST", "/attest/SgxEnclave", "2022-08-01", "application/x-www-form-urlencoded", 415,
         "UnsupportedMediaType", ""},
        {"PUT", "/policies/SgxEnclave", "2020-10-01", "image/png", 415, "UnsupportedMediaType", ""},
        {"POST", "/attest/Tpm", "2020-10-01", "application/json", 400, "InvalidOperation", ""},
        {"POST", "/attest/Nothing", "2020-10-01", "application/json", 400, "InvalidParameter", ""},
        {"POST", "/certificates:add", "2020-10-01", NULL, 400, "InvalidOperation", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_server_request_t request = {
            .method = cases[i].method,
            .path = cases[i].path,
            .api_version = cases[i].api_version,
            .content_type = cases[i].content_type,
            .body = "",
        };
        cella_server_response_t response;
        memset(&response, 0, sizeof(response));
        cella_server_dispatch(NULL, &request, &response);
        if (response.status != cases[i].status)
            fail_msg("%s %s: %u, expected %u", cases[i].method, cases[i].path, response.status,
                     cases[i].status);
        json_t *body = json_loadb(response.body, response.body_size, 0, NULL);
        json_t *error = json_object_get(body, "error");
        assert_int_equal(json_object_size(body), 1);
        assert_int_equal(json_object_size(error), 2);
        assert_string_equal(json_string_value(json_object_get(error, "code")), cases[i].code);
        assert_string_equal(response.error_code, cases[i].code);
        assert_true(json_string_length(json_object_get(error, "message")) > 0);
        assert_string_equal(response.allow, cases[i].allow);
        json_decref(body);
        free(response.body);
    }
}

static void set_error_escapes_its_message_and_set_token_wraps_the_token(void **state)
{
    (void)state;
    cella_server_response_t response;
    memset(&response, 0, sizeof(response));

    cella_server_set_error(&response, 400, "InvalidParameter", "a \"quoted\" %s", "word");
    assert_int_equal(response.status, 400);
    assert_string_equal(response.body, "{\"error\":{\"code\":\"InvalidParameter\",\"message\":"
                                       "\"a \\\"quoted\\\" word\"}}");
    cella_server_set_token(&response, "a.b.c");
    assert_int_equal(response.status, 200);
    assert_null(response.error_code);
    assert_string_equal(response.body, "{\"token\":\"a.b.c\"}");
    free(response.body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_loopback_addresses_are_loopback),
        cmocka_unit_test(plain_http_is_served_on_loopback_only),
        cmocka_unit_test(routing_errors_are_maa_error_bodies),
        cmocka_unit_test(set_error_escapes_its_message_and_set_token_wraps_the_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
