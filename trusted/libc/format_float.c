/* SPDX-License-Identifier: Apache-2.0 */
/* format_float.c: exact %f %e %g and %a conversions of the trusted C library's printf. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

/*
 * A finite binary value M * 2^E has a finite decimal expansion; printf shows it rounded to the
 * requested digits, to nearest with ties to even, exactly as glibc does (printf("%.30f", 0.1)
 * shows the binary value's digits). The digits come from integer arithmetic on 64-bit limbs,
 * 19 decimal digits at a time:
 *
 *   - the integer part, M << E for E >= 0 (or M >> -E), is divided by 10^19 repeatedly;
 *   - the fraction, (M mod 2^-E) / 2^-E, is multiplied by 10^19 repeatedly; each carry out of
 *     the top limb is the next 19 digits. Every multiplication frees 19 low bits, so the
 *     fraction runs out after at most -E digits.
 *
 * Digits are generated only as far as the precision needs, plus a sticky flag that says
 * whether anything non-zero remains; that is enough to round correctly. The widest case, an x87
 * long double near 2^-16445, has 11,500 significant digits, so long doubles get a larger
 * workspace (about 14 KiB of stack, only while a %L conversion is formatted) than doubles
 * (about 1 KiB).
 */

#define DOUBLE_DIGITS      832   /* 767 significant digits at most, plus two chunks of slack */
#define DOUBLE_LIMBS       20    /* 2^(1023+64) and 2^-1074 fit in 18 limbs */
#define LONG_DOUBLE_DIGITS 11600 /* 11,515 significant digits at most, plus slack */
#define LONG_DOUBLE_LIMBS  264   /* 2^(16383+64) and 2^-16445 fit in 260 limbs */
#define CHUNK_DIGITS       19
#define CHUNK              10000000000000000000ull

/* 128-bit products without libgcc: GCC and clang expand the multiplication inline. */
__extension__ typedef unsigned __int128 uint128_t;

/* A decimal expansion: value = 0.d[0]d[1]d[2]... * 10^point; digits past count are zero unless
 * sticky says otherwise. A zero value has count 0. */
typedef struct decimal {
    char *digits;
    size_t capacity;
    size_t count;
    long long point;
    bool sticky;
} decimal_t;

typedef struct workspace {
    char *digits;
    size_t digit_capacity;
    uint64_t *limbs;
    size_t limb_capacity;
} workspace_t;

/* How far the digit generator must go. */
typedef enum digits_needed {
    DIGITS_AFTER_POINT, /* %f: precision digits after the decimal point */
    DIGITS_SIGNIFICANT  /* %e, %g: precision significant digits */
} digits_needed_t;

cella_tlibc_float_value_t cella_tlibc_float_from_double(double value)
{
    uint64_t bits;
    __builtin_memcpy(&bits, &value, sizeof(bits));
    cella_tlibc_float_value_t result = {0};
    result.negative = (bits >> 63) != 0;
    unsigned int biased = (unsigned int)(bits >> 52) & 0x7ff;
    uint64_t fraction = bits & ((1ull << 52) - 1);
    result.hex_fraction_digits = 13;
    if (biased == 0x7ff) {
        result.is_inf = fraction == 0;
        result.is_nan = fraction != 0;
    } else if (biased == 0) {
        result.mantissa = fraction;
        result.exponent = -1074;
        result.hex_lead = 0;
        result.hex_fraction = fraction;
        result.hex_exponent = fraction == 0 ? 0 : -1022;
    } else {
        result.mantissa = fraction | (1ull << 52);
        result.exponent = (int)biased - 1075;
        result.hex_lead = 1;
        result.hex_fraction = fraction;
        result.hex_exponent = (int)biased - 1023;
    }
    return result;
}

