/* SPDX-License-Identifier: Apache-2.0 */
/* wchar.h: wide-character string functions of cella's trusted C library (wchar_t is 32 bits). */
#ifndef CELLA_LIBC_WCHAR_H
#define CELLA_LIBC_WCHAR_H

#include <stddef.h>

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

#ifndef CELLA_LIBC_WINT_T_DEFINED
#define CELLA_LIBC_WINT_T_DEFINED
typedef __WINT_TYPE__ wint_t;
#endif

#ifndef WEOF
#define WEOF ((wint_t)0xffffffffu)
#endif
#ifndef WCHAR_MIN
#define WCHAR_MIN __WCHAR_MIN__
#endif
#ifndef WCHAR_MAX
#define WCHAR_MAX __WCHAR_MAX__
#endif

/* As their char counterparts; characters compare as (signed) wchar_t values. */
size_t wcslen(const wchar_t *string);
size_t wcsnlen(const wchar_t *string, size_t max_count);
int wcscmp(const wchar_t *left, const wchar_t *right);
int wcsncmp(const wchar_t *left, const wchar_t *right, size_t count);
wchar_t *wcscpy(wchar_t *CELLA_LIBC_RESTRICT dest, const wchar_t *CELLA_LIBC_RESTRICT src);
wchar_t *wcsncpy(wchar_t *CELLA_LIBC_RESTRICT dest, const wchar_t *CELLA_LIBC_RESTRICT src,
                 size_t count);
wchar_t *wcscat(wchar_t *CELLA_LIBC_RESTRICT dest, const wchar_t *CELLA_LIBC_RESTRICT src);
wchar_t *wcsncat(wchar_t *CELLA_LIBC_RESTRICT dest, const wchar_t *CELLA_LIBC_RESTRICT src,
                 size_t count);
wchar_t *wcschr(const wchar_t *string, wchar_t character);
wchar_t *wcsrchr(const wchar_t *string, wchar_t character);
wchar_t *wmemcpy(wchar_t *CELLA_LIBC_RESTRICT dest, const wchar_t *CELLA_LIBC_RESTRICT src,
                 size_t count);
wchar_t *wmemmove(wchar_t *dest, const wchar_t *src, size_t count);
wchar_t *wmemset(wchar_t *dest, wchar_t character, size_t count);
int wmemcmp(const wchar_t *left, const wchar_t *right, size_t count);
wchar_t *wmemchr(const wchar_t *buffer, wchar_t character, size_t count);

CELLA_LIBC_END

#endif /* CELLA_LIBC_WCHAR_H */
