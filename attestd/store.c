/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/store.c: the service's SQLite database: signing key, policies and their history. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <cella/memory.h>

#include "../common/log_internal.h"
#include "store.h"

#define CHECK(expression)  \
    do {                   \
        r = (expression);  \
        if (r != CELLA_OK) \
            goto out;      \
    } while (0)

/* PRAGMA application_id of our databases: "CeAt". */
#define APPLICATION_ID  0x43654174
#define SCHEMA_VERSION  1
#define TYPE_MAX_BYTES  32
#define BUSY_TIMEOUT_MS 5000

static const char schema[] = "CREATE TABLE signing_key ("
                             "  id INTEGER PRIMARY KEY CHECK (id = 1),"
                             "  key_pem BLOB NOT NULL,"
                             "  certificate BLOB NOT NULL,"
                             "  created INTEGER NOT NULL);"
                             "CREATE TABLE policy ("
                             "  type TEXT PRIMARY KEY,"
                             "  text BLOB NOT NULL,"
                             "  signer TEXT,"
                             "  updated INTEGER NOT NULL);"
                             "CREATE TABLE policy_history ("
                             "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                             "  type TEXT NOT NULL,"
                             "  action TEXT NOT NULL CHECK (action IN ('set', 'reset')),"
                             "  text BLOB,"
                             "  signer TEXT,"
                             "  time INTEGER NOT NULL);"
                             "PRAGMA application_id = 1130709364;" /* APPLICATION_ID */
                             "PRAGMA user_version = 1;";           /* SCHEMA_VERSION */

_Static_assert(APPLICATION_ID == 1130709364, "the schema text names APPLICATION_ID");

struct cella_store {
    sqlite3 *db;
    pthread_mutex_t lock;
    cella_store_step_hook_t hook;
    void *hook_context;
};

static cella_result_t failed(cella_store_t *store, const char *what)
{
    cella_log(CELLA_LOG_ERROR, "store: %s: %s", what, sqlite3_errmsg(store->db));
    return CELLA_ERR_IO;
}

static void step(cella_store_t *store, const char *name)
{
    if (store->hook != NULL)
        store->hook(store->hook_context, name);
}

static cella_result_t exec(cella_store_t *store, const char *sql, const char *what)
{
    if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return failed(store, what);
    return CELLA_OK;
}

static cella_result_t prepare(cella_store_t *store, const char *sql, sqlite3_stmt **statement)
{
    if (sqlite3_prepare_v2(store->db, sql, -1, statement, NULL) != SQLITE_OK)
        return failed(store, "preparing a statement");
    return CELLA_OK;
}

/* One integer from a one-row query. */
static cella_result_t query_integer(cella_store_t *store, const char *sql, int64_t *value)
{
    sqlite3_stmt *statement = NULL;
    cella_result_t r = prepare(store, sql, &statement);

    if (r != CELLA_OK)
        return r;
    if (sqlite3_step(statement) == SQLITE_ROW)
        *value = sqlite3_column_int64(statement, 0);
    else
        r = failed(store, sql);
    sqlite3_finalize(statement);
    return r;
}

/* Creates the schema in an empty database, or checks that this one is ours and current. */
static cella_result_t check_schema(cella_store_t *store, const char *path)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    int64_t application = 0, version = 0, tables = 0;

    CHECK(query_integer(store, "PRAGMA application_id;", &application));
    CHECK(query_integer(store, "PRAGMA user_version;", &version));
    CHECK(query_integer(store, "SELECT count(*) FROM sqlite_master;", &tables));
    if (application == 0 && version == 0 && tables == 0) {
        CHECK(exec(store, "BEGIN IMMEDIATE;", "starting the schema"));
        if (exec(store, schema, "creating the schema") != CELLA_OK ||
            exec(store, "COMMIT;", "committing the schema") != CELLA_OK) {
            (void)sqlite3_exec(store->db, "ROLLBACK;", NULL, NULL, NULL);
            r = CELLA_ERR_IO;
            goto out;
        }
    } else if (application != APPLICATION_ID) {
        cella_log(CELLA_LOG_ERROR, "store: %s is not a cella-attestd database", path);
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    } else if (version != SCHEMA_VERSION) {
        cella_log(CELLA_LOG_ERROR,
                  "store: %s has schema version %lld; this cella-attestd knows version %d", path,
                  (long long)version, SCHEMA_VERSION);
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    r = CELLA_OK;
out:
    return r;
}

