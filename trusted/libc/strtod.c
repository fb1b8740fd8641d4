/* SPDX-License-Identifier: Apache-2.0 */
/* strtod.c: correctly rounded string-to-floating-point conversion (strtod, strtof, atof). */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The result is the representable value nearest to the exact decimal (or hexadecimal) input,
 * ties to even, as the C standard recommends and glibc does. Hard cases need exact arithmetic:
 * the decimal input D * 10^e becomes a 64-bit binary quotient plus a sticky bit with integer
 * arithmetic on 32-bit limbs, and the final rounding to 53 (or 24) bits is done on integers.
 *
 * Only the first MAX_DIGITS significant digits are kept; the rest only matter through whether
 * any of them is non-zero, recorded as one extra '1' digit. That is exact for rounding: every
 * point halfway between two doubles has at most 767 significant digits.
 *
 * Stack use is about 2.5 KiB (two 5,120-bit integers and the kept digits); no allocation.
 *
 * errno: ERANGE on overflow (result +-HUGE_VAL) and when the result is zero or subnormal and
 * inexact (glibc's rule; glibc's strtof misses some inexact subnormals given in hexadecimal,
 * this does not).
 */

#define MAX_DIGITS 800
#define BIG_LIMBS  160 /* 10^1126 << 64 is the largest number handled: 3,804 bits */

typedef struct target_format {
    int mantissa_bits;     /* p, including the implicit bit */
    int min_exponent;      /* exponent of the leading bit of the smallest normal */
    int max_exponent;      /* exponent of the leading bit of the largest finite; also the bias */
    int overflow_decimal;  /* inputs >= 10^this overflow */
    int underflow_decimal; /* inputs < 10^this round to zero */
} target_format_t;

static const target_format_t double_format = {53, -1022, 1023, 310, -324};
static const target_format_t float_format = {24, -126, 127, 40, -46};

/* --- exact integers ----------------------------------------------------------------------------
 */

typedef struct big {
    size_t used; /* limbs in use; limb[used - 1] != 0 unless used == 0 */
    uint32_t limb[BIG_LIMBS];
} big_t;

static void big_trim(big_t *a)
{
    while (a->used > 0 && a->limb[a->used - 1] == 0)
        a->used--;
}

static void big_set(big_t *a, uint64_t value)
{
    a->limb[0] = (uint32_t)value;
    a->limb[1] = (uint32_t)(value >> 32);
    a->used = 2;
    big_trim(a);
}

/* a = a * factor + addend. The capacities above make overflow impossible; it is still checked. */
static bool big_multiply_add(big_t *a, uint32_t factor, uint32_t addend)
{
    uint64_t carry = addend;
    for (size_t i = 0; i < a->used; i++) {
        uint64_t current = (uint64_t)a->limb[i] * factor + carry;
        a->limb[i] = (uint32_t)current;
        carry = current >> 32;
    }
    if (carry != 0) {
        if (a->used == BIG_LIMBS)
            return false;
        a->limb[a->used++] = (uint32_t)carry;
    }
    return true;
}

static bool big_multiply_power_of_ten(big_t *a, long long exponent)
{
    for (; exponent >= 9; exponent -= 9) {
        if (!big_multiply_add(a, 1000000000u, 0))
            return false;
    }
    static const uint32_t small_powers[9] = {1,      10,      100,      1000,     10000,
                                             100000, 1000000, 10000000, 100000000};
    return big_multiply_add(a, small_powers[exponent], 0);
}

static size_t big_bit_length(const big_t *a)
{
    if (a->used == 0)
        return 0;
    return (a->used - 1) * 32 + (size_t)(32 - __builtin_clz(a->limb[a->used - 1]));
}

static bool big_shift_left(big_t *a, size_t bits)
{
    if (a->used == 0 || bits == 0)
        return true;
    size_t words = bits / 32;
    unsigned int shift = (unsigned int)(bits % 32);
    if (a->used + words + 1 > BIG_LIMBS)
        return false;
    a->limb[a->used + words] = 0;
    for (size_t i = a->used; i > 0; i--) {
        uint32_t value = a->limb[i - 1];
        if (shift != 0)
            a->limb[i + words] |= value >> (32 - shift);
        a->limb[i - 1 + words] = shift == 0 ? value : value << shift;
    }
    for (size_t i = 0; i < words; i++)
        a->limb[i] = 0;
    a->used += words + 1;
    big_trim(a);
    return true;
}

