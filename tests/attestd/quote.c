/* SPDX-License-Identifier: Apache-2.0 */
/* tests/attestd/quote.c: a quote of tests/enclave/quote's enclave binding a file's SHA-256. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include <cella/encoding.h>
#include <sgx_dcap_ql_wrapper.h>
#include <sgx_urts.h>

#include "quote_u.h"

/*
 * Usage: attestd_quote [--oe] DATA_FILE
 * Creates the test enclave, has it make a report for the quoting enclave whose report data
 * is SHA-256(DATA_FILE's bytes) followed by 32 zero bytes (what MAA's runtimeData binding
 * checks), and prints the quote in base64url without padding. --oe wraps it in an Open
 * Enclave remote report (16-byte header: version 1, type 2 remote, the quote's size).
 * The platform is the one of CELLA_STATE_DIR, as `cella platform export` sees it.
 */

static int fail(const char *what)
{
    fprintf(stderr, "attestd_quote: %s\n", what);
    return 1;
}

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t capacity = 0;

    *size = 0;
    if (file == NULL)
        return NULL;
    for (;;) {
        if (*size == capacity) {
            capacity = capacity == 0 ? 4096 : capacity * 2;
            uint8_t *grown = realloc(data, capacity);
            if (grown == NULL) {
                free(data);
                fclose(file);
                return NULL;
            }
            data = grown;
        }
        size_t got = fread(data + *size, 1, capacity - *size, file);
        *size += got;
        if (got == 0)
            break;
    }
    fclose(file);
    return data;
}

int main(int argc, char **argv)
{
    const char *enclave_path = getenv("CELLA_TEST_QUOTE_ENCLAVE");
    sgx_enclave_id_t enclave = 0;
    sgx_target_info_t qe_target;
    sgx_report_t report;
    uint8_t report_data[64] = {0};
    uint32_t quote_size = 0;
    int status = -1;
    bool oe = argc == 3 && strcmp(argv[1], "--oe") == 0;

    if (argc != 2 && !oe) {
        fprintf(stderr, "usage: attestd_quote [--oe] DATA_FILE\n");
        return 2;
    }
    size_t data_size = 0;
    uint8_t *data = read_all(argv[argc - 1], &data_size);
    if (data == NULL && data_size == 0 && argv[argc - 1][0] != '\0') {
        FILE *probe = fopen(argv[argc - 1], "rb");
        if (probe == NULL)
            return fail("cannot read the data file");
        fclose(probe);
    }
    SHA256(data_size == 0 ? (const uint8_t *)"" : data, data_size, report_data);
    free(data);

    if (enclave_path == NULL || enclave_path[0] == '\0')
        enclave_path = CELLA_TEST_QUOTE_ENCLAVE;
    if (sgx_create_enclave(enclave_path, 1, NULL, NULL, &enclave, NULL) != SGX_SUCCESS)
        return fail("cannot create the enclave");
    if (sgx_qe_get_target_info(&qe_target) != SGX_QL_SUCCESS ||
        ecall_make_report(enclave, &status, (const uint8_t *)&qe_target, report_data,
                          (uint8_t *)&report) != SGX_SUCCESS ||
        status != 0 || sgx_qe_get_quote_size(&quote_size) != SGX_QL_SUCCESS)
        return fail("the enclave made no report for the quoting enclave");
    size_t header = oe ? 16 : 0;
    uint8_t *evidence = calloc(1, header + quote_size);
    if (evidence == NULL)
        return fail("out of memory");
    if (sgx_qe_get_quote(&report, quote_size, evidence + header) != SGX_QL_SUCCESS)
        return fail("no quote");
    if (oe) {
        uint32_t version = 1, type = 2;
        uint64_t size = quote_size;
        memcpy(evidence, &version, 4);
        memcpy(evidence + 4, &type, 4);
        memcpy(evidence + 8, &size, 8);
    }
    size_t text_size = 0;
    if (cella_encoding_base64_encoded_size(header + quote_size, CELLA_ENCODING_BASE64_NOPAD,
                                           &text_size) != CELLA_OK)
        return fail("too large");
    text_size += 1;
    char *text = malloc(text_size);
    if (text == NULL ||
        cella_encoding_base64url_encode(evidence, header + quote_size, CELLA_ENCODING_BASE64_NOPAD,
                                        text, &text_size) != CELLA_OK)
        return fail("cannot encode the quote");
    printf("%s\n", text);
    free(text);
    free(evidence);
    (void)sgx_destroy_enclave(enclave);
    return 0;
}
