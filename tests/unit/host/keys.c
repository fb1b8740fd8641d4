/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for host/keys.c: the state directory, the platform secrets file, EGETKEY and EREPORT. */
#define _GNU_SOURCE

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include <cella/log.h>

#include "common/entry_abi.h"
#include "host/keys.h"

/* The secrets file as keys.c documents it. */
#define FILE_BYTES          88
#define FILE_SECRET_OFFSET  24
#define FILE_CHECK_OFFSET   56
#define FILE_VERSION_OFFSET 8

#define CHILD_COUNT 4

/* SGX's default seal masks (sgx_seal_data). */
#define SEAL_FLAGS_MASK UINT64_C(0xFF0000000000000B)
#define SEAL_MISC_MASK  UINT32_C(0xF0000000)

/* ---- fixture: a fresh directory per test, and the log ------------------------------------ */

struct fixture {
    char root[PATH_MAX];      /* from mkdtemp, removed afterwards */
    char state_dir[PATH_MAX]; /* root/state/cella: not there until first use */
    char path[PATH_MAX];      /* state_dir/platform-secrets */
};

/* Everything logged since the test began, one message per line. */
static char log_text[16384];
static size_t log_length;

static void capture_log(void *context, cella_log_level_t level, const char *message)
{
    (void)context, (void)level;
    size_t length = strlen(message);
    if (log_length + length + 2 > sizeof(log_text))
        return;
    memcpy(log_text + log_length, message, length);
    log_length += length;
    log_text[log_length++] = '\n';
    log_text[log_length] = '\0';
}

static void clear_log(void)
{
    log_length = 0;
    log_text[0] = '\0';
}

static void assert_log_mentions(const char *text)
{
    if (strstr(log_text, text) == NULL)
        fail_msg("the log does not mention \"%s\"; it reads:\n%s", text, log_text);
}

