/* SPDX-License-Identifier: Apache-2.0 */
/* host/keys.h: the platform's key services in software: platform secrets, EGETKEY, EREPORT. */
#ifndef CELLA_HOST_KEYS_H
#define CELLA_HOST_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cella/image_verify.h>
#include <cella/result.h>
#include <sgx_error.h>
#include <sgx_key.h>
#include <sgx_report.h>

/*
 * What SGX's CPU does for keys, done by the party that plays the CPU: cella-monitor for the
 * sandbox backend, the host process itself for the sim backend. Enclave code asks through
 * the entry operations (common/entry_abi.h, CELLA_PLATFORM_*); the answer depends only on
 * the identity the platform measured when it loaded the enclave, never on anything the
 * enclave or the host claims, so an enclave cannot obtain another enclave's keys.
 *
 * Platform secrets: 32 random bytes, created on first use in `<state dir>/platform-secrets`
 * (owner-only permissions in a directory of the owner's), then read on every use. A file
 * that exists but cannot be read, has loose permissions, or fails its checksum is an error
 * with the path and the remedy, never replaced: new secrets make every sealed blob
 * unreadable, so they are only created where none exist, and that is logged as a warning.
 *
 * Every derived key is HMAC-SHA256(platform secret, label || derivation data), truncated to
 * 128 bits, where the derivation data is a fixed little-endian serialisation of what EGETKEY
 * mixes in (docs/sealing.md lists it). Reports are MAC'd with AES-128-CMAC under the target's
 * report key, as EREPORT does, so the trusted runtime checks them with sgx_verify_report.
 */

/* The state directory file name of the platform secrets. */
#define CELLA_KEYS_SECRETS_FILE "platform-secrets"

/* Bytes of the platform secret. */
#define CELLA_KEYS_SECRET_BYTES 32

/* The platform's CPUSVN: the TCB level of this software platform. */
#define CELLA_KEYS_CPUSVN_INIT                             \
    {                                                      \
        {                                                  \
            1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 \
        }                                                  \
    }

/* Platform secrets held in locked, never-dumped memory. */
typedef struct cella_keys_secrets cella_keys_secrets_t;

/*
 * The state directory for platform secrets, chosen as the user's environment says:
 * CELLA_STATE_DIR, else $XDG_STATE_HOME/cella, else $HOME/.local/state/cella, else the
 * password database's home. Environment variables are ignored in set-user-ID programs.
 * Writes a NUL-terminated path to directory. Returns CELLA_OK; CELLA_ERR_NOT_FOUND when no
 * home is known; CELLA_ERR_BUFFER_TOO_SMALL.
 */
CELLA_MUST_CHECK cella_result_t cella_keys_state_dir(char *directory, size_t directory_size);

/*
 * Reads the platform secrets of state_dir, creating the directory (0700) and the secrets
 * (0600) when there are none. The log says what failed and how to fix it. Returns CELLA_OK
 * and *out (free with cella_keys_secrets_destroy()); CELLA_ERR_INVALID_ARGUMENT;
 * CELLA_ERR_ACCESS_DENIED (loose permissions, another owner, no access);
 * CELLA_ERR_INVALID_FORMAT (damaged file); CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_IO.
 * Thread safe; concurrent first uses agree on one set of secrets.
 */
CELLA_MUST_CHECK cella_result_t cella_keys_secrets_create(const char *state_dir,
                                                          cella_keys_secrets_t **out);

/* Wipes and frees secrets. NULL is a no-op. */
void cella_keys_secrets_destroy(cella_keys_secrets_t *secrets);

/*
 * The identity the platform measured, as a report body with zero report data: CPUSVN (the
 * platform's), MISCSELECT, ATTRIBUTES (with INITTED, and DEBUG when debug), MRENCLAVE,
 * MRSIGNER, ISVPRODID, ISVSVN. KSS fields are zero (KSS is not supported).
 */
