/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/platform.c: `cella platform`: `export` writes the software platform's collateral. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cella/log.h>

#include "host/keys.h"
#include "host/quoting.h"
#include "subcommands.h"

#define EXIT_OK    0
#define EXIT_ERROR 1
#define EXIT_USAGE 2

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cella platform export --out DIR [--state-dir DIR] [--force]\n"
            "       cella platform --help\n"
            "\n"
            "cella's software TEE plays Intel's quoting enclave: its quotes chain to a root\n"
            "certificate made from the platform secrets, not to Intel's. `export` writes that\n"
            "root and the rest of the collateral a DCAP verifier needs (TCB Info, QE Identity,\n"
            "their issuer chains, CRLs) into DIR:\n"
            "\n"
            "  DIR/root-ca.pem                   the root: give it to verifiers as a\n"
            "                                    software-TEE root to trust this platform\n"
            "  DIR/root-ca-crl.der               the root CA's CRL\n"
            "  DIR/pck-crl-platform.der          the PCK Platform CA's CRL\n"
            "  DIR/tcb-info/ce11a0000001.json    TCB Info, named by the platform's FMSPC\n"
            "  DIR/tcb-info-issuer-chain.pem     TCB Signing certificate and root\n"
            "  DIR/qe-identity.json              QE Identity\n"
            "  DIR/qe-identity-issuer-chain.pem  TCB Signing certificate and root\n"
            "\n"
            "TCB Info, QE Identity and the CRLs are current for 30 days: export again before\n"
            "they expire. The root stays the same as long as the platform secrets do.\n"
            "\n"
            "Options:\n"
            "  --out DIR        where to write (created if missing; its parent must exist)\n"
            "  --state-dir DIR  the platform secrets of DIR, e.g. cella-platformd's\n"
            "                   (/var/lib/cella; run as the daemon's user, who alone can read\n"
            "                   them); default: this user's, as applications in dev mode use\n"
            "                   them (CELLA_STATE_DIR, else $XDG_STATE_HOME/cella, else\n"
            "                   ~/.local/state/cella), created if there are none yet\n"
            "  --force          overwrite collateral already in DIR\n"
            "  -h, --help       show this help\n"
            "\n"
            "Exit status: 0 when the collateral was written, 1 when it could not be, 2 on bad\n"
            "usage.\n");
}

struct export_options {
    const char *out;
    const char *state_dir; /* NULL: the user's */
    bool force;
};