cella_tlibc_float_value_t cella_tlibc_float_from_long_double(long double value)
{
    /* x87 extended precision: 64-bit mantissa with an explicit integer bit, then 15 bits of
     * biased exponent and the sign. sizeof(long double) is 16; the rest is padding. */
    unsigned char bytes[sizeof(long double)];
    __builtin_memcpy(bytes, &value, sizeof(bytes));
    uint64_t mantissa;
    uint16_t sign_exponent;
    __builtin_memcpy(&mantissa, bytes, 8);
    __builtin_memcpy(&sign_exponent, bytes + 8, 2);

    cella_tlibc_float_value_t result = {0};
    result.wide = true;
    result.negative = (sign_exponent >> 15) != 0;
    unsigned int biased = sign_exponent & 0x7fff;
    result.hex_fraction_digits = 15;
    bool integer_bit = (mantissa >> 63) != 0;
    if (biased == 0x7fff) {
        result.is_inf = mantissa == (1ull << 63);
        result.is_nan = !result.is_inf;
    } else if (biased != 0 && !integer_bit) {
        /* An "unnormal": not a valid number on any x87 since the 387; printed as nan. */
        result.is_nan = true;
    } else {
        /* Denormals (and pseudo-denormals) have the exponent of biased value 1. */
        int unbiased = (biased == 0 ? 1 : (int)biased) - 16383;
        result.mantissa = mantissa;
        result.exponent = unbiased - 63;
        result.hex_lead = (unsigned int)(mantissa >> 60);
        result.hex_fraction = mantissa & ((1ull << 60) - 1);
        result.hex_exponent = mantissa == 0 ? 0 : unbiased - 3;
    }
    return result;
}

/* --- digit generation ---------------------------------------------------------------------- */

/* Appends the 19 digits of chunk (with leading zeros). */
static void append_chunk(decimal_t *d, uint64_t chunk)
{
    for (int i = CHUNK_DIGITS - 1; i >= 0; i--) {
        d->digits[d->count + (size_t)i] = (char)('0' + chunk % 10);
        chunk /= 10;
    }
    d->count += CHUNK_DIGITS;
}

/* Appends the digits of a non-zero chunk without its leading zeros; returns how many. */
static size_t append_leading_chunk(decimal_t *d, uint64_t chunk)
{
    char text[CHUNK_DIGITS];
    size_t length = 0;
    while (chunk != 0) {
        text[length++] = (char)('0' + chunk % 10);
        chunk /= 10;
    }
    for (size_t i = 0; i < length; i++)
        d->digits[d->count + i] = text[length - 1 - i];
    d->count += length;
    return length;
}

/* (high:low) / divisor for high < divisor, with x86-64's 128-by-64-bit division. */
static inline uint64_t divide_wide(uint64_t high, uint64_t low, uint64_t divisor,
                                   uint64_t *remainder)
{
    uint64_t quotient;
    __asm__("divq %4" : "=a"(quotient), "=d"(*remainder) : "a"(low), "d"(high), "rm"(divisor));
    return quotient;
}

/* Divides limbs[0..*used) by 10^19 in place; returns the remainder and shrinks *used. */
static uint64_t divide_chunk(uint64_t *limbs, size_t *used)
{
    uint64_t remainder = 0;
    for (size_t i = *used; i > 0; i--)
        limbs[i - 1] = divide_wide(remainder, limbs[i - 1], CHUNK, &remainder);
    while (*used > 0 && limbs[*used - 1] == 0)
        (*used)--;
    return remainder;
}

/* The decimal digits of mantissa << shift (shift >= 0): all of them, no fraction. */
static void integer_digits(const workspace_t *work, uint64_t mantissa, unsigned int shift,
                           decimal_t *d)
{
    size_t used = shift / 64 + 2;
    if (used > work->limb_capacity) {
        used = work->limb_capacity; /* impossible for double/long double exponents */
        shift = (unsigned int)((used - 2) * 64);
    }
    memset(work->limbs, 0, used * sizeof(uint64_t));
    size_t word = shift / 64;
    unsigned int bit = shift % 64;
    work->limbs[word] = mantissa << bit;
    work->limbs[word + 1] = bit == 0 ? 0 : mantissa >> (64 - bit);
    while (used > 0 && work->limbs[used - 1] == 0)
        used--;

    /* Chunks come out least significant first: fill the buffer from its end. */
    size_t end = d->capacity;
    while (used > 0 && end >= CHUNK_DIGITS) {
        uint64_t chunk = divide_chunk(work->limbs, &used);
        for (int i = 0; i < CHUNK_DIGITS; i++) {
            d->digits[--end] = (char)('0' + chunk % 10);
            chunk /= 10;
        }
    }
    while (end < d->capacity && d->digits[end] == '0')
        end++;
    d->count = d->capacity - end;
    memmove(d->digits, d->digits + end, d->count);
    d->point = (long long)d->count;
}

