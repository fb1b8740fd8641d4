/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/json_text.c: JSON strings from text that need not be UTF-8 (paths, system text). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

/* The length of the valid UTF-8 sequence at text (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one. */
static size_t utf8_sequence(const unsigned char *text)
{
    unsigned char lead = text[0];
    if (lead < 0x80)
        return 1;
    size_t length;
    uint32_t low, high; /* the range the second byte may take */
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2, low = 0x80, high = 0xbf;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : 0x80;
        high = lead == 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        low = lead == 0xf0 ? 0x90 : 0x80;
        high = lead == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (text[1] < low || text[1] > high)
        return 0;
    for (size_t i = 2; i < length; i++) {
        if (text[i] < 0x80 || text[i] > 0xbf)
            return 0; /* a NUL ends the loop here too */
    }
    return length;
}

json_t *json_text(const char *text)
{
    const unsigned char *bytes = (const unsigned char *)text;
    size_t size = strlen(text);
    size_t valid = 0;
    while (valid < size) {
        size_t length = utf8_sequence(bytes + valid);
        if (length == 0)
            break;
        valid += length;
    }
    if (valid == size)
        return json_stringn(text, size);

    /* Each byte that starts no valid sequence becomes U+FFFD (3 bytes). */
    if (size > (SIZE_MAX - 1) / 3)
        return NULL;
    char *copy = malloc(size * 3 + 1);
    if (copy == NULL)
        return NULL;
    size_t used = 0;
    for (size_t i = 0; i < size;) {
        size_t length = utf8_sequence(bytes + i);
        if (length == 0) {
            memcpy(copy + used, "\xef\xbf\xbd", 3);
            used += 3;
            i++;
        } else {
            memcpy(copy + used, text + i, length);
            used += length;
            i += length;
        }
    }
    json_t *value = json_stringn(copy, used);
    free(copy);
    return value;
}
