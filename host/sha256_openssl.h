/* SPDX-License-Identifier: Apache-2.0 */
/* host/sha256_openssl.h: a cella_sha256_ops_t backed by OpenSSL, for measuring on the host. */
#ifndef CELLA_HOST_SHA256_OPENSSL_H
#define CELLA_HOST_SHA256_OPENSSL_H

#include <cella/defs.h>
#include <cella/measure.h>
#include <cella/result.h>

/*
 * Fills *ops with OpenSSL's SHA-256 and a new digest context of its own.
 * Returns CELLA_OK; CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_INVALID_ARGUMENT for NULL.
 * Release with cella_sha256_openssl_clear(). One ops value serves one digest at a time.
 */
CELLA_MUST_CHECK cella_result_t cella_sha256_openssl_init(cella_sha256_ops_t *ops);

/* Frees the context of ops and zeroes *ops; NULL and cleared ops are no-ops. */
void cella_sha256_openssl_clear(cella_sha256_ops_t *ops);

#endif /* CELLA_HOST_SHA256_OPENSSL_H */