/*
 * Multiplies the fraction limbs[low..count) by 10^19 and returns the carry out of the top limb:
 * the next 19 digits. Limbs at and above *top are zero, so the work stops there and the carry,
 * while *top < count, lands in the next limb instead (the digits are then leading zeros).
 */
static uint64_t multiply_chunk(uint64_t *limbs, size_t low, size_t *top, size_t count)
{
    uint64_t carry = 0;
    for (size_t i = low; i < *top; i++) {
        uint128_t current = (uint128_t)limbs[i] * CHUNK + carry;
        limbs[i] = (uint64_t)current;
        carry = (uint64_t)(current >> 64);
    }
    if (*top == count)
        return carry;
    if (carry != 0)
        limbs[(*top)++] = carry;
    return 0;
}

/*
 * Fills d with the digits of a finite non-zero mantissa * 2^exponent, at least as many as
 * `needed` asks for (when the value has that many), and sets d->sticky when non-zero digits
 * remain beyond them.
 */
static void generate_digits(const workspace_t *work, uint64_t mantissa, int exponent,
                            digits_needed_t needed, long long precision, decimal_t *d)
{
    d->count = 0;
    d->point = 0;
    d->sticky = false;
    if (exponent >= 0) {
        integer_digits(work, mantissa, (unsigned int)exponent, d);
        return;
    }

    unsigned int fraction_bits = (unsigned int)-exponent;
    uint64_t integer = fraction_bits < 64 ? mantissa >> fraction_bits : 0;
    uint64_t fraction = fraction_bits < 64 ? mantissa & ((1ull << fraction_bits) - 1) : mantissa;
    if (integer != 0) {
        char text[20];
        size_t length = 0;
        for (; integer != 0; integer /= 10)
            text[length++] = (char)('0' + integer % 10);
        for (size_t i = 0; i < length; i++)
            d->digits[i] = text[length - 1 - i];
        d->count = length;
        d->point = (long long)length;
    }
    if (fraction == 0)
        return;

    /* fraction / 2^fraction_bits == (fraction << shift) / 2^(64 * count). */
    size_t count = (fraction_bits + 63) / 64;
    if (count > work->limb_capacity) {
        d->sticky = true; /* impossible for double/long double exponents */
        return;
    }
    unsigned int shift = (unsigned int)(count * 64 - fraction_bits);
    memset(work->limbs, 0, count * sizeof(uint64_t));
    work->limbs[0] = fraction << shift;
    if (count > 1)
        work->limbs[1] = shift == 0 ? 0 : fraction >> (64 - shift);

    size_t lowest = 0;
    size_t top = count < 2 ? count : 2;
    while (lowest < count) {
        long long target = needed == DIGITS_AFTER_POINT ? d->point + precision + 1 : precision + 1;
        if (d->count > 0 && (long long)d->count >= target)
            break;
        if (d->count + CHUNK_DIGITS > d->capacity)
            break; /* impossible by the capacities above */
        uint64_t chunk = multiply_chunk(work->limbs, lowest, &top, count);
        while (lowest < count && work->limbs[lowest] == 0)
            lowest++;
        if (d->count == 0) {
            /* Still before the first significant digit (the value is below 1). */
            if (chunk == 0) {
                d->point -= CHUNK_DIGITS;
                continue;
            }
            size_t length = append_leading_chunk(d, chunk);
            d->point -= (long long)(CHUNK_DIGITS - length);
        } else {
            append_chunk(d, chunk);
        }
    }
    d->sticky = lowest < count;
}

/* --- rounding -------------------------------------------------------------------------------- */

/*
 * Keeps the first `keep` digits, rounding to nearest with ties to even. keep <= 0 means the
 * value is rounded at a position above its first digit.
 */
static void round_digits(decimal_t *d, long long keep)
{
    if (d->count == 0 || (keep >= 0 && (unsigned long long)keep >= d->count))
        return;
    if (keep < 0) {
        /* The value is below half a unit of the last kept place. */
        d->count = 0;
        d->sticky = false;
        return;
    }
    size_t n = (size_t)keep;
    char next = d->digits[n];
    bool rest = d->sticky;
    for (size_t i = n + 1; i < d->count && !rest; i++)
        rest = d->digits[i] != '0';
    bool odd = n > 0 && ((d->digits[n - 1] - '0') & 1) != 0;
    bool up = next > '5' || (next == '5' && (rest || odd));
    d->count = n;
    d->sticky = false;
    if (!up) {
        if (n == 0)
            d->count = 0; /* rounded down to zero */
        return;
    }
    size_t i = n;
    while (i > 0 && d->digits[i - 1] == '9') {
        d->digits[i - 1] = '0';
        i--;
    }
    if (i == 0) {
        /* 999.. became 1000..: one more integer digit. */
        d->digits[0] = '1';
        if (d->count == 0)
            d->count = 1;
        d->point++;
    } else {
        d->digits[i - 1]++;
    }
}

