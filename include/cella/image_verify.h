/* SPDX-License-Identifier: Apache-2.0 */
/* cella/image_verify.h: checking a signed enclave image before loading it (host, OpenSSL). */
#ifndef CELLA_IMAGE_VERIFY_H
#define CELLA_IMAGE_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "../sgx/sgx_report.h"
#include "defs.h"
#include "image.h"
#include "layout.h"
#include "metadata.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/* Which check of cella_image_verify() failed, in the order they run. */
typedef enum cella_image_check {
    CELLA_IMAGE_CHECK_NONE = 0,        /* every check passed */
    CELLA_IMAGE_CHECK_ELF = 1,         /* not a valid enclave ELF file (cella/image.h) */
    CELLA_IMAGE_CHECK_NO_METADATA = 2, /* no `.note.cella` section */
    CELLA_IMAGE_CHECK_NOT_SIGNED = 3,  /* the metadata note is still empty */
    CELLA_IMAGE_CHECK_METADATA = 4,    /* the metadata is malformed or describes no layout */
    CELLA_IMAGE_CHECK_SIGNATURE = 5,   /* SIGSTRUCT is malformed or its signature is invalid */
    CELLA_IMAGE_CHECK_CONFIG = 6,      /* metadata config or attributes disagree with SIGSTRUCT */
    CELLA_IMAGE_CHECK_MEASUREMENT = 7, /* the image's MRENCLAVE is not SIGSTRUCT.ENCLAVEHASH */
} cella_image_check_t;

/* The check's name, e.g. "measurement mismatch". Never NULL. */
CELLA_API const char *cella_image_check_str(cella_image_check_t check);

/* What a verified image is; all of it can be trusted once cella_image_verify() succeeds. */
typedef struct cella_image_info {
    cella_image_t image;               /* the parsed ELF; points into the verified file */
    cella_enclave_metadata_t metadata; /* the metadata, SIGSTRUCT included */
    cella_layout_t layout;             /* the layout to load: SECS.SIZE is layout.enclave_size */
    sgx_measurement_t mrenclave;       /* recomputed, equal to SIGSTRUCT.ENCLAVEHASH */
    sgx_measurement_t mrsigner;        /* SHA-256 of SIGSTRUCT.MODULUS */
} cella_image_info_t;

/*
 * Checks the file_size bytes at file as a signed enclave, in this order:
 *  1. the ELF file parses strictly (cella_image_parse());
 *  2. it has a `.note.cella` section, 3. which is not empty, 4. and holds valid metadata;
 *  5. SIGSTRUCT is well formed and its RSA-3072 signature, Q1 and Q2 verify
 *     (cella_sigstruct_verify());
 *  6. the metadata's MISCSELECT, MISCMASK, ATTRIBUTES, ATTRIBUTEMASK, ISVPRODID and
 *     ISVSVN equal SIGSTRUCT's, DisableDebug matches the mask's DEBUG bit, the enclave is
 *     64-bit with LEGACY XFRM, and the layout computed from the ELF and the metadata has
 *     the recorded enclave size;
 *  7. MRENCLAVE measured over that layout equals SIGSTRUCT.ENCLAVEHASH.
 * info, when not NULL, receives the verified image (it points into file, which must stay
 * valid and unchanged while info is used); failed_check, when not NULL, receives the check
 * that failed (CELLA_IMAGE_CHECK_NONE on success). The log explains the failure.
 * Returns CELLA_OK; CELLA_ERR_INVALID_FORMAT (checks 1 and 4); CELLA_ERR_NOT_FOUND (2);
 * CELLA_ERR_INVALID_STATE (3); CELLA_ERR_VERIFY_FAILED (5, 6, 7);
 * CELLA_ERR_INVALID_ARGUMENT for a NULL file; CELLA_ERR_OUT_OF_MEMORY;
 * CELLA_ERR_UNEXPECTED. *info is written only on success. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_image_verify(const void *file, size_t file_size,
                                                             cella_image_info_t *info,
                                                             cella_image_check_t *failed_check);

/*
 * Checks 1 to 6 of cella_image_verify() (everything but the measurement) into *info, for a
 * loader that measures while it places the pages (cella_image_load()); info->mrenclave is
 * not set. Returns as cella_image_verify(). Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_image_verify_signed(const void *file, size_t file_size, cella_image_info_t *info,
                          cella_image_check_t *failed_check);

/*
 * Loads an image checked by cella_image_verify_signed(): writes every measured page of
 * info->layout that does not start as zeros to destination + its offset, measures each from
 * where it was written (zero pages, cella_layout_range_is_zero(), from a zero page), and
 * compares the result with SIGSTRUCT's ENCLAVEHASH (check 7), setting info->mrenclave.
 * destination must be writable and zero-filled for every added page: zero pages and the
 * heap are not written. The file info points into must still be valid.
 * Returns CELLA_OK; CELLA_ERR_VERIFY_FAILED (measurement mismatch, *failed_check =
 * CELLA_IMAGE_CHECK_MEASUREMENT); CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 * Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_image_load(cella_image_info_t *info,
                                                           uint8_t *destination,
                                                           cella_image_check_t *failed_check);

CELLA_EXTERN_C_END

#endif /* CELLA_IMAGE_VERIFY_H */