static void make_root(struct fixture *f)
{
    const char *temporary = getenv("TMPDIR");
    if (temporary == NULL || temporary[0] != '/')
        temporary = "/tmp";
    int n = snprintf(f->root, sizeof(f->root), "%s/cella-keys-XXXXXX", temporary);
    assert_true(n > 0 && (size_t)n < sizeof(f->root));
    assert_non_null(mkdtemp(f->root));
    n = snprintf(f->state_dir, sizeof(f->state_dir), "%s/state/cella", f->root);
    assert_true(n > 0 && (size_t)n < sizeof(f->state_dir));
    n = snprintf(f->path, sizeof(f->path), "%s/%s", f->state_dir, CELLA_KEYS_SECRETS_FILE);
    assert_true(n > 0 && (size_t)n < sizeof(f->path));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_root(struct fixture *f)
{
    /* Tests loosen or tighten permissions; make everything removable again. */
    (void)chmod(f->root, 0700);
    assert_int_equal(nftw(f->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    make_root(f);
    clear_log();
    cella_log_set_handler(capture_log, NULL);
    cella_log_set_level(CELLA_LOG_DEBUG);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    remove_root(f);
    free(f);
    cella_log_set_handler(NULL, NULL);
    return 0;
}

/* ---- helpers ---------------------------------------------------------------------------- */

/* head + tail into a PATH_MAX buffer. */
static void join_path(char path[PATH_MAX], const char *head, const char *tail)
{
    int n = snprintf(path, PATH_MAX, "%s%s", head, tail);
    assert_true(n > 0 && n < PATH_MAX);
}

static cella_keys_secrets_t *open_secrets(const char *state_dir)
{
    cella_keys_secrets_t *secrets = NULL;
    assert_int_equal(cella_keys_secrets_create(state_dir, &secrets), CELLA_OK);
    assert_non_null(secrets);
    return secrets;
}

static void read_file(const char *path, uint8_t *bytes, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    ssize_t n = read(fd, bytes, *size);
    assert_true(n >= 0);
    *size = (size_t)n;
    close(fd);
}

static void write_file(const char *path, const uint8_t *bytes, size_t size)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, size), (ssize_t)size);
    close(fd);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_mode;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The checksum the file carries: SHA-256 of its first 56 bytes. */
static void fix_checksum(uint8_t file[FILE_BYTES])
{
    unsigned int size = 0;
    assert_int_equal(
        EVP_Digest(file, FILE_CHECK_OFFSET, file + FILE_CHECK_OFFSET, &size, EVP_sha256(), NULL),
        1);
    assert_int_equal(size, 32);
}

/* An enclave identity as the loader measures it (debug), with MRENCLAVE and MRSIGNER bytes. */
static void make_identity(sgx_report_body_t *identity, uint8_t enclave_byte, uint8_t signer_byte)
{
    static cella_image_info_t info;

    memset(&info, 0, sizeof(info));
    info.metadata.misc_select = 0;
    info.metadata.attributes.flags = SGX_FLAGS_MODE64BIT;
    info.metadata.attributes.xfrm = SGX_XFRM_LEGACY;
    info.metadata.isv_prod_id = 3;
    info.metadata.isv_svn = 4;
    memset(info.mrenclave.m, enclave_byte, sizeof(info.mrenclave.m));
    memset(info.mrsigner.m, signer_byte, sizeof(info.mrsigner.m));
    cella_keys_identity_init(&info, true, identity);
}

/* A seal key request as sgx_seal_data_ex makes it for identity. */
static void make_seal_request(const sgx_report_body_t *identity, uint16_t policy,
                              sgx_key_request_t *request)
{
    memset(request, 0, sizeof(*request));
    request->key_name = SGX_KEYSELECT_SEAL;
    request->key_policy = policy;
    request->isv_svn = identity->isv_svn;
    request->cpu_svn = identity->cpu_svn;
    request->config_svn = identity->config_svn;
    request->attribute_mask.flags = SEAL_FLAGS_MASK;
    request->attribute_mask.xfrm = 0;
    request->misc_mask = SEAL_MISC_MASK;
    memset(request->key_id.id, 0x5a, sizeof(request->key_id.id));
}

static void get_key(const cella_keys_secrets_t *secrets, const sgx_report_body_t *identity,
                    const sgx_key_request_t *request, sgx_key_128bit_t key)
{
    assert_int_equal(cella_keys_get_key(secrets, identity, request, key), SGX_SUCCESS);
}

/* A MRSIGNER seal key of the test identity, to compare secrets by. */
static void sample_key(const cella_keys_secrets_t *secrets, sgx_key_128bit_t key)
{
    sgx_report_body_t identity;
    sgx_key_request_t request;

    make_identity(&identity, 0x11, 0x22);
    make_seal_request(&identity, SGX_KEYPOLICY_MRSIGNER, &request);
    get_key(secrets, &identity, &request, key);
}

static void target_of(const sgx_report_body_t *identity, sgx_target_info_t *target)
{
    memset(target, 0, sizeof(*target));
    target->mr_enclave = identity->mr_enclave;
    target->attributes = identity->attributes;
    target->config_svn = identity->config_svn;
    target->misc_select = identity->misc_select;
    memcpy(target->config_id, identity->config_id, sizeof(target->config_id));
}

/* Whether report's MAC verifies under the report key `verifier` gets for the report's key ID. */
static bool report_verifies_for(const cella_keys_secrets_t *secrets,
                                const sgx_report_body_t *verifier, const sgx_report_t *report)
{
    sgx_key_request_t request;
    sgx_key_128bit_t key;
    uint8_t mac[16];
    size_t mac_size = 0;

    memset(&request, 0, sizeof(request));
    request.key_name = SGX_KEYSELECT_REPORT;
    request.key_id = report->key_id;
    get_key(secrets, verifier, &request, key);
    assert_non_null(EVP_Q_mac(NULL, "CMAC", NULL, "AES-128-CBC", NULL, key, sizeof(key),
                              (const unsigned char *)&report->body, sizeof(report->body), mac,
                              sizeof(mac), &mac_size));
    assert_int_equal(mac_size, sizeof(mac));
    return memcmp(mac, report->mac, sizeof(mac)) == 0;
}

/* ---- the state directory ---------------------------------------------------------------- */

/* Sets the three variables the state directory depends on; NULL unsets one. */
static void set_environment(const char *cella_state_dir, const char *xdg_state_home,
                            const char *home)
{
    const char *names[] = {"CELLA_STATE_DIR", "XDG_STATE_HOME", "HOME"};
    const char *values[] = {cella_state_dir, xdg_state_home, home};

    for (size_t i = 0; i < 3; i++) {
        if (values[i] != NULL)
            assert_int_equal(setenv(names[i], values[i], 1), 0);
        else
            assert_int_equal(unsetenv(names[i]), 0);
    }
}

static char *saved_environment[3];

static int save_environment(void **state)
{
    (void)state;
    const char *names[] = {"CELLA_STATE_DIR", "XDG_STATE_HOME", "HOME"};
    for (size_t i = 0; i < 3; i++) {
        const char *value = getenv(names[i]);
        saved_environment[i] = value != NULL ? strdup(value) : NULL;
    }
    return 0;
}

static int restore_environment(void **state)
{
    (void)state;
    set_environment(saved_environment[0], saved_environment[1], saved_environment[2]);
    for (size_t i = 0; i < 3; i++) {
        free(saved_environment[i]);
        saved_environment[i] = NULL;
    }
    return 0;
}

static void state_dir_follows_the_environment_in_order_of_precedence(void **state)
{
    (void)state;
    static const struct {
        const char *cella_state_dir, *xdg_state_home, *home, *expected;
    } cases[] = {
        {"/srv/cella", "/xdg", "/home/u", "/srv/cella"},
        {NULL, "/xdg", "/home/u", "/xdg/cella"},
        {"", "/xdg", "/home/u", "/xdg/cella"}, /* empty is unset */
        {NULL, "relative/xdg", "/home/u", "/home/u/.local/state/cella"},
        {NULL, "", "/home/u", "/home/u/.local/state/cella"},
        {NULL, NULL, "/home/u", "/home/u/.local/state/cella"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char directory[PATH_MAX];
        set_environment(cases[i].cella_state_dir, cases[i].xdg_state_home, cases[i].home);
        assert_int_equal(cella_keys_state_dir(directory, sizeof(directory)), CELLA_OK);
        assert_string_equal(directory, cases[i].expected);
    }
}

static void state_dir_falls_back_to_the_password_database_home(void **state)
{
    (void)state;
    char directory[PATH_MAX];
    set_environment(NULL, NULL, NULL);
    struct passwd *entry = getpwuid(geteuid());
    cella_result_t r = cella_keys_state_dir(directory, sizeof(directory));
    if (entry == NULL || entry->pw_dir == NULL || entry->pw_dir[0] != '/') {
        assert_int_equal(r, CELLA_ERR_NOT_FOUND);
        return;
    }
    char expected[PATH_MAX];
    join_path(expected, entry->pw_dir, "/.local/state/cella");
    assert_int_equal(r, CELLA_OK);
    assert_string_equal(directory, expected);
}

static void state_dir_refuses_a_buffer_too_small(void **state)
{
    (void)state;
    char directory[16];
    set_environment("/srv/cella/state", NULL, NULL); /* 16 characters and the NUL */
    assert_int_equal(cella_keys_state_dir(directory, sizeof(directory)),
                     CELLA_ERR_BUFFER_TOO_SMALL);
    set_environment(NULL, "/xdg/state/home", NULL); /* fits, but not with "/cella" */
    assert_int_equal(cella_keys_state_dir(directory, sizeof(directory)),
                     CELLA_ERR_BUFFER_TOO_SMALL);
    set_environment("/srv/cella/stat", NULL, NULL); /* exactly fits */
    assert_int_equal(cella_keys_state_dir(directory, sizeof(directory)), CELLA_OK);
    assert_string_equal(directory, "/srv/cella/stat");
    assert_int_equal(cella_keys_state_dir(NULL, 16), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_keys_state_dir(directory, 0), CELLA_ERR_INVALID_ARGUMENT);
}

/* ---- the secrets file ------------------------------------------------------------------- */

static void first_use_creates_an_owner_only_directory_and_file(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    uint8_t file[FILE_BYTES + 8];
    size_t size = sizeof(file);

    assert_int_equal(mode_of(f->state_dir) & 07777, 0700);
    char parent[PATH_MAX];
    join_path(parent, f->root, "/state");
    assert_true(S_ISDIR(mode_of(parent)));
    assert_true(S_ISREG(mode_of(f->path)));
    assert_int_equal(mode_of(f->path) & 07777, 0600);
    read_file(f->path, file, &size);
    assert_int_equal(size, FILE_BYTES);
    assert_memory_equal(file, "cellaPS\n", 8);
    assert_log_mentions(f->path); /* new secrets are announced with their path */
    cella_keys_secrets_destroy(secrets);
}

static void a_second_use_reads_the_same_secrets(void **state)
{
    struct fixture *f = *state;
    uint8_t before[FILE_BYTES], after[FILE_BYTES];
    size_t before_size = sizeof(before), after_size = sizeof(after);
    sgx_key_128bit_t first, second;

    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sample_key(secrets, first);
    cella_keys_secrets_destroy(secrets);
    read_file(f->path, before, &before_size);

    clear_log();
    secrets = open_secrets(f->state_dir);
    sample_key(secrets, second);
    cella_keys_secrets_destroy(secrets);
    read_file(f->path, after, &after_size);

    assert_memory_equal(first, second, sizeof(first));
    assert_int_equal(after_size, before_size);
    assert_memory_equal(after, before, sizeof(before));
    assert_null(strstr(log_text, "created")); /* nothing new was made */
}

static void concurrent_first_uses_agree_on_one_set_of_secrets(void **state)
{
    struct fixture *f = *state;
    int start[2];
    int results[CHILD_COUNT][2];
    pid_t children[CHILD_COUNT];
    sgx_key_128bit_t keys[CHILD_COUNT];

    assert_int_equal(pipe(start), 0);
    for (int i = 0; i < CHILD_COUNT; i++) {
        assert_int_equal(pipe(results[i]), 0);
        children[i] = fork();
        assert_true(children[i] >= 0);
        if (children[i] == 0) {
            char go;
            cella_keys_secrets_t *secrets = NULL;
            sgx_report_body_t identity;
            sgx_key_request_t request;
            sgx_key_128bit_t key;
            close(start[1]);
            close(results[i][0]);
            (void)read(start[0], &go, 1); /* returns when the parent closes its end */
            if (cella_keys_secrets_create(f->state_dir, &secrets) != CELLA_OK)
                _exit(2);
            make_identity(&identity, 0x11, 0x22);
            make_seal_request(&identity, SGX_KEYPOLICY_MRSIGNER, &request);
            if (cella_keys_get_key(secrets, &identity, &request, key) != SGX_SUCCESS)
                _exit(3);
            if (write(results[i][1], key, sizeof(key)) != (ssize_t)sizeof(key))
                _exit(4);
            _exit(0);
        }
        close(results[i][1]);
    }
    close(start[0]);
    close(start[1]); /* all children start at once */
    for (int i = 0; i < CHILD_COUNT; i++) {
        int status = 0;
        size_t got = 0;
        while (got < sizeof(keys[i])) {
            ssize_t n = read(results[i][0], keys[i] + got, sizeof(keys[i]) - got);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        close(results[i][0]);
        assert_int_equal(waitpid(children[i], &status, 0), children[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(got, sizeof(keys[i]));
    }
    for (int i = 1; i < CHILD_COUNT; i++)
        assert_memory_equal(keys[i], keys[0], sizeof(keys[0]));

    /* The parent reads the same secrets, and no temporary file is left behind. */
    sgx_key_128bit_t key;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sample_key(secrets, key);
    cella_keys_secrets_destroy(secrets);
    assert_memory_equal(key, keys[0], sizeof(key));
    DIR *dir = opendir(f->state_dir);
    assert_non_null(dir);
    struct dirent *entry;
    int count = 0;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        assert_string_equal(entry->d_name, CELLA_KEYS_SECRETS_FILE);
        count++;
    }
    closedir(dir);
    assert_int_equal(count, 1);
}

static void secrets_with_loose_permissions_are_refused_and_left_alone(void **state)
{
    struct fixture *f = *state;
    static const mode_t modes[] = {0644, 0640, 0604, 0660, 0610};

    cella_keys_secrets_destroy(open_secrets(f->state_dir));
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        uint8_t before[FILE_BYTES], after[FILE_BYTES];
        size_t before_size = sizeof(before), after_size = sizeof(after);
        cella_keys_secrets_t *secrets = NULL;

        assert_int_equal(chmod(f->path, modes[i]), 0);
        read_file(f->path, before, &before_size);
        clear_log();
        assert_int_equal(cella_keys_secrets_create(f->state_dir, &secrets),
                         CELLA_ERR_ACCESS_DENIED);
        assert_null(secrets);
        assert_log_mentions(f->path);
        assert_int_equal(mode_of(f->path) & 07777, modes[i]);
        read_file(f->path, after, &after_size);
        assert_int_equal(after_size, before_size);
        assert_memory_equal(after, before, sizeof(before));
    }
    /* Owner-only again: accepted. */
    assert_int_equal(chmod(f->path, 0600), 0);
    cella_keys_secrets_destroy(open_secrets(f->state_dir));
    assert_int_equal(chmod(f->path, 0400), 0);
    cella_keys_secrets_destroy(open_secrets(f->state_dir));
}

static void a_directory_writable_by_others_is_refused(void **state)
{
    struct fixture *f = *state;
    static const mode_t modes[] = {0777, 0770, 0702, 0720};
    cella_keys_secrets_t *secrets = NULL;

    /* At first use: nothing is created in it. */
    char parent[PATH_MAX];
    join_path(parent, f->root, "/state");
    assert_int_equal(mkdir(parent, 0700), 0);
    assert_int_equal(mkdir(f->state_dir, 0700), 0);
    assert_int_equal(chmod(f->state_dir, 0777), 0);
    assert_int_equal(cella_keys_secrets_create(f->state_dir, &secrets), CELLA_ERR_ACCESS_DENIED);
    assert_null(secrets);
    assert_false(exists(f->path));
    assert_log_mentions(f->state_dir);

    /* With secrets in it. */
    assert_int_equal(chmod(f->state_dir, 0700), 0);
    cella_keys_secrets_destroy(open_secrets(f->state_dir));
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        assert_int_equal(chmod(f->state_dir, modes[i]), 0);
        clear_log();
        assert_int_equal(cella_keys_secrets_create(f->state_dir, &secrets),
                         CELLA_ERR_ACCESS_DENIED);
        assert_null(secrets);
        assert_log_mentions(f->state_dir);
    }
    /* Readable by others is not the problem; writable is. */
    assert_int_equal(chmod(f->state_dir, 0755), 0);
    cella_keys_secrets_destroy(open_secrets(f->state_dir));
}

enum damage {
    DAMAGE_EMPTY,
    DAMAGE_ONE_BYTE_SHORT,
    DAMAGE_ONE_BYTE_LONG,
    DAMAGE_MAGIC,         /* checksum recomputed: only the magic is wrong */
    DAMAGE_VERSION,       /* checksum recomputed */
    DAMAGE_RESERVED,      /* checksum recomputed */
    DAMAGE_SECRET_BYTE,   /* the checksum no longer matches */
    DAMAGE_CHECKSUM_BYTE, /* the checksum itself */
};

static size_t damage_file(enum damage damage, uint8_t file[FILE_BYTES + 1])
{
    switch (damage) {
    case DAMAGE_EMPTY:
        return 0;
    case DAMAGE_ONE_BYTE_SHORT:
        return FILE_BYTES - 1;
    case DAMAGE_ONE_BYTE_LONG:
        file[FILE_BYTES] = 0;
        return FILE_BYTES + 1;
    case DAMAGE_MAGIC:
        file[0] = 'C';
        fix_checksum(file);
        return FILE_BYTES;
    case DAMAGE_VERSION:
        file[FILE_VERSION_OFFSET] = 2;
        fix_checksum(file);
        return FILE_BYTES;
    case DAMAGE_RESERVED:
        file[12] = 1;
        fix_checksum(file);
        return FILE_BYTES;
    case DAMAGE_SECRET_BYTE:
        file[FILE_SECRET_OFFSET + 5] ^= 0x01;
        return FILE_BYTES;
    case DAMAGE_CHECKSUM_BYTE:
        file[FILE_BYTES - 1] ^= 0x80;
        return FILE_BYTES;
    }
    fail();
    return 0;
}

static void a_damaged_file_is_refused_and_never_replaced(void **state)
{
    (void)state;
    for (int damage = DAMAGE_EMPTY; damage <= DAMAGE_CHECKSUM_BYTE; damage++) {
        struct fixture case_dir;
        uint8_t file[FILE_BYTES + 1], after[FILE_BYTES + 8];
        size_t size = FILE_BYTES, after_size = sizeof(after);
        cella_keys_secrets_t *secrets = NULL;

        make_root(&case_dir);
        cella_keys_secrets_destroy(open_secrets(case_dir.state_dir));
        read_file(case_dir.path, file, &size);
        assert_int_equal(size, FILE_BYTES);
        size = damage_file((enum damage)damage, file);
        write_file(case_dir.path, file, size);

        clear_log();
        assert_int_equal(cella_keys_secrets_create(case_dir.state_dir, &secrets),
                         CELLA_ERR_INVALID_FORMAT);
        assert_null(secrets);
        assert_log_mentions(case_dir.path);
        read_file(case_dir.path, after, &after_size);
        assert_int_equal(after_size, size);
        assert_memory_equal(after, file, size);
        remove_root(&case_dir);
    }
}

static void a_symlink_in_place_of_the_file_is_refused(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = NULL;
    char other[PATH_MAX], other_file[PATH_MAX], missing[PATH_MAX];

    /* To valid secrets elsewhere. */
    join_path(other, f->root, "/other");
    join_path(other_file, other, "/" CELLA_KEYS_SECRETS_FILE);
    cella_keys_secrets_destroy(open_secrets(other));
    cella_keys_secrets_destroy(open_secrets(f->state_dir));
    assert_int_equal(unlink(f->path), 0);
    assert_int_equal(symlink(other_file, f->path), 0);
    clear_log();
    assert_int_equal(cella_keys_secrets_create(f->state_dir, &secrets), CELLA_ERR_ACCESS_DENIED);
    assert_null(secrets);
    assert_log_mentions(f->path);
    assert_true(S_ISLNK(mode_of(f->path)));

    /* To nothing: no secrets are created through it. */
    join_path(missing, f->root, "/missing");
    assert_int_equal(unlink(f->path), 0);
    assert_int_equal(symlink(missing, f->path), 0);
    assert_int_equal(cella_keys_secrets_create(f->state_dir, &secrets), CELLA_ERR_ACCESS_DENIED);
    assert_null(secrets);
    assert_true(S_ISLNK(mode_of(f->path)));
    assert_false(exists(missing));
}

static void secrets_need_an_absolute_state_dir(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = NULL;
    char cwd[PATH_MAX];
    char relative[PATH_MAX];

    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(f->root), 0);
    assert_int_equal(cella_keys_secrets_create("relative/state", &secrets),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_keys_secrets_create("", &secrets), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_keys_secrets_create(NULL, &secrets), CELLA_ERR_INVALID_ARGUMENT);
    assert_null(secrets);
    assert_int_equal(cella_keys_secrets_create(f->state_dir, NULL), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(chdir(cwd), 0);
    join_path(relative, f->root, "/relative");
    assert_false(exists(relative));
    assert_false(exists(f->state_dir));
    cella_keys_secrets_destroy(NULL); /* a no-op */
}

static void different_state_dirs_give_different_keys(void **state)
{
    struct fixture *f = *state;
    char other[PATH_MAX];
    sgx_key_128bit_t first, second;

    join_path(other, f->root, "/other");
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    cella_keys_secrets_t *other_secrets = open_secrets(other);
    sample_key(secrets, first);
    sample_key(other_secrets, second);
    assert_memory_not_equal(first, second, sizeof(first));
    cella_keys_secrets_destroy(secrets);
    cella_keys_secrets_destroy(other_secrets);
}

/* ---- the identity ----------------------------------------------------------------------- */

static void identity_init_takes_the_measured_values(void **state)
{
    (void)state;
    static cella_image_info_t info;
    static const sgx_cpu_svn_t platform_cpu_svn = CELLA_KEYS_CPUSVN_INIT;
    sgx_report_body_t identity, zero;

    memset(&info, 0, sizeof(info));
    memset(&zero, 0, sizeof(zero));
    info.metadata.misc_select = 0x5;
    info.metadata.attributes.flags = SGX_FLAGS_MODE64BIT | SGX_FLAGS_PROVISION_KEY;
    info.metadata.attributes.xfrm = SGX_XFRM_AVX;
    info.metadata.isv_prod_id = 0x1234;
    info.metadata.isv_svn = 0x0102;
    memset(info.mrenclave.m, 0xe1, sizeof(info.mrenclave.m));
    memset(info.mrsigner.m, 0x51, sizeof(info.mrsigner.m));
    memset(&identity, 0xcc, sizeof(identity));

    cella_keys_identity_init(&info, false, &identity);
    assert_memory_equal(&identity.cpu_svn, &platform_cpu_svn, sizeof(platform_cpu_svn));
    assert_int_equal(identity.misc_select, 0x5);
    assert_int_equal(identity.attributes.flags,
                     SGX_FLAGS_INITTED | SGX_FLAGS_MODE64BIT | SGX_FLAGS_PROVISION_KEY);
    assert_int_equal(identity.attributes.xfrm, SGX_XFRM_AVX);
    assert_memory_equal(identity.mr_enclave.m, info.mrenclave.m, sizeof(info.mrenclave.m));
    assert_memory_equal(identity.mr_signer.m, info.mrsigner.m, sizeof(info.mrsigner.m));
    assert_int_equal(identity.isv_prod_id, 0x1234);
    assert_int_equal(identity.isv_svn, 0x0102);
    assert_int_equal(identity.config_svn, 0);
    assert_memory_equal(identity.config_id, zero.config_id, sizeof(zero.config_id));
    assert_memory_equal(identity.isv_family_id, zero.isv_family_id, sizeof(zero.isv_family_id));
    assert_memory_equal(identity.isv_ext_prod_id, zero.isv_ext_prod_id,
                        sizeof(zero.isv_ext_prod_id));
    assert_memory_equal(&identity.report_data, &zero.report_data, sizeof(zero.report_data));

    cella_keys_identity_init(&info, true, &identity);
    assert_int_equal(identity.attributes.flags, SGX_FLAGS_INITTED | SGX_FLAGS_DEBUG |
                                                    SGX_FLAGS_MODE64BIT | SGX_FLAGS_PROVISION_KEY);
}

/* ---- EGETKEY: refusals ------------------------------------------------------------------ */

enum refusal {
    REFUSE_RESERVED1,
    REFUSE_RESERVED2_FIRST,
    REFUSE_RESERVED2_LAST,
    REFUSE_UNKNOWN_POLICY_BIT,
    REFUSE_HIGH_POLICY_BIT,
    REFUSE_CONFIGID_WITHOUT_KSS,
    REFUSE_ISVFAMILYID_WITHOUT_KSS,
    REFUSE_ISVEXTPRODID_WITHOUT_KSS,
    REFUSE_KEY_NAME_5,
    REFUSE_KEY_NAME_FFFF,
    REFUSE_PROVISION_WITHOUT_ATTRIBUTE,
    REFUSE_PROVISION_SEAL_WITHOUT_ATTRIBUTE,
    REFUSE_EINITTOKEN_WITHOUT_ATTRIBUTE,
    REFUSE_ISVSVN_ABOVE,
    REFUSE_CONFIGSVN_ABOVE,
    REFUSE_CPUSVN_FIRST_BYTE_ABOVE,
    REFUSE_CPUSVN_LAST_BYTE_ABOVE,
    REFUSAL_COUNT,
};

static const struct {
    enum refusal refusal;
    sgx_status_t expected;
} refusals[] = {
    {REFUSE_RESERVED1, SGX_ERROR_INVALID_PARAMETER},
    {REFUSE_RESERVED2_FIRST, SGX_ERROR_INVALID_PARAMETER},
    {REFUSE_RESERVED2_LAST, SGX_ERROR_INVALID_PARAMETER},
    {REFUSE_UNKNOWN_POLICY_BIT, SGX_ERROR_INVALID_PARAMETER},
    {REFUSE_HIGH_POLICY_BIT, SGX_ERROR_INVALID_PARAMETER},
    {REFUSE_CONFIGID_WITHOUT_KSS, SGX_ERROR_INVALID_PARAMETER},
    {REFUSE_ISVFAMILYID_WITHOUT_KSS, SGX_ERROR_INVALID_PARAMETER},
    {REFUSE_ISVEXTPRODID_WITHOUT_KSS, SGX_ERROR_INVALID_PARAMETER},
    {REFUSE_KEY_NAME_5, SGX_ERROR_INVALID_KEYNAME},
    {REFUSE_KEY_NAME_FFFF, SGX_ERROR_INVALID_KEYNAME},
    {REFUSE_PROVISION_WITHOUT_ATTRIBUTE, SGX_ERROR_INVALID_ATTRIBUTE},
    {REFUSE_PROVISION_SEAL_WITHOUT_ATTRIBUTE, SGX_ERROR_INVALID_ATTRIBUTE},
    {REFUSE_EINITTOKEN_WITHOUT_ATTRIBUTE, SGX_ERROR_INVALID_ATTRIBUTE},
    {REFUSE_ISVSVN_ABOVE, SGX_ERROR_INVALID_ISVSVN},
    {REFUSE_CONFIGSVN_ABOVE, SGX_ERROR_INVALID_ISVSVN},
    {REFUSE_CPUSVN_FIRST_BYTE_ABOVE, SGX_ERROR_INVALID_CPUSVN},
    {REFUSE_CPUSVN_LAST_BYTE_ABOVE, SGX_ERROR_INVALID_CPUSVN},
};

static void make_refused(enum refusal refusal, sgx_key_request_t *request)
{
    switch (refusal) {
    case REFUSE_RESERVED1:
        request->reserved1 = 1;
        return;
    case REFUSE_RESERVED2_FIRST:
        request->reserved2[0] = 1;
        return;
    case REFUSE_RESERVED2_LAST:
        request->reserved2[SGX_KEY_REQUEST_RESERVED2_BYTES - 1] = 0x80;
        return;
    case REFUSE_UNKNOWN_POLICY_BIT:
        request->key_policy |= 0x0040;
        return;
    case REFUSE_HIGH_POLICY_BIT:
        request->key_policy |= 0x8000;
        return;
    case REFUSE_CONFIGID_WITHOUT_KSS:
        request->key_policy |= SGX_KEYPOLICY_CONFIGID;
        return;
    case REFUSE_ISVFAMILYID_WITHOUT_KSS:
        request->key_policy |= SGX_KEYPOLICY_ISVFAMILYID;
        return;
    case REFUSE_ISVEXTPRODID_WITHOUT_KSS:
        request->key_policy |= SGX_KEYPOLICY_ISVEXTPRODID;
        return;
    case REFUSE_KEY_NAME_5:
        request->key_name = 5;
        return;
    case REFUSE_KEY_NAME_FFFF:
        request->key_name = 0xFFFF;
        return;
    case REFUSE_PROVISION_WITHOUT_ATTRIBUTE:
        request->key_name = SGX_KEYSELECT_PROVISION;
        return;
    case REFUSE_PROVISION_SEAL_WITHOUT_ATTRIBUTE:
        request->key_name = SGX_KEYSELECT_PROVISION_SEAL;
        return;
    case REFUSE_EINITTOKEN_WITHOUT_ATTRIBUTE:
        request->key_name = SGX_KEYSELECT_EINITTOKEN;
        return;
    case REFUSE_ISVSVN_ABOVE:
        request->isv_svn++;
        return;
    case REFUSE_CONFIGSVN_ABOVE:
        request->config_svn++;
        return;
    case REFUSE_CPUSVN_FIRST_BYTE_ABOVE:
        request->cpu_svn.svn[0]++;
        return;
    case REFUSE_CPUSVN_LAST_BYTE_ABOVE:
        request->cpu_svn.svn[SGX_CPUSVN_SIZE - 1]++;
        return;
    case REFUSAL_COUNT:
        break;
    }
    fail();
}

static void get_key_refuses_what_egetkey_refuses_and_wipes_the_key(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sgx_report_body_t identity;
    sgx_key_128bit_t key, zero = {0};

    assert_int_equal(sizeof(refusals) / sizeof(refusals[0]), REFUSAL_COUNT);
    make_identity(&identity, 0x11, 0x22);
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        sgx_key_request_t request;
        make_seal_request(&identity, SGX_KEYPOLICY_MRSIGNER, &request);
        get_key(secrets, &identity, &request, key); /* the request before the change is fine */
        make_refused(refusals[i].refusal, &request);
        memset(key, 0xaa, sizeof(key));
        sgx_status_t status = cella_keys_get_key(secrets, &identity, &request, key);
        if (status != refusals[i].expected)
            fail_msg("refusal %zu: status 0x%x, expected 0x%x", i, (unsigned)status,
                     (unsigned)refusals[i].expected);
        assert_memory_equal(key, zero, sizeof(key));
    }
    cella_keys_secrets_destroy(secrets);
}

static void get_key_gives_attribute_keys_to_enclaves_with_the_attribute(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sgx_report_body_t identity;
    sgx_key_request_t request;
    sgx_key_128bit_t provision, provision_seal, einittoken, seal;

    make_identity(&identity, 0x11, 0x22);
    identity.attributes.flags |= SGX_FLAGS_PROVISION_KEY | SGX_FLAGS_EINITTOKEN_KEY;
    make_seal_request(&identity, SGX_KEYPOLICY_MRSIGNER, &request);
    get_key(secrets, &identity, &request, seal);
    request.key_name = SGX_KEYSELECT_PROVISION;
    get_key(secrets, &identity, &request, provision);
    request.key_name = SGX_KEYSELECT_PROVISION_SEAL;
    get_key(secrets, &identity, &request, provision_seal);
    request.key_name = SGX_KEYSELECT_EINITTOKEN;
    get_key(secrets, &identity, &request, einittoken);
    /* Each key name is its own key. */
    assert_memory_not_equal(seal, provision, sizeof(seal));
    assert_memory_not_equal(seal, provision_seal, sizeof(seal));
    assert_memory_not_equal(seal, einittoken, sizeof(seal));
    assert_memory_not_equal(provision, provision_seal, sizeof(seal));

    /* KSS policies with KSS. */
    identity.attributes.flags |= SGX_FLAGS_KSS;
    make_seal_request(&identity,
                      SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_CONFIGID | SGX_KEYPOLICY_ISVFAMILYID |
                          SGX_KEYPOLICY_ISVEXTPRODID,
                      &request);
    get_key(secrets, &identity, &request, seal);
    cella_keys_secrets_destroy(secrets);
}

/* SGX's rule for provisioning and launch keys: the signer always, MRENCLAVE never, whatever
 * the policy; provisioning keys take no KEYID, the launch key does. */
static void provisioning_and_launch_keys_follow_the_signer_only(void **state)
{
    static const uint16_t names[] = {SGX_KEYSELECT_PROVISION, SGX_KEYSELECT_PROVISION_SEAL,
                                     SGX_KEYSELECT_EINITTOKEN};
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sgx_report_body_t identity, rebuilt, other_signer;
    sgx_key_request_t request;
    sgx_key_128bit_t key, same, other;

    make_identity(&identity, 0x11, 0x22);
    make_identity(&rebuilt, 0x33, 0x22);      /* another build by the same signer */
    make_identity(&other_signer, 0x11, 0x44); /* the same code, another signer */
    identity.attributes.flags |= SGX_FLAGS_PROVISION_KEY | SGX_FLAGS_EINITTOKEN_KEY;
    rebuilt.attributes = identity.attributes;
    other_signer.attributes = identity.attributes;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        for (uint16_t policy = 0; policy <= (SGX_KEYPOLICY_MRENCLAVE | SGX_KEYPOLICY_MRSIGNER);
             policy++) {
            make_seal_request(&identity, policy, &request);
            request.key_name = names[i];
            get_key(secrets, &identity, &request, key);
            get_key(secrets, &rebuilt, &request, same);
            assert_memory_equal(key, same, sizeof(key));
            get_key(secrets, &other_signer, &request, other);
            assert_memory_not_equal(key, other, sizeof(key));
            /* The policy changes nothing. */
            make_seal_request(&identity, SGX_KEYPOLICY_MRENCLAVE, &request);
            request.key_name = names[i];
            get_key(secrets, &identity, &request, same);
            assert_memory_equal(key, same, sizeof(key));
        }
        make_seal_request(&identity, SGX_KEYPOLICY_MRSIGNER, &request);
        request.key_name = names[i];
        get_key(secrets, &identity, &request, key);
        memset(request.key_id.id, 0xa5, sizeof(request.key_id.id));
        get_key(secrets, &identity, &request, other);
        if (names[i] == SGX_KEYSELECT_EINITTOKEN)
            assert_memory_not_equal(key, other, sizeof(key));
        else
            assert_memory_equal(key, other, sizeof(key));
    }
    cella_keys_secrets_destroy(secrets);
}

