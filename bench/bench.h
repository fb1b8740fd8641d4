/* SPDX-License-Identifier: Apache-2.0 */
/* bench/bench.h: timing helpers shared by the benchmarks (medians of repeated batches). */
#ifndef CELLA_BENCH_H
#define CELLA_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Nanoseconds from a monotonic clock. */
static inline uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int bench_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of count values (sorts them). */
static inline double bench_median(double *values, size_t count)
{
    qsort(values, count, sizeof(values[0]), bench_compare_double);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

/*
 * Runs `body` (a statement) `iterations` times per batch for `batches` batches and stores
 * the median time per iteration in nanoseconds in `result`. Medians of batches resist the
 * noise of a shared machine better than means.
 */
#define BENCH_MEDIAN_NS(result, batches, iterations, body)                           \
    do {                                                                             \
        double bench_samples_[(batches)];                                            \
        for (size_t bench_b_ = 0; bench_b_ < (size_t)(batches); bench_b_++) {        \
            uint64_t bench_start_ = bench_now_ns();                                  \
            for (size_t bench_i_ = 0; bench_i_ < (size_t)(iterations); bench_i_++) { \
                body;                                                                \
            }                                                                        \
            bench_samples_[bench_b_] =                                               \
                (double)(bench_now_ns() - bench_start_) / (double)(iterations);      \
        }                                                                            \
        (result) = bench_median(bench_samples_, (size_t)(batches));                  \
    } while (0)

/* The per-operation times of every batch of one figure, over all rounds. */
#define BENCH_SERIES_MAX 256

struct bench_series {
    double samples[BENCH_SERIES_MAX];
    size_t count;
};

static inline void bench_series_add(struct bench_series *series, double value)
{
    if (series->count < BENCH_SERIES_MAX)
        series->samples[series->count++] = value;
}

static inline double bench_series_median(struct bench_series *series)
{
    return series->count != 0 ? bench_median(series->samples, series->count) : 0.0;
}

/* One result line: what, the figure, the baseline measured in the same run, their ratio. */
static inline void bench_report(const char *what, double value_ns, const char *baseline_name,
                                double baseline_ns)
{
    printf("%-44s %10.1f ns   baseline %-28s %10.1f ns   ratio %6.2fx\n", what, value_ns,
           baseline_name, baseline_ns, baseline_ns > 0 ? value_ns / baseline_ns : 0.0);
}

/*
 * One bandwidth line: `bytes` moved in value_ns and in baseline_ns, as GB/s (10^9 bytes per
 * second), and the ratio of the two bandwidths (below 1: slower than the baseline).
 */
static inline void bench_report_bandwidth(const char *what, double bytes, double value_ns,
                                          const char *baseline_name, double baseline_ns)
{
    double value = value_ns > 0 ? bytes / value_ns : 0.0; /* bytes per ns = GB/s */
    double baseline = baseline_ns > 0 ? bytes / baseline_ns : 0.0;

    printf("%-44s %10.2f GB/s baseline %-28s %10.2f GB/s ratio %6.2fx\n", what, value,
           baseline_name, baseline, baseline > 0 ? value / baseline : 0.0);
}

/* One goal line under a result: what the goal is and whether this run met it. */
static inline void bench_report_goal(const char *goal, bool met)
{
    printf("  goal: %s: %s\n", goal, met ? "met" : "NOT met");
}

#endif /* CELLA_BENCH_H */
