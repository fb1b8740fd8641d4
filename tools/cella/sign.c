/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/sign.c: `cella sign` (also installed as `sgx_sign`): sign enclaves, show identity. */
#define _POSIX_C_SOURCE 200809L /* fchmod, mkstemp */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include <cella/enclave_config.h>
#include <cella/encoding.h>
#include <cella/image.h>
#include <cella/image_sign.h>
#include <cella/image_verify.h>
#include <cella/log.h>
#include <cella/memory.h>
#include <cella/sigstruct.h>

#include "subcommands.h"

/* Largest inputs read: an enclave image, a key, a signature or signing-data file. */
#define ENCLAVE_MAX_BYTES (1024u * 1024u * 1024u)
#define KEY_MAX_BYTES     (64u * 1024u)

/* Exit codes. */
#define EXIT_OK    0
#define EXIT_ERROR 1
#define EXIT_USAGE 2

enum mode { MODE_SIGN, MODE_GENDATA, MODE_CATSIG, MODE_DUMP, MODE_COUNT };

enum path_option {
    OPT_ENCLAVE,
    OPT_CONFIG,
    OPT_KEY,
    OPT_OUT,
    OPT_SIG,
    OPT_UNSIGNED,
    OPT_DUMPFILE,
    OPT_CSSFILE,
    OPT_COUNT
};

enum option_use { NOT_ALLOWED, OPTIONAL, REQUIRED };

static const char *const mode_names[MODE_COUNT] = {"sign", "gendata", "catsig", "dump"};

static const char *const option_names[OPT_COUNT] = {
    "-enclave", "-config", "-key", "-out", "-sig", "-unsigned", "-dumpfile", "-cssfile"};

/* Which options each command takes, as sgx_sign has them (dump's -dumpfile is optional). */
static const enum option_use option_uses[MODE_COUNT][OPT_COUNT] = {
    [MODE_SIGN] = {REQUIRED, OPTIONAL, REQUIRED, REQUIRED, NOT_ALLOWED, NOT_ALLOWED, OPTIONAL,
                   OPTIONAL},
    [MODE_GENDATA] = {REQUIRED, OPTIONAL, NOT_ALLOWED, REQUIRED, NOT_ALLOWED, NOT_ALLOWED,
                      NOT_ALLOWED, NOT_ALLOWED},
    [MODE_CATSIG] = {REQUIRED, OPTIONAL, REQUIRED, REQUIRED, REQUIRED, REQUIRED, OPTIONAL,
                     OPTIONAL},
    [MODE_DUMP] = {REQUIRED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED,
                   OPTIONAL, OPTIONAL},
};

struct options {
    enum mode mode;
    const char *paths[OPT_COUNT];
    uint32_t flags; /* CELLA_IMAGE_SIGN_* */
    bool json;
};

/* "cella sign", or "sgx_sign" when run under that name; prefixes every message. */
static const char *program = "cella sign";

/* A file read into memory; secret contents are wiped when released. */
static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s <command> [options]\n"
            "\n"
            "Signs enclaves and shows their identity; options as Intel's sgx_sign.\n"
            "\n"
            "Commands:\n"
            "  sign     sign an enclave in one step with a private key\n"
            "  gendata  two-step signing, step 1: write the 256 bytes to sign\n"
            "  catsig   two-step signing, step 2: add a signature made elsewhere\n"
            "  dump     check a signed enclave and show MRENCLAVE, MRSIGNER and its settings\n"
            "\n"
            "'%s <command> -help' describes a command. Options may be written with one\n"
            "or two dashes. '-version' shows the version.\n",
            program, program);
}

