/* SPDX-License-Identifier: Apache-2.0 */
/* cella/bridge_checks.h: the layout and validation helpers the generated bridges call. */
#ifndef CELLA_BRIDGE_CHECKS_H
#define CELLA_BRIDGE_CHECKS_H

/*
 * Included by the <E>_t.c and <E>_u.c files `cella edger8r` generates, not by applications:
 * one copy of the rules every bridge applies to a call buffer (cella/bridge.h), instead of a
 * copy in every generated file. Unlike the rest of cella's API it needs the C library's
 * <string.h> and <wchar.h> (the trusted C library's inside an enclave), and it is C only.
 */
#ifndef __cplusplus

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "bridge.h"
#include "size.h"

/*
 * Layout: the offset of the next payload of `size` bytes in a call buffer whose first *end
 * bytes are taken, aligned to `align` (at least CELLA_BRIDGE_ALIGN); *end moves past it.
 * -1 when the buffer would grow past CELLA_BRIDGE_MAX_BUFFER_BYTES.
 */
static inline int cella_bridge_reserve(size_t *end, size_t size, size_t align, size_t *offset)
{
    size_t start;
    size_t last;

    if (align < CELLA_BRIDGE_ALIGN)
        align = CELLA_BRIDGE_ALIGN;
    if (!cella_size_align_up(*end, align, &start) || !cella_size_add(start, size, &last) ||
        last > CELLA_BRIDGE_MAX_BUFFER_BYTES)
        return -1;
    *offset = start;
    *end = last;
    return 0;
}

/* Sender: the reference to an [in] or [in, out] payload of `size` bytes (NULL for 0). */
static inline int cella_bridge_ref_in(size_t *end, size_t size, size_t align,
                                      cella_bridge_ref_t *ref)
{
    size_t offset;

    ref->offset = CELLA_BRIDGE_NULL_OFFSET;
    ref->size = 0;
    if (size == 0)
        return 0;
    if (cella_bridge_reserve(end, size, align, &offset) != 0)
        return -1;
    ref->offset = offset;
    ref->size = size;
    return 0;
}

/*
 * Sender: the reference to an [out] payload of `size` bytes (NULL for 0), and its place in
 * the output.
 */
static inline int cella_bridge_ref_out(size_t *end, size_t size, size_t align,
                                       cella_bridge_ref_t *ref, size_t *offset)
{
    ref->offset = CELLA_BRIDGE_NULL_OFFSET;
    ref->size = 0;
    if (size == 0)
        return 0;
    if (cella_bridge_reserve(end, size, align, offset) != 0)
        return -1;
    ref->offset = 0;
    ref->size = size;
    return 0;
}

/*
 * Writes into memory the host can read (security checklist B10): the trusted C library's
 * memcpy_verw/memset_verw in an enclave, plain memcpy/memset in a hosted build (test
 * doubles). In cella's software TEE memcpy_verw and memset_verw are plain copies too; a
 * hardware backend needs real stale-data-safe ones behind these names.
 */
#if __STDC_HOSTED__
#define CELLA_BRIDGE_HOST_COPY memcpy
#define CELLA_BRIDGE_HOST_ZERO memset
#else
#define CELLA_BRIDGE_HOST_COPY memcpy_verw
#define CELLA_BRIDGE_HOST_ZERO memset_verw
#endif

/*
 * Sender: writes `size` bytes at `offset` of a call buffer filled up to *written,
 * zeroing the gap before them: each byte is written once and no padding carries stale
 * memory (B9). -1 when they do not fit after *written.
 */
static inline int cella_bridge_put(uint8_t *buffer, size_t buffer_size, size_t *written,
                                   size_t offset, const void *data, size_t size)
{
    if (offset < *written || offset > buffer_size || size > buffer_size - offset)
        return -1;
    CELLA_BRIDGE_HOST_ZERO(buffer + *written, 0, offset - *written);
    CELLA_BRIDGE_HOST_COPY(buffer + offset, data, size);
    *written = offset + size;
    return 0;
}

/*
 * Receiver: the payload a reference of the input points to, checked against the rules of
 * cella/bridge.h. A NULL reference (CELLA_BRIDGE_NULL_OFFSET, size 0) gives NULL. Any other
 * holds exactly `size` bytes (never 0), starts at a multiple of `align` (at least
 * CELLA_BRIDGE_ALIGN) at or after *end, so that payloads come in parameter order and none
 * overlaps another or the marshalling struct, and ends inside the input. *end moves past
 * it. Returns 0, or -1 for a reference that breaks a rule.
 */
