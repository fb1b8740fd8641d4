/* SPDX-License-Identifier: Apache-2.0 */
/* host/sha256_openssl.c: SHA-256 through OpenSSL's EVP interface for cella_measure_*. */
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

#include "sha256_openssl.h"

/*
 * OpenSSL 3 looks an algorithm up in its providers every time a digest starts from
 * EVP_sha256(); fetching it once and keeping it makes starting a digest cheap. The fetched
 * object lives until the process ends.
 */
static EVP_MD *sha256_md;
static pthread_once_t sha256_md_once = PTHREAD_ONCE_INIT;

static void sha256_md_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static cella_result_t digest_init(void *context)
{
    pthread_once(&sha256_md_once, sha256_md_fetch);
    if (sha256_md == NULL)
        return CELLA_ERR_UNEXPECTED;
    return EVP_DigestInit_ex(context, sha256_md, NULL) == 1 ? CELLA_OK : CELLA_ERR_UNEXPECTED;
}

static cella_result_t digest_update(void *context, const void *data, size_t size)
{
    return EVP_DigestUpdate(context, data, size) == 1 ? CELLA_OK : CELLA_ERR_UNEXPECTED;
}

static cella_result_t digest_final(void *context, uint8_t digest[CELLA_SHA256_BYTES])
{
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(context, digest, &size) != 1 || size != CELLA_SHA256_BYTES)
        return CELLA_ERR_UNEXPECTED;
    return CELLA_OK;
}

cella_result_t cella_sha256_openssl_init(cella_sha256_ops_t *ops)
{
    EVP_MD_CTX *context;

    if (ops == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    context = EVP_MD_CTX_new();
    if (context == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    ops->context = context;
    ops->init = digest_init;
    ops->update = digest_update;
    ops->final = digest_final;
    return CELLA_OK;
}

void cella_sha256_openssl_clear(cella_sha256_ops_t *ops)
{
    if (ops == NULL)
        return;
    EVP_MD_CTX_free(ops->context);
    memset(ops, 0, sizeof(*ops));
}