static void command_usage(FILE *out, enum mode mode)
{
    switch (mode) {
    case MODE_SIGN:
        fprintf(out,
                "Usage: %s sign -enclave <enclave.so> -key <private.pem> -out <signed.so>\n"
                "                 [-config <Enclave.config.xml>] [-dumpfile <file>] [-cssfile "
                "<file>]\n"
                "                 [-ignore-rel-error] [-ignore-init-sec-error] [-resign]\n"
                "\n"
                "Measures the enclave under the configuration (defaults without -config),\n"
                "signs SIGSTRUCT with the RSA-3072 key (exponent 3) and writes the signed\n"
                "enclave. -dumpfile writes the result as text, -cssfile the raw SIGSTRUCT.\n"
                "Make a key with: openssl genrsa -3 -out Enclave_private.pem 3072\n"
                "SIGSTRUCT.DATE is today (UTC), or the day of SOURCE_DATE_EPOCH when set.\n",
                program);
        break;
    case MODE_GENDATA:
        fprintf(out,
                "Usage: %s gendata -enclave <enclave.so> -out <data.bin> [-config <xml>]\n"
                "\n"
                "Writes the 256 bytes of SIGSTRUCT to sign. Sign them elsewhere, e.g.\n"
                "  openssl dgst -sha256 -sign private.pem -out sig.bin data.bin\n"
                "then run catsig with the public key.\n",
                program);
        break;
    case MODE_CATSIG:
        fprintf(out,
                "Usage: %s catsig -enclave <enclave.so> -key <public.pem> -sig <sig.bin>\n"
                "                   -unsigned <data.bin> -out <signed.so> [-config <xml>]\n"
                "                   [-dumpfile <file>] [-cssfile <file>]\n"
                "\n"
                "Checks that data.bin (from gendata) matches the enclave and configuration,\n"
                "checks the 384-byte signature against the public key and writes the signed\n"
                "enclave.\n",
                program);
        break;
    case MODE_DUMP:
        fprintf(out,
                "Usage: %s dump -enclave <signed.so> [-dumpfile <file>] [-cssfile <file>] "
                "[--json]\n"
                "\n"
                "Verifies the signed enclave (signature, configuration, measurement) and\n"
                "prints MRENCLAVE, MRSIGNER, attributes and the measured configuration, to\n"
                "standard output or to -dumpfile; --json prints a JSON object. -cssfile\n"
                "writes the raw 1808-byte SIGSTRUCT. Exits 1 when the check fails.\n",
                program);
        break;
    case MODE_COUNT:
        break;
    }
}

/* Writes a whole file through a temporary name, so a failure leaves no partial output. */
static bool write_file(const char *path, const void *data, size_t size)
{
    size_t path_size = strlen(path);
    char *temporary = malloc(path_size + sizeof(".tmp-XXXXXX"));
    const uint8_t *bytes = data;
    int fd = -1;
    bool ok = false;

    if (temporary == NULL) {
        fprintf(stderr, "%s: %s: out of memory\n", program, path);
        return false;
    }
    memcpy(temporary, path, path_size);
    memcpy(temporary + path_size, ".tmp-XXXXXX", sizeof(".tmp-XXXXXX"));
    fd = mkstemp(temporary);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot create %s: %s\n", program, path, strerror(errno));
        goto out;
    }
    /* As a file created by the usual open(): 0666 less the umask. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0)
        goto write_failed;
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto write_failed;
        done += (size_t)n;
    }
    /* On disk before it takes the name: a crash never leaves an empty signed enclave. */
    int synced = fsync(fd);
    int closed = close(fd);
    fd = -1;
    if (synced != 0 || closed != 0)
        goto write_failed;
    if (rename(temporary, path) != 0)
        goto write_failed;
    ok = true;
    goto out;
write_failed:
    fprintf(stderr, "%s: cannot write %s: %s\n", program, path, strerror(errno));
    unlink(temporary);
out:
    if (fd >= 0)
        close(fd);
    free(temporary);
    return ok;
}

/* Whether two paths name one file: the same string, or one existing file (device, inode). */
static bool same_file(const char *a, const char *b)
{
    struct stat first, second;
    if (strcmp(a, b) == 0)
        return true;
    return stat(a, &first) == 0 && stat(b, &second) == 0 && first.st_dev == second.st_dev &&
           first.st_ino == second.st_ino;
}