/* Parses `export`'s options (argv[0] is "export"). Returns -1 to go on, else an exit code. */
static int parse_export(int argc, char **argv, struct export_options *options)
{
    enum { OPT_OUT = 1, OPT_STATE_DIR, OPT_FORCE };
    static const struct option long_options[] = {
        {"out", required_argument, NULL, OPT_OUT},
        {"state-dir", required_argument, NULL, OPT_STATE_DIR},
        {"force", no_argument, NULL, OPT_FORCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int option;

    opterr = 0;
    optind = 1;
    while ((option = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        switch (option) {
        case OPT_OUT:
        case OPT_STATE_DIR: {
            const char **slot = option == OPT_OUT ? &options->out : &options->state_dir;
            if (*slot != NULL) {
                fprintf(stderr, "cella platform export: %s given twice; see --help\n",
                        option == OPT_OUT ? "--out" : "--state-dir");
                return EXIT_USAGE;
            }
            *slot = optarg;
            break;
        }
        case OPT_FORCE:
            options->force = true;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case ':':
            fprintf(stderr, "cella platform export: %s needs a value; see --help\n",
                    argv[optind - 1]);
            return EXIT_USAGE;
        default:
            fprintf(stderr, "cella platform export: unknown option %s; see --help\n",
                    argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "cella platform export: unexpected argument %s; see --help\n",
                argv[optind]);
        return EXIT_USAGE;
    }
    if (options->out == NULL || options->out[0] == '\0') {
        fprintf(stderr, "cella platform export: say where to write with --out DIR\n");
        return EXIT_USAGE;
    }
    if (options->state_dir != NULL && options->state_dir[0] != '/') {
        fprintf(stderr, "cella platform export: --state-dir %s must be an absolute path\n",
                options->state_dir);
        return EXIT_USAGE;
    }
    return -1;
}

static int export_main(int argc, char **argv)
{
    struct export_options options = {NULL, NULL, false};
    char state_dir[PATH_MAX], secrets_path[PATH_MAX + 32];
    cella_keys_secrets_t *secrets = NULL;
    cella_quoting_t *quoting = NULL;
    int code = parse_export(argc, argv, &options);

    if (code >= 0)
        return code;
    code = EXIT_ERROR;
    if (options.state_dir != NULL) {
        snprintf(state_dir, sizeof(state_dir), "%s", options.state_dir);
    } else if (cella_keys_state_dir(state_dir, sizeof(state_dir)) != CELLA_OK) {
        fprintf(stderr, "cella platform export: no state directory is known for this user: "
                        "set CELLA_STATE_DIR or HOME, or give --state-dir\n");
        return EXIT_ERROR;
    }
    /* Another party's platform (a daemon's) is never created here: new secrets would not be
     * the ones its quotes are made with. */
    snprintf(secrets_path, sizeof(secrets_path), "%s/%s", state_dir, CELLA_KEYS_SECRETS_FILE);
    struct stat st;
    if (options.state_dir != NULL && stat(secrets_path, &st) != 0) {
        int error = errno;
        fprintf(stderr, "cella platform export: cannot use %s: %s%s\n", secrets_path,
                strerror(error),
                error == ENOENT   ? " (cella-platformd creates it when it first starts)"
                : error == EACCES ? " (run this as the user the secrets belong to)"
                                  : "");
        return EXIT_ERROR;
    }
    if (cella_keys_secrets_create(state_dir, &secrets) != CELLA_OK ||
        cella_quoting_create(secrets, &quoting) != CELLA_OK) {
        fprintf(stderr, "cella platform export: cannot read the platform of %s (see above)\n",
                state_dir);
        goto out;
    }
    time_t now = time(NULL);
    cella_result_t r = cella_quoting_export(quoting, (int64_t)now, options.out, options.force);
    if (r == CELLA_ERR_ACCESS_DENIED && !options.force) {
        fprintf(stderr,
                "cella platform export: %s already holds collateral, or cannot be "
                "written; --force overwrites it\n",
                options.out);
        goto out;
    }
    if (r != CELLA_OK) {
        /* The line before says why (the library logs the failing step and its errno). */
        fprintf(stderr, "cella platform export: cannot write the collateral to %s (see above)\n",
                options.out);
        goto out;
    }
    time_t until = now + CELLA_QUOTING_COLLATERAL_VALIDITY_SECONDS;
    struct tm parts;
    char date[32] = "";
    if (gmtime_r(&until, &parts) != NULL)
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", &parts);
    printf("Wrote the collateral of the platform in %s to %s.\n"
           "%s/" CELLA_QUOTING_ROOT_CA_FILE " is a SOFTWARE-TEE root: cella's, made from this\n"
           "platform's secrets, not Intel's. Quotes of this platform prove what ran only as far\n"
           "as you trust this machine and its administrators. Verifiers accept them only when\n"
           "given that root as a software-TEE root (cella_verifier_add_root with\n"
           "CELLA_VERIFY_ROOT_SOFTWARE_TEE); never install it as an Intel SGX root.\n"
           "TCB Info, QE Identity and the CRLs are current until %s.\n",
           state_dir, options.out, options.out, date);
    code = EXIT_OK;
out:
    cella_quoting_destroy(quoting);
    cella_keys_secrets_destroy(secrets);
    return code;
}

static const struct subcommand platform_commands[] = {
    {"export", "write the platform's root certificate and collateral for verifiers", export_main},
};

int platform_main(int argc, char **argv)
{
    subcommand_log_to_stderr("cella platform");
    return subcommand_dispatch("platform", platform_commands,
                               sizeof(platform_commands) / sizeof(platform_commands[0]), usage,
                               argc, argv);
}