static void big_shift_right_one(big_t *a)
{
    for (size_t i = 0; i < a->used; i++) {
        uint32_t high = i + 1 < a->used ? a->limb[i + 1] : 0;
        a->limb[i] = (a->limb[i] >> 1) | (high << 31);
    }
    big_trim(a);
}

static int big_compare(const big_t *a, const big_t *b)
{
    if (a->used != b->used)
        return a->used < b->used ? -1 : 1;
    for (size_t i = a->used; i > 0; i--) {
        if (a->limb[i - 1] != b->limb[i - 1])
            return a->limb[i - 1] < b->limb[i - 1] ? -1 : 1;
    }
    return 0;
}

/* a -= b, for a >= b. */
static void big_subtract(big_t *a, const big_t *b)
{
    uint64_t borrow = 0;
    for (size_t i = 0; i < a->used; i++) {
        uint64_t subtrahend = (i < b->used ? b->limb[i] : 0) + borrow;
        uint64_t current = a->limb[i];
        borrow = current < subtrahend;
        a->limb[i] = (uint32_t)(current - subtrahend);
    }
    big_trim(a);
}

/* The top 64 bits of a (a != 0) and whether any bit below them is set; *dropped gets how many
 * low bits were dropped (0 when a has at most 64 bits). */
static uint64_t big_top_bits(const big_t *a, bool *sticky, size_t *dropped)
{
    size_t length = big_bit_length(a);
    size_t drop = length > 64 ? length - 64 : 0;
    uint64_t top = 0;
    for (size_t bit = 64; bit > 0; bit--) {
        size_t index = drop + bit - 1;
        top <<= 1;
        if (index < length)
            top |= (a->limb[index / 32] >> (index % 32)) & 1;
    }
    bool rest = false;
    for (size_t i = 0; i < drop / 32 && !rest; i++)
        rest = a->limb[i] != 0;
    if (!rest && drop % 32 != 0)
        rest = (a->limb[drop / 32] & ((1u << (drop % 32)) - 1)) != 0;
    *sticky = rest;
    *dropped = drop;
    return top;
}

/* --- rounding ----------------------------------------------------------------------------------
 */

typedef struct binary_result {
    uint64_t bits;    /* the IEEE encoding without sign */
    bool range_error; /* ERANGE */
} binary_result_t;

/*
 * Rounds (q + f) * 2^exponent, where q > 0 and f in [0, 1) is non-zero exactly when sticky, to
 * the target format (nearest, ties to even). Only the low bits of q that are rounded away may be
 * accompanied by sticky: whenever sticky is set, q has at least p + 2 significant bits.
 */