static void get_key_allows_older_versions(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sgx_report_body_t identity;
    sgx_key_request_t request;
    sgx_key_128bit_t key;

    make_identity(&identity, 0x11, 0x22);
    make_seal_request(&identity, SGX_KEYPOLICY_MRSIGNER, &request);
    request.isv_svn = 0;
    memset(&request.cpu_svn, 0, sizeof(request.cpu_svn));
    get_key(secrets, &identity, &request, key);
    cella_keys_secrets_destroy(secrets);
}

static void get_key_without_secrets_is_unexpected(void **state)
{
    (void)state;
    sgx_report_body_t identity;
    sgx_key_request_t request;
    sgx_key_128bit_t key, zero = {0};

    make_identity(&identity, 0x11, 0x22);
    make_seal_request(&identity, SGX_KEYPOLICY_MRSIGNER, &request);
    memset(key, 0xaa, sizeof(key));
    assert_int_equal(cella_keys_get_key(NULL, &identity, &request, key), SGX_ERROR_UNEXPECTED);
    assert_memory_equal(key, zero, sizeof(key));
    request.key_name = SGX_KEYSELECT_REPORT;
    assert_int_equal(cella_keys_get_key(NULL, &identity, &request, key), SGX_ERROR_UNEXPECTED);
}

/* ---- EGETKEY: what a key is bound to ---------------------------------------------------- */

