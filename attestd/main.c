/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/main.c: cella-attestd: options and config file, startup checks, signals, logging. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cella/collateral.h>
#include <cella/log.h>
#include <cella/memory.h>

#include "server.h"
#include "service.h"

/*
 * cella-attestd serves Microsoft Azure Attestation's REST API for SGX quotes. Options come
 * from an optional config file (--config FILE: one "name = value" per line, the names of
 * the long options, '#' starts a comment) and the command line, which overrides it: a
 * single-valued option given on both takes the command line's value, and a repeatable one
 * given on the command line replaces the file's list.
 */

#define EXIT_OK    0
#define EXIT_ERROR 1
#define EXIT_USAGE 64

#define DEFAULT_ADDRESS   "127.0.0.1"
#define DEFAULT_PORT      8080
#define DEFAULT_STATE_DIR "/var/lib/cella-attestd"
#define LIST_MAX          16
#define CONFIG_MAX_BYTES  (64 * 1024)
#define TOKEN_MAX_BYTES   4096

/* A repeatable option's values. */
struct list {
    const char *items[LIST_MAX];
    size_t count;
    bool from_command_line;
};

struct options {
    const char *config;
    const char *listen;
    long port;
    const char *tls_cert;
    const char *tls_key;
    const char *instance_url;
    char state_dir[PATH_MAX];
    const char *collateral;
    const char *pccs;
    bool dev;
    struct list roots;
    struct list tcb_statuses;
    long threads;
    long max_body_bytes;
    long timeout;
    long max_connections;
    const char *admin_token_file;
    cella_log_level_t log_level;
    /* Strings read from the config file, freed at exit. */
    char *owned[128];
    size_t owned_count;
};

static void say(const char *format, ...) CELLA_PRINTF(1, 2);

/*
 * One line on stderr (the journal, under systemd). Lines carry what clients sent (paths,
 * error details), so control characters become '?': a client cannot forge a line.
 */
static void say(const char *format, ...)
{
    char line[1024];
    va_list arguments;

    va_start(arguments, format);
    vsnprintf(line, sizeof(line), format, arguments);
    va_end(arguments);
    for (char *c = line; *c != '\0'; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    }
    fprintf(stderr, "cella-attestd: %s\n", line);
}

static void log_to_stderr(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    say("%s%s",
        level == CELLA_LOG_ERROR     ? "error: "
        : level == CELLA_LOG_WARNING ? "warning: "
                                     : "",
        message);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: cella-attestd (--collateral DIR | --pccs URL) [options]\n"
            "\n"
            "An attestation service compatible with Microsoft Azure Attestation: it verifies\n"
            "SGX quotes (POST /attest/SgxEnclave, /attest/OpenEnclave), applies the attestation\n"
            "policy and answers with an RS256 token that relying parties check against GET\n"
            "/certs. Policies: GET/PUT /policies/{type}, POST /policies/{type}:reset.\n"
            "\n"
            "  --config FILE               options from FILE (name = value lines); the command\n"
            "                              line overrides it\n"
            "  --listen ADDRESS            IPv4 or IPv6 address to listen on (default %s)\n"
            "  --port N                    TCP port (default %d; 0: any free port)\n"
            "  --tls-cert FILE             serve HTTPS with this certificate chain (PEM)...\n"
            "  --tls-key FILE              ...and its key; without them only 127.0.0.1 or ::1\n"
            "                              may be served (plain HTTP, e.g. behind a proxy)\n"
            "  --instance-url URL          the issuer (iss), jku base and certificate name\n"
            "                              (default: the scheme, address and port served)\n"
            "  --state-dir DIR             the database: signing key and policies (default:\n"
            "                              $STATE_DIRECTORY from systemd, else %s)\n"
            "  --collateral DIR            collateral from a directory (as `cella platform\n"
            "                              export` or Intel's PCS documents lay it out)\n"
            "  --pccs URL                  collateral from Intel's PCS or a PCCS\n"
            "  --dev                       dev mode: accept quotes of cella's software TEE from\n"
            "                              the roots given with --trust-software-tee-root\n"
            "  --trust-software-tee-root FILE  a software-TEE platform's root (PEM; dev mode\n"
            "                              only; repeatable)\n"
            "  --accept-tcb-status STATUS  a TCB status to accept (repeatable; default:\n"
            "                              UpToDate, SWHardeningNeeded, ConfigurationNeeded,\n"
            "                              ConfigurationAndSWHardeningNeeded)\n"
            "  --threads N                 HTTP worker threads (default: one per CPU)\n"
            "  --max-body-bytes N          larger request bodies get 413 (default %u)\n"
            "  --timeout SECONDS           idle connections are closed (default %u)\n"
            "  --max-connections N         connections served at once (default %u)\n"
            "  --admin-token-file FILE     policy changes need \"Authorization: Bearer <the\n"
            "                              file's first line>\"; without it only dev mode may\n"
            "                              change policies\n"
            "  --log-level LEVEL           error, warning, info (default) or debug\n"
            "  --help                      this text\n"
            "\n"
            "It stops on SIGTERM or SIGINT, after the requests in progress.\n"
            "Exit status: 0 after such a stop, 1 when it cannot start, 64 on bad usage.\n",
            DEFAULT_ADDRESS, DEFAULT_PORT, DEFAULT_STATE_DIR, CELLA_SERVER_DEFAULT_MAX_BODY_BYTES,
            CELLA_SERVER_DEFAULT_TIMEOUT_SECONDS, CELLA_SERVER_DEFAULT_MAX_CONNECTIONS);
}

