/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/metadata.h: GET /certs (the signing keys) and GET /.well-known/openid-configuration. */
#ifndef CELLA_ATTESTD_METADATA_H
#define CELLA_ATTESTD_METADATA_H

#include <cella/result.h>

#include "jws.h"

typedef struct cella_service cella_service_t;
typedef struct cella_server_request cella_server_request_t;
typedef struct cella_server_response cella_server_response_t;

/*
 * The JWKS of /certs (maa-api.md §6): {"keys":[{"x5c":["<standard base64 DER>"],"kid":"...",
 * "kty":"RSA"}]}, no "use" or "alg", as a new NUL-terminated string (*json; free()). Made
 * once at start. Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_metadata_certs_json(const cella_jws_signer_t *signer,
                                                          char **json);

/*
 * The OpenID metadata (maa-api.md §7) of the instance at instance_url (no trailing slash):
 * issuer, jwks_uri (<instance>/certs), revocation_endpoint (<instance>/revoke),
 * response_types_supported, id_token_signing_alg_values_supported and claims_supported
 * (MAA's list, then cella's own claims). Returns as cella_metadata_certs_json().
 */
CELLA_MUST_CHECK cella_result_t cella_metadata_openid_json(const char *instance_url, char **json);

/* GET /certs and GET /.well-known/openid-configuration: the documents made at start. */
void cella_metadata_handle_certs(cella_service_t *service, const cella_server_request_t *request,
                                 cella_server_response_t *response);
void cella_metadata_handle_openid(cella_service_t *service, const cella_server_request_t *request,
                                  cella_server_response_t *response);

#endif /* CELLA_ATTESTD_METADATA_H */
