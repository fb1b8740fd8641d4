/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for common/log.c: handler, level filter, formatting and concurrent replacement. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <pthread.h>
#include <wchar.h>
#include <cmocka.h>

#include <cella/log.h>

#include "common/log_internal.h"

/* What the recording handler saw. */
struct record {
    int call_count;
    cella_log_level_t level;
    char message[CELLA_LOG_MESSAGE_MAX_BYTES + 16];
};

static void record_message(void *context, cella_log_level_t level, const char *message)
{
    struct record *record = context;
    record->call_count++;
    record->level = level;
    size_t length = strlen(message);
    assert_true(length < sizeof(record->message));
    memcpy(record->message, message, length + 1);
}

static int reset_log(void **state)
{
    (void)state;
    cella_log_set_handler(NULL, NULL);
    cella_log_set_level(CELLA_LOG_INFO);
    return 0;
}

/* Runs first, before any test changes the level. */
static void the_default_level_passes_info_and_drops_debug(void **state)
{
    (void)state;
    struct record record = {0};
    cella_log_set_handler(record_message, &record);
    cella_log(CELLA_LOG_DEBUG, "hidden");
    assert_int_equal(record.call_count, 0);
    cella_log(CELLA_LOG_INFO, "shown");
    assert_int_equal(record.call_count, 1);
}

static void a_message_reaches_the_handler_with_its_level_and_context(void **state)
{
    (void)state;
    struct record record = {0};
    cella_log_set_handler(record_message, &record);
    cella_log(CELLA_LOG_WARNING, "enclave %s has %d TCS", "demo", 4);
    assert_int_equal(record.call_count, 1);
    assert_int_equal(record.level, CELLA_LOG_WARNING);
    assert_string_equal(record.message, "enclave demo has 4 TCS");
}

static void without_a_handler_nothing_is_delivered(void **state)
{
    (void)state;
    struct record record = {0};
    cella_log_set_handler(record_message, &record);
    cella_log_set_handler(NULL, &record);
    cella_log(CELLA_LOG_ERROR, "lost");
    assert_int_equal(record.call_count, 0);
}