enum change {
    CHANGE_MRENCLAVE,
    CHANGE_MRSIGNER,
    CHANGE_ISVPRODID,
    CHANGE_KEY_ID,
    CHANGE_REQUESTED_ISVSVN,
    CHANGE_REQUESTED_CPUSVN,
    CHANGE_ENCLAVE_ISVSVN, /* a newer enclave asking for the same (older) ISVSVN */
    CHANGE_DEBUG,
    CHANGE_FLAG_OUTSIDE_MASK, /* PROVISION_KEY: not in the default mask */
    CHANGE_FLAG_INSIDE_MASK,  /* PROVISION_KEY with the mask extended to it */
    CHANGE_XFRM_OUTSIDE_MASK,
    CHANGE_XFRM_INSIDE_MASK,
    CHANGE_MISC_OUTSIDE_MASK,
    CHANGE_MISC_INSIDE_MASK,
    CHANGE_DEBUG_MASK_WITHOUT_DEBUG, /* DEBUG is bound even when the mask leaves it out */
};

static const struct {
    const char *name;
    uint16_t policy;
    enum change change;
    bool same_key;
} bindings[] = {
    {"MRSIGNER key ignores MRENCLAVE", SGX_KEYPOLICY_MRSIGNER, CHANGE_MRENCLAVE, true},
    {"MRSIGNER key changes with MRSIGNER", SGX_KEYPOLICY_MRSIGNER, CHANGE_MRSIGNER, false},
    {"MRSIGNER key changes with ISVPRODID", SGX_KEYPOLICY_MRSIGNER, CHANGE_ISVPRODID, false},
    {"NOISVPRODID key ignores ISVPRODID", SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_NOISVPRODID,
     CHANGE_ISVPRODID, true},
    {"key changes with the key ID", SGX_KEYPOLICY_MRSIGNER, CHANGE_KEY_ID, false},
    {"key changes with the requested ISVSVN", SGX_KEYPOLICY_MRSIGNER, CHANGE_REQUESTED_ISVSVN,
     false},
    {"key changes with the requested CPUSVN", SGX_KEYPOLICY_MRSIGNER, CHANGE_REQUESTED_CPUSVN,
     false},
    {"a newer enclave gets the older version's key", SGX_KEYPOLICY_MRSIGNER, CHANGE_ENCLAVE_ISVSVN,
     true},
    {"key changes with DEBUG", SGX_KEYPOLICY_MRSIGNER, CHANGE_DEBUG, false},
    {"key ignores a flag outside the mask", SGX_KEYPOLICY_MRSIGNER, CHANGE_FLAG_OUTSIDE_MASK, true},
    {"key changes with a flag inside the mask", SGX_KEYPOLICY_MRSIGNER, CHANGE_FLAG_INSIDE_MASK,
     false},
    {"key ignores XFRM outside the mask", SGX_KEYPOLICY_MRSIGNER, CHANGE_XFRM_OUTSIDE_MASK, true},
    {"key changes with XFRM inside the mask", SGX_KEYPOLICY_MRSIGNER, CHANGE_XFRM_INSIDE_MASK,
     false},
    {"key ignores MISCSELECT outside the mask", SGX_KEYPOLICY_MRSIGNER, CHANGE_MISC_OUTSIDE_MASK,
     true},
    {"key changes with MISCSELECT inside the mask", SGX_KEYPOLICY_MRSIGNER, CHANGE_MISC_INSIDE_MASK,
     false},
    {"key binds DEBUG even outside the mask", SGX_KEYPOLICY_MRSIGNER,
     CHANGE_DEBUG_MASK_WITHOUT_DEBUG, false},
    {"MRENCLAVE key ignores MRSIGNER", SGX_KEYPOLICY_MRENCLAVE, CHANGE_MRSIGNER, true},
    {"MRENCLAVE key changes with MRENCLAVE", SGX_KEYPOLICY_MRENCLAVE, CHANGE_MRENCLAVE, false},
};