/* SIGSTRUCT.DATE for today, or for SOURCE_DATE_EPOCH (reproducible builds). */
static bool signing_date(uint32_t *date)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    int64_t seconds;

    if (epoch != NULL && epoch[0] != '\0') {
        char *end = NULL;
        long long value;
        errno = 0;
        value = strtoll(epoch, &end, 10);
        /* Digits only, as the reproducible-builds specification has it. */
        if (errno != 0 || *end != '\0' || value < 0 ||
            strspn(epoch, "0123456789") != strlen(epoch)) {
            fprintf(stderr, "%s: SOURCE_DATE_EPOCH='%s' is not a number of seconds\n", program,
                    epoch);
            return false;
        }
        seconds = value;
    } else {
        seconds = (int64_t)time(NULL);
    }
    if (cella_sigstruct_get_date(seconds, date) != CELLA_OK) {
        fprintf(stderr, "%s: the signing date is out of range\n", program);
        return false;
    }
    return true;
}

static bool load_config(const struct options *options, cella_enclave_config_t *config)
{
    struct buffer xml = {NULL, 0};
    cella_result_t r;

    cella_enclave_config_init(config);
    if (options->paths[OPT_CONFIG] == NULL)
        return true;
    if (!read_input(program, options->paths[OPT_CONFIG], CELLA_ENCLAVE_CONFIG_MAX_BYTES, &xml))
        return false;
    r = cella_enclave_config_parse(xml.data, xml.size, config);
    buffer_release(&xml);
    if (r != CELLA_OK) {
        fprintf(stderr, "%s: %s: invalid enclave configuration\n", program,
                options->paths[OPT_CONFIG]);
        return false;
    }
    return true;
}

static void hex(const void *data, size_t size, char *text, size_t text_capacity)
{
    size_t text_size = text_capacity;
    if (cella_encoding_hex_encode(data, size, text, &text_size) != CELLA_OK)
        text[0] = '\0';
}

/* What dump shows. */
struct identity {
    const cella_enclave_metadata_t *metadata;
    sgx_measurement_t mrsigner;
    const char *verification; /* "ok" or the failed check */
};

/* yyyy-mm-dd from the BCD date. */
static void format_date(uint32_t date, char text[11])
{
    snprintf(text, 11, "%04x-%02x-%02x", (unsigned)(date >> 16) & 0xffffu,
             (unsigned)(date >> 8) & 0xffu, (unsigned)date & 0xffu);
}

/* 64-bit values are hex strings in JSON, so every JSON parser reads them exactly. */
static json_t *hex64(uint64_t value, int width)
{
    char text[24];
    snprintf(text, sizeof(text), "0x%0*" PRIx64, width, value);
    return json_string(text);
}

static json_t *identity_json(const struct identity *identity)
{
    const cella_enclave_metadata_t *m = identity->metadata;
    const cella_sigstruct_t *s = &m->sigstruct;
    char mrenclave[2 * sizeof(s->enclave_hash.m) + 1];
    char mrsigner[2 * sizeof(identity->mrsigner.m) + 1];
    char date[11];

    hex(s->enclave_hash.m, sizeof(s->enclave_hash.m), mrenclave, sizeof(mrenclave));
    hex(identity->mrsigner.m, sizeof(identity->mrsigner.m), mrsigner, sizeof(mrsigner));
    format_date(s->date, date);
    return json_pack(
        "{s:s, s:s, s:i, s:i, s:{s:o, s:o}, s:{s:o, s:o}, s:o, s:o, s:b, s:s, s:o, "
        "s:o, s:o, s:o, s:i, s:i, s:i, s:i, s:s}",
        "mrenclave", mrenclave, "mrsigner", mrsigner, "isv_prod_id", (json_int_t)s->isv_prod_id,
        "isv_svn", (json_int_t)s->isv_svn, "attributes", "flags", hex64(s->attributes.flags, 16),
        "xfrm", hex64(s->attributes.xfrm, 16), "attribute_mask", "flags",
        hex64(s->attribute_mask.flags, 16), "xfrm", hex64(s->attribute_mask.xfrm, 16),
        "misc_select", hex64(s->misc_select, 8), "misc_mask", hex64(s->misc_mask, 8),
        "debug_allowed", m->disable_debug == 0, "date", date, "type", hex64(s->type, 8),
        "enclave_size", hex64(m->enclave_size, 1), "heap_max_size", hex64(m->heap_size, 1),
        "stack_max_size", hex64(m->stack_size, 1), "tcs_num", (json_int_t)m->tcs_count,
        "tcs_policy", (json_int_t)m->tcs_policy, "ssa_frame_size", (json_int_t)m->ssa_frame_size,
        "nssa", (json_int_t)m->nssa, "verification", identity->verification);
}