/* --- output ---------------------------------------------------------------------------------- */

typedef struct writer {
    cella_tlibc_sink_t *sink;
    long written;
    bool failed;
} writer_t;

static void put(writer_t *w, const char *bytes, size_t size)
{
    if (w->failed || size == 0)
        return;
    if (!w->sink->write(w->sink, bytes, size)) {
        w->failed = true;
        return;
    }
    w->written += (long)size;
}

static void put_repeated(writer_t *w, char c, size_t count)
{
    char run[256];
    memset(run, c, sizeof(run));
    while (count > 0 && !w->failed) {
        size_t piece = count < sizeof(run) ? count : sizeof(run);
        put(w, run, piece);
        count -= piece;
    }
}

/* Writes the digits at indices [from, to), zeros outside the generated ones. */
static void put_digits(writer_t *w, const decimal_t *d, long long from, long long to)
{
    if (from < 0) {
        long long stop = to < 0 ? to : 0;
        if (stop > from)
            put_repeated(w, '0', (size_t)(stop - from));
        from = stop;
    }
    long long available = (long long)d->count;
    if (from < to && from < available) {
        long long stop = to < available ? to : available;
        put(w, d->digits + from, (size_t)(stop - from));
        from = stop;
    }
    if (from < to)
        put_repeated(w, '0', (size_t)(to - from));
}

static const char *sign_of(const cella_tlibc_float_spec_t *spec, bool negative)
{
    if (negative)
        return "-";
    return spec->plus ? "+" : spec->space ? " " : "";
}

/*
 * The layout of one number: [sign][prefix][zero padding][body...], padded with spaces left or
 * right to the width. The body is written by the caller between begin and end.
 */
typedef struct field {
    const char *sign;
    const char *prefix;
    size_t body_size;
    size_t trailing_spaces;
} field_t;

static field_t begin_field(writer_t *w, const cella_tlibc_float_spec_t *spec, const char *sign,
                           const char *prefix, size_t body_size, bool zero_allowed)
{
    field_t field = {sign, prefix, body_size, 0};
    size_t size = strlen(sign) + strlen(prefix) + body_size;
    size_t padding = spec->width > 0 && (size_t)spec->width > size ? (size_t)spec->width - size : 0;
    if (spec->left) {
        field.trailing_spaces = padding;
        padding = 0;
    } else if (!(spec->zero && zero_allowed)) {
        put_repeated(w, ' ', padding);
        padding = 0;
    }
    put(w, sign, strlen(sign));
    put(w, prefix, strlen(prefix));
    put_repeated(w, '0', padding);
    return field;
}

static void end_field(writer_t *w, const field_t *field)
{
    put_repeated(w, ' ', field->trailing_spaces);
}

static size_t decimal_length(long long value)
{
    size_t length = 1;
    for (unsigned long long v = value < 0 ? 0ull - (unsigned long long)value
                                          : (unsigned long long)value;
         v >= 10; v /= 10)
        length++;
    return length;
}

/* "e+05", "p+5": the marker, the sign and at least min_digits digits of the exponent. */
static size_t render_exponent(char marker, long long exponent, size_t min_digits, char out[24])
{
    size_t length = 0;
    out[length++] = marker;
    out[length++] = exponent < 0 ? '-' : '+';
    unsigned long long magnitude =
        exponent < 0 ? 0ull - (unsigned long long)exponent : (unsigned long long)exponent;
    size_t digits = decimal_length(exponent);
    if (digits < min_digits)
        digits = min_digits;
    for (size_t i = digits; i > 0; i--) {
        out[length + i - 1] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    }
    return length + digits;
}

