/* SPDX-License-Identifier: Apache-2.0 */
/* common/log_internal.h: how cella's own code writes a log message (not installed). */
#ifndef CELLA_COMMON_LOG_INTERNAL_H
#define CELLA_COMMON_LOG_INTERNAL_H

#include <cella/defs.h>
#include <cella/log.h>

/*
 * Formats a message printf-style and hands it to the installed handler. Does nothing, and
 * formats nothing, when no handler is installed or the level is filtered out. A message
 * longer than CELLA_LOG_MESSAGE_MAX_BYTES - 1 is cut and ends in "...". Write one line
 * without a trailing newline. Thread safe; uses a stack buffer of
 * CELLA_LOG_MESSAGE_MAX_BYTES.
 */
void cella_log(cella_log_level_t level, const char *format, ...) CELLA_PRINTF(2, 3);

/*
 * Where messages go while the application has not called cella_log_set_handler(): the host
 * runtime installs one that writes to stderr. NULL: nowhere. Thread safe.
 */
void cella_log_set_fallback(cella_log_handler_t handler);

#endif /* CELLA_COMMON_LOG_INTERNAL_H */
