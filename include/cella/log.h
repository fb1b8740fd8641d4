/* SPDX-License-Identifier: Apache-2.0 */
/* cella/log.h: where cella's libraries send their diagnostics; they never print. */
#ifndef CELLA_LOG_H
#define CELLA_LOG_H

#include "defs.h"

CELLA_EXTERN_C_BEGIN

/* Severity of a message; a smaller value is more severe. */
typedef enum cella_log_level {
    CELLA_LOG_ERROR = 0,   /* an operation failed; the message says what and why */
    CELLA_LOG_WARNING = 1, /* something is off but the operation went on */
    CELLA_LOG_INFO = 2,    /* a notable step, e.g. which backend was chosen */
    CELLA_LOG_DEBUG = 3,   /* detail for developers */
} cella_log_level_t;

/* Largest message a handler receives, terminating NUL included; longer ones end in "...". */
#define CELLA_LOG_MESSAGE_MAX_BYTES 512

/*
 * Receives one message.
 *   context: the pointer given to cella_log_set_handler().
 *   level:   the message's severity.
 *   message: one line without a trailing newline, valid only during the call.
 * It may be called from any thread that uses cella, concurrently, so it must be thread
 * safe.
 */
typedef void (*cella_log_handler_t)(void *context, cella_log_level_t level, const char *message);

/*
 * Installs the handler that receives every message up to the level set with
 * cella_log_set_level(); NULL discards all messages.
 *   handler: the new handler, or NULL.
 *   context: passed to each call of handler; not used otherwise, not freed.
 * Until an application calls this, the host runtime writes errors and warnings to stderr,
 * one line each, prefixed "cella: "; the environment variable CELLA_LOG (off, error, warning,
 * info, debug) sets the level of those lines and the level of cella_log_set_level().
 * Thread safe: it may run while other threads log. Every message goes either to the
 * previous handler with its context or to the new one with its own, never a mix; a message
 * that another thread was already delivering may still reach the previous handler after
 * this returns, so keep the previous context valid until such calls can have finished.
 */
CELLA_API void cella_log_set_handler(cella_log_handler_t handler, void *context);

/*
 * Passes on messages of level max_level and more severe ones, drops the rest. The default
 * is CELLA_LOG_INFO. Thread safe; takes effect for messages logged after it returns.
 */
CELLA_API void cella_log_set_level(cella_log_level_t max_level);

/* The level's name in lower case ("error", "warning", "info", "debug"); never NULL. */
CELLA_API const char *cella_log_level_str(cella_log_level_t level);

CELLA_EXTERN_C_END

#endif /* CELLA_LOG_H */