/*
 * Applies a change. *request is used for both keys and may be adjusted here (a wider mask, an
 * older ISVSVN); *changed_identity and *changed_request give the second key.
 */
static void make_change(enum change change, sgx_key_request_t *request,
                        sgx_report_body_t *changed_identity, sgx_key_request_t *changed_request)
{
    switch (change) {
    case CHANGE_MRENCLAVE:
        changed_identity->mr_enclave.m[31] ^= 1;
        break;
    case CHANGE_MRSIGNER:
        changed_identity->mr_signer.m[0] ^= 1;
        break;
    case CHANGE_ISVPRODID:
        changed_identity->isv_prod_id++;
        break;
    case CHANGE_KEY_ID:
        changed_request->key_id.id[SGX_KEYID_SIZE - 1] ^= 1;
        break;
    case CHANGE_REQUESTED_ISVSVN:
        changed_request->isv_svn--;
        break;
    case CHANGE_REQUESTED_CPUSVN:
        changed_request->cpu_svn.svn[0]--;
        break;
    case CHANGE_ENCLAVE_ISVSVN:
        changed_identity->isv_svn++;
        break;
    case CHANGE_DEBUG:
        changed_identity->attributes.flags &= ~SGX_FLAGS_DEBUG;
        break;
    case CHANGE_FLAG_OUTSIDE_MASK:
        changed_identity->attributes.flags |= SGX_FLAGS_PROVISION_KEY;
        break;
    case CHANGE_FLAG_INSIDE_MASK:
        request->attribute_mask.flags |= SGX_FLAGS_PROVISION_KEY;
        changed_request->attribute_mask.flags |= SGX_FLAGS_PROVISION_KEY;
        changed_identity->attributes.flags |= SGX_FLAGS_PROVISION_KEY;
        break;
    case CHANGE_XFRM_OUTSIDE_MASK:
        changed_identity->attributes.xfrm |= SGX_XFRM_AVX;
        break;
    case CHANGE_XFRM_INSIDE_MASK:
        request->attribute_mask.xfrm = SGX_XFRM_AVX;
        changed_request->attribute_mask.xfrm = SGX_XFRM_AVX;
        changed_identity->attributes.xfrm |= SGX_XFRM_AVX;
        break;
    case CHANGE_MISC_OUTSIDE_MASK:
        changed_identity->misc_select |= 0x1;
        break;
    case CHANGE_MISC_INSIDE_MASK:
        changed_identity->misc_select |= 0x10000000;
        break;
    case CHANGE_DEBUG_MASK_WITHOUT_DEBUG:
        request->attribute_mask.flags = SGX_FLAGS_INITTED;
        changed_request->attribute_mask.flags = SGX_FLAGS_INITTED;
        changed_identity->attributes.flags &= ~SGX_FLAGS_DEBUG;
        break;
    }
}