static binary_result_t round_binary(uint64_t q, long long exponent, bool sticky,
                                    const target_format_t *format)
{
    binary_result_t result = {0, false};
    int p = format->mantissa_bits;
    int msb = 63 - __builtin_clzll(q);
    long long leading = msb + exponent;
    uint64_t infinity_bits = (uint64_t)(2 * format->max_exponent + 1) << (p - 1);
    if (leading > format->max_exponent) {
        result.bits = infinity_bits;
        result.range_error = true;
        return result;
    }

    long long keep = leading >= format->min_exponent ? p : p - (format->min_exponent - leading);
    long long unit; /* exponent of the least significant kept bit */
    uint64_t m;
    bool inexact;
    if (keep <= 0) {
        unit = format->min_exponent - p + 1;
        inexact = true;
        if (keep < 0) {
            m = 0; /* below half the smallest subnormal */
        } else {
            /* In [half, whole) of the smallest subnormal: exactly half is a tie, to even (0). */
            bool exactly_half = (q & (q - 1)) == 0 && !sticky;
            m = exactly_half ? 0 : 1;
        }
    } else {
        long long drop = msb + 1 - keep;
        unit = leading - keep + 1;
        if (drop <= 0) {
            m = q << -drop;
            inexact = sticky;
        } else {
            uint64_t remainder = q & ((1ull << drop) - 1);
            uint64_t half = 1ull << (drop - 1);
            m = q >> drop;
            inexact = remainder != 0 || sticky;
            if (remainder > half || (remainder == half && (sticky || (m & 1) != 0)))
                m++;
        }
    }
    if ((m >> p) != 0) {
        m >>= 1; /* rounding carried into a new binade */
        unit++;
    }

    /*
     * Underflow (ERANGE) as glibc and IEEE 754 with tininess after rounding define it: the
     * result is inexact and the value, rounded to p bits with an unbounded exponent, is below
     * the smallest normal. That differs from "the result is subnormal" only just below the
     * smallest normal, where rounding may reach it.
     */
    bool tiny = leading < format->min_exponent;
    if (tiny && inexact && leading == format->min_exponent - 1) {
        long long drop = msb + 1 - p; /* >= 2: sticky implies q has p + 2 bits or more */
        if (drop > 0) {
            uint64_t remainder = q & ((1ull << drop) - 1);
            uint64_t half = 1ull << (drop - 1);
            uint64_t top = q >> drop;
            bool up = remainder > half || (remainder == half && (sticky || (top & 1) != 0));
            if (up && top + 1 == 1ull << p)
                tiny = false;
        }
    }
    if (m == 0) {
        result.range_error = true;
        return result;
    }
    if ((m >> (p - 1)) != 0) {
        long long biased = unit + (p - 1) + format->max_exponent;
        if (biased >= 2 * format->max_exponent + 1) {
            result.bits = infinity_bits;
            result.range_error = true;
            return result;
        }
        result.bits = ((uint64_t)biased << (p - 1)) | (m & ((1ull << (p - 1)) - 1));
        result.range_error = tiny && inexact;
        return result;
    }
    result.bits = m; /* subnormal */
    result.range_error = inexact;
    return result;
}

/* --- decimal input ------------------------------------------------------------------------------
 */

typedef struct decimal_input {
    char digits[MAX_DIGITS + 1]; /* significant digits, no leading or trailing zeros */
    size_t count;
    long long exponent; /* value = digits * 10^exponent */
} decimal_input_t;

static binary_result_t convert_decimal(const decimal_input_t *input, const target_format_t *format)
{
    binary_result_t result = {0, false};
    long long magnitude = (long long)input->count + input->exponent;
    if (magnitude > format->overflow_decimal) {
        result.bits = (uint64_t)(2 * format->max_exponent + 1) << (format->mantissa_bits - 1);
        result.range_error = true;
        return result;
    }
    if (magnitude < format->underflow_decimal) {
        result.range_error = true;
        return result;
    }

    big_t numerator;
    big_set(&numerator, 0);
    for (size_t i = 0; i < input->count; i++) {
        if (!big_multiply_add(&numerator, 10, (uint32_t)(input->digits[i] - '0')))
            return result;
    }

    bool sticky;
    size_t dropped;
    if (input->exponent >= 0) {
        if (!big_multiply_power_of_ten(&numerator, input->exponent))
            return result;
        uint64_t q = big_top_bits(&numerator, &sticky, &dropped);
        return round_binary(q, (long long)dropped, sticky, format);
    }

    /* numerator / 10^-exponent: a 62- to 64-bit quotient by long division. */
    big_t denominator;
    big_set(&denominator, 1);
    if (!big_multiply_power_of_ten(&denominator, -input->exponent))
        return result;
    long long shift =
        63 - ((long long)big_bit_length(&numerator) - (long long)big_bit_length(&denominator));
    if (shift > 0 ? !big_shift_left(&numerator, (size_t)shift)
                  : !big_shift_left(&denominator, (size_t)-shift))
        return result;
    /* Now numerator / denominator is in (2^62, 2^64). */
    if (!big_shift_left(&denominator, 63))
        return result;
    uint64_t q = 0;
    for (int bit = 63; bit >= 0; bit--) {
        if (big_compare(&numerator, &denominator) >= 0) {
            big_subtract(&numerator, &denominator);
            q |= 1ull << bit;
        }
        big_shift_right_one(&denominator);
    }
    sticky = numerator.used != 0;
    return round_binary(q, -shift, sticky, format);
}

/* Powers of ten that doubles hold exactly. */
static const double exact_powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
 * Clinger's fast path: with at most 15 digits and |exponent| <= 22 both operands are exact
 * doubles, so one correctly rounded multiplication or division gives the answer. Requires
 * double evaluation in double precision (SSE2, FLT_EVAL_METHOD 0) and the default rounding mode.
 */
