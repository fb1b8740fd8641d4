/* SPDX-License-Identifier: Apache-2.0 */
/* common/log.c: the log handler, the level filter and message formatting. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h> /* vsnprintf only; the trusted C library has it too */
#include <string.h>

#include <cella/log.h>

#include "log_internal.h"

/*
 * The handler and its context must be read as a pair, without a lock (common/ has no OS
 * calls) and without allocating an immutable copy (no malloc). A sequence lock does it:
 * a writer makes sink_sequence odd, stores the pair, then makes it even again; a reader
 * retries until it saw the same even value before and after reading the pair. All
 * accesses are sequentially consistent atomics, so there is no data race and a reader that
 * saw no change of the sequence read no half-written pair. Writers are rare; readers only
 * wait while a writer is between its two sequence stores.
 */
static atomic_uint sink_sequence;
static _Atomic(cella_log_handler_t) sink_handler;
static _Atomic(void *) sink_context;

static atomic_uint max_level_filter = CELLA_LOG_INFO;

/* Until an application chooses a handler (NULL included), messages go to the fallback, if a
 * library installed one (the host runtime's writes to stderr). */
static atomic_bool sink_chosen;
static _Atomic(cella_log_handler_t) fallback_handler;

static void load_sink(cella_log_handler_t *handler, void **context)
{
    for (;;) {
        unsigned before = atomic_load(&sink_sequence);
        *handler = atomic_load(&sink_handler);
        *context = atomic_load(&sink_context);
        unsigned after = atomic_load(&sink_sequence);
        if (before == after && (before & 1u) == 0)
            return;
    }
}

void cella_log_set_handler(cella_log_handler_t handler, void *context)
{
    /* Take the writer's turn: move the sequence from an even value to the next odd one. */
    unsigned sequence = atomic_load(&sink_sequence);
    for (;;) {
        if ((sequence & 1u) != 0)
            sequence = atomic_load(&sink_sequence);
        else if (atomic_compare_exchange_weak(&sink_sequence, &sequence, sequence + 1u))
            break;
    }
    atomic_store(&sink_handler, handler);
    atomic_store(&sink_context, context);
    atomic_store(&sink_sequence, sequence + 2u);
    atomic_store(&sink_chosen, true);
}

void cella_log_set_fallback(cella_log_handler_t handler)
{
    atomic_store(&fallback_handler, handler);
}

void cella_log_set_level(cella_log_level_t max_level)
{
    atomic_store(&max_level_filter, (unsigned)max_level);
}

const char *cella_log_level_str(cella_log_level_t level)
{
    /* Exhaustive, no default: -Wswitch-enum reports a level added without a name. */
    switch (level) {
    case CELLA_LOG_ERROR:
        return "error";
    case CELLA_LOG_WARNING:
        return "warning";
    case CELLA_LOG_INFO:
        return "info";
    case CELLA_LOG_DEBUG:
        return "debug";
    }
    return "unknown";
}

void cella_log(cella_log_level_t level, const char *format, ...)
{
    if ((unsigned)level > atomic_load(&max_level_filter))
        return;
    cella_log_handler_t handler = NULL;
    void *context = NULL;
    load_sink(&handler, &context);
    if (handler == NULL && !atomic_load(&sink_chosen))
        handler = atomic_load(&fallback_handler);
    if (handler == NULL)
        return;

    char message[CELLA_LOG_MESSAGE_MAX_BYTES];
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(message, sizeof(message), format, arguments);
    va_end(arguments);

    static const char cut_mark[] = "...";
    static const char unformattable[] = "(log message could not be formatted)";
    _Static_assert(sizeof(message) >= sizeof(unformattable), "log buffer too small");
    if (length < 0)
        memcpy(message, unformattable, sizeof(unformattable));
    else if ((size_t)length >= sizeof(message))
        memcpy(message + sizeof(message) - sizeof(cut_mark), cut_mark, sizeof(cut_mark));
    handler(context, level, message);
}