static bool print_identity(FILE *out, const struct identity *identity, bool as_json)
{
    const cella_enclave_metadata_t *m = identity->metadata;
    const cella_sigstruct_t *s = &m->sigstruct;
    char mrenclave[2 * sizeof(s->enclave_hash.m) + 1];
    char mrsigner[2 * sizeof(identity->mrsigner.m) + 1];
    char date[11];

    format_date(s->date, date);
    if (as_json) {
        json_t *object = identity_json(identity);
        char *text =
            object != NULL ? json_dumps(object, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(object);
        if (text == NULL) {
            fprintf(stderr, "%s: out of memory\n", program);
            return false;
        }
        fprintf(out, "%s\n", text);
        free(text);
        return true;
    }
    hex(s->enclave_hash.m, sizeof(s->enclave_hash.m), mrenclave, sizeof(mrenclave));
    hex(identity->mrsigner.m, sizeof(identity->mrsigner.m), mrsigner, sizeof(mrsigner));
    fprintf(out,
            "mrenclave:            %s\n"
            "mrsigner:             %s\n"
            "isv_prod_id:          %u\n"
            "isv_svn:              %u\n"
            "attributes.flags:     0x%016" PRIx64 "\n"
            "attributes.xfrm:      0x%016" PRIx64 "\n"
            "attribute_mask.flags: 0x%016" PRIx64 "\n"
            "attribute_mask.xfrm:  0x%016" PRIx64 "\n"
            "misc_select:          0x%08" PRIx32 "\n"
            "misc_mask:            0x%08" PRIx32 "\n"
            "debug:                %s\n"
            "date:                 %s\n"
            "type:                 0x%08" PRIx32 "\n"
            "enclave_size:         0x%" PRIx64 "\n"
            "heap_max_size:        0x%" PRIx64 "\n"
            "stack_max_size:       0x%" PRIx64 "\n"
            "tcs_num:              %" PRIu32 "\n"
            "tcs_policy:           %" PRIu32 "\n"
            "ssa_frame_size:       %" PRIu32 "\n"
            "nssa:                 %" PRIu32 "\n"
            "verification:         %s\n",
            mrenclave, mrsigner, (unsigned)s->isv_prod_id, (unsigned)s->isv_svn,
            s->attributes.flags, s->attributes.xfrm, s->attribute_mask.flags,
            s->attribute_mask.xfrm, s->misc_select, s->misc_mask,
            m->disable_debug ? "disabled (DisableDebug=1)" : "allowed", date, s->type,
            m->enclave_size, m->heap_size, m->stack_size, m->tcs_count, m->tcs_policy,
            m->ssa_frame_size, m->nssa, identity->verification);
    return true;
}

/* Writes the identity to path, or to standard output when path is NULL. */
static bool write_identity(const char *path, const struct identity *identity, bool as_json)
{
    char *text = NULL;
    size_t text_size = 0;
    FILE *memory;
    bool ok;

    if (path == NULL) {
        /* Standard output may be full or closed: that is a failure too. */
        ok = print_identity(stdout, identity, as_json);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "%s: cannot write to standard output: %s\n", program, strerror(errno));
            ok = false;
        }
        return ok;
    }
    memory = open_memstream(&text, &text_size);
    if (memory == NULL) {
        fprintf(stderr, "%s: out of memory\n", program);
        return false;
    }
    ok = print_identity(memory, identity, as_json);
    if (fclose(memory) != 0)
        ok = false;
    ok = ok && write_file(path, text, text_size);
    free(text);
    return ok;
}

/* The -dumpfile and -cssfile outputs of sign, catsig and dump. */
static bool write_extras(const struct options *options, const struct identity *identity)
{
    if (options->paths[OPT_CSSFILE] != NULL &&
        !write_file(options->paths[OPT_CSSFILE], &identity->metadata->sigstruct,
                    sizeof(identity->metadata->sigstruct)))
        return false;
    if (options->mode == MODE_DUMP)
        return write_identity(options->paths[OPT_DUMPFILE], identity, options->json);
    if (options->paths[OPT_DUMPFILE] != NULL)
        return write_identity(options->paths[OPT_DUMPFILE], identity, options->json);
    return true;
}

