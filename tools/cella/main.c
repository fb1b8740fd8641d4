/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/main.c: the `cella` command and its dispatch table. */
#include <stdio.h>
#include <string.h>

#include <cella/log.h>

#include "subcommands.h"

#ifndef CELLA_VERSION
#define CELLA_VERSION "unknown"
#endif

static const struct subcommand subcommands[] = {
    {"detect", "check whether this machine can run enclaves, and why not", detect_main},
    {"edger8r", "generate an enclave's bridge code from EDL (sgx_edger8r compatible)",
     edger8r_main},
    {"error", "explain an SGX or DCAP status code (e.g. 0x2006, 8198)", error_main},
    {"platform", "export the software platform's root and collateral for verifiers", platform_main},
    {"quote", "show what an SGX DCAP quote holds", quote_main},
    {"sign", "sign enclaves and show their identity (sgx_sign compatible)", sign_main},
    {"size", "show an enclave's EPC footprint and the Azure VM size it fits", size_main},
    {"token", "verify attestation tokens (MAA-compatible JWTs) as a relying party", token_main},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: cella <command> [options]\n"
                 "       cella <command> --help\n"
                 "\n"
                 "cella builds, runs and attests SGX enclaves, with or without SGX hardware.\n"
                 "\n"
                 "Commands:\n");
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
    fprintf(out, "\n"
                 "Options:\n"
                 "  -h, --help     show this help\n"
                 "  -V, --version  show the version\n");
}

/* Whether the program runs under the name sgx_sign (an installed link to cella). */
static int is_sgx_sign(const char *argv0)
{
    const char *base = argv0 != NULL ? strrchr(argv0, '/') : NULL;
    base = base != NULL ? base + 1 : argv0;
    return base != NULL && strcmp(base, "sgx_sign") == 0;
}

/* Whether the program runs under the name sgx_edger8r (an installed link to cella). */
static int is_sgx_edger8r(const char *argv0)
{
    const char *base = argv0 != NULL ? strrchr(argv0, '/') : NULL;
    base = base != NULL ? base + 1 : argv0;
    return base != NULL && strcmp(base, "sgx_edger8r") == 0;
}

int subcommand_dispatch(const char *program, const struct subcommand *table, size_t count,
                        void (*print_usage)(FILE *out), int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        print_usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        if (strcmp(name, table[i].name) == 0)
            return table[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "cella %s: unknown command '%s'; 'cella %s --help' lists the commands\n",
            program, name, program);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc > 0 && is_sgx_sign(argv[0]))
        return sign_main(argc, argv);
    if (argc > 0 && is_sgx_edger8r(argv[0]))
        return edger8r_main(argc, argv);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0) {
        printf("cella %s\n", CELLA_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
        if (strcmp(name, subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "cella: unknown command '%s'; 'cella --help' lists the commands\n", name);
    return 2;
}

static const char *log_prefix = "cella";

static void log_to_stderr(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    fprintf(stderr, "%s: %s%s\n", log_prefix, level == CELLA_LOG_WARNING ? "warning: " : "",
            message);
}

void subcommand_log_to_stderr(const char *prefix)
{
    log_prefix = prefix;
    cella_log_set_level(CELLA_LOG_WARNING);
    cella_log_set_handler(log_to_stderr, NULL);
}

void subcommand_log_stop(void)
{
    cella_log_set_handler(NULL, NULL);
}