/* %f with `fraction_digits` digits after the point (d already rounded). */
static void put_fixed(writer_t *w, const cella_tlibc_float_spec_t *spec, const char *sign,
                      const decimal_t *d, long long fraction_digits, bool point)
{
    long long integer_digits = d->count > 0 && d->point > 0 ? d->point : 1;
    size_t body = (size_t)integer_digits + (point ? 1u : 0u) + (size_t)fraction_digits;
    field_t field = begin_field(w, spec, sign, "", body, true);
    if (d->count > 0 && d->point > 0)
        put_digits(w, d, 0, d->point);
    else
        put(w, "0", 1);
    if (point)
        put(w, ".", 1);
    long long start = d->count > 0 ? d->point : 0;
    put_digits(w, d, start, start + fraction_digits);
    end_field(w, &field);
}

/* %e with `fraction_digits` digits after the point (d already rounded to 1 + that many). */
static void put_scientific(writer_t *w, const cella_tlibc_float_spec_t *spec, const char *sign,
                           const decimal_t *d, long long fraction_digits, bool point, char marker)
{
    long long exponent = d->count > 0 ? d->point - 1 : 0;
    char exponent_text[24];
    size_t exponent_size = render_exponent(marker, exponent, 2, exponent_text);
    size_t body = (point ? 2u : 1u) + (size_t)fraction_digits + exponent_size;
    field_t field = begin_field(w, spec, sign, "", body, true);
    put_digits(w, d, 0, 1);
    if (point)
        put(w, ".", 1);
    put_digits(w, d, 1, 1 + fraction_digits);
    put(w, exponent_text, exponent_size);
    end_field(w, &field);
}

static void format_decimal(writer_t *w, const cella_tlibc_float_spec_t *spec, const char *sign,
                           const cella_tlibc_float_value_t *value, const workspace_t *work)
{
    decimal_t d = {work->digits, work->digit_capacity, 0, 1, false};
    bool upper = spec->conversion == 'E' || spec->conversion == 'G';
    char marker = upper ? 'E' : 'e';
    long long precision = spec->precision < 0 ? 6 : spec->precision;

    switch (spec->conversion) {
    case 'f':
    case 'F':
        if (value->mantissa != 0) {
            generate_digits(work, value->mantissa, value->exponent, DIGITS_AFTER_POINT, precision,
                            &d);
            round_digits(&d, d.point + precision);
        }
        put_fixed(w, spec, sign, &d, precision, precision > 0 || spec->alternate);
        return;
    case 'e':
    case 'E':
        if (value->mantissa != 0) {
            generate_digits(work, value->mantissa, value->exponent, DIGITS_SIGNIFICANT,
                            precision + 1, &d);
            round_digits(&d, precision + 1);
        }
        put_scientific(w, spec, sign, &d, precision, precision > 0 || spec->alternate, marker);
        return;
    default:
        break;
    }

    /* %g: P significant digits, then %e or %f style by the exponent, then trailing zeros go. */
    long long significant = precision == 0 ? 1 : precision;
    long long point_before_rounding = d.point;
    if (value->mantissa != 0) {
        generate_digits(work, value->mantissa, value->exponent, DIGITS_SIGNIFICANT, significant,
                        &d);
        point_before_rounding = d.point;
        round_digits(&d, significant);
    }
    long long exponent = d.count > 0 ? d.point - 1 : 0;
    bool fixed = exponent < significant && exponent >= -4;
    /* Digits shown after the point, before removing trailing zeros. */
    long long fraction_digits = fixed ? significant - 1 - exponent : significant - 1;
    if (!fixed && exponent == significant && point_before_rounding - 1 == significant - 1) {
        /* Rounding carried 99.5 (%#.2g) into the exponential style: glibc then keeps the
         * fixed style's digits after the point, none, and prints "1.e+02" rather than
         * "1.0e+02". Only visible with '#'; followed for identical output. */
        fraction_digits = 0;
    }
    if (!spec->alternate) {
        /* The last non-zero significant digit bounds what is shown. */
        long long last = (long long)d.count < significant ? (long long)d.count : significant;
        while (last > 0 && d.digits[last - 1] == '0')
            last--;
        long long needed = fixed ? last - d.point : last - 1;
        if (needed < 0)
            needed = 0;
        if (needed < fraction_digits)
            fraction_digits = needed;
    }
    bool point = fraction_digits > 0 || spec->alternate;
    if (fixed)
        put_fixed(w, spec, sign, &d, fraction_digits, point);
    else
        put_scientific(w, spec, sign, &d, fraction_digits, point, marker);
}