/* ---- options --------------------------------------------------------------------------------- */

enum {
    OPT_CONFIG = 1,
    OPT_LISTEN,
    OPT_PORT,
    OPT_TLS_CERT,
    OPT_TLS_KEY,
    OPT_INSTANCE_URL,
    OPT_STATE_DIR,
    OPT_COLLATERAL,
    OPT_PCCS,
    OPT_DEV,
    OPT_ROOT,
    OPT_TCB_STATUS,
    OPT_THREADS,
    OPT_MAX_BODY,
    OPT_TIMEOUT,
    OPT_MAX_CONNECTIONS,
    OPT_ADMIN_TOKEN,
    OPT_LOG_LEVEL,
    OPT_HELP,
};

static const struct option long_options[] = {
    {"config", required_argument, NULL, OPT_CONFIG},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"port", required_argument, NULL, OPT_PORT},
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"instance-url", required_argument, NULL, OPT_INSTANCE_URL},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {"collateral", required_argument, NULL, OPT_COLLATERAL},
    {"pccs", required_argument, NULL, OPT_PCCS},
    {"dev", no_argument, NULL, OPT_DEV},
    {"trust-software-tee-root", required_argument, NULL, OPT_ROOT},
    {"accept-tcb-status", required_argument, NULL, OPT_TCB_STATUS},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"max-body-bytes", required_argument, NULL, OPT_MAX_BODY},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
    {"admin-token-file", required_argument, NULL, OPT_ADMIN_TOKEN},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static bool parse_number(const char *name, const char *value, long min, long max, long *out)
{
    char *end = NULL;

    errno = 0;
    long number = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || number < min || number > max) {
        say("--%s %s is not a number from %ld to %ld", name, value, min, max);
        return false;
    }
    *out = number;
    return true;
}

static bool parse_bool(const char *name, const char *value, bool *out)
{
    if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 || strcmp(value, "1") == 0)
        *out = true;
    else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 || strcmp(value, "0") == 0)
        *out = false;
    else {
        say("%s = %s: say true or false", name, value);
        return false;
    }
    return true;
}

static bool add_to_list(const char *name, struct list *list, const char *value,
                        bool from_command_line)
{
    if (from_command_line && !list->from_command_line) {
        list->count = 0; /* the command line replaces the config file's list */
        list->from_command_line = true;
    }
    if (list->count == LIST_MAX) {
        say("--%s is given more than %d times", name, LIST_MAX);
        return false;
    }
    list->items[list->count++] = value;
    return true;
}

