/* SPDX-License-Identifier: Apache-2.0 */
/* wchar.c: wide-character string functions of the trusted C library (wchar.h). */
#include <stdint.h>
#include <string.h>
#include <wchar.h>

size_t wcslen(const wchar_t *string)
{
    size_t length = 0;
    while (string[length] != L'\0')
        length++;
    return length;
}

size_t wcsnlen(const wchar_t *string, size_t max_count)
{
    size_t length = 0;
    while (length < max_count && string[length] != L'\0')
        length++;
    return length;
}

int wcscmp(const wchar_t *left, const wchar_t *right)
{
    while (*left != L'\0' && *left == *right) {
        left++;
        right++;
    }
    return *left < *right ? -1 : *left > *right;
}

int wcsncmp(const wchar_t *left, const wchar_t *right, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (left[i] != right[i])
            return left[i] < right[i] ? -1 : 1;
        if (left[i] == L'\0')
            return 0;
    }
    return 0;
}

wchar_t *wcscpy(wchar_t *restrict dest, const wchar_t *restrict src)
{
    return wmemcpy(dest, src, wcslen(src) + 1);
}

wchar_t *wcsncpy(wchar_t *restrict dest, const wchar_t *restrict src, size_t count)
{
    size_t length = wcsnlen(src, count);
    wmemcpy(dest, src, length);
    wmemset(dest + length, L'\0', count - length);
    return dest;
}

wchar_t *wcscat(wchar_t *restrict dest, const wchar_t *restrict src)
{
    wcscpy(dest + wcslen(dest), src);
    return dest;
}

wchar_t *wcsncat(wchar_t *restrict dest, const wchar_t *restrict src, size_t count)
{
    wchar_t *end = dest + wcslen(dest);
    size_t length = wcsnlen(src, count);
    wmemcpy(end, src, length);
    end[length] = L'\0';
    return dest;
}

wchar_t *wcschr(const wchar_t *string, wchar_t character)
{
    for (;; string++) {
        if (*string == character)
            return (wchar_t *)(uintptr_t)string;
        if (*string == L'\0')
            return NULL;
    }
}

wchar_t *wcsrchr(const wchar_t *string, wchar_t character)
{
    const wchar_t *found = NULL;
    for (;; string++) {
        if (*string == character)
            found = string;
        if (*string == L'\0')
            return (wchar_t *)(uintptr_t)found;
    }
}

/* count * sizeof(wchar_t) cannot overflow: count elements of an existing array. */
wchar_t *wmemcpy(wchar_t *restrict dest, const wchar_t *restrict src, size_t count)
{
    return memcpy(dest, src, count * sizeof(wchar_t));
}

wchar_t *wmemmove(wchar_t *dest, const wchar_t *src, size_t count)
{
    return memmove(dest, src, count * sizeof(wchar_t));
}

wchar_t *wmemset(wchar_t *dest, wchar_t character, size_t count)
{
    for (size_t i = 0; i < count; i++)
        dest[i] = character;
    return dest;
}

int wmemcmp(const wchar_t *left, const wchar_t *right, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (left[i] != right[i])
            return left[i] < right[i] ? -1 : 1;
    }
    return 0;
}

wchar_t *wmemchr(const wchar_t *buffer, wchar_t character, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (buffer[i] == character)
            return (wchar_t *)(uintptr_t)(buffer + i);
    }
    return NULL;
}