/* %a: hexadecimal digits of the binary value, rounded to the precision (ties to even). */
static void format_hex(writer_t *w, const cella_tlibc_float_spec_t *spec, const char *sign,
                       const cella_tlibc_float_value_t *value)
{
    bool upper = spec->conversion == 'A';
    const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned int lead = value->hex_lead;
    uint64_t fraction = value->hex_fraction;
    unsigned int available = value->hex_fraction_digits;
    long long exponent = value->hex_exponent;
    unsigned int shown; /* fraction digits taken from the value */
    size_t extra_zeros = 0;

    if (spec->precision < 0) {
        shown = available;
        while (shown > 0 && (fraction & 0xf) == 0) {
            fraction >>= 4;
            shown--;
        }
    } else if ((unsigned int)spec->precision >= available) {
        shown = available;
        extra_zeros = (size_t)spec->precision - available;
    } else {
        shown = (unsigned int)spec->precision;
        unsigned int dropped_bits = (available - shown) * 4;
        uint64_t dropped = fraction & ((1ull << dropped_bits) - 1);
        uint64_t half = 1ull << (dropped_bits - 1);
        fraction >>= dropped_bits;
        bool odd = shown > 0 ? (fraction & 1) != 0 : (lead & 1) != 0;
        if (dropped > half || (dropped == half && odd)) {
            fraction++;
            if (shown == 0 || fraction >> (shown * 4) != 0) {
                fraction = 0;
                lead++;
                if (lead == 16) {
                    /* Only the long double layout has a leading digit that can carry. */
                    lead = 1;
                    exponent += 4;
                }
            }
        }
    }

    char digits[16];
    for (unsigned int i = shown; i > 0; i--) {
        digits[i - 1] = alphabet[fraction & 0xf];
        fraction >>= 4;
    }
    char exponent_text[24];
    size_t exponent_size = render_exponent(upper ? 'P' : 'p', exponent, 1, exponent_text);
    bool point = shown > 0 || extra_zeros > 0 || spec->alternate;
    size_t body = (point ? 2u : 1u) + shown + extra_zeros + exponent_size;
    field_t field = begin_field(w, spec, sign, upper ? "0X" : "0x", body, true);
    char lead_digit = alphabet[lead];
    put(w, &lead_digit, 1);
    if (point)
        put(w, ".", 1);
    put(w, digits, shown);
    put_repeated(w, '0', extra_zeros);
    put(w, exponent_text, exponent_size);
    end_field(w, &field);
}

static void format_special(writer_t *w, const cella_tlibc_float_spec_t *spec, const char *sign,
                           const cella_tlibc_float_value_t *value)
{
    bool upper = spec->conversion >= 'A' && spec->conversion <= 'Z';
    const char *text = value->is_nan ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
    field_t field = begin_field(w, spec, sign, "", 3, false);
    put(w, text, 3);
    end_field(w, &field);
}

static void format_with_double_workspace(writer_t *w, const cella_tlibc_float_spec_t *spec,
                                         const char *sign, const cella_tlibc_float_value_t *value)
{
    char digits[DOUBLE_DIGITS];
    uint64_t limbs[DOUBLE_LIMBS];
    workspace_t work = {digits, sizeof(digits), limbs, DOUBLE_LIMBS};
    format_decimal(w, spec, sign, value, &work);
}

/* Kept out of line so that only %L conversions pay for the large stack frame. */
__attribute__((noinline)) static void
format_with_long_double_workspace(writer_t *w, const cella_tlibc_float_spec_t *spec,
                                  const char *sign, const cella_tlibc_float_value_t *value)
{
    char digits[LONG_DOUBLE_DIGITS];
    uint64_t limbs[LONG_DOUBLE_LIMBS];
    workspace_t work = {digits, sizeof(digits), limbs, LONG_DOUBLE_LIMBS};
    format_decimal(w, spec, sign, value, &work);
}

long cella_tlibc_format_float(cella_tlibc_sink_t *sink, const cella_tlibc_float_spec_t *spec,
                              const cella_tlibc_float_value_t *value)
{
    writer_t w = {sink, 0, false};
    const char *sign = sign_of(spec, value->negative);
    if (value->is_inf || value->is_nan)
        format_special(&w, spec, sign, value);
    else if (spec->conversion == 'a' || spec->conversion == 'A')
        format_hex(&w, spec, sign, value);
    else if (value->wide)
        format_with_long_double_workspace(&w, spec, sign, value);
    else
        format_with_double_workspace(&w, spec, sign, value);
    return w.failed ? -1 : w.written;
}