/* Verifies a freshly signed output as a loader would, then writes it and the extras. */
static int finish_signed(const struct options *options, const struct buffer *enclave)
{
    cella_image_info_t *info = calloc(1, sizeof(*info));
    cella_image_check_t check = CELLA_IMAGE_CHECK_NONE;
    struct identity identity;
    char mrenclave[2 * SGX_HASH_SIZE + 1];
    int status = EXIT_ERROR;

    if (info == NULL) {
        fprintf(stderr, "%s: out of memory\n", program);
        return EXIT_ERROR;
    }
    if (cella_image_verify(enclave->data, enclave->size, info, &check) != CELLA_OK) {
        fprintf(stderr, "%s: the signed enclave does not verify: %s\n", program,
                cella_image_check_str(check));
        goto out;
    }
    if (!write_file(options->paths[OPT_OUT], enclave->data, enclave->size))
        goto out;
    identity.metadata = &info->metadata;
    identity.mrsigner = info->mrsigner;
    identity.verification = "ok";
    if (!write_extras(options, &identity)) {
        /* As sgx_sign: a failed command leaves no signed enclave a build would take for done. */
        (void)unlink(options->paths[OPT_OUT]);
        goto out;
    }
    hex(info->mrenclave.m, sizeof(info->mrenclave.m), mrenclave, sizeof(mrenclave));
    printf("%s: signed %s; MRENCLAVE %s\n", program, options->paths[OPT_OUT], mrenclave);
    status = EXIT_OK;
out:
    free(info);
    return status;
}

static int run_sign(const struct options *options)
{
    struct buffer enclave = {NULL, 0};
    struct buffer key = {NULL, 0};
    cella_enclave_config_t config;
    uint32_t date;
    cella_result_t r;
    int status = EXIT_ERROR;

    if (!load_config(options, &config) || !signing_date(&date) ||
        !read_input(program, options->paths[OPT_ENCLAVE], ENCLAVE_MAX_BYTES, &enclave) ||
        !read_input(program, options->paths[OPT_KEY], KEY_MAX_BYTES, &key))
        goto out;
    r = cella_image_sign(enclave.data, enclave.size, &config, date, options->flags, key.data,
                         key.size, NULL);
    buffer_release(&key);
    if (r != CELLA_OK) {
        fprintf(stderr, "%s: cannot sign %s: %s\n", program, options->paths[OPT_ENCLAVE],
                cella_result_str(r));
        goto out;
    }
    status = finish_signed(options, &enclave);
out:
    buffer_release(&key);
    buffer_release(&enclave);
    return status;
}

static int run_gendata(const struct options *options)
{
    struct buffer enclave = {NULL, 0};
    cella_enclave_config_t config;
    uint8_t data[CELLA_SIGSTRUCT_SIGNED_BYTES];
    uint32_t date;
    cella_result_t r;
    int status = EXIT_ERROR;

    if (!load_config(options, &config) || !signing_date(&date) ||
        !read_input(program, options->paths[OPT_ENCLAVE], ENCLAVE_MAX_BYTES, &enclave))
        goto out;
    r = cella_image_sign_gendata(enclave.data, enclave.size, &config, date, options->flags, data,
                                 sizeof(data));
    if (r != CELLA_OK) {
        fprintf(stderr, "%s: cannot prepare %s for signing: %s\n", program,
                options->paths[OPT_ENCLAVE], cella_result_str(r));
        goto out;
    }
    if (!write_file(options->paths[OPT_OUT], data, sizeof(data)))
        goto out;
    status = EXIT_OK;
out:
    buffer_release(&enclave);
    return status;
}

