/* SPDX-License-Identifier: Apache-2.0 */
/* cella/image_sign.h: signing an enclave image, in one step or two (host, OpenSSL). */
#ifndef CELLA_IMAGE_SIGN_H
#define CELLA_IMAGE_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "enclave_config.h"
#include "image.h"
#include "metadata.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/*
 * Signing computes the layout of the image under the configuration (cella/layout.h),
 * measures it (cella/measure.h), builds SIGSTRUCT as Intel's sgx_sign does and stores
 * everything in the image's `.note.cella` metadata:
 *   TYPE 0, MODULEVENDOR 0, HWVERSION 0, DATE as given (BCD),
 *   MISCSELECT / MISCMASK from the configuration,
 *   ATTRIBUTES.FLAGS = MODE64BIT (never DEBUG: the loader adds it for debug launches),
 *   ATTRIBUTEMASK.FLAGS = ~(DEBUG | NON_CHECK_BITS), or ~NON_CHECK_BITS with DisableDebug,
 *   ATTRIBUTES.XFRM = LEGACY, ATTRIBUTEMASK.XFRM = LEGACY | SGX_XFRM_RESERVED,
 *   ENCLAVEHASH = MRENCLAVE, ISVPRODID and ISVSVN from the configuration,
 *   KSS fields zero.
 * SSA frames are one page, two per thread.
 */

/* flags for the functions below (sgx_sign's options of the same meaning). */
#define CELLA_IMAGE_SIGN_IGNORE_TEXT_RELOCATIONS 0x1u /* -ignore-rel-error */
#define CELLA_IMAGE_SIGN_IGNORE_INIT_SECTION     0x2u /* -ignore-init-sec-error */
#define CELLA_IMAGE_SIGN_RESIGN                  0x4u /* -resign: replace existing metadata */

/*
 * Builds the metadata of a parsed image for config: the measured configuration and an
 * unsigned SIGSTRUCT (no key fields) with ENCLAVEHASH and DATE = date (BCD, see
 * cella_sigstruct_get_date()).
 * Fails when the image has no `.note.cella` (CELLA_ERR_NOT_FOUND: link the cella trusted
 * runtime), is already signed and flags lack RESIGN (CELLA_ERR_INVALID_STATE), has text
 * relocations or a `.init` section that flags do not allow (CELLA_ERR_INVALID_FORMAT), or
 * when config is out of range (CELLA_ERR_INVALID_ARGUMENT) or too large
 * (CELLA_ERR_OVERFLOW). Also CELLA_ERR_OUT_OF_MEMORY, CELLA_ERR_UNEXPECTED. The log says
 * what failed. *metadata is written only on success. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_image_sign_prepare(const cella_image_t *image, const cella_enclave_config_t *config,
                         uint32_t date, uint32_t flags, cella_enclave_metadata_t *metadata);

/*
 * One-step signing (`sgx_sign sign`): parses the file_size bytes at file, prepares the
 * metadata, signs it with the private key in the key_size bytes at key
 * (cella_sigstruct_sign()) and writes it into the `.note.cella` descriptor of file, in
 * place. Only that descriptor changes. metadata, when not NULL, receives the result.
 * Returns CELLA_OK, the errors of cella_image_parse(), cella_image_sign_prepare() and
 * cella_sigstruct_sign(), or CELLA_ERR_INVALID_ARGUMENT for NULL pointers. file is changed
 * only on success. Thread safe for distinct files.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_image_sign(void *file, size_t file_size,
                                                           const cella_enclave_config_t *config,
                                                           uint32_t date, uint32_t flags,
                                                           const void *key, size_t key_size,
                                                           cella_enclave_metadata_t *metadata);

/*
 * Two-step signing, step 1 (`sgx_sign gendata`): the CELLA_SIGSTRUCT_SIGNED_BYTES bytes to
 * sign, into data (data_size must be exactly that). Sign them with RSASSA-PKCS1-v1_5 and
 * SHA-256, e.g. `openssl dgst -sha256 -sign key.pem -out sig.bin data.bin`.
 * Returns as cella_image_sign_prepare(), or CELLA_ERR_INVALID_ARGUMENT. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_image_sign_gendata(const void *file, size_t file_size, const cella_enclave_config_t *config,
                         uint32_t date, uint32_t flags, uint8_t *data, size_t data_size);

/*
 * Two-step signing, step 2 (`sgx_sign catsig`): rebuilds the signing data from file and
 * config with the DATE found in signing_data (the step-1 output), requires it to equal
 * signing_data exactly, inserts the external signature (384 bytes, big-endian) with the
 * public key (cella_sigstruct_set_signature()) and writes the metadata into file in place.
 * With the same key, date and inputs the result is byte for byte what cella_image_sign()
 * gives. metadata, when not NULL, receives the result.
 * Returns CELLA_OK; CELLA_ERR_VERIFY_FAILED when signing_data does not match this enclave
 * and configuration, or the signature does not verify; the other errors of
 * cella_image_sign(). file is changed only on success. Thread safe for distinct files.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_image_sign_catsig(void *file, size_t file_size, const cella_enclave_config_t *config,
                        uint32_t flags, const uint8_t *signing_data, size_t signing_data_size,
                        const void *public_key, size_t public_key_size, const void *signature,
                        size_t signature_size, cella_enclave_metadata_t *metadata);

CELLA_EXTERN_C_END

#endif /* CELLA_IMAGE_SIGN_H */
