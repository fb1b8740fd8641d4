/* SPDX-License-Identifier: Apache-2.0 */
/* format.c: the printf-family formatter of the trusted C library (everything but floats). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"

/*
 * One pass over the format; every piece of output goes to the sink as soon as it is known, so
 * output of any length needs no buffer here, and a sink over a fixed buffer (snprintf) decides
 * alone what fits. Counting is in size_t and stops with EOVERFLOW past INT_MAX, as in glibc.
 * Behaviour follows C11 7.21.6.1 and, where C leaves a choice, glibc (the host's library):
 * "(null)" for a NULL %s, "(nil)" for a NULL %p, an unknown conversion printed as written.
 */

typedef enum length_modifier {
    LENGTH_NONE,
    LENGTH_CHAR,       /* hh */
    LENGTH_SHORT,      /* h */
    LENGTH_LONG,       /* l */
    LENGTH_LONG_LONG,  /* ll, and L or q on integers */
    LENGTH_INTMAX,     /* j */
    LENGTH_SIZE,       /* z */
    LENGTH_PTRDIFF,    /* t */
    LENGTH_LONG_DOUBLE /* L */
} length_modifier_t;

typedef struct spec {
    bool left;
    bool plus;
    bool space;
    bool alternate;
    bool zero;
    int width;     /* -1: none */
    int precision; /* -1: none */
    length_modifier_t length;
    char conversion;
} spec_t;

typedef struct formatter {
    cella_tlibc_sink_t *sink;
    size_t count; /* bytes produced so far */
    bool failed;  /* errno already set */
} formatter_t;

static void fail(formatter_t *out, int error)
{
    if (!out->failed) {
        errno = error;
        out->failed = true;
    }
}

static void emit(formatter_t *out, const char *bytes, size_t size)
{
    if (out->failed || size == 0)
        return;
    if (size > (size_t)INT_MAX - out->count) {
        fail(out, EOVERFLOW);
        return;
    }
    if (!out->sink->write(out->sink, bytes, size)) {
        out->failed = true; /* the sink set errno */
        return;
    }
    out->count += size;
}

static void emit_repeated(formatter_t *out, char c, size_t count)
{
    char run[256];
    memset(run, c, sizeof(run));
    while (count > 0 && !out->failed) {
        size_t piece = count < sizeof(run) ? count : sizeof(run);
        emit(out, run, piece);
        count -= piece;
    }
}

/* Spaces that bring a field of content_size bytes to the spec's width. */
static size_t padding_for(const spec_t *spec, size_t content_size)
{
    if (spec->width < 0 || (size_t)spec->width <= content_size)
        return 0;
    return (size_t)spec->width - content_size;
}

/* A field of plain bytes (%c, %s, %%, %p's "(nil)"): padded with spaces only. */
static void emit_field(formatter_t *out, const spec_t *spec, const char *bytes, size_t size)
{
    size_t padding = padding_for(spec, size);
    if (!spec->left)
        emit_repeated(out, ' ', padding);
    emit(out, bytes, size);
    if (spec->left)
        emit_repeated(out, ' ', padding);
}

/*
 * An integer field: [sign][prefix][zeros][digits]. digits may be empty (value 0 with precision
 * 0). The '0' flag pads with zeros after the sign and prefix unless a precision or '-' is given.
 */
static void emit_integer_field(formatter_t *out, const spec_t *spec, const char *sign,
                               const char *prefix, const char *digits, size_t digit_count)
{
    size_t sign_size = strlen(sign);
    size_t prefix_size = strlen(prefix);
    size_t zeros = 0;
    if (spec->precision >= 0 && (size_t)spec->precision > digit_count)
        zeros = (size_t)spec->precision - digit_count;
    size_t size = sign_size + prefix_size + zeros + digit_count;
    size_t padding = padding_for(spec, size);
    if (spec->zero && !spec->left && spec->precision < 0) {
        zeros += padding;
        padding = 0;
    }
    if (!spec->left)
        emit_repeated(out, ' ', padding);
    emit(out, sign, sign_size);
    emit(out, prefix, prefix_size);
    emit_repeated(out, '0', zeros);
    emit(out, digits, digit_count);
    if (spec->left)
        emit_repeated(out, ' ', padding);
}

/* Writes value in base into the end of buffer; returns the first digit. */
static char *render_digits(uintmax_t value, unsigned int base, bool upper, char *buffer_end)
{
    const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = buffer_end;
    while (value != 0) {
        *--p = alphabet[value % base];
        value /= base;
    }
    return p;
}