cella_result_t cella_store_open(const char *path, cella_store_t **out)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    cella_store_t *store = NULL;
    bool locked = false;

    if (path == NULL || out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    /* Created owner-only before SQLite sees it: its journal files take the same mode. */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        cella_log(CELLA_LOG_ERROR, "store: cannot open %s: %s", path, strerror(errno));
        return CELLA_ERR_IO;
    }
    /* It holds the token signing key: an existing file others may read is refused. */
    struct stat st;
    bool private = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) == 0 &&
                   st.st_uid == geteuid();
    close(fd);
    if (!private) {
        cella_log(CELLA_LOG_ERROR,
                  "store: %s holds the token signing key but is not a regular file that only "
                  "its owner (this user) may read and write; fix it with chmod 600 and chown",
                  path);
        return CELLA_ERR_ACCESS_DENIED;
    }
    store = calloc(1, sizeof(*store));
    if (store == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    if (pthread_mutex_init(&store->lock, NULL) != 0) {
        free(store);
        return CELLA_ERR_OUT_OF_MEMORY;
    }
    locked = true;
    if (sqlite3_open_v2(path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        r = failed(store, path);
        goto out;
    }
    sqlite3_busy_timeout(store->db, BUSY_TIMEOUT_MS);
    /* WAL: readers never see a half-written change; FULL: a change is on disk when the
     * call returns. */
    CHECK(exec(store, "PRAGMA journal_mode = WAL;", "switching to the WAL journal"));
    CHECK(exec(store, "PRAGMA synchronous = FULL;", "setting synchronous"));
    CHECK(exec(store, "PRAGMA secure_delete = ON;", "setting secure_delete"));
    CHECK(check_schema(store, path));
    *out = store;
    store = NULL;
    r = CELLA_OK;
out:
    if (store != NULL) {
        sqlite3_close(store->db);
        if (locked)
            pthread_mutex_destroy(&store->lock);
        free(store);
    }
    return r;
}

void cella_store_close(cella_store_t *store)
{
    if (store == NULL)
        return;
    sqlite3_close(store->db);
    pthread_mutex_destroy(&store->lock);
    free(store);
}

void cella_store_set_step_hook(cella_store_t *store, cella_store_step_hook_t hook, void *context)
{
    pthread_mutex_lock(&store->lock);
    store->hook = hook;
    store->hook_context = context;
    pthread_mutex_unlock(&store->lock);
}

static bool valid_type(const char *type)
{
    return type != NULL && type[0] != '\0' && strlen(type) <= TYPE_MAX_BYTES;
}

/* A copy of a column's bytes with a NUL after them. */
static cella_result_t column_copy(sqlite3_stmt *statement, int column, char **copy, size_t *size)
{
    const void *bytes = sqlite3_column_blob(statement, column);
    int length = sqlite3_column_bytes(statement, column);

    if (length < 0)
        return CELLA_ERR_UNEXPECTED;
    *copy = malloc((size_t)length + 1);
    if (*copy == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    if (length > 0)
        memcpy(*copy, bytes, (size_t)length);
    (*copy)[length] = '\0';
    if (size != NULL)
        *size = (size_t)length;
    return CELLA_OK;
}

cella_result_t cella_store_get_signing_key(cella_store_t *store, char **key_pem,
                                           size_t *key_pem_size, uint8_t **certificate,
                                           size_t *certificate_size)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    sqlite3_stmt *statement = NULL;
    char *key = NULL;
    size_t key_size = 0;
    char *cert = NULL;

    if (store == NULL || key_pem == NULL || key_pem_size == NULL || certificate == NULL ||
        certificate_size == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    pthread_mutex_lock(&store->lock);
    CHECK(prepare(store, "SELECT key_pem, certificate FROM signing_key WHERE id = 1;", &statement));
    int result = sqlite3_step(statement);
    if (result == SQLITE_DONE) {
        r = CELLA_ERR_NOT_FOUND;
        goto out;
    }
    if (result != SQLITE_ROW) {
        r = failed(store, "reading the signing key");
        goto out;
    }
    CHECK(column_copy(statement, 0, &key, &key_size));
    CHECK(column_copy(statement, 1, &cert, certificate_size));
    *key_pem = key;
    *key_pem_size = key_size;
    *certificate = (uint8_t *)cert;
    key = NULL;
    cert = NULL;
    r = CELLA_OK;
out:
    if (key != NULL) {
        cella_memory_wipe(key, key_size);
        free(key);
    }
    free(cert);
    sqlite3_finalize(statement);
    pthread_mutex_unlock(&store->lock);
    return r;
}

cella_result_t cella_store_set_signing_key(cella_store_t *store, const char *key_pem,
                                           size_t key_pem_size, const uint8_t *certificate,
                                           size_t certificate_size)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    sqlite3_stmt *statement = NULL;

    if (store == NULL || key_pem == NULL || certificate == NULL || key_pem_size == 0 ||
        certificate_size == 0 || key_pem_size > INT32_MAX || certificate_size > INT32_MAX)
        return CELLA_ERR_INVALID_ARGUMENT;
    pthread_mutex_lock(&store->lock);
    CHECK(prepare(store,
                  "INSERT OR REPLACE INTO signing_key (id, key_pem, certificate, created) "
                  "VALUES (1, ?, ?, strftime('%s', 'now'));",
                  &statement));
    if (sqlite3_bind_blob(statement, 1, key_pem, (int)key_pem_size, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_blob(statement, 2, certificate, (int)certificate_size, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_step(statement) != SQLITE_DONE) {
        r = failed(store, "storing the signing key");
        goto out;
    }
    r = CELLA_OK;
out:
    sqlite3_finalize(statement);
    pthread_mutex_unlock(&store->lock);
    return r;
}

void cella_store_policy_clear(cella_store_policy_t *policy)
{
    if (policy == NULL)
        return;
    free(policy->text);
    free(policy->signer);
    memset(policy, 0, sizeof(*policy));
}

cella_result_t cella_store_get_policy(cella_store_t *store, const char *type,
                                      cella_store_policy_t *policy)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    sqlite3_stmt *statement = NULL;
    cella_store_policy_t found = {NULL, 0, NULL, 0};

    if (store == NULL || !valid_type(type) || policy == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    pthread_mutex_lock(&store->lock);
    CHECK(prepare(store, "SELECT text, signer, updated FROM policy WHERE type = ?;", &statement));
    if (sqlite3_bind_text(statement, 1, type, -1, SQLITE_STATIC) != SQLITE_OK) {
        r = failed(store, "reading a policy");
        goto out;
    }
    int result = sqlite3_step(statement);
    if (result == SQLITE_DONE) {
        r = CELLA_ERR_NOT_FOUND;
        goto out;
    }
    if (result != SQLITE_ROW) {
        r = failed(store, "reading a policy");
        goto out;
    }
    CHECK(column_copy(statement, 0, &found.text, &found.text_size));
    if (sqlite3_column_type(statement, 1) != SQLITE_NULL)
        CHECK(column_copy(statement, 1, &found.signer, NULL));
    found.updated = sqlite3_column_int64(statement, 2);
    *policy = found;
    memset(&found, 0, sizeof(found));
    r = CELLA_OK;
out:
    cella_store_policy_clear(&found);
    sqlite3_finalize(statement);
    pthread_mutex_unlock(&store->lock);
    return r;
}

/* One statement with the given bindings: (type, text?, signer?, time). */
static cella_result_t run_change(cella_store_t *store, const char *sql, const char *type,
                                 const char *text, size_t text_size, const char *signer,
                                 int64_t now)
{
    sqlite3_stmt *statement = NULL;
    cella_result_t r = prepare(store, sql, &statement);
    int index = 1;

    if (r != CELLA_OK)
        return r;
    bool bound = sqlite3_bind_text(statement, index++, type, -1, SQLITE_STATIC) == SQLITE_OK;
    if (text != NULL) {
        bound = bound && sqlite3_bind_blob(statement, index++, text_size == 0 ? "" : text,
                                           (int)text_size, SQLITE_STATIC) == SQLITE_OK;
        bound = bound &&
                (signer != NULL ? sqlite3_bind_text(statement, index++, signer, -1, SQLITE_STATIC)
                                : sqlite3_bind_null(statement, index++)) == SQLITE_OK;
    }
    bound = bound && sqlite3_bind_int64(statement, index, now) == SQLITE_OK;
    if (!bound || sqlite3_step(statement) != SQLITE_DONE)
        r = failed(store, "changing a policy");
    sqlite3_finalize(statement);
    return r;
}

/* The two statements of a change in one transaction, with the test hook between them. */
static cella_result_t change(cella_store_t *store, const char *type, const char *history_sql,
                             const char *policy_sql, const char *text, size_t text_size,
                             const char *signer, int64_t now)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    bool begun = false;

    pthread_mutex_lock(&store->lock);
    CHECK(exec(store, "BEGIN IMMEDIATE;", "starting a policy change"));
    begun = true;
    step(store, "begin");
    CHECK(run_change(store, history_sql, type, text, text_size, signer, now));
    step(store, "history");
    CHECK(run_change(store, policy_sql, type, text, text_size, signer, now));
    step(store, "policy");
    CHECK(exec(store, "COMMIT;", "committing a policy change"));
    begun = false;
    step(store, "committed");
    r = CELLA_OK;
out:
    if (begun)
        (void)sqlite3_exec(store->db, "ROLLBACK;", NULL, NULL, NULL);
    pthread_mutex_unlock(&store->lock);
    return r;
}

cella_result_t cella_store_set_policy(cella_store_t *store, const char *type, const char *text,
                                      size_t text_size, const char *signer, int64_t now)
{
    if (store == NULL || !valid_type(type) || text == NULL || text_size > INT32_MAX)
        return CELLA_ERR_INVALID_ARGUMENT;
    return change(store, type,
                  "INSERT INTO policy_history (type, action, text, signer, time) "
                  "VALUES (?, 'set', ?, ?, ?);",
                  "INSERT INTO policy (type, text, signer, updated) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT (type) DO UPDATE SET text = excluded.text, "
                  "signer = excluded.signer, updated = excluded.updated;",
                  text, text_size, signer, now);
}

cella_result_t cella_store_reset_policy(cella_store_t *store, const char *type, int64_t now)
{
    if (store == NULL || !valid_type(type))
        return CELLA_ERR_INVALID_ARGUMENT;
    /* The time binding of the DELETE is unused but keeps one binding order for both. */
    return change(store, type,
                  "INSERT INTO policy_history (type, action, time) VALUES (?, 'reset', ?);",
                  "DELETE FROM policy WHERE type = ?1 AND ?2 IS NOT NULL;", NULL, 0, NULL, now);
}

cella_result_t cella_store_count_policy_history(cella_store_t *store, const char *type,
                                                size_t *count)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    sqlite3_stmt *statement = NULL;

    if (store == NULL || !valid_type(type) || count == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    pthread_mutex_lock(&store->lock);
    CHECK(prepare(store, "SELECT count(*) FROM policy_history WHERE type = ?;", &statement));
    if (sqlite3_bind_text(statement, 1, type, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(statement) != SQLITE_ROW) {
        r = failed(store, "counting the policy history");
        goto out;
    }
    *count = (size_t)sqlite3_column_int64(statement, 0);
    r = CELLA_OK;
out:
    sqlite3_finalize(statement);
    pthread_mutex_unlock(&store->lock);
    return r;
}