/* Applies one option (its getopt code) with value; false after saying what is wrong. */
static bool apply(struct options *o, int code, const char *name, const char *value,
                  bool from_command_line)
{
    switch (code) {
    case OPT_CONFIG:
        o->config = value;
        return true;
    case OPT_LISTEN:
        o->listen = value;
        return true;
    case OPT_PORT:
        return parse_number(name, value, 0, 65535, &o->port);
    case OPT_TLS_CERT:
        o->tls_cert = value;
        return true;
    case OPT_TLS_KEY:
        o->tls_key = value;
        return true;
    case OPT_INSTANCE_URL:
        o->instance_url = value;
        return true;
    case OPT_STATE_DIR:
        if (value[0] != '/' || strlen(value) >= sizeof(o->state_dir)) {
            say("--state-dir %s must be an absolute path", value);
            return false;
        }
        snprintf(o->state_dir, sizeof(o->state_dir), "%s", value);
        return true;
    case OPT_COLLATERAL:
        o->collateral = value;
        return true;
    case OPT_PCCS:
        o->pccs = value;
        return true;
    case OPT_DEV:
        return value == NULL ? (o->dev = true) : parse_bool(name, value, &o->dev);
    case OPT_ROOT:
        return add_to_list(name, &o->roots, value, from_command_line);
    case OPT_TCB_STATUS:
        return add_to_list(name, &o->tcb_statuses, value, from_command_line);
    case OPT_THREADS:
        return parse_number(name, value, 1, 1024, &o->threads);
    case OPT_MAX_BODY:
        return parse_number(name, value, 1024, 64L << 20, &o->max_body_bytes);
    case OPT_TIMEOUT:
        return parse_number(name, value, 1, 3600, &o->timeout);
    case OPT_MAX_CONNECTIONS:
        return parse_number(name, value, 1, 65536, &o->max_connections);
    case OPT_ADMIN_TOKEN:
        o->admin_token_file = value;
        return true;
    case OPT_LOG_LEVEL:
        for (int level = CELLA_LOG_ERROR; level <= CELLA_LOG_DEBUG; level++) {
            if (strcmp(value, cella_log_level_str((cella_log_level_t)level)) == 0) {
                o->log_level = (cella_log_level_t)level;
                return true;
            }
        }
        say("--log-level %s: say error, warning, info or debug", value);
        return false;
    default:
        return false;
    }
}

static char *trim(char *text)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t size = strlen(text);
    while (size > 0 && (text[size - 1] == ' ' || text[size - 1] == '\t' || text[size - 1] == '\r' ||
                        text[size - 1] == '\n'))
        text[--size] = '\0';
    return text;
}

/* Applies the config file's lines. */
static bool read_config(struct options *o, const char *path)
{
    char line[PATH_MAX + 128];
    unsigned number = 0;
    bool ok = true;
    FILE *file = fopen(path, "re");

    if (file == NULL) {
        say("cannot read the config file %s: %s", path, strerror(errno));
        return false;
    }
    while (ok && fgets(line, sizeof(line), file) != NULL) {
        number++;
        if (strchr(line, '\n') == NULL && !feof(file)) {
            say("%s:%u: the line is too long", path, number);
            ok = false;
            break;
        }
        char *text = trim(line);
        if (text[0] == '\0' || text[0] == '#')
            continue;
        char *equals = strchr(text, '=');
        if (equals == NULL) {
            say("%s:%u: expected name = value", path, number);
            ok = false;
            break;
        }
        *equals = '\0';
        char *name = trim(text);
        char *value = trim(equals + 1);
        const struct option *option = NULL;
        for (size_t i = 0; long_options[i].name != NULL; i++)
            if (strcmp(long_options[i].name, name) == 0)
                option = &long_options[i];
        if (option == NULL || option->val == OPT_CONFIG || option->val == OPT_HELP) {
            say("%s:%u: unknown option '%s'", path, number, name);
            ok = false;
            break;
        }
        if (o->owned_count == sizeof(o->owned) / sizeof(o->owned[0])) {
            say("%s: too many lines", path);
            ok = false;
            break;
        }
        char *copy = strdup(value);
        if (copy == NULL) {
            ok = false;
            break;
        }
        o->owned[o->owned_count++] = copy;
        if (!apply(o, option->val, name, copy, false)) {
            say("(in %s, line %u)", path, number);
            ok = false;
        }
    }
    fclose(file);
    return ok;
}

