/* SPDX-License-Identifier: Apache-2.0 */
/* ctype.h: character classes of cella's trusted C library (the C locale, ASCII). */
#ifndef CELLA_LIBC_CTYPE_H
#define CELLA_LIBC_CTYPE_H

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

/*
 * Each takes EOF or a value representable as unsigned char; any other value is in no class
 * (and tolower/toupper return it unchanged) instead of being undefined behaviour.
 */
int isalnum(int character) __attribute__((const));
int isalpha(int character) __attribute__((const));
int isblank(int character) __attribute__((const));
int iscntrl(int character) __attribute__((const));
int isdigit(int character) __attribute__((const));
int isgraph(int character) __attribute__((const));
int islower(int character) __attribute__((const));
int isprint(int character) __attribute__((const));
int ispunct(int character) __attribute__((const));
int isspace(int character) __attribute__((const));
int isupper(int character) __attribute__((const));
int isxdigit(int character) __attribute__((const));
int isascii(int character) __attribute__((const));
int tolower(int character) __attribute__((const));
int toupper(int character) __attribute__((const));

CELLA_LIBC_END

#endif /* CELLA_LIBC_CTYPE_H */
