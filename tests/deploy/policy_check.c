/* SPDX-License-Identifier: Apache-2.0 */
/* tests/deploy/policy_check.c: parses a policy file with cella's parser and shows its verdicts. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "attestd/policy.h"

/*
 * Usage: deploy_policy_check FILE. Exit 0 when FILE parses, printing one line per sample
 * enclave ("debuggable: permitted" or "...: refused: <reason>", then the same for "not
 * debuggable"); exit 1 with the parser's "line L, column C: ..." when it does not.
 */

#define CLAIMS_FORMAT                                            \
    "[{\"type\": \"x-ms-sgx-is-debuggable\", \"value\": %s},"    \
    " {\"type\": \"x-ms-sgx-mrsigner\", \"value\": \"%064d\"},"  \
    " {\"type\": \"x-ms-sgx-mrenclave\", \"value\": \"%064d\"}," \
    " {\"type\": \"x-ms-sgx-product-id\", \"value\": 1},"        \
    " {\"type\": \"x-ms-sgx-svn\", \"value\": 1},"               \
    " {\"type\": \"x-ms-attestation-type\", \"value\": \"sgx\"}]"

static char *read_file(const char *path, size_t *size)
{
    char *text = NULL;
    FILE *file = fopen(path, "rb");

    if (file == NULL)
        return NULL;
    text = malloc(CELLA_POLICY_MAX_BYTES + 1);
    if (text != NULL) {
        *size = fread(text, 1, CELLA_POLICY_MAX_BYTES + 1, file);
        if (ferror(file)) {
            free(text);
            text = NULL;
        }
    }
    fclose(file);
    return text;
}

/* Prints policy's verdict on an enclave whose debug flag is debuggable; false when it cannot. */
static bool show_verdict(const cella_policy_t *policy, const char *name, const char *debuggable)
{
    char claims_text[1024];
    char reason[256] = "";
    json_error_t json_error;
    json_t *issued = NULL;
    json_t *properties = NULL;
    bool permitted = false;
    bool ok = false;

    snprintf(claims_text, sizeof(claims_text), CLAIMS_FORMAT, debuggable, 1, 2);
    json_t *claims = json_loads(claims_text, 0, &json_error);
    if (claims == NULL) {
        fprintf(stderr, "deploy_policy_check: sample claims: %s\n", json_error.text);
        return false;
    }
    if (cella_policy_evaluate(policy, claims, &permitted, &issued, &properties, reason,
                              sizeof(reason)) != CELLA_OK) {
        fprintf(stderr, "deploy_policy_check: evaluation failed: %s\n", reason);
        goto out;
    }
    if (permitted)
        printf("%s: permitted\n", name);
    else
        printf("%s: refused: %s\n", name, reason);
    ok = true;
out:
    json_decref(issued);
    json_decref(properties);
    json_decref(claims);
    return ok;
}

int main(int argc, char **argv)
{
    char error[CELLA_POLICY_ERROR_BYTES] = "";
    cella_policy_t *policy = NULL;
    size_t size = 0;
    int status = 1;

    if (argc != 2) {
        fprintf(stderr, "usage: deploy_policy_check FILE\n");
        return 2;
    }
    char *text = read_file(argv[1], &size);
    if (text == NULL) {
        fprintf(stderr, "deploy_policy_check: cannot read %s\n", argv[1]);
        return 1;
    }
    if (cella_policy_parse(text, size, &policy, error, sizeof(error)) != CELLA_OK) {
        fprintf(stderr, "deploy_policy_check: %s: %s\n", argv[1], error);
        goto out;
    }
    if (show_verdict(policy, "debuggable", "true") &&
        show_verdict(policy, "not debuggable", "false"))
        status = 0;
out:
    cella_policy_destroy(policy);
    free(text);
    return status;
}