static bool parse_options(int argc, char **argv, struct options *o, int *exit_code)
{
    int option;

    *exit_code = EXIT_USAGE;
    o->listen = DEFAULT_ADDRESS;
    o->port = DEFAULT_PORT;
    o->max_body_bytes = CELLA_SERVER_DEFAULT_MAX_BODY_BYTES;
    o->timeout = CELLA_SERVER_DEFAULT_TIMEOUT_SECONDS;
    o->max_connections = CELLA_SERVER_DEFAULT_MAX_CONNECTIONS;
    o->log_level = CELLA_LOG_INFO;
    /* systemd's StateDirectory= sets STATE_DIRECTORY, a colon-separated list: the first. */
    const char *state = getenv("STATE_DIRECTORY");
    size_t state_length = state != NULL ? strcspn(state, ":") : 0;
    if (state_length == 0 || state_length >= sizeof(o->state_dir) || state[0] != '/')
        snprintf(o->state_dir, sizeof(o->state_dir), "%s", DEFAULT_STATE_DIR);
    else
        snprintf(o->state_dir, sizeof(o->state_dir), "%.*s", (int)state_length, state);

    /* First the config file, then the command line over it. */
    opterr = 0;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (option == OPT_CONFIG)
            o->config = optarg;
        if (option == OPT_HELP) {
            usage(stdout);
            *exit_code = EXIT_OK;
            return false;
        }
    }
    if (o->config != NULL && !read_config(o, o->config))
        return false;
    opterr = 1;
    optind = 1;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (option == '?' || option == ':') {
            usage(stderr);
            return false;
        }
        const char *name = NULL;
        for (size_t i = 0; long_options[i].name != NULL; i++)
            if (long_options[i].val == option)
                name = long_options[i].name;
        if (!apply(o, option, name, optarg, true))
            return false;
    }
    if (optind != argc) {
        say("unexpected argument %s; see --help", argv[optind]);
        return false;
    }
    if ((o->collateral == NULL) == (o->pccs == NULL)) {
        say("say where collateral comes from: --collateral DIR (a directory, e.g. what `cella "
            "platform export` writes) or --pccs URL (Intel's PCS or a PCCS), one of the two");
        return false;
    }
    if (o->roots.count != 0 && !o->dev) {
        say("--trust-software-tee-root needs --dev: production mode never accepts quotes of "
            "cella's software TEE");
        return false;
    }
    if ((o->tls_cert == NULL) != (o->tls_key == NULL)) {
        say("TLS needs both --tls-cert and --tls-key");
        return false;
    }
    *exit_code = EXIT_OK;
    return true;
}

/* The accepted TCB statuses as bits, or false after saying which name is wrong. */
static bool tcb_statuses(const struct options *o, uint32_t *bits)
{
    if (o->tcb_statuses.count == 0) {
        *bits = CELLA_SERVICE_DEFAULT_TCB_STATUSES;
        return true;
    }
    *bits = 0;
    for (size_t i = 0; i < o->tcb_statuses.count; i++) {
        cella_tcb_status_t status;
        if (cella_tcb_status_parse(o->tcb_statuses.items[i], &status) != CELLA_OK) {
            say("--accept-tcb-status %s is not a TCB status (UpToDate, SWHardeningNeeded, "
                "ConfigurationNeeded, ConfigurationAndSWHardeningNeeded, OutOfDate, "
                "OutOfDateConfigurationNeeded)",
                o->tcb_statuses.items[i]);
            return false;
        }
        if (status == CELLA_TCB_STATUS_REVOKED)
            say("warning: --accept-tcb-status Revoked has no effect: the verifier refuses "
                "revoked platforms");
        *bits |= CELLA_SERVICE_TCB_BIT(status);
    }
    return true;
}

/* A whole file into a new string (for PEM files and the admin token). */
static char *read_text(const char *what, const char *path, size_t max_size)
{
    struct stat st;
    char *text = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        say("cannot read %s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (size_t)st.st_size > max_size) {
        say("%s %s is empty, not a file, or larger than %zu bytes", what, path, max_size);
        close(fd);
        return NULL;
    }
    text = malloc((size_t)st.st_size + 1);
    if (text != NULL && read(fd, text, (size_t)st.st_size) == st.st_size) {
        text[st.st_size] = '\0';
    } else {
        say("cannot read %s %s", what, path);
        free(text);
        text = NULL;
    }
    close(fd);
    return text;
}

/* The default instance URL: what the server listens on. */
static void default_instance_url(const struct options *o, const cella_server_t *server, char *url,
                                 size_t url_size)
{
    bool ipv6 = strchr(o->listen, ':') != NULL;
    snprintf(url, url_size, "%s://%s%s%s:%u", cella_server_is_tls(server) ? "https" : "http",
             ipv6 ? "[" : "", o->listen, ipv6 ? "]" : "", (unsigned)cella_server_port(server));
}

/* ---- running --------------------------------------------------------------------------------- */

/* Wipes and frees a secret read from a file; the server and the service keep their own. */
static void secret_free(char **secret, size_t size)
{
    if (*secret == NULL)
        return;
    cella_memory_wipe(*secret, size);
    free(*secret);
    *secret = NULL;
}