static void get_key_binds_exactly_what_the_policy_and_masks_select(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);

    for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
        sgx_report_body_t identity, changed_identity;
        sgx_key_request_t request, changed_request;
        sgx_key_128bit_t key, changed_key;

        make_identity(&identity, 0x11, 0x22);
        make_seal_request(&identity, bindings[i].policy, &request);
        changed_identity = identity;
        changed_request = request;
        make_change(bindings[i].change, &request, &changed_identity, &changed_request);
        get_key(secrets, &identity, &request, key);
        get_key(secrets, &changed_identity, &changed_request, changed_key);
        if ((memcmp(key, changed_key, sizeof(key)) == 0) != bindings[i].same_key)
            fail_msg("%s: the keys are %s", bindings[i].name,
                     bindings[i].same_key ? "different" : "the same");
    }
    cella_keys_secrets_destroy(secrets);
}

static void get_key_is_deterministic(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sgx_key_128bit_t first, second;

    sample_key(secrets, first);
    sample_key(secrets, second);
    assert_memory_equal(first, second, sizeof(first));
    cella_keys_secrets_destroy(secrets);
}

/* ---- EREPORT ---------------------------------------------------------------------------- */

static void a_report_verifies_only_for_its_target(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sgx_report_body_t reporter, target_identity, other;
    sgx_target_info_t target;
    sgx_report_data_t report_data;
    sgx_report_t report;

    make_identity(&reporter, 0x11, 0x22);
    make_identity(&target_identity, 0x33, 0x44);
    target_of(&target_identity, &target);
    memset(report_data.d, 0x7e, sizeof(report_data.d));
    assert_int_equal(cella_keys_create_report(secrets, &reporter, &target, &report_data, &report),
                     SGX_SUCCESS);

    /* The body is the reporter's identity with the report data. */
    sgx_report_body_t expected = reporter;
    expected.report_data = report_data;
    assert_memory_equal(&report.body, &expected, sizeof(expected));
    assert_true(report_verifies_for(secrets, &target_identity, &report));

    /* Not for the reporter itself, nor for an enclave that differs from the target. */
    assert_false(report_verifies_for(secrets, &reporter, &report));
    other = target_identity;
    other.mr_enclave.m[0] ^= 1;
    assert_false(report_verifies_for(secrets, &other, &report));
    other = target_identity;
    other.attributes.flags &= ~SGX_FLAGS_DEBUG;
    assert_false(report_verifies_for(secrets, &other, &report));
    other = target_identity;
    other.misc_select = 1;
    assert_false(report_verifies_for(secrets, &other, &report));
    /* MRSIGNER is not part of the report key. */
    other = target_identity;
    other.mr_signer.m[0] ^= 1;
    assert_true(report_verifies_for(secrets, &other, &report));

    /* A changed body no longer verifies. */
    report.body.isv_svn++;
    assert_false(report_verifies_for(secrets, &target_identity, &report));
    cella_keys_secrets_destroy(secrets);
}