static int run_catsig(const struct options *options)
{
    struct buffer enclave = {NULL, 0};
    struct buffer key = {NULL, 0};
    struct buffer signature = {NULL, 0};
    struct buffer signing_data = {NULL, 0};
    cella_enclave_config_t config;
    cella_result_t r;
    int status = EXIT_ERROR;

    if (!load_config(options, &config) ||
        !read_input(program, options->paths[OPT_ENCLAVE], ENCLAVE_MAX_BYTES, &enclave) ||
        !read_input(program, options->paths[OPT_KEY], KEY_MAX_BYTES, &key) ||
        !read_input(program, options->paths[OPT_SIG], KEY_MAX_BYTES, &signature) ||
        !read_input(program, options->paths[OPT_UNSIGNED], KEY_MAX_BYTES, &signing_data))
        goto out;
    r = cella_image_sign_catsig(enclave.data, enclave.size, &config, options->flags,
                                signing_data.data, signing_data.size, key.data, key.size,
                                signature.data, signature.size, NULL);
    if (r != CELLA_OK) {
        fprintf(stderr, "%s: cannot add the signature to %s: %s\n", program,
                options->paths[OPT_ENCLAVE], cella_result_str(r));
        goto out;
    }
    status = finish_signed(options, &enclave);
out:
    buffer_release(&signing_data);
    buffer_release(&signature);
    buffer_release(&key);
    buffer_release(&enclave);
    return status;
}

static int run_dump(const struct options *options)
{
    struct buffer enclave = {NULL, 0};
    cella_image_t image;
    cella_enclave_metadata_t metadata;
    cella_image_check_t check = CELLA_IMAGE_CHECK_NONE;
    struct identity identity;
    cella_result_t r;
    int status = EXIT_ERROR;

    if (!read_input(program, options->paths[OPT_ENCLAVE], ENCLAVE_MAX_BYTES, &enclave))
        goto out;
    r = cella_image_parse(enclave.data, enclave.size, &image);
    if (r == CELLA_OK)
        r = cella_image_get_metadata(&image, &metadata);
    if (r != CELLA_OK) {
        fprintf(stderr, "%s: %s: no signed enclave metadata to show: %s\n", program,
                options->paths[OPT_ENCLAVE], cella_result_str(r));
        goto out;
    }
    /* Show what the file claims even when a check fails, and say which one did. */
    r = cella_image_verify(enclave.data, enclave.size, NULL, &check);
    identity.metadata = &metadata;
    identity.verification = r == CELLA_OK ? "ok" : cella_image_check_str(check);
    if (cella_sigstruct_get_mrsigner(&metadata.sigstruct, &identity.mrsigner) != CELLA_OK)
        memset(&identity.mrsigner, 0, sizeof(identity.mrsigner));
    if (!write_extras(options, &identity))
        goto out;
    if (r != CELLA_OK) {
        fprintf(stderr, "%s: %s does not verify: %s\n", program, options->paths[OPT_ENCLAVE],
                cella_image_check_str(check));
        goto out;
    }
    status = EXIT_OK;
out:
    buffer_release(&enclave);
    return status;
}

static bool is_help(const char *argument)
{
    return strcmp(argument, "-help") == 0 || strcmp(argument, "--help") == 0 ||
           strcmp(argument, "-h") == 0;
}