static int run(const struct options *o, uint32_t accepted, sigset_t *stop_signals)
{
    cella_server_t *server = NULL;
    cella_service_t *service = NULL;
    char *tls_cert = NULL, *tls_key = NULL, *admin_token = NULL;
    size_t tls_key_size = 0, admin_token_size = 0;
    char url[PATH_MAX];
    int code = EXIT_ERROR;

    if (o->tls_cert != NULL) {
        tls_cert = read_text("the TLS certificate", o->tls_cert, 1 << 20);
        tls_key = read_text("the TLS key", o->tls_key, 1 << 20);
        if (tls_cert == NULL || tls_key == NULL)
            goto out;
        tls_key_size = strlen(tls_key);
    }
    if (o->admin_token_file != NULL) {
        admin_token = read_text("the admin token file", o->admin_token_file, TOKEN_MAX_BYTES);
        if (admin_token == NULL)
            goto out;
        admin_token_size = strlen(admin_token);
        admin_token[strcspn(admin_token, "\r\n")] = '\0';
        if (admin_token[0] == '\0') {
            say("the admin token file %s has an empty first line", o->admin_token_file);
            goto out;
        }
    }
    cella_server_config_t server_config = {
        .address = o->listen,
        .port = (uint16_t)o->port,
        .threads = (unsigned)o->threads,
        .max_body_bytes = (size_t)o->max_body_bytes,
        .timeout_seconds = (unsigned)o->timeout,
        .max_connections = (unsigned)o->max_connections,
        .tls_cert_pem = tls_cert,
        .tls_key_pem = tls_key,
    };
    cella_result_t listened = cella_server_listen(&server_config, &server);
    secret_free(&tls_key, tls_key_size);
    server_config.tls_key_pem = NULL;
    if (listened != CELLA_OK)
        goto out;
    if (o->instance_url != NULL) {
        size_t size = strlen(o->instance_url);
        while (size > 0 && o->instance_url[size - 1] == '/')
            size--;
        snprintf(url, sizeof(url), "%.*s", (int)size, o->instance_url);
        if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
            say("--instance-url %s must start with https:// (or http://)", o->instance_url);
            code = EXIT_USAGE;
            goto out;
        }
    } else {
        default_instance_url(o, server, url, sizeof(url));
    }
    cella_service_config_t service_config = {
        .state_dir = o->state_dir,
        .collateral_dir = o->collateral,
        .pccs_url = o->pccs,
        .dev = o->dev,
        .software_tee_roots = o->roots.items,
        .software_tee_root_count = o->roots.count,
        .accepted_tcb_statuses = accepted,
        .instance_url = url,
        .admin_token = admin_token,
    };
    if (o->dev)
        say("warning: dev mode: %s", o->roots.count == 0
                                         ? "no software-TEE root is trusted, so this changes "
                                           "nothing but who may change policies"
                                         : "quotes of cella's software TEE are accepted; its "
                                           "tokens carry x-ms-cella-software-tee: true");
    cella_result_t created = cella_service_create(&service_config, &service);
    secret_free(&admin_token, admin_token_size);
    service_config.admin_token = NULL;
    if (created != CELLA_OK) {
        say("cannot start (see above)");
        goto out;
    }
    if (cella_server_start(server, service) != CELLA_OK)
        goto out;
    say("listening on %s://%s%s%s:%u as %s%s", cella_server_is_tls(server) ? "https" : "http",
        strchr(o->listen, ':') != NULL ? "[" : "", o->listen,
        strchr(o->listen, ':') != NULL ? "]" : "", (unsigned)cella_server_port(server), url,
        o->dev ? " (dev mode)" : "");
    for (;;) {
        int signal_number = 0;
        if (sigwait(stop_signals, &signal_number) != 0)
            continue;
        if (signal_number == SIGHUP) {
            say("SIGHUP ignored: restart cella-attestd to read its configuration again");
            continue;
        }
        say("stopping on %s", strsignal(signal_number));
        break;
    }
    code = EXIT_OK;
out:
    cella_server_stop(server);
    cella_service_destroy(service);
    free(tls_cert);
    secret_free(&tls_key, tls_key_size);
    secret_free(&admin_token, admin_token_size);
    return code;
}

int main(int argc, char **argv)
{
    struct options options;
    sigset_t stop_signals;
    uint32_t accepted = 0;
    int code = EXIT_USAGE;

    memset(&options, 0, sizeof(options));
    cella_log_set_handler(log_to_stderr, NULL);
    /* The HTTP threads inherit this mask: only the main thread takes these signals. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (!parse_options(argc, argv, &options, &code))
        goto done; /* --help (0), or a usage error it reported (64) */
    if (!tcb_statuses(&options, &accepted)) {
        code = EXIT_USAGE;
        goto done;
    }
    cella_log_set_level(options.log_level);
    code = run(&options, accepted, &stop_signals);
done:
    for (size_t i = 0; i < options.owned_count; i++)
        free(options.owned[i]);
    return code;
}