static void a_report_without_report_data_has_zeros_and_fresh_key_ids(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sgx_report_body_t reporter, target_identity;
    sgx_target_info_t target;
    sgx_report_data_t zero;
    sgx_report_t first, second;

    make_identity(&reporter, 0x11, 0x22);
    make_identity(&target_identity, 0x33, 0x44);
    target_of(&target_identity, &target);
    memset(&zero, 0, sizeof(zero));
    memset(&first, 0xcc, sizeof(first));
    assert_int_equal(cella_keys_create_report(secrets, &reporter, &target, NULL, &first),
                     SGX_SUCCESS);
    assert_int_equal(cella_keys_create_report(secrets, &reporter, &target, NULL, &second),
                     SGX_SUCCESS);
    assert_memory_equal(&first.body.report_data, &zero, sizeof(zero));
    assert_memory_equal(&first.body, &second.body, sizeof(first.body));
    assert_memory_not_equal(&first.key_id, &second.key_id, sizeof(first.key_id));
    assert_memory_not_equal(first.mac, second.mac, sizeof(first.mac));
    assert_true(report_verifies_for(secrets, &target_identity, &first));
    assert_true(report_verifies_for(secrets, &target_identity, &second));
    cella_keys_secrets_destroy(secrets);
}

static void a_report_without_target_verifies_only_for_the_zero_identity(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sgx_report_body_t reporter, nobody;
    sgx_report_t report;

    make_identity(&reporter, 0x11, 0x22);
    memset(&nobody, 0, sizeof(nobody));
    assert_int_equal(cella_keys_create_report(secrets, &reporter, NULL, NULL, &report),
                     SGX_SUCCESS);
    assert_true(report_verifies_for(secrets, &nobody, &report));
    assert_false(report_verifies_for(secrets, &reporter, &report));
    cella_keys_secrets_destroy(secrets);
}

static void create_report_without_secrets_is_unexpected(void **state)
{
    (void)state;
    sgx_report_body_t reporter;
    sgx_report_t report;

    make_identity(&reporter, 0x11, 0x22);
    assert_int_equal(cella_keys_create_report(NULL, &reporter, NULL, NULL, &report),
                     SGX_ERROR_UNEXPECTED);
}

/* ---- serve ------------------------------------------------------------------------------ */

