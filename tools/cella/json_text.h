/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/json_text.h: JSON strings from text that need not be UTF-8. */
#ifndef CELLA_TOOLS_JSON_TEXT_H
#define CELLA_TOOLS_JSON_TEXT_H

#include <jansson.h>

/*
 * A JSON string of the NUL-terminated text: as it is when it is UTF-8, else with every byte
 * that starts no valid UTF-8 sequence replaced by U+FFFD, so the output stays valid JSON (file
 * names, user names and kernel strings are bytes, not text). NULL only when out of memory.
 */
json_t *json_text(const char *text);

#endif /* CELLA_TOOLS_JSON_TEXT_H */
