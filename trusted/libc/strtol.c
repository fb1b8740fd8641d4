/* SPDX-License-Identifier: Apache-2.0 */
/* strtol.c: string-to-integer conversions of the trusted C library (stdlib.h, inttypes.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* What the shared parser found: the magnitude, its sign, and whether it exceeded 64 bits. */
typedef struct parsed_integer {
    unsigned long long magnitude;
    bool negative;
    bool overflow;
    bool valid_base;
} parsed_integer_t;

static int digit_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/*
 * C11 7.22.1.4: optional white space, an optional sign, an optional 0x/0X for base 16 (and for
 * base 0, which also takes a leading 0 as octal), then digits of the base. Without a single
 * digit nothing is converted and *end is string itself. A bad base sets errno = EINVAL and
 * *end = string.
 */
static parsed_integer_t parse_integer(const char *string, char **end, int base)
{
    parsed_integer_t result = {0, false, false, true};
    const unsigned char *p = (const unsigned char *)string;

    if (base < 0 || base == 1 || base > 36) {
        result.valid_base = false;
        errno = EINVAL;
        if (end != NULL)
            *end = (char *)(uintptr_t)string;
        return result;
    }
    while (isspace(*p))
        p++;
    if (*p == '+' || *p == '-') {
        result.negative = *p == '-';
        p++;
    }
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }

    const unsigned char *digits = p;
    unsigned long long limit = ULLONG_MAX / (unsigned int)base;
    for (;; p++) {
        int digit = digit_value(*p);
        if (digit >= base)
            break;
        if (result.magnitude > limit ||
            result.magnitude * (unsigned int)base > ULLONG_MAX - (unsigned int)digit) {
            result.overflow = true;
        } else {
            result.magnitude = result.magnitude * (unsigned int)base + (unsigned int)digit;
        }
    }
    if (p == digits) {
        result.magnitude = 0;
        result.negative = false;
        p = (const unsigned char *)string;
    }
    if (end != NULL)
        *end = (char *)(uintptr_t)p;
    return result;
}

/* The signed result within [min, max] (min = -max - 1), or a clamped one with ERANGE. */
static long long to_signed(parsed_integer_t parsed, long long min, long long max)
{
    unsigned long long limit =
        parsed.negative ? (unsigned long long)max + 1 : (unsigned long long)max;
    if (parsed.overflow || parsed.magnitude > limit) {
        errno = ERANGE;
        return parsed.negative ? min : max;
    }
    if (parsed.negative) {
        /* -(magnitude) without overflowing at min: magnitude - 1 fits. */
        return parsed.magnitude == 0 ? 0 : -(long long)(parsed.magnitude - 1) - 1;
    }
    return (long long)parsed.magnitude;
}

/* The unsigned result (negated modulo 2^N for a minus sign), or max with ERANGE. */
static unsigned long long to_unsigned(parsed_integer_t parsed, unsigned long long max)
{
    if (parsed.overflow || parsed.magnitude > max) {
        errno = ERANGE;
        return max;
    }
    return parsed.negative ? (max - parsed.magnitude + 1) & max : parsed.magnitude;
}

long strtol(const char *restrict string, char **restrict end, int base)
{
    return (long)to_signed(parse_integer(string, end, base), LONG_MIN, LONG_MAX);
}

long long strtoll(const char *restrict string, char **restrict end, int base)
{
    return to_signed(parse_integer(string, end, base), LLONG_MIN, LLONG_MAX);
}

intmax_t strtoimax(const char *restrict string, char **restrict end, int base)
{
    return (intmax_t)to_signed(parse_integer(string, end, base), INTMAX_MIN, INTMAX_MAX);
}

unsigned long strtoul(const char *restrict string, char **restrict end, int base)
{
    return (unsigned long)to_unsigned(parse_integer(string, end, base), ULONG_MAX);
}

unsigned long long strtoull(const char *restrict string, char **restrict end, int base)
{
    return to_unsigned(parse_integer(string, end, base), ULLONG_MAX);
}

uintmax_t strtoumax(const char *restrict string, char **restrict end, int base)
{
    return (uintmax_t)to_unsigned(parse_integer(string, end, base), UINTMAX_MAX);
}

int atoi(const char *string)
{
    /* As glibc: the long result converted to int (wraps when out of range). */
    return (int)strtol(string, NULL, 10);
}

long atol(const char *string)
{
    return strtol(string, NULL, 10);
}

long long atoll(const char *string)
{
    return strtoll(string, NULL, 10);
}
