/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for attestd/store.c: the key, policies and history in SQLite, and kill -9 safety. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "attestd/store.h"

static char work_dir[] = "/tmp/cella-attestd-store.XXXXXX";
static char path[256];
static unsigned counter;

static const char old_policy[] = "version=1.0; authorizationrules{=> permit();}; issuancerules{};";
static const char new_policy[] = "version=1.0; authorizationrules{=> deny();}; issuancerules{};";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(work_dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char command[300];
    snprintf(command, sizeof(command), "rm -rf '%s'", work_dir);
    return system(command) == 0 ? 0 : -1;
}

/* A fresh database path for each test. */
static const char *fresh_path(void)
{
    snprintf(path, sizeof(path), "%s/db-%u", work_dir, counter++);
    return path;
}

static cella_store_t *open_store(const char *at)
{
    cella_store_t *store = NULL;
    assert_int_equal(cella_store_open(at, &store), CELLA_OK);
    return store;
}

/* The policy of SgxEnclave: the text, or NULL when none is set. */
static char *policy_text(cella_store_t *store)
{
    cella_store_policy_t policy;
    cella_result_t r = cella_store_get_policy(store, "SgxEnclave", &policy);
    if (r == CELLA_ERR_NOT_FOUND)
        return NULL;
    assert_int_equal(r, CELLA_OK);
    char *text = strdup(policy.text);
    cella_store_policy_clear(&policy);
    return text;
}

/* ---- tests --------------------------------------------------------------------------------- */

