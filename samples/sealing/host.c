/* SPDX-License-Identifier: Apache-2.0 */
/* samples/sealing/host.c: the untrusted side of the sealing sample: files and the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sgx_urts.h>

#include "vault_u.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: vault ENCLAVE seal FILE [--bind-to-build]   (reads a card number from stdin)\n"
            "       vault ENCLAVE show FILE\n");
}

static int explain(const char *what, int status)
{
    const char *why = "";
    if (status == SGX_ERROR_MAC_MISMATCH)
        why = ": the file was changed, or was sealed by another enclave or on another machine";
    else if (status == SGX_ERROR_INVALID_ISVSVN)
        why = ": it was sealed by a newer version of this enclave";
    else if (status == SGX_ERROR_UNEXPECTED)
        why = ": the platform keys are unavailable (the log line above says why)";
    fprintf(stderr, "vault: %s failed: 0x%04x%s (see `cella error 0x%04x`)\n", what,
            (unsigned)status, why, (unsigned)status);
    return 1;
}

static int seal(sgx_enclave_id_t eid, const char *path, int bind_to_build)
{
    char card[64];
    size_t size = 0;
    int status = -1;

    if (fgets(card, sizeof(card), stdin) == NULL) {
        fprintf(stderr, "vault: no card number on stdin\n");
        return 1;
    }
    card[strcspn(card, "\r\n")] = '\0';
    /* First the size, then the blob. */
    if (vault_seal(eid, &status, card, bind_to_build, NULL, 0, &size) != SGX_SUCCESS ||
        status != SGX_SUCCESS)
        return explain("sealing (is it a card number of 12 to 19 digits?)", status);
    uint8_t *blob = malloc(size);
    if (blob == NULL)
        return 1;
    sgx_status_t called = vault_seal(eid, &status, card, bind_to_build, blob, size, &size);
    memset(card, 0, sizeof(card)); /* the host had it once, from the user; no longer */
    if (called != SGX_SUCCESS) {
        free(blob);
        return 1;
    }
    int rc = 0;
    if (status != SGX_SUCCESS) {
        rc = explain("sealing", status);
    } else {
        FILE *file = fopen(path, "wb");
        if (file == NULL || fwrite(blob, 1, size, file) != size || fclose(file) != 0) {
            perror(path);
            rc = 1;
        } else {
            printf("sealed %zu bytes to %s\n", size, path);
        }
    }
    free(blob);
    return rc;
}

static int show(sgx_enclave_id_t eid, const char *path)
{
    uint8_t blob[4096];
    char masked[32];
    int status = -1;
    FILE *file = fopen(path, "rb");

    if (file == NULL) {
        perror(path);
        return 1;
    }
    size_t size = fread(blob, 1, sizeof(blob), file);
    fclose(file);
    if (vault_show_masked(eid, &status, blob, size, masked, sizeof(masked)) != SGX_SUCCESS)
        return 1;
    if (status != SGX_SUCCESS)
        return explain("unsealing", status);
    printf("card on file: %s\n", masked);
    return 0;
}

int main(int argc, char **argv)
{
    sgx_enclave_id_t eid = 0;

    if (argc < 4 || (strcmp(argv[2], "seal") != 0 && strcmp(argv[2], "show") != 0)) {
        usage();
        return 64;
    }
    sgx_status_t status = sgx_create_enclave(argv[1], SGX_DEBUG_FLAG, NULL, NULL, &eid, NULL);
    if (status != SGX_SUCCESS) {
        fprintf(stderr, "vault: cannot create the enclave %s: 0x%04x\n", argv[1], (unsigned)status);
        return 1;
    }
    int rc;
    if (strcmp(argv[2], "seal") == 0)
        rc = seal(eid, argv[3], argc > 4 && strcmp(argv[4], "--bind-to-build") == 0);
    else
        rc = show(eid, argv[3]);
    sgx_destroy_enclave(eid);
    return rc;
}