static void messages_less_severe_than_the_level_are_dropped(void **state)
{
    (void)state;
    static const struct {
        cella_log_level_t max_level;
        cella_log_level_t level;
        bool delivered;
    } cases[] = {
        {CELLA_LOG_ERROR, CELLA_LOG_ERROR, true},   {CELLA_LOG_ERROR, CELLA_LOG_WARNING, false},
        {CELLA_LOG_WARNING, CELLA_LOG_ERROR, true}, {CELLA_LOG_WARNING, CELLA_LOG_WARNING, true},
        {CELLA_LOG_WARNING, CELLA_LOG_INFO, false}, {CELLA_LOG_INFO, CELLA_LOG_DEBUG, false},
        {CELLA_LOG_DEBUG, CELLA_LOG_DEBUG, true},   {CELLA_LOG_DEBUG, CELLA_LOG_ERROR, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct record record = {0};
        cella_log_set_handler(record_message, &record);
        cella_log_set_level(cases[i].max_level);
        cella_log(cases[i].level, "case %zu", i);
        assert_int_equal(record.call_count, cases[i].delivered ? 1 : 0);
    }
}

static void a_long_message_is_cut_and_ends_in_dots(void **state)
{
    (void)state;
    char long_text[CELLA_LOG_MESSAGE_MAX_BYTES * 2];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    struct record record = {0};
    cella_log_set_handler(record_message, &record);

    cella_log(CELLA_LOG_ERROR, "%s", long_text);

    assert_int_equal(record.call_count, 1);
    size_t length = strlen(record.message);
    assert_int_equal(length, CELLA_LOG_MESSAGE_MAX_BYTES - 1);
    assert_string_equal(record.message + length - 3, "...");
    assert_int_equal(record.message[length - 4], 'x');
}

static void a_message_that_just_fits_is_not_cut(void **state)
{
    (void)state;
    char text[CELLA_LOG_MESSAGE_MAX_BYTES];
    memset(text, 'y', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    struct record record = {0};
    cella_log_set_handler(record_message, &record);

    cella_log(CELLA_LOG_ERROR, "%s", text);

    assert_string_equal(record.message, text);
}

static void an_unformattable_message_is_replaced_by_a_notice(void **state)
{
    (void)state;
    struct record record = {0};
    cella_log_set_handler(record_message, &record);
    /* In the C locale a wide character above 0x7f cannot be converted, so formatting fails. */
    static const wchar_t wide[] = {0x263A, 0};

    cella_log(CELLA_LOG_ERROR, "%ls", wide);

    assert_int_equal(record.call_count, 1);
    assert_string_equal(record.message, "(log message could not be formatted)");
}

static void a_replaced_handler_receives_nothing_more(void **state)
{
    (void)state;
    struct record first = {0};
    struct record second = {0};
    cella_log_set_handler(record_message, &first);
    cella_log(CELLA_LOG_ERROR, "one");
    cella_log_set_handler(record_message, &second);
    cella_log(CELLA_LOG_ERROR, "two");
    cella_log(CELLA_LOG_ERROR, "three");
    assert_int_equal(first.call_count, 1);
    assert_string_equal(first.message, "one");
    assert_int_equal(second.call_count, 2);
    assert_string_equal(second.message, "three");
}

static void level_names_are_lower_case_words(void **state)
{
    (void)state;
    assert_string_equal(cella_log_level_str(CELLA_LOG_ERROR), "error");
    assert_string_equal(cella_log_level_str(CELLA_LOG_WARNING), "warning");
    assert_string_equal(cella_log_level_str(CELLA_LOG_INFO), "info");
    assert_string_equal(cella_log_level_str(CELLA_LOG_DEBUG), "debug");
    assert_string_equal(cella_log_level_str((cella_log_level_t)42), "unknown");
}

/* Two handlers that each check they got their own context. */
static int context_a;
static int context_b;
static atomic_int mismatch_count;
static atomic_int delivered_count;
static atomic_bool stop_logging;

static void handler_a(void *context, cella_log_level_t level, const char *message)
{
    (void)level;
    (void)message;
    if (context != &context_a)
        atomic_fetch_add(&mismatch_count, 1);
    atomic_fetch_add(&delivered_count, 1);
}

static void handler_b(void *context, cella_log_level_t level, const char *message)
{
    (void)level;
    (void)message;
    if (context != &context_b)
        atomic_fetch_add(&mismatch_count, 1);
    atomic_fetch_add(&delivered_count, 1);
}

static void *log_until_stopped(void *argument)
{
    (void)argument;
    int i = 0;
    do {
        cella_log(CELLA_LOG_ERROR, "message %d", i++);
    } while (!atomic_load(&stop_logging));
    return NULL;
}

static void replacing_the_handler_while_others_log_never_mixes_handler_and_context(void **state)
{
    (void)state;
    enum { LOGGER_COUNT = 3, SWAP_COUNT = 20000 };
    pthread_t loggers[LOGGER_COUNT];
    atomic_store(&mismatch_count, 0);
    atomic_store(&delivered_count, 0);
    atomic_store(&stop_logging, false);
    cella_log_set_handler(handler_a, &context_a);

    for (int i = 0; i < LOGGER_COUNT; i++)
        assert_int_equal(pthread_create(&loggers[i], NULL, log_until_stopped, NULL), 0);
    for (int i = 0; i < SWAP_COUNT; i++) {
        cella_log_set_handler(handler_b, &context_b);
        cella_log_set_handler(handler_a, &context_a);
    }
    atomic_store(&stop_logging, true);
    for (int i = 0; i < LOGGER_COUNT; i++)
        assert_int_equal(pthread_join(loggers[i], NULL), 0);

    assert_int_equal(atomic_load(&mismatch_count), 0);
    assert_true(atomic_load(&delivered_count) >= LOGGER_COUNT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(the_default_level_passes_info_and_drops_debug, reset_log),
        cmocka_unit_test_teardown(a_message_reaches_the_handler_with_its_level_and_context,
                                  reset_log),
        cmocka_unit_test_teardown(without_a_handler_nothing_is_delivered, reset_log),
        cmocka_unit_test_teardown(messages_less_severe_than_the_level_are_dropped, reset_log),
        cmocka_unit_test_teardown(a_long_message_is_cut_and_ends_in_dots, reset_log),
        cmocka_unit_test_teardown(a_message_that_just_fits_is_not_cut, reset_log),
        cmocka_unit_test_teardown(an_unformattable_message_is_replaced_by_a_notice, reset_log),
        cmocka_unit_test_teardown(a_replaced_handler_receives_nothing_more, reset_log),
        cmocka_unit_test(level_names_are_lower_case_words),
        cmocka_unit_test_teardown(
            replacing_the_handler_while_others_log_never_mixes_handler_and_context, reset_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