static bool fast_double(const decimal_input_t *input, double *out)
{
#if FLT_EVAL_METHOD == 0
    if (input->count > 15 || input->exponent > 22 || input->exponent < -22)
        return false;
    uint64_t value = 0;
    for (size_t i = 0; i < input->count; i++)
        value = value * 10 + (uint64_t)(input->digits[i] - '0');
    double d = (double)value; /* exact: below 10^15 */
    *out = input->exponent >= 0 ? d * exact_powers[input->exponent]
                                : d / exact_powers[-input->exponent];
    return true;
#else
    (void)input;
    (void)out;
    return false;
#endif
}

/* --- parsing ------------------------------------------------------------------------------------
 */

typedef enum parsed_kind {
    PARSED_NONE,
    PARSED_ZERO,
    PARSED_DECIMAL,
    PARSED_HEX,
    PARSED_INFINITY,
    PARSED_NAN
} parsed_kind_t;

typedef struct parsed {
    parsed_kind_t kind;
    bool negative;
    const char *end;
    decimal_input_t decimal;
    uint64_t hex_mantissa; /* PARSED_HEX: value = (mantissa + sticky) * 2^hex_exponent */
    long long hex_exponent;
    bool hex_sticky;
} parsed_t;

/* Exponents beyond this are equivalent to infinity for every input length. */
#define EXPONENT_CLAMP 100000000LL

