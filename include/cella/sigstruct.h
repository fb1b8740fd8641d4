/* SPDX-License-Identifier: Apache-2.0 */
/* cella/sigstruct.h: signing and checking SIGSTRUCT with RSA-3072, e = 3 (host, OpenSSL). */
#ifndef CELLA_SIGSTRUCT_H
#define CELLA_SIGSTRUCT_H

#include <stddef.h>
#include <stdint.h>

#include "../sgx/sgx_report.h"
#include "defs.h"
#include "result.h"
#include "sgx_arch.h"

CELLA_EXTERN_C_BEGIN

/*
 * SIGSTRUCT (cella/sgx_arch.h) is signed with RSASSA-PKCS1-v1_5 and SHA-256 over
 * CELLA_SIGSTRUCT_SIGNED_BYTES = 256 bytes: SIGSTRUCT [0, 128) followed by [900, 1028). The
 * key must be RSA-3072 with public exponent 3, as EINIT requires; make one with
 *     openssl genrsa -3 -out Enclave_private.pem 3072
 * Modulus, signature, Q1 and Q2 are stored little-endian: the big-endian values an RSA
 * library works with are byte-reversed. Q1 = floor(S^2 / N), Q2 = floor((S^3 - Q1*S*N) / N).
 *
 * Keys are PEM (or DER): a private key as PKCS#8 or PKCS#1 ("BEGIN PRIVATE KEY", "BEGIN RSA
 * PRIVATE KEY"), a public key as SubjectPublicKeyInfo or PKCS#1 ("BEGIN PUBLIC KEY", "BEGIN
 * RSA PUBLIC KEY"). Encrypted private keys are refused (no passphrase prompt): sign in two
 * steps instead (cella_image_sign_prepare() and cella_image_sign_catsig()).
 *
 * Key errors return CELLA_ERR_INVALID_FORMAT when the bytes are not a key and
 * CELLA_ERR_INVALID_ARGUMENT when the key is not RSA-3072 with e = 3; the log says which
 * and shows the openssl command above. All functions are thread safe.
 */

#define CELLA_SIGSTRUCT_KEY_BITS 3072

/*
 * Fills *sigstruct with the constant HEADER and HEADER2, EXPONENT 3 and zeros elsewhere:
 * TYPE 0, MODULEVENDOR 0, HWVERSION 0. NULL is a no-op.
 */
CELLA_API void cella_sigstruct_init(cella_sigstruct_t *sigstruct);

/*
 * The DATE field for a time: yyyymmdd in BCD (2023-04-14 is 0x20230414), in UTC.
 *   unix_time: seconds since 1970-01-01 UTC, e.g. time() or SOURCE_DATE_EPOCH.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL or a time outside years 1970-9999.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_sigstruct_get_date(int64_t unix_time,
                                                                   uint32_t *date);

/*
 * Copies the signed bytes (SIGSTRUCT [0, 128) then [900, 1028)) into data, which must have
 * data_size = CELLA_SIGSTRUCT_SIGNED_BYTES. This is what `sgx_sign gendata` writes.
 * Returns CELLA_OK or CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_sigstruct_get_signing_data(
    const cella_sigstruct_t *sigstruct, uint8_t *data, size_t data_size);

/*
 * Signs *sigstruct with the private key in the key_size bytes at key: checks the key,
 * fills MODULUS, EXPONENT, SIGNATURE, Q1 and Q2 from the signed bytes as they are, then
 * verifies the result.
 * Returns CELLA_OK; CELLA_ERR_INVALID_FORMAT or CELLA_ERR_INVALID_ARGUMENT for a bad key;
 * CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_UNEXPECTED when OpenSSL fails. *sigstruct is changed
 * only on success. The key is freed before returning.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_sigstruct_sign(cella_sigstruct_t *sigstruct,
                                                               const void *key, size_t key_size);

/*
 * Inserts a signature made elsewhere (an HSM, `openssl dgst -sha256 -sign`) over the
 * signed bytes of *sigstruct: fills MODULUS and EXPONENT from the public key (a private key
 * is accepted too), SIGNATURE from signature (signature_size = 384 bytes, big-endian as
 * RSA produces it), Q1 and Q2, and checks the signature.
 * Returns CELLA_OK; CELLA_ERR_VERIFY_FAILED when the signature does not verify with the
 * key over the signed bytes; CELLA_ERR_INVALID_ARGUMENT for a signature of another size or
 * a key that is not RSA-3072 with e = 3; CELLA_ERR_INVALID_FORMAT for bytes that are not a
 * key; CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_UNEXPECTED. *sigstruct is changed only on
 * success.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_sigstruct_set_signature(cella_sigstruct_t *sigstruct, const void *public_key,
                              size_t public_key_size, const void *signature, size_t signature_size);

/*
 * Checks *sigstruct as EINIT would, apart from the enclave-specific fields: the constant
 * headers, TYPE 0 or bit 31 only, MODULEVENDOR 0 or 0x8086, EXPONENT 3, reserved fields
 * zero, a 3072-bit modulus, SIGNATURE < MODULUS, the RSA signature over the signed bytes,
 * and Q1 and Q2.
 * Returns CELLA_OK; CELLA_ERR_VERIFY_FAILED (the log names the failed check);
 * CELLA_ERR_INVALID_ARGUMENT for NULL; CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_UNEXPECTED.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_sigstruct_verify(const cella_sigstruct_t *sigstruct);

/*
 * MRSIGNER: SHA-256 of the 384-byte MODULUS field as stored (little-endian).
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL; CELLA_ERR_UNEXPECTED.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_sigstruct_get_mrsigner(const cella_sigstruct_t *sigstruct, sgx_measurement_t *mrsigner);

CELLA_EXTERN_C_END

#endif /* CELLA_SIGSTRUCT_H */