static void serve_answers_key_and_report_requests(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sgx_report_body_t identity, target_identity;
    sgx_key_request_t request;
    sgx_key_128bit_t served, direct;
    cella_platform_report_in_t report_in;
    sgx_target_info_t target;
    sgx_report_t report;

    make_identity(&identity, 0x11, 0x22);
    make_seal_request(&identity, SGX_KEYPOLICY_MRENCLAVE, &request);
    assert_int_equal(cella_keys_serve(secrets, &identity, CELLA_PLATFORM_GET_KEY, &request,
                                      sizeof(request), served, sizeof(served)),
                     SGX_SUCCESS);
    get_key(secrets, &identity, &request, direct);
    assert_memory_equal(served, direct, sizeof(served));

    make_identity(&target_identity, 0x33, 0x44);
    target_of(&target_identity, &target);
    memset(&report_in, 0, sizeof(report_in));
    memcpy(report_in.target_info, &target, sizeof(target));
    memset(report_in.report_data, 0x42, sizeof(report_in.report_data));
    assert_int_equal(cella_keys_serve(secrets, &identity, CELLA_PLATFORM_CREATE_REPORT, &report_in,
                                      sizeof(report_in), &report, sizeof(report)),
                     SGX_SUCCESS);
    assert_memory_equal(report.body.report_data.d, report_in.report_data,
                        sizeof(report_in.report_data));
    assert_memory_equal(report.body.mr_enclave.m, identity.mr_enclave.m,
                        sizeof(identity.mr_enclave.m));
    assert_true(report_verifies_for(secrets, &target_identity, &report));
    cella_keys_secrets_destroy(secrets);
}

static void serve_refuses_wrong_sizes_and_unknown_requests(void **state)
{
    struct fixture *f = *state;
    cella_keys_secrets_t *secrets = open_secrets(f->state_dir);
    sgx_report_body_t identity;
    uint8_t in[1024], out[1024], untouched[1024];
    static const struct {
        uint32_t request;
        size_t in_size, out_size;
    } cases[] = {
        {CELLA_PLATFORM_GET_KEY, sizeof(sgx_key_request_t) - 1, sizeof(sgx_key_128bit_t)},
        {CELLA_PLATFORM_GET_KEY, sizeof(sgx_key_request_t) + 1, sizeof(sgx_key_128bit_t)},
        {CELLA_PLATFORM_GET_KEY, 0, sizeof(sgx_key_128bit_t)},
        {CELLA_PLATFORM_GET_KEY, sizeof(sgx_key_request_t), sizeof(sgx_key_128bit_t) - 1},
        {CELLA_PLATFORM_GET_KEY, sizeof(sgx_key_request_t), sizeof(sgx_key_128bit_t) + 1},
        {CELLA_PLATFORM_CREATE_REPORT, sizeof(cella_platform_report_in_t) - 1,
         sizeof(sgx_report_t)},
        {CELLA_PLATFORM_CREATE_REPORT, sizeof(cella_platform_report_in_t) + 1,
         sizeof(sgx_report_t)},
        {CELLA_PLATFORM_CREATE_REPORT, sizeof(cella_platform_report_in_t),
         sizeof(sgx_report_t) - 1},
        {CELLA_PLATFORM_CREATE_REPORT, sizeof(cella_platform_report_in_t), 0},
        {0, sizeof(sgx_key_request_t), sizeof(sgx_key_128bit_t)},
        {3, sizeof(sgx_key_request_t), sizeof(sgx_key_128bit_t)},
        {UINT32_MAX, sizeof(cella_platform_report_in_t), sizeof(sgx_report_t)},
    };

    make_identity(&identity, 0x11, 0x22);
    sgx_key_request_t request;
    make_seal_request(&identity, SGX_KEYPOLICY_MRSIGNER, &request);
    memset(in, 0, sizeof(in));
    memcpy(in, &request, sizeof(request));
    memset(untouched, 0xaa, sizeof(untouched));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(out, 0xaa, sizeof(out));
        sgx_status_t status = cella_keys_serve(secrets, &identity, cases[i].request, in,
                                               cases[i].in_size, out, cases[i].out_size);
        if (status != SGX_ERROR_INVALID_PARAMETER)
            fail_msg("case %zu: status 0x%x", i, (unsigned)status);
        assert_memory_equal(out, untouched, sizeof(out));
    }

    /* A refused request is answered with EGETKEY's status and no key. */
    request.key_name = 9;
    memcpy(in, &request, sizeof(request));
    memset(out, 0xaa, sizeof(out));
    assert_int_equal(cella_keys_serve(secrets, &identity, CELLA_PLATFORM_GET_KEY, in,
                                      sizeof(request), out, sizeof(sgx_key_128bit_t)),
                     SGX_ERROR_INVALID_KEYNAME);
    assert_memory_equal(out, untouched, sizeof(out));

    /* Without secrets, key and report requests fail. */
    make_seal_request(&identity, SGX_KEYPOLICY_MRSIGNER, &request);
    memcpy(in, &request, sizeof(request));
    assert_int_equal(cella_keys_serve(NULL, &identity, CELLA_PLATFORM_GET_KEY, in, sizeof(request),
                                      out, sizeof(sgx_key_128bit_t)),
                     SGX_ERROR_UNEXPECTED);
    memset(in, 0, sizeof(in));
    assert_int_equal(cella_keys_serve(NULL, &identity, CELLA_PLATFORM_CREATE_REPORT, in,
                                      sizeof(cella_platform_report_in_t), out,
                                      sizeof(sgx_report_t)),
                     SGX_ERROR_UNEXPECTED);
    assert_memory_equal(out, untouched, sizeof(out));
    cella_keys_secrets_destroy(secrets);
}

#define TEST(name)     cmocka_unit_test_setup_teardown(name, setup, teardown)
#define ENV_TEST(name) cmocka_unit_test_setup_teardown(name, save_environment, restore_environment)

int main(void)
{
    const struct CMUnitTest tests[] = {
        ENV_TEST(state_dir_follows_the_environment_in_order_of_precedence),
        ENV_TEST(state_dir_falls_back_to_the_password_database_home),
        ENV_TEST(state_dir_refuses_a_buffer_too_small),
        TEST(first_use_creates_an_owner_only_directory_and_file),
        TEST(a_second_use_reads_the_same_secrets),
        TEST(concurrent_first_uses_agree_on_one_set_of_secrets),
        TEST(secrets_with_loose_permissions_are_refused_and_left_alone),
        TEST(a_directory_writable_by_others_is_refused),
        TEST(a_damaged_file_is_refused_and_never_replaced),
        TEST(a_symlink_in_place_of_the_file_is_refused),
        TEST(secrets_need_an_absolute_state_dir),
        TEST(different_state_dirs_give_different_keys),
        cmocka_unit_test(identity_init_takes_the_measured_values),
        TEST(get_key_refuses_what_egetkey_refuses_and_wipes_the_key),
        TEST(get_key_gives_attribute_keys_to_enclaves_with_the_attribute),
        TEST(provisioning_and_launch_keys_follow_the_signer_only),
        TEST(get_key_allows_older_versions),
        cmocka_unit_test(get_key_without_secrets_is_unexpected),
        TEST(get_key_binds_exactly_what_the_policy_and_masks_select),
        TEST(get_key_is_deterministic),
        TEST(a_report_verifies_only_for_its_target),
        TEST(a_report_without_report_data_has_zeros_and_fresh_key_ids),
        TEST(a_report_without_target_verifies_only_for_the_zero_identity),
        cmocka_unit_test(create_report_without_secrets_is_unexpected),
        TEST(serve_answers_key_and_report_requests),
        TEST(serve_refuses_wrong_sizes_and_unknown_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