static inline int cella_bridge_take(const uint8_t *in, size_t in_size, cella_bridge_ref_t ref,
                                    size_t size, size_t align, size_t *end, void **payload)
{
    size_t offset;
    size_t last;

    *payload = NULL;
    if (ref.offset == CELLA_BRIDGE_NULL_OFFSET)
        return ref.size == 0 ? 0 : -1;
    if (ref.size != size || size == 0 || ref.offset > in_size)
        return -1;
    offset = (size_t)ref.offset;
    if (align < CELLA_BRIDGE_ALIGN)
        align = CELLA_BRIDGE_ALIGN;
    if (offset < *end || offset % align != 0 || ((uintptr_t)in + offset) % align != 0)
        return -1;
    if (!cella_size_add(offset, size, &last) || last > in_size)
        return -1;
    *end = last;
    *payload = (void *)(uintptr_t)(in + offset);
    return 0;
}

/*
 * Receiver: a [string] payload: the sender's strlen + 1 bytes, whose only NUL is the last
 * byte (B4: the length comes from the sender, the terminator is checked here). *size gets
 * the length, 0 for NULL.
 */
static inline int cella_bridge_take_string(const uint8_t *in, size_t in_size,
                                           cella_bridge_ref_t ref, size_t *end, void **payload,
                                           size_t *size)
{
    *payload = NULL;
    *size = 0;
    if (ref.size > in_size ||
        cella_bridge_take(in, in_size, ref, (size_t)ref.size, 1, end, payload) != 0)
        return -1;
    if (*payload != NULL &&
        memchr(*payload, 0, (size_t)ref.size) != (const uint8_t *)*payload + (ref.size - 1))
        return -1;
    *size = (size_t)ref.size;
    return 0;
}

/*
 * Receiver: a [wstring] payload: (wcslen + 1) * sizeof(wchar_t) bytes from the sender,
 * whose only NUL character is the last one (B4). *size gets the length, 0 for NULL.
 */
static inline int cella_bridge_take_wstring(const uint8_t *in, size_t in_size,
                                            cella_bridge_ref_t ref, size_t *end, void **payload,
                                            size_t *size)
{
    const wchar_t *text;
    size_t count;
    size_t i;

    *payload = NULL;
    *size = 0;
    if (ref.size > in_size || ref.size % sizeof(wchar_t) != 0 ||
        cella_bridge_take(in, in_size, ref, (size_t)ref.size, _Alignof(wchar_t), end, payload) != 0)
        return -1;
    if (*payload != NULL) {
        text = *payload;
        count = (size_t)ref.size / sizeof(wchar_t);
        for (i = 0; i + 1 < count; i++) {
            if (text[i] == 0)
                return -1;
        }
        if (text[count - 1] != 0)
            return -1;
    }
    *size = (size_t)ref.size;
    return 0;
}

/*
 * Receiver: an [out] reference: NULL (CELLA_BRIDGE_NULL_OFFSET, size 0), or offset 0 and
 * exactly `size` bytes (never 0), which get the next place in the output (*offset; SIZE_MAX
 * for NULL). -1 for anything else, or when the output would grow too large.
 */
static inline int cella_bridge_take_out(cella_bridge_ref_t ref, size_t size, size_t align,
                                        size_t *end, size_t *offset)
{
    *offset = SIZE_MAX;
    if (ref.offset == CELLA_BRIDGE_NULL_OFFSET)
        return ref.size == 0 ? 0 : -1;
    if (ref.offset != 0 || ref.size != size || size == 0)
        return -1;
    return cella_bridge_reserve(end, size, align, offset);
}

/* A bool is one byte, 0 or 1: any other byte is no bool, and loading it is undefined. */
_Static_assert(sizeof(bool) == 1, "cella bridges pass bool as one byte");

static inline int cella_bridge_bools_valid(const void *data, size_t size)
{
    const uint8_t *bytes = data;
    size_t i;

    for (i = 0; i < size; i++) {
        if (bytes[i] > 1)
            return 0;
    }
    return 1;
}

/* Ends a string in a buffer of `size` bytes (not 0) at its first NUL and zeroes the rest. */
static inline void cella_bridge_terminate_string(void *text, size_t size)
{
    uint8_t *bytes = text;
    size_t length;

    bytes[size - 1] = 0;
    length = (size_t)((uint8_t *)memchr(bytes, 0, size) - bytes);
    memset(bytes + length, 0, size - length);
}

/* Ends a wide string in a buffer of `size` bytes (whole characters, not 0) at its first NUL
 * character and zeroes the rest. */
static inline void cella_bridge_terminate_wstring(void *text, size_t size)
{
    wchar_t *characters = text;
    size_t count = size / sizeof(wchar_t);
    size_t length = 0;

    characters[count - 1] = 0;
    while (characters[length] != 0)
        length++;
    memset(characters + length, 0, (count - length) * sizeof(wchar_t));
}

#endif /* __cplusplus */

#endif /* CELLA_BRIDGE_CHECKS_H */
