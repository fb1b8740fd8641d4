/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_collateral: the TCB Info, enclave identity and collateral time parsers on any text. */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cella/collateral.h>

#include "fuzz.h"

/* Longest string handed to the time parser; valid times are at most 30 characters. */
#define TIME_TEXT_MAX_BYTES 64

/* The body lies inside the input and is one JSON object: '{' ... '}'. */
static void check_body(const char *json, size_t json_size, const char *body, size_t body_size)
{
    REQUIRE(body >= json && body_size >= 2 && body_size <= json_size);
    REQUIRE((size_t)(body - json) <= json_size - body_size);
    REQUIRE(body[0] == '{' && body[body_size - 1] == '}');
}

/* Every level's strings are terminated and fit their slots. */
static void check_levels(const cella_tcb_level_t *levels, size_t level_count)
{
    REQUIRE(level_count >= 1 && levels != NULL);
    for (size_t i = 0; i < level_count; i++) {
        REQUIRE((unsigned)levels[i].status <= CELLA_TCB_STATUS_REVOKED);
        REQUIRE(levels[i].advisory_count == 0 || levels[i].advisory_ids != NULL);
        for (size_t a = 0; a < levels[i].advisory_count; a++) {
            size_t length = strnlen(levels[i].advisory_ids[a], CELLA_ADVISORY_ID_MAX_BYTES);
            REQUIRE(length >= 1 && length < CELLA_ADVISORY_ID_MAX_BYTES);
        }
    }
}

static void fuzz_tcb_info(const char *json, size_t json_size)
{
    cella_tcb_info_t *info = NULL;

    if (cella_tcb_info_parse(json, json_size, &info) != CELLA_OK) {
        REQUIRE(info == NULL);
        return;
    }
    REQUIRE(info->version == 2 || info->version == 3);
    REQUIRE(strcmp(info->id, info->version == 3 ? "SGX" : "") == 0);
    REQUIRE(info->tcb_type == 0 && info->issue_date <= info->next_update);
    check_body(json, json_size, info->body, info->body_size);
    check_levels(info->levels, info->level_count);
    /* Sorted for matching: strictly descending by components, then PCESVN. */
    for (size_t i = 1; i < info->level_count; i++) {
        const cella_tcb_level_t *previous = &info->levels[i - 1];
        const cella_tcb_level_t *level = &info->levels[i];
        int order = memcmp(previous->components, level->components, CELLA_TCB_COMPONENT_COUNT);
        REQUIRE(order > 0 || (order == 0 && previous->pce_svn > level->pce_svn));
        REQUIRE(level->isv_svn == 0);
    }
    cella_tcb_info_destroy(info);
}

static void fuzz_enclave_identity(const char *json, size_t json_size)
{
    cella_enclave_identity_t *identity = NULL;

    if (cella_enclave_identity_parse(json, json_size, &identity) != CELLA_OK) {
        REQUIRE(identity == NULL);
        return;
    }
    REQUIRE(identity->version == 2);
    REQUIRE(strcmp(identity->id, "QE") == 0 || strcmp(identity->id, "QVE") == 0 ||
            strcmp(identity->id, "TD_QE") == 0);
    REQUIRE(identity->issue_date <= identity->next_update);
    check_body(json, json_size, identity->body, identity->body_size);
    check_levels(identity->levels, identity->level_count);
    for (size_t i = 1; i < identity->level_count; i++)
        REQUIRE(identity->levels[i - 1].isv_svn > identity->levels[i].isv_svn);
    cella_enclave_identity_destroy(identity);
}

/*
 * The time parser on one string. An accepted time must be what the C library's calendar
 * says: converting the seconds back gives the same date and time of day.
 */
static void fuzz_time(const char *text, size_t text_size)
{
    char copy[TIME_TEXT_MAX_BYTES + 1];
    int64_t seconds = 0;
    struct tm calendar;

    if (text_size > TIME_TEXT_MAX_BYTES)
        return;
    memcpy(copy, text, text_size);
    copy[text_size] = '\0';
    if (cella_collateral_parse_time(copy, &seconds) != CELLA_OK)
        return;
    time_t time_value = (time_t)seconds;
    REQUIRE(gmtime_r(&time_value, &calendar) != NULL);
    char expected[64];
    int length = snprintf(expected, sizeof(expected), "%04d-%02d-%02dT%02d:%02d:%02d",
                          calendar.tm_year + 1900, calendar.tm_mon + 1, calendar.tm_mday,
                          calendar.tm_hour, calendar.tm_min, calendar.tm_sec);
    REQUIRE(length == 19 && memcmp(copy, expected, 19) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    const char *text = (const char *)input;

    fuzz_tcb_info(text, input_size);
    fuzz_enclave_identity(text, input_size);
    /* The whole input, then every quoted string in it (the dates of a seed document). */
    fuzz_time(text, input_size);
    for (size_t i = 0; i < input_size; i++) {
        if (text[i] != '"')
            continue;
        const char *end = memchr(text + i + 1, '"', input_size - i - 1);
        if (end == NULL)
            break;
        fuzz_time(text + i + 1, (size_t)(end - (text + i + 1)));
        i = (size_t)(end - text);
    }
    return 0;
}
