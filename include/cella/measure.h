/* SPDX-License-Identifier: Apache-2.0 */
/* cella/measure.h: MRENCLAVE, computed with SGX's ECREATE/EADD/EEXTEND records. */
#ifndef CELLA_MEASURE_H
#define CELLA_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "../sgx/sgx_report.h"
#include "defs.h"
#include "image.h"
#include "layout.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/*
 * MRENCLAVE is SHA-256 over 64-byte records in load order (cella/sgx_arch.h):
 *   ECREATE  tag, SSAFRAMESIZE (u32 @8), SIZE (u64 @12)                  once, first
 *   EADD     tag, page offset (u64 @8), SECINFO.FLAGS (u64 @16)         once per added page
 *   EEXTEND  tag, chunk offset (u64 @8), then the chunk's 256 bytes     16 per measured page
 *
 * common/ has no cryptography, so the caller supplies SHA-256 through cella_sha256_ops_t:
 * the host uses OpenSSL, trusted code can use BearSSL.
 */

#define CELLA_SHA256_BYTES 32

/*
 * A SHA-256 implementation. context is the implementation's state, owned by whoever
 * filled the structure; the measurement only passes it back. Each function returns
 * CELLA_OK or an error, which the measurement passes on.
 */
typedef struct cella_sha256_ops {
    void *context;
    cella_result_t (*init)(void *context);                                      /* start a digest */
    cella_result_t (*update)(void *context, const void *data, size_t size);     /* hash more data */
    cella_result_t (*final)(void *context, uint8_t digest[CELLA_SHA256_BYTES]); /* finish */
} cella_sha256_ops_t;

/*
 * A measurement in progress: cella_measure_init() (ECREATE), then in load order
 * cella_measure_add_page() (EADD) and cella_measure_extend_page() (16 EEXTENDs) per page,
 * then cella_measure_get_mrenclave(). Caller storage; not thread safe (one measurement per
 * thread). After an error the measurement is dead: every later call returns
 * CELLA_ERR_INVALID_STATE.
 */
/* Records are gathered into batches of this many bytes before they reach SHA-256. */
#define CELLA_MEASURE_BATCH_BYTES 8192

typedef struct cella_measure {
    const cella_sha256_ops_t *sha256;
    uint64_t enclave_size;
    int state;                                /* private */
    size_t batch_size;                        /* private: bytes waiting in batch */
    uint8_t batch[CELLA_MEASURE_BATCH_BYTES]; /* private */
} cella_measure_t;

/*
 * Starts a measurement and hashes the ECREATE record.
 *   ssa_frame_size: SECS.SSAFRAMESIZE in pages, at least 1.
 *   enclave_size:   SECS.SIZE: a power of two of at least two pages.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL pointers, ops with a NULL function,
 * or a size out of range; or the SHA-256 implementation's error.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_measure_init(cella_measure_t *measure,
                                                             const cella_sha256_ops_t *sha256,
                                                             uint32_t ssa_frame_size,
                                                             uint64_t enclave_size);

/*
 * Hashes the EADD record of the page at offset (page aligned, below the enclave size)
 * with SECINFO.FLAGS secinfo_flags: page type REG or TCS; REG pages readable when they are
 * writable or executable; a TCS page has no R/W/X bits; no other bits.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for a bad offset or flags;
 * CELLA_ERR_INVALID_STATE outside init .. get_mrenclave; or the SHA-256 error.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_measure_add_page(cella_measure_t *measure,
                                                                 uint64_t offset,
                                                                 uint64_t secinfo_flags);

/*
 * Hashes the 16 EEXTEND records of the page at offset (page aligned, below the enclave
 * size) with its page_size = CELLA_PAGE_BYTES bytes of content.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL page, a bad offset or size;
 * CELLA_ERR_INVALID_STATE outside init .. get_mrenclave; or the SHA-256 error.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_measure_extend_page(cella_measure_t *measure,
                                                                    uint64_t offset,
                                                                    const void *page,
                                                                    size_t page_size);

/*
 * Finishes the measurement into *mrenclave. The measurement is then finished: other
 * calls return CELLA_ERR_INVALID_STATE until the next cella_measure_init().
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL; CELLA_ERR_INVALID_STATE; or the
 * SHA-256 error.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_measure_get_mrenclave(cella_measure_t *measure,
                                                                      sgx_measurement_t *mrenclave);

/*
 * Measures a whole enclave: ECREATE with layout->config.ssa_frame_size and
 * layout->enclave_size, then every range of the layout in order, page by page: EADD for
 * added pages, EEXTEND with cella_layout_get_page() content for measured ones.
 * image is the image the layout was computed from.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL pointers or a layout that does not
 * match the image; or the SHA-256 error. *mrenclave is written only on success. Uses one
 * page of stack. Thread safe when sha256 is not shared.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_measure_layout(const cella_layout_t *layout,
                                                               const cella_image_t *image,
                                                               const cella_sha256_ops_t *sha256,
                                                               sgx_measurement_t *mrenclave);

CELLA_EXTERN_C_END

#endif /* CELLA_MEASURE_H */
