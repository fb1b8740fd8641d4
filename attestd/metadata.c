/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/metadata.c: the JWKS of the instance key and the OpenID metadata, made once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metadata.h"
#include "server.h"
#include "service.h"

/* MAA's claims_supported (maa-api.md §7), then cella's own. */
static const char *const claims_supported[] = {
    "cnf",
    "nonce",
    "x-ms-ver",
    "x-ms-attestation-type",
    "x-ms-policy-hash",
    "x-ms-policy-signer",
    "x-ms-sgx-is-debuggable",
    "x-ms-sgx-mrenclave",
    "x-ms-sgx-mrsigner",
    "x-ms-sgx-svn",
    "x-ms-sgx-ehd",
    "x-ms-sgx-collateral",
    "is-debuggable",
    "sgx-mrsigner",
    "sgx-mrenclave",
    "product-id",
    "svn",
    "tee",
    "x-ms-cella-tcb-status",
    "x-ms-cella-advisory-ids",
    "x-ms-cella-software-tee",
};

/* json serialised compactly into a new string; json is released. */
static cella_result_t dump(json_t *json, char **out)
{
    char *text = json != NULL ? json_dumps(json, JSON_COMPACT) : NULL;

    json_decref(json);
    if (text == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    *out = text;
    return CELLA_OK;
}

cella_result_t cella_metadata_certs_json(const cella_jws_signer_t *signer, char **json)
{
    if (signer == NULL || json == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    return dump(json_pack("{s:[{s:[s], s:s, s:s}]}", "keys", "x5c", cella_jws_signer_x5c(signer),
                          "kid", cella_jws_signer_kid(signer), "kty", "RSA"),
                json);
}

/* base + suffix into a new string. */
static char *joined(const char *base, const char *suffix)
{
    size_t size = strlen(base) + strlen(suffix) + 1;
    char *text = malloc(size);

    if (text != NULL)
        snprintf(text, size, "%s%s", base, suffix);
    return text;
}

cella_result_t cella_metadata_openid_json(const char *instance_url, char **json)
{
    json_t *claims = NULL;
    char *jwks_uri = NULL;
    char *revocation = NULL;
    cella_result_t r = CELLA_ERR_OUT_OF_MEMORY;

    if (instance_url == NULL || json == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    jwks_uri = joined(instance_url, "/certs");
    revocation = joined(instance_url, "/revoke");
    claims = json_array();
    if (jwks_uri == NULL || revocation == NULL || claims == NULL)
        goto out;
    for (size_t i = 0; i < sizeof(claims_supported) / sizeof(claims_supported[0]); i++)
        if (json_array_append_new(claims, json_string(claims_supported[i])) != 0)
            goto out;
    r = dump(json_pack("{s:[s,s], s:[s], s:s, s:s, s:s, s:O}", "response_types_supported", "token",
                       "none", "id_token_signing_alg_values_supported", "RS256",
                       "revocation_endpoint", revocation, "issuer", instance_url, "jwks_uri",
                       jwks_uri, "claims_supported", claims),
             json);
out:
    json_decref(claims);
    free(jwks_uri);
    free(revocation);
    return r;
}

/* A document made at start as the response body, sent without a copy. */
static void respond_document(char *document, cella_server_response_t *response)
{
    response->status = 200;
    response->body = document;
    response->body_size = strlen(document);
    response->borrowed = true;
}

void cella_metadata_handle_certs(cella_service_t *service, const cella_server_request_t *request,
                                 cella_server_response_t *response)
{
    (void)request;
    respond_document(service->certs_json, response);
}

void cella_metadata_handle_openid(cella_service_t *service, const cella_server_request_t *request,
                                  cella_server_response_t *response)
{
    (void)request;
    respond_document(service->openid_json, response);
}