/* Reads the command line after the command name; returns an exit code, or -1 to go on. */
static int parse_options(int argc, char **argv, struct options *options)
{
    static const struct {
        const char *name;
        uint32_t flag;
    } flags[] = {
        {"-ignore-rel-error", CELLA_IMAGE_SIGN_IGNORE_TEXT_RELOCATIONS},
        {"-ignore-init-sec-error", CELLA_IMAGE_SIGN_IGNORE_INIT_SECTION},
        {"-resign", CELLA_IMAGE_SIGN_RESIGN},
    };
    const char *mode_name = mode_names[options->mode];

    for (int i = 2; i < argc; i++) {
        /* "--enclave" is accepted as "-enclave". */
        const char *argument = argv[i];
        bool matched = false;

        if (is_help(argument)) {
            command_usage(stdout, options->mode);
            return EXIT_OK;
        }
        if (argument[0] == '-' && argument[1] == '-')
            argument++;
        if (strcmp(argument, "-json") == 0) {
            if (options->mode != MODE_DUMP) {
                fprintf(stderr, "%s %s: --json is only for dump\n", program, mode_name);
                return EXIT_USAGE;
            }
            options->json = true;
            continue;
        }
        for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
            if (strcmp(argument, flags[f].name) == 0) {
                if ((options->flags & flags[f].flag) != 0) {
                    fprintf(stderr, "%s %s: %s given twice\n", program, mode_name, argv[i]);
                    return EXIT_USAGE;
                }
                if (options->mode == MODE_DUMP) {
                    fprintf(stderr, "%s dump: %s is not an option of dump\n", program, argv[i]);
                    return EXIT_USAGE;
                }
                options->flags |= flags[f].flag;
                matched = true;
            }
        }
        if (matched)
            continue;
        for (size_t o = 0; o < OPT_COUNT; o++) {
            if (strcmp(argument, option_names[o]) != 0)
                continue;
            matched = true;
            if (option_uses[options->mode][o] == NOT_ALLOWED) {
                fprintf(stderr, "%s %s: %s is not an option of %s\n", program, mode_name,
                        option_names[o], mode_name);
                return EXIT_USAGE;
            }
            if (i + 1 >= argc || argv[i + 1][0] == '-' || argv[i + 1][0] == '\0') {
                fprintf(stderr, "%s %s: %s needs a file name\n", program, mode_name,
                        option_names[o]);
                return EXIT_USAGE;
            }
            if (options->paths[o] != NULL) {
                fprintf(stderr, "%s %s: %s given twice\n", program, mode_name, option_names[o]);
                return EXIT_USAGE;
            }
            options->paths[o] = argv[++i];
            break;
        }
        if (!matched) {
            fprintf(stderr, "%s %s: unknown option '%s'; '%s %s -help' lists them\n", program,
                    mode_name, argv[i], program, mode_name);
            return EXIT_USAGE;
        }
    }
    for (size_t o = 0; o < OPT_COUNT; o++) {
        if (option_uses[options->mode][o] == REQUIRED && options->paths[o] == NULL) {
            fprintf(stderr, "%s %s: %s is required; '%s %s -help' shows the usage\n", program,
                    mode_name, option_names[o], program, mode_name);
            return EXIT_USAGE;
        }
    }
    /* As sgx_sign: one file per role, so an output never overwrites an input; the same file
     * under two names (./k.pem and k.pem, a link) counts as the same. */
    for (size_t a = 0; a < OPT_COUNT; a++) {
        for (size_t b = a + 1; b < OPT_COUNT; b++) {
            if (options->paths[a] != NULL && options->paths[b] != NULL &&
                same_file(options->paths[a], options->paths[b])) {
                fprintf(stderr, "%s %s: %s and %s name the same file\n", program, mode_name,
                        option_names[a], option_names[b]);
                return EXIT_USAGE;
            }
        }
    }
    return -1;
}

int sign_main(int argc, char **argv)
{
    struct options options;
    const char *base;
    int status;

    base = argc > 0 && argv[0] != NULL ? strrchr(argv[0], '/') : NULL;
    base = base != NULL ? base + 1 : (argc > 0 && argv[0] != NULL ? argv[0] : "");
    if (strcmp(base, "sgx_sign") == 0)
        program = "sgx_sign";

    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (is_help(argv[1])) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "-version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("%s (cella) %s\n", program, CELLA_VERSION);
        return EXIT_OK;
    }
    memset(&options, 0, sizeof(options));
    for (options.mode = MODE_SIGN; options.mode < MODE_COUNT; options.mode++) {
        if (strcmp(argv[1], mode_names[options.mode]) == 0)
            break;
    }
    if (options.mode == MODE_COUNT) {
        fprintf(stderr, "%s: unknown command '%s'; '%s -help' lists the commands\n", program,
                argv[1], program);
        return EXIT_USAGE;
    }
    status = parse_options(argc, argv, &options);
    if (status >= 0)
        return status;

    subcommand_log_to_stderr(program);
    switch (options.mode) {
    case MODE_SIGN:
        status = run_sign(&options);
        break;
    case MODE_GENDATA:
        status = run_gendata(&options);
        break;
    case MODE_CATSIG:
        status = run_catsig(&options);
        break;
    case MODE_DUMP:
        status = run_dump(&options);
        break;
    case MODE_COUNT:
        status = EXIT_USAGE;
        break;
    }
    subcommand_log_stop();
    return status;
}