void cella_keys_identity_init(const cella_image_info_t *info, bool debug,
                              sgx_report_body_t *identity);

/*
 * EGETKEY for the enclave `identity`: checks the request as SGX does and derives the key.
 * Returns SGX_SUCCESS and key; SGX_ERROR_INVALID_PARAMETER (reserved fields not zero, unknown
 * policy bits, KSS policies without KSS); SGX_ERROR_INVALID_KEYNAME; SGX_ERROR_INVALID_ATTRIBUTE
 * (a PROVISION or EINITTOKEN key without the attribute that allows it);
 * SGX_ERROR_INVALID_ISVSVN (ISVSVN or CONFIGSVN above the enclave's);
 * SGX_ERROR_INVALID_CPUSVN (above the platform's); SGX_ERROR_UNEXPECTED. key is wiped on
 * failure. Thread safe.
 */
CELLA_MUST_CHECK sgx_status_t cella_keys_get_key(const cella_keys_secrets_t *secrets,
                                                 const sgx_report_body_t *identity,
                                                 const sgx_key_request_t *request,
                                                 sgx_key_128bit_t key);

/*
 * EREPORT for the enclave `identity`: a report of it with report_data (zeros when NULL), a
 * fresh random key ID and the MAC under the report key of the enclave target describes
 * (zeros when NULL: the MAC then only verifies in an enclave whose identity is all zero,
 * which none is). Returns SGX_SUCCESS; SGX_ERROR_UNEXPECTED. Thread safe.
 */
CELLA_MUST_CHECK sgx_status_t cella_keys_create_report(const cella_keys_secrets_t *secrets,
                                                       const sgx_report_body_t *identity,
                                                       const sgx_target_info_t *target,
                                                       const sgx_report_data_t *report_data,
                                                       sgx_report_t *report);

/*
 * size bytes (at most 32) of key material for `label`, derived from the platform secrets
 * (HMAC-SHA256 under a label space of its own, apart from EGETKEY's and EREPORT's): the
 * platform's other keys (the quoting enclave's attestation key, its certificate hierarchy)
 * come from here, so nothing but the secrets file needs protecting. Returns SGX_SUCCESS;
 * SGX_ERROR_INVALID_PARAMETER; SGX_ERROR_UNEXPECTED. Thread safe.
 */
CELLA_MUST_CHECK sgx_status_t cella_keys_derive_material(const cella_keys_secrets_t *secrets,
                                                         const char *label, uint8_t *out,
                                                         size_t size);

/*
 * Whether report was made on this platform for the enclave `target` (a report body giving
 * its MRENCLAVE, attributes, MISCSELECT and KSS configuration): the check the quoting
 * enclave makes with its report key before it signs anything. Returns SGX_SUCCESS;
 * SGX_ERROR_MAC_MISMATCH; SGX_ERROR_UNEXPECTED. Thread safe.
 */
CELLA_MUST_CHECK sgx_status_t cella_keys_verify_report(const cella_keys_secrets_t *secrets,
                                                       const sgx_report_body_t *target,
                                                       const sgx_report_t *report);

/*
 * Serves one CELLA_PLATFORM_* request (common/entry_abi.h) of the enclave `identity`: copies
 * in (in_size bytes, exactly the request's input size) once, answers into out (exactly the
 * output size). secrets NULL: the platform secrets could not be read, and key and report
 * requests fail with SGX_ERROR_UNEXPECTED. Returns an sgx_status_t as cella_keys_get_key()
 * and cella_keys_create_report(); SGX_ERROR_INVALID_PARAMETER for unknown requests and
 * wrong sizes. Thread safe.
 */
CELLA_MUST_CHECK sgx_status_t cella_keys_serve(const cella_keys_secrets_t *secrets,
                                               const sgx_report_body_t *identity, uint32_t request,
                                               const void *in, size_t in_size, void *out,
                                               size_t out_size);

#endif /* CELLA_HOST_KEYS_H */