static bool match_word(const char *p, const char *word)
{
    for (; *word != '\0'; p++, word++) {
        if (tolower((unsigned char)*p) != *word)
            return false;
    }
    return true;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parses [eE][+-]digits (or pP for hex) at p; returns the end (p itself when absent). */
static const char *parse_exponent(const char *p, char marker, long long *exponent)
{
    *exponent = 0;
    if (tolower((unsigned char)*p) != marker)
        return p;
    const char *q = p + 1;
    bool negative = false;
    if (*q == '+' || *q == '-') {
        negative = *q == '-';
        q++;
    }
    if (!isdigit((unsigned char)*q))
        return p;
    long long value = 0;
    for (; isdigit((unsigned char)*q); q++) {
        if (value < EXPONENT_CLAMP)
            value = value * 10 + (*q - '0');
    }
    *exponent = negative ? -value : value;
    return q;
}

static void parse_hex(const char *p, parsed_t *out)
{
    /* p is after "0x"; the caller checked that a hex digit follows (possibly after '.'). */
    uint64_t mantissa = 0;
    long long exponent = 0;
    bool sticky = false;
    bool seen_point = false;
    bool any = false;
    for (;; p++) {
        if (*p == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        int digit = hex_value((unsigned char)*p);
        if (digit < 0)
            break;
        any = any || digit != 0;
        if ((mantissa >> 60) == 0) {
            mantissa = (mantissa << 4) | (uint64_t)digit;
            if (seen_point)
                exponent -= 4;
        } else {
            sticky = sticky || digit != 0;
            if (!seen_point)
                exponent += 4;
        }
    }
    long long binary_exponent;
    p = parse_exponent(p, 'p', &binary_exponent);
    out->end = p;
    if (!any) {
        out->kind = PARSED_ZERO;
        return;
    }
    out->kind = PARSED_HEX;
    out->hex_mantissa = mantissa;
    out->hex_exponent = exponent + binary_exponent;
    out->hex_sticky = sticky;
}

static void parse_number(const char *string, parsed_t *out)
{
    const char *p = string;
    out->kind = PARSED_NONE;
    out->negative = false;
    out->end = string;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-') {
        out->negative = *p == '-';
        p++;
    }

    if (match_word(p, "inf")) {
        out->kind = PARSED_INFINITY;
        out->end = match_word(p, "infinity") ? p + 8 : p + 3;
        return;
    }
    if (match_word(p, "nan")) {
        out->kind = PARSED_NAN;
        p += 3;
        out->end = p;
        if (*p == '(') {
            const char *q = p + 1;
            while (isalnum((unsigned char)*q) || *q == '_')
                q++;
            if (*q == ')')
                out->end = q + 1;
        }
        return;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        (hex_value((unsigned char)p[2]) >= 0 ||
         (p[2] == '.' && hex_value((unsigned char)p[3]) >= 0))) {
        parse_hex(p + 2, out);
        return;
    }

    decimal_input_t *decimal = &out->decimal;
    decimal->count = 0;
    decimal->exponent = 0;
    bool seen_point = false;
    bool any_digit = false;
    bool dropped_non_zero = false;
    long long point_shift = 0; /* value = digits * 10^point_shift before the exponent part */
    size_t trailing_zeros = 0; /* zeros kept provisionally at the end of digits */
    for (;; p++) {
        if (*p == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        if (!isdigit((unsigned char)*p))
            break;
        any_digit = true;
        char c = *p;
        if (c == '0' && decimal->count == 0) {
            if (seen_point && point_shift > -EXPONENT_CLAMP)
                point_shift--; /* a leading zero after the point */
            continue;
        }
        if (decimal->count < MAX_DIGITS) {
            decimal->digits[decimal->count++] = c;
            trailing_zeros = c == '0' ? trailing_zeros + 1 : 0;
            if (seen_point)
                point_shift--;
        } else {
            dropped_non_zero = dropped_non_zero || c != '0';
            if (!seen_point && point_shift < EXPONENT_CLAMP)
                point_shift++;
        }
    }
    if (!any_digit) {
        out->negative = false; /* no conversion: +0 */
        return;
    }
    long long exponent;
    p = parse_exponent(p, 'e', &exponent);
    out->end = p;
    if (decimal->count == 0) {
        out->kind = PARSED_ZERO;
        return;
    }
    if (dropped_non_zero) {
        decimal->digits[decimal->count++] = '1';
        point_shift--;
        trailing_zeros = 0;
    }
    decimal->count -= trailing_zeros;
    point_shift += (long long)trailing_zeros;
    decimal->exponent = point_shift + exponent;
    out->kind = PARSED_DECIMAL;
}

/* The IEEE encoding (without sign) of the parsed number in the target format. */
static binary_result_t convert(const parsed_t *parsed, const target_format_t *format)
{
    binary_result_t result = {0, false};
    int p = format->mantissa_bits;
    uint64_t exponent_mask = (uint64_t)(2 * format->max_exponent + 1) << (p - 1);
    switch (parsed->kind) {
    case PARSED_INFINITY:
        result.bits = exponent_mask;
        break;
    case PARSED_NAN:
        result.bits = exponent_mask | (1ull << (p - 2)); /* the default quiet NaN */
        break;
    case PARSED_DECIMAL:
        result = convert_decimal(&parsed->decimal, format);
        break;
    case PARSED_HEX: {
        long long exponent = parsed->hex_exponent;
        if (exponent > EXPONENT_CLAMP)
            exponent = EXPONENT_CLAMP;
        if (exponent < -EXPONENT_CLAMP)
            exponent = -EXPONENT_CLAMP;
        result = round_binary(parsed->hex_mantissa, exponent, parsed->hex_sticky, format);
        break;
    }
    case PARSED_NONE:
    case PARSED_ZERO:
        break;
    }
    return result;
}

double strtod(const char *restrict string, char **restrict end)
{
    parsed_t parsed;
    parse_number(string, &parsed);
    if (end != NULL)
        *end = (char *)(uintptr_t)parsed.end;

    double value;
    if (parsed.kind == PARSED_DECIMAL && fast_double(&parsed.decimal, &value))
        return parsed.negative ? -value : value;
    binary_result_t result = convert(&parsed, &double_format);
    if (result.range_error)
        errno = ERANGE;
    uint64_t bits = result.bits | (parsed.negative ? 1ull << 63 : 0);
    __builtin_memcpy(&value, &bits, sizeof(value));
    return value;
}

float strtof(const char *restrict string, char **restrict end)
{
    parsed_t parsed;
    parse_number(string, &parsed);
    if (end != NULL)
        *end = (char *)(uintptr_t)parsed.end;

    binary_result_t result = convert(&parsed, &float_format);
    if (result.range_error)
        errno = ERANGE;
    uint32_t bits = (uint32_t)result.bits | (parsed.negative ? 1u << 31 : 0);
    float value;
    __builtin_memcpy(&value, &bits, sizeof(value));
    return value;
}

double atof(const char *string)
{
    return strtod(string, NULL);
}
