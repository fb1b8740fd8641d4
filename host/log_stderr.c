/* SPDX-License-Identifier: Apache-2.0 */
/* host/log_stderr.c: the host runtime's log lines on stderr, until the application installs a
 * handler. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdbool.h>

#include <cella/log.h>

#include "../common/log_internal.h"
#include "enclave.h"

/*
 * An application that never heard of cella's log (an SGX application built unchanged) still
 * learns why sgx_create_enclave() failed: errors and warnings go to stderr as
 * "cella: error: ...". CELLA_LOG=off|error|warning|info|debug sets the level; an application
 * that calls cella_log_set_handler() takes over and this sink is never used again.
 */

static cella_log_level_t stderr_level = CELLA_LOG_WARNING;
static int stderr_off;
static pthread_once_t stderr_once = PTHREAD_ONCE_INIT;

static void write_line(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    if (stderr_off || level > stderr_level)
        return;
    /* One write per line, so that lines of concurrent threads do not interleave. */
    char line[CELLA_LOG_MESSAGE_MAX_BYTES + 32];
    int length =
        snprintf(line, sizeof(line), "cella: %s: %s\n", cella_log_level_str(level), message);
    if (length > 0)
        fwrite(line, 1, (size_t)length < sizeof(line) ? (size_t)length : sizeof(line) - 1, stderr);
}

static void install(void)
{
    static const struct {
        const char *name;
        cella_log_level_t level;
    } levels[] = {
        {"error", CELLA_LOG_ERROR},
        {"warning", CELLA_LOG_WARNING},
        {"info", CELLA_LOG_INFO},
        {"debug", CELLA_LOG_DEBUG},
    };
    const char *text = getenv("CELLA_LOG");

    if (text != NULL && *text != '\0') {
        bool known = false;
        if (strcasecmp(text, "off") == 0 || strcmp(text, "0") == 0) {
            stderr_off = 1;
            known = true;
        }
        for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]) && !known; i++) {
            if (strcasecmp(text, levels[i].name) == 0) {
                stderr_level = levels[i].level;
                cella_log_set_level(levels[i].level);
                known = true;
            }
        }
        if (!known)
            fprintf(stderr,
                    "cella: warning: CELLA_LOG=%s is not a level: use off, error, "
                    "warning, info or debug\n",
                    text);
    }
    cella_log_set_fallback(write_line);
}

void cella_host_log_init(void)
{
    (void)pthread_once(&stderr_once, install);
}
