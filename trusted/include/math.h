/* SPDX-License-Identifier: Apache-2.0 */
/* math.h: floating-point classification and constants; cella's trusted C library has no libm. */
#ifndef CELLA_LIBC_MATH_H
#define CELLA_LIBC_MATH_H

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

#define HUGE_VAL  (__builtin_huge_val())
#define HUGE_VALF (__builtin_huge_valf())
#define HUGE_VALL (__builtin_huge_vall())
#define INFINITY  (__builtin_inff())
#define NAN       (__builtin_nanf(""))

#define FP_NAN       0
#define FP_INFINITE  1
#define FP_ZERO      2
#define FP_SUBNORMAL 3
#define FP_NORMAL    4

/* Classification compiles to a few instructions; nothing is called. */
#define fpclassify(x) \
    __builtin_fpclassify(FP_NAN, FP_INFINITE, FP_NORMAL, FP_SUBNORMAL, FP_ZERO, (x))
#define isnan(x)    __builtin_isnan(x)
#define isinf(x)    __builtin_isinf(x)
#define isfinite(x) __builtin_isfinite(x)
#define isnormal(x) __builtin_isnormal(x)
#define signbit(x)  __builtin_signbit(x)

/* Sign manipulation: bit operations, always inline. */
static inline double fabs(double x)
{
    return __builtin_fabs(x);
}

static inline float fabsf(float x)
{
    return __builtin_fabsf(x);
}

static inline long double fabsl(long double x)
{
    return __builtin_fabsl(x);
}

static inline double copysign(double magnitude, double sign)
{
    return __builtin_copysign(magnitude, sign);
}

static inline float copysignf(float magnitude, float sign)
{
    return __builtin_copysignf(magnitude, sign);
}

#define CELLA_LIBC_NO_LIBM "cella's trusted C library has no libm; link a freestanding math library"

double sqrt(double x) CELLA_LIBC_NOT_IN_ENCLAVE(sqrt, CELLA_LIBC_NO_LIBM);
double pow(double x, double y) CELLA_LIBC_NOT_IN_ENCLAVE(pow, CELLA_LIBC_NO_LIBM);
double exp(double x) CELLA_LIBC_NOT_IN_ENCLAVE(exp, CELLA_LIBC_NO_LIBM);
double log(double x) CELLA_LIBC_NOT_IN_ENCLAVE(log, CELLA_LIBC_NO_LIBM);
double log2(double x) CELLA_LIBC_NOT_IN_ENCLAVE(log2, CELLA_LIBC_NO_LIBM);
double log10(double x) CELLA_LIBC_NOT_IN_ENCLAVE(log10, CELLA_LIBC_NO_LIBM);
double sin(double x) CELLA_LIBC_NOT_IN_ENCLAVE(sin, CELLA_LIBC_NO_LIBM);
double cos(double x) CELLA_LIBC_NOT_IN_ENCLAVE(cos, CELLA_LIBC_NO_LIBM);
double tan(double x) CELLA_LIBC_NOT_IN_ENCLAVE(tan, CELLA_LIBC_NO_LIBM);
double floor(double x) CELLA_LIBC_NOT_IN_ENCLAVE(floor, CELLA_LIBC_NO_LIBM);
double ceil(double x) CELLA_LIBC_NOT_IN_ENCLAVE(ceil, CELLA_LIBC_NO_LIBM);
double round(double x) CELLA_LIBC_NOT_IN_ENCLAVE(round, CELLA_LIBC_NO_LIBM);
double trunc(double x) CELLA_LIBC_NOT_IN_ENCLAVE(trunc, CELLA_LIBC_NO_LIBM);
double fmod(double x, double y) CELLA_LIBC_NOT_IN_ENCLAVE(fmod, CELLA_LIBC_NO_LIBM);

CELLA_LIBC_END

#endif /* CELLA_LIBC_MATH_H */