static void format_integer(formatter_t *out, const spec_t *spec, uintmax_t magnitude, bool negative)
{
    char buffer[32]; /* 22 octal digits for 64 bits, one more for '#' */
    char *end = buffer + sizeof(buffer);
    unsigned int base = 10;
    const char *prefix = "";
    const char *sign = "";

    switch (spec->conversion) {
    case 'o':
        base = 8;
        break;
    case 'x':
        base = 16;
        if (spec->alternate && magnitude != 0)
            prefix = "0x";
        break;
    case 'X':
        base = 16;
        if (spec->alternate && magnitude != 0)
            prefix = "0X";
        break;
    case 'p':
        base = 16;
        prefix = "0x";
        break;
    default:
        break;
    }
    if (negative)
        sign = "-";
    else if (spec->conversion == 'd' || spec->conversion == 'i' || spec->conversion == 'p')
        sign = spec->plus ? "+" : spec->space ? " " : "";

    char *digits = render_digits(magnitude, base, spec->conversion == 'X', end);
    size_t digit_count = (size_t)(end - digits);
    if (magnitude == 0 && spec->precision != 0) {
        *--digits = '0';
        digit_count = 1;
    }
    if (spec->conversion == 'o' && spec->alternate && (digit_count == 0 || digits[0] != '0') &&
        (spec->precision < 0 || (size_t)spec->precision <= digit_count)) {
        /* '#' with o: the first digit must be a zero. */
        *--digits = '0';
        digit_count++;
    }
    emit_integer_field(out, spec, sign, prefix, digits, digit_count);
}

