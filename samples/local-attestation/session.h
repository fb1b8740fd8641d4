/* SPDX-License-Identifier: Apache-2.0 */
/* samples/local-attestation/session.h: what alice and bob do alike: bind a key, check a peer. */
#ifndef SAMPLES_LOCAL_ATTESTATION_SESSION_H
#define SAMPLES_LOCAL_ATTESTATION_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include <sgx_report.h>
#include <sgx_tcrypto.h>

/* The nonce each side picks for the other's report: fresh for every session. */
#define SESSION_NONCE_BYTES 32

/* The largest secret message bob accepts. */
#define SESSION_MESSAGE_MAX_BYTES 256

/* What the session key is derived with, and what authenticates alice's message with it. */
#define SESSION_KEY_LABEL   "cella local-attestation sample: session key"
#define SESSION_MESSAGE_AAD "cella local-attestation sample: alice to bob"

/*
 * The report_data that ties public_key to the peer's nonce: SHA-256(gx || gy || nonce)
 * followed by 32 zero bytes. Returns an sgx_status_t.
 */
sgx_status_t session_bind_key(const sgx_ec256_public_t *public_key,
                              const uint8_t nonce[SESSION_NONCE_BYTES],
                              sgx_report_data_t *report_data);

/*
 * Checks a peer's report, in this order: it was made for the calling enclave on this
 * platform (sgx_verify_report); its signer is the calling enclave's own; its product is
 * prod_id and its ISVSVN at least min_svn; it is not a debug enclave unless the caller is
 * one; and its report_data binds public_key to nonce. Returns SGX_SUCCESS, or an error with
 * *reason set to a sentence saying which check failed and what that means.
 */
sgx_status_t session_check_peer(const sgx_report_t *report, const sgx_ec256_public_t *public_key,
                                const uint8_t nonce[SESSION_NONCE_BYTES], sgx_prod_id_t prod_id,
                                sgx_isv_svn_t min_svn, const char **reason);

/*
 * A new P-256 key pair. Returns an sgx_status_t; on failure nothing of the private key is
 * left in *private_key.
 */
sgx_status_t session_create_key_pair(sgx_ec256_private_t *private_key,
                                     sgx_ec256_public_t *public_key);

/*
 * The AES-128 session key: the first 16 bytes of SHA-256(ECDH(own_private, peer_public) ||
 * SESSION_KEY_LABEL). The shared secret is wiped before return. Returns an sgx_status_t
 * (SGX_ERROR_INVALID_PARAMETER for a public key off the curve).
 */
sgx_status_t session_derive_key(const sgx_ec256_private_t *own_private,
                                const sgx_ec256_public_t *peer_public,
                                sgx_aes_gcm_128bit_key_t *key);

#endif /* SAMPLES_LOCAL_ATTESTATION_SESSION_H */