static void a_new_database_has_no_key_and_no_policy_and_is_owner_only(void **state)
{
    (void)state;
    const char *at = fresh_path();
    cella_store_t *store = open_store(at);
    char *key = NULL;
    size_t key_size = 0;
    uint8_t *certificate = NULL;
    size_t certificate_size = 0;
    struct stat st;

    assert_int_equal(
        cella_store_get_signing_key(store, &key, &key_size, &certificate, &certificate_size),
        CELLA_ERR_NOT_FOUND);
    assert_null(policy_text(store));
    size_t count = 99;
    assert_int_equal(cella_store_count_policy_history(store, "SgxEnclave", &count), CELLA_OK);
    assert_int_equal(count, 0);
    assert_int_equal(stat(at, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    cella_store_close(store);
}

static void the_signing_key_survives_a_reopen(void **state)
{
    (void)state;
    const char *at = fresh_path();
    static const char key[] = "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n";
    static const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    cella_store_t *store = open_store(at);
    char *read_key = NULL;
    size_t read_key_size = 0;
    uint8_t *read_der = NULL;
    size_t read_der_size = 0;

    assert_int_equal(cella_store_set_signing_key(store, key, sizeof(key) - 1, der, sizeof(der)),
                     CELLA_OK);
    cella_store_close(store);
    store = open_store(at);
    assert_int_equal(
        cella_store_get_signing_key(store, &read_key, &read_key_size, &read_der, &read_der_size),
        CELLA_OK);
    assert_int_equal(read_key_size, sizeof(key) - 1);
    assert_string_equal(read_key, key);
    assert_int_equal(read_der_size, sizeof(der));
    assert_memory_equal(read_der, der, sizeof(der));
    free(read_key);
    free(read_der);
    /* Setting it again replaces it. */
    assert_int_equal(cella_store_set_signing_key(store, "other", 5, der, sizeof(der)), CELLA_OK);
    assert_int_equal(
        cella_store_get_signing_key(store, &read_key, &read_key_size, &read_der, &read_der_size),
        CELLA_OK);
    assert_string_equal(read_key, "other");
    free(read_key);
    free(read_der);
    cella_store_close(store);
}

static void set_signing_key_refuses_an_empty_key(void **state)
{
    (void)state;
    cella_store_t *store = open_store(fresh_path());
    assert_int_equal(cella_store_set_signing_key(store, "", 0, (const uint8_t *)"x", 1),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_store_set_signing_key(NULL, "k", 1, (const uint8_t *)"x", 1),
                     CELLA_ERR_INVALID_ARGUMENT);
    cella_store_close(store);
}

static void policies_are_set_reset_and_recorded_per_type(void **state)
{
    (void)state;
    const char *at = fresh_path();
    cella_store_t *store = open_store(at);
    cella_store_policy_t policy;
    size_t count = 0;

    assert_int_equal(
        cella_store_set_policy(store, "SgxEnclave", old_policy, sizeof(old_policy) - 1, NULL, 100),
        CELLA_OK);
    assert_int_equal(cella_store_set_policy(store, "SgxEnclave", new_policy, sizeof(new_policy) - 1,
                                            "{\"kty\":\"RSA\"}", 200),
                     CELLA_OK);
    cella_store_close(store);
    store = open_store(at);
    assert_int_equal(cella_store_get_policy(store, "SgxEnclave", &policy), CELLA_OK);
    assert_string_equal(policy.text, new_policy);
    assert_int_equal(policy.text_size, sizeof(new_policy) - 1);
    assert_string_equal(policy.signer, "{\"kty\":\"RSA\"}");
    assert_int_equal(policy.updated, 200);
    cella_store_policy_clear(&policy);
    /* The other type is untouched. */
    assert_int_equal(cella_store_get_policy(store, "OpenEnclave", &policy), CELLA_ERR_NOT_FOUND);

    assert_int_equal(cella_store_reset_policy(store, "SgxEnclave", 300), CELLA_OK);
    assert_null(policy_text(store));
    assert_int_equal(cella_store_reset_policy(store, "SgxEnclave", 400), CELLA_OK);
    assert_int_equal(cella_store_count_policy_history(store, "SgxEnclave", &count), CELLA_OK);
    assert_int_equal(count, 4);
    assert_int_equal(cella_store_count_policy_history(store, "OpenEnclave", &count), CELLA_OK);
    assert_int_equal(count, 0);
    cella_store_close(store);
}

static void policy_calls_refuse_bad_types(void **state)
{
    (void)state;
    cella_store_t *store = open_store(fresh_path());
    cella_store_policy_t policy;
    char long_type[40];
    memset(long_type, 'T', sizeof(long_type) - 1);
    long_type[sizeof(long_type) - 1] = '\0';

    assert_int_equal(cella_store_get_policy(store, "", &policy), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_store_set_policy(store, long_type, "x", 1, NULL, 1),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_store_reset_policy(store, NULL, 1), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_store_count_policy_history(store, "SgxEnclave", NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    cella_store_close(store);
}

static void open_refuses_a_database_of_another_program_and_a_file_that_is_none(void **state)
{
    (void)state;
    cella_store_t *store = NULL;
    sqlite3 *db = NULL;
    const char *other = fresh_path();

    assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x);", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    /* readable by others: refused before anything is read from it */
    assert_int_equal(chmod(other, 0644), 0);
    assert_int_equal(cella_store_open(other, &store), CELLA_ERR_ACCESS_DENIED);
    assert_null(store);
    assert_int_equal(chmod(other, 0600), 0);
    assert_int_equal(cella_store_open(other, &store), CELLA_ERR_INVALID_FORMAT);
    assert_null(store);

    const char *junk = fresh_path();
    FILE *file = fopen(junk, "w");
    assert_non_null(file);
    for (int i = 0; i < 64; i++)
        fputs("this is not an SQLite database at all. ", file);
    fclose(file);
    assert_int_equal(chmod(junk, 0600), 0);
    assert_int_not_equal(cella_store_open(junk, &store), CELLA_OK);
    assert_null(store);

    assert_int_equal(cella_store_open("/nonexistent-dir/attestd.db", &store), CELLA_ERR_IO);
    assert_int_equal(cella_store_open(NULL, &store), CELLA_ERR_INVALID_ARGUMENT);
}

/* ---- kill -9 in the middle of a change ------------------------------------------------------- */

static const char *kill_at;

static void kill_hook(void *context, const char *step)
{
    (void)context;
    if (strcmp(step, kill_at) == 0)
        raise(SIGKILL);
}

/* The database holds exactly one of the two policies, its history agrees, and it is sound. */
/* The SgxEnclave policy's text straight from the table, or NULL when there is none. */
static const unsigned char *text_after_reset(sqlite3 *db)
{
    static unsigned char none;
    sqlite3_stmt *statement = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM policy WHERE type = 'SgxEnclave';",
                                        -1, &statement, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(statement), SQLITE_ROW);
    int rows = sqlite3_column_int(statement, 0);
    sqlite3_finalize(statement);
    return rows == 0 ? NULL : &none;
}

static void check_consistent(const char *at, const char *expected, size_t expected_history)
{
    cella_store_t *store = open_store(at);
    char *text = policy_text(store);
    size_t count = 0;

    if (expected != NULL) {
        assert_non_null(text);
        assert_string_equal(text, expected);
    } else {
        assert_true(text == NULL || strcmp(text, old_policy) == 0 || strcmp(text, new_policy) == 0);
    }
    assert_int_equal(cella_store_count_policy_history(store, "SgxEnclave", &count), CELLA_OK);
    if (expected_history != 0)
        assert_int_equal(count, expected_history);
    free(text);
    cella_store_close(store);

    sqlite3 *db = NULL;
    sqlite3_stmt *statement = NULL;
    assert_int_equal(sqlite3_open(at, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check;", -1, &statement, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(statement), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(statement, 0), "ok");
    sqlite3_finalize(statement);
    /* The last change recorded is the one in effect: history and policy moved together. */
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT h.action, h.text IS p.text FROM policy_history h "
                                        "LEFT JOIN policy p ON p.type = h.type "
                                        "WHERE h.type = 'SgxEnclave' ORDER BY h.id DESC LIMIT 1;",
                                        -1, &statement, NULL),
                     SQLITE_OK);
    if (sqlite3_step(statement) == SQLITE_ROW) {
        const char *action = (const char *)sqlite3_column_text(statement, 0);
        if (strcmp(action, "set") == 0)
            assert_int_equal(sqlite3_column_int(statement, 1), 1);
        else
            assert_null(text_after_reset(db));
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
}

static void a_change_killed_at_any_step_leaves_the_old_policy_or_the_new_one(void **state)
{
    (void)state;
    static const struct {
        const char *step;
        const char *expected; /* what the database holds after the kill */
        size_t history;
    } steps[] = {
        {"begin", old_policy, 1},
        {"history", old_policy, 1},
        {"policy", old_policy, 1},
        {"committed", new_policy, 2},
    };

    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        const char *at = fresh_path();
        cella_store_t *store = open_store(at);
        assert_int_equal(cella_store_set_policy(store, "SgxEnclave", old_policy,
                                                sizeof(old_policy) - 1, NULL, 1),
                         CELLA_OK);
        cella_store_close(store);

        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
            cella_store_t *own = NULL;
            if (cella_store_open(at, &own) != CELLA_OK)
                _exit(3);
            kill_at = steps[i].step;
            cella_store_set_step_hook(own, kill_hook, NULL);
            if (cella_store_set_policy(own, "SgxEnclave", new_policy, sizeof(new_policy) - 1, NULL,
                                       2) != CELLA_OK)
                _exit(5);
            _exit(4); /* the hook should have killed it */
        }
        int status = 0;
        assert_int_equal(waitpid(child, &status, 0), child);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
            fail_msg("the child was not killed at step %s (status %d)", steps[i].step, status);
        check_consistent(at, steps[i].expected, steps[i].history);
    }
}

static void changes_killed_at_random_times_leave_a_sound_database(void **state)
{
    (void)state;
    const char *at = fresh_path();
    cella_store_t *store = open_store(at);
    assert_int_equal(
        cella_store_set_policy(store, "SgxEnclave", old_policy, sizeof(old_policy) - 1, NULL, 1),
        CELLA_OK);
    cella_store_close(store);
    srand((unsigned)time(NULL));

    for (int round = 0; round < 12; round++) {
        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
            cella_store_t *own = NULL;
            if (cella_store_open(at, &own) != CELLA_OK)
                _exit(3);
            for (unsigned n = 0;; n++) {
                const char *text = n % 2 == 0 ? new_policy : old_policy;
                cella_result_t r = n % 5 == 4 ? cella_store_reset_policy(own, "SgxEnclave", n)
                                              : cella_store_set_policy(own, "SgxEnclave", text,
                                                                       strlen(text), NULL, n);
                if (r != CELLA_OK)
                    _exit(5);
            }
        }
        usleep((useconds_t)(2000 + rand() % 30000));
        assert_int_equal(kill(child, SIGKILL), 0);
        int status = 0;
        assert_int_equal(waitpid(child, &status, 0), child);
        /* killed in the middle of its changes, not ended by a failure of its own */
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
            fail_msg("round %d: the writer ended by itself (status %d)", round, status);
        check_consistent(at, NULL, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_database_has_no_key_and_no_policy_and_is_owner_only),
        cmocka_unit_test(the_signing_key_survives_a_reopen),
        cmocka_unit_test(set_signing_key_refuses_an_empty_key),
        cmocka_unit_test(policies_are_set_reset_and_recorded_per_type),
        cmocka_unit_test(policy_calls_refuse_bad_types),
        cmocka_unit_test(open_refuses_a_database_of_another_program_and_a_file_that_is_none),
        cmocka_unit_test(a_change_killed_at_any_step_leaves_the_old_policy_or_the_new_one),
        cmocka_unit_test(changes_killed_at_random_times_leave_a_sound_database),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