/* UTF-8 encoding of one code point; 0 for values that are not Unicode scalar values. */
static size_t encode_utf8(uint32_t code, char out[4])
{
    if (code < 0x80) {
        out[0] = (char)code;
        return 1;
    }
    if (code < 0x800) {
        out[0] = (char)(0xc0 | (code >> 6));
        out[1] = (char)(0x80 | (code & 0x3f));
        return 2;
    }
    if (code >= 0xd800 && code <= 0xdfff)
        return 0;
    if (code < 0x10000) {
        out[0] = (char)(0xe0 | (code >> 12));
        out[1] = (char)(0x80 | ((code >> 6) & 0x3f));
        out[2] = (char)(0x80 | (code & 0x3f));
        return 3;
    }
    if (code < 0x110000) {
        out[0] = (char)(0xf0 | (code >> 18));
        out[1] = (char)(0x80 | ((code >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((code >> 6) & 0x3f));
        out[3] = (char)(0x80 | (code & 0x3f));
        return 4;
    }
    return 0;
}

static void format_wide_char(formatter_t *out, const spec_t *spec, wint_t character)
{
    char encoded[4];
    size_t size = encode_utf8((uint32_t)character, encoded);
    if (size == 0) {
        fail(out, EILSEQ);
        return;
    }
    emit_field(out, spec, encoded, size);
}

/*
 * %ls: the UTF-8 encoding of the wide string; a precision limits the bytes written, never
 * splitting a character.
 */
static void format_wide_string(formatter_t *out, const spec_t *spec, const wchar_t *string)
{
    char encoded[4];
    size_t size = 0;
    size_t limit = spec->precision < 0 ? SIZE_MAX : (size_t)spec->precision;
    size_t characters = 0;
    /* A precision already used up reads no further: the array may end there (C11 7.21.6.1). */
    for (; size < limit && string[characters] != L'\0'; characters++) {
        size_t piece = encode_utf8((uint32_t)string[characters], encoded);
        if (piece == 0) {
            fail(out, EILSEQ);
            return;
        }
        if (piece > limit - size)
            break;
        size += piece;
    }
    size_t padding = padding_for(spec, size);
    if (!spec->left)
        emit_repeated(out, ' ', padding);
    for (size_t i = 0; i < characters; i++) {
        size_t piece = encode_utf8((uint32_t)string[i], encoded);
        emit(out, encoded, piece);
    }
    if (spec->left)
        emit_repeated(out, ' ', padding);
}

static void format_string(formatter_t *out, const spec_t *spec, const char *string)
{
    if (string == NULL) {
        /* glibc: "(null)" when it fits the precision, nothing otherwise. */
        string = spec->precision < 0 || spec->precision >= 6 ? "(null)" : "";
    }
    size_t size = spec->precision < 0 ? strlen(string) : strnlen(string, (size_t)spec->precision);
    emit_field(out, spec, string, size);
}

static void store_count(const spec_t *spec, size_t count, void *target)
{
    /* count <= INT_MAX here, so it fits every target type but a char or short one; those
     * receive it converted as in glibc. */
    switch (spec->length) {
    case LENGTH_CHAR:
        *(signed char *)target = (signed char)count;
        break;
    case LENGTH_SHORT:
        *(short *)target = (short)count;
        break;
    case LENGTH_LONG:
        *(long *)target = (long)count;
        break;
    case LENGTH_LONG_LONG:
    case LENGTH_LONG_DOUBLE:
        *(long long *)target = (long long)count;
        break;
    case LENGTH_INTMAX:
        *(intmax_t *)target = (intmax_t)count;
        break;
    case LENGTH_SIZE:
        *(size_t *)target = count;
        break;
    case LENGTH_PTRDIFF:
        *(ptrdiff_t *)target = (ptrdiff_t)count;
        break;
    case LENGTH_NONE:
        *(int *)target = (int)count;
        break;
    }
}

/* The sink adapter the float formatter writes through, counting like emit(). */
typedef struct float_sink {
    cella_tlibc_sink_t sink;
    formatter_t *out;
} float_sink_t;

static bool float_sink_write(cella_tlibc_sink_t *sink, const char *bytes, size_t size)
{
    float_sink_t *adapter = (float_sink_t *)(void *)sink;
    emit(adapter->out, bytes, size);
    return !adapter->out->failed;
}

static void format_float(formatter_t *out, const spec_t *spec,
                         const cella_tlibc_float_value_t *value)
{
    cella_tlibc_float_spec_t float_spec = {
        .left = spec->left,
        .plus = spec->plus,
        .space = spec->space,
        .alternate = spec->alternate,
        .zero = spec->zero,
        .width = spec->width,
        .precision = spec->precision,
        .conversion = spec->conversion,
    };
    float_sink_t adapter = {{float_sink_write, NULL}, out};
    (void)cella_tlibc_format_float(&adapter.sink, &float_spec, value);
}

/* Reads a decimal field width or precision; false when it does not fit an int. */
static bool parse_number(const char **cursor, int *value)
{
    int result = 0;
    const char *p = *cursor;
    while (*p >= '0' && *p <= '9') {
        int digit = *p - '0';
        if (result > (INT_MAX - digit) / 10)
            return false;
        result = result * 10 + digit;
        p++;
    }
    *cursor = p;
    *value = result;
    return true;
}

static uintmax_t unsigned_argument(length_modifier_t length, va_list *arguments)
{
    switch (length) {
    case LENGTH_CHAR:
        return (unsigned char)va_arg(*arguments, unsigned int);
    case LENGTH_SHORT:
        return (unsigned short)va_arg(*arguments, unsigned int);
    case LENGTH_LONG:
        return va_arg(*arguments, unsigned long);
    case LENGTH_LONG_LONG:
    case LENGTH_LONG_DOUBLE:
        return va_arg(*arguments, unsigned long long);
    case LENGTH_INTMAX:
        return va_arg(*arguments, uintmax_t);
    case LENGTH_SIZE:
        return va_arg(*arguments, size_t);
    case LENGTH_PTRDIFF:
        return (uintmax_t)(size_t)va_arg(*arguments, ptrdiff_t);
    case LENGTH_NONE:
        break;
    }
    return va_arg(*arguments, unsigned int);
}

static intmax_t signed_argument(length_modifier_t length, va_list *arguments)
{
    switch (length) {
    case LENGTH_CHAR:
        return (signed char)va_arg(*arguments, int);
    case LENGTH_SHORT:
        return (short)va_arg(*arguments, int);
    case LENGTH_LONG:
        return va_arg(*arguments, long);
    case LENGTH_LONG_LONG:
    case LENGTH_LONG_DOUBLE:
        return va_arg(*arguments, long long);
    case LENGTH_INTMAX:
        return va_arg(*arguments, intmax_t);
    case LENGTH_SIZE:
        /* The signed type of size_t's width. */
        return va_arg(*arguments, ptrdiff_t);
    case LENGTH_PTRDIFF:
        return va_arg(*arguments, ptrdiff_t);
    case LENGTH_NONE:
        break;
    }
    return va_arg(*arguments, int);
}

/*
 * Parses one conversion specification after the '%'. Returns false (errno set) for one that
 * cannot be honoured: a positional argument or a width/precision beyond INT_MAX.
 */
static bool parse_spec(formatter_t *out, const char **cursor, va_list *arguments, spec_t *spec)
{
    const char *p = *cursor;
    *spec = (spec_t){.width = -1, .precision = -1, .length = LENGTH_NONE};

    for (;; p++) {
        if (*p == '-')
            spec->left = true;
        else if (*p == '+')
            spec->plus = true;
        else if (*p == ' ')
            spec->space = true;
        else if (*p == '#')
            spec->alternate = true;
        else if (*p == '0')
            spec->zero = true;
        else if (*p == '\'')
            continue; /* thousands grouping: none in the C locale */
        else
            break;
    }
    if (*p == '*') {
        int width = va_arg(*arguments, int);
        p++;
        if (width < 0) {
            spec->left = true;
            if (width == INT_MIN) {
                fail(out, EOVERFLOW);
                return false;
            }
            width = -width;
        }
        spec->width = width;
    } else if (*p >= '1' && *p <= '9') {
        if (!parse_number(&p, &spec->width)) {
            fail(out, EOVERFLOW);
            return false;
        }
        if (*p == '$') {
            fail(out, EINVAL);
            return false;
        }
    }
    if (*p == '.') {
        p++;
        if (*p == '*') {
            int precision = va_arg(*arguments, int);
            p++;
            spec->precision = precision < 0 ? -1 : precision;
        } else if (!parse_number(&p, &spec->precision)) {
            fail(out, EOVERFLOW);
            return false;
        }
    }

    switch (*p) {
    case 'h':
        p++;
        spec->length = LENGTH_SHORT;
        if (*p == 'h') {
            p++;
            spec->length = LENGTH_CHAR;
        }
        break;
    case 'l':
        p++;
        spec->length = LENGTH_LONG;
        if (*p == 'l') {
            p++;
            spec->length = LENGTH_LONG_LONG;
        }
        break;
    case 'q':
        p++;
        spec->length = LENGTH_LONG_LONG;
        break;
    case 'L':
        p++;
        spec->length = LENGTH_LONG_DOUBLE;
        break;
    case 'j':
        p++;
        spec->length = LENGTH_INTMAX;
        break;
    case 'z':
    case 'Z':
        p++;
        spec->length = LENGTH_SIZE;
        break;
    case 't':
        p++;
        spec->length = LENGTH_PTRDIFF;
        break;
    default:
        break;
    }
    spec->conversion = *p;
    *cursor = p;
    return true;
}

int cella_tlibc_format(cella_tlibc_sink_t *sink, const char *format, va_list arguments_in)
{
    formatter_t out = {sink, 0, false};
    va_list arguments;
    va_copy(arguments, arguments_in);

    const char *p = format;
    while (*p != '\0' && !out.failed) {
        if (*p != '%') {
            const char *run = p;
            while (*p != '\0' && *p != '%')
                p++;
            emit(&out, run, (size_t)(p - run));
            continue;
        }
        const char *start = p++;
        spec_t spec;
        if (!parse_spec(&out, &p, &arguments, &spec))
            break;
        if (spec.conversion == '\0') {
            /* The format ends inside a conversion specification. */
            fail(&out, EINVAL);
            break;
        }
        p++;
        switch (spec.conversion) {
        case 'd':
        case 'i': {
            intmax_t value = signed_argument(spec.length, &arguments);
            uintmax_t magnitude = value < 0 ? (uintmax_t)0 - (uintmax_t)value : (uintmax_t)value;
            format_integer(&out, &spec, magnitude, value < 0);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X':
            format_integer(&out, &spec, unsigned_argument(spec.length, &arguments), false);
            break;
        case 'p': {
            const void *pointer = va_arg(arguments, const void *);
            if (pointer == NULL) {
                emit_field(&out, &spec, "(nil)", 5);
            } else {
                format_integer(&out, &spec, (uintptr_t)pointer, false);
            }
            break;
        }
        case 'c':
            if (spec.length == LENGTH_LONG) {
                format_wide_char(&out, &spec, va_arg(arguments, wint_t));
            } else {
                char c = (char)(unsigned char)va_arg(arguments, int);
                emit_field(&out, &spec, &c, 1);
            }
            break;
        case 's':
            if (spec.length == LENGTH_LONG) {
                const wchar_t *wide = va_arg(arguments, const wchar_t *);
                if (wide == NULL)
                    format_string(&out, &spec, NULL);
                else
                    format_wide_string(&out, &spec, wide);
            } else {
                format_string(&out, &spec, va_arg(arguments, const char *));
            }
            break;
        case 'n':
            store_count(&spec, out.count, va_arg(arguments, void *));
            break;
        case '%':
            emit(&out, "%", 1);
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a':
        case 'A': {
            cella_tlibc_float_value_t value;
            if (spec.length == LENGTH_LONG_DOUBLE)
                value = cella_tlibc_float_from_long_double(va_arg(arguments, long double));
            else
                value = cella_tlibc_float_from_double(va_arg(arguments, double));
            format_float(&out, &spec, &value);
            break;
        }
        default:
            /* Not a conversion: print the specification as written (glibc does the same). */
            emit(&out, start, (size_t)(p - start));
            break;
        }
    }
    va_end(arguments);
    return out.failed ? -1 : (int)out.count;
}
