/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/edl_parser.c: libFuzzer target for the EDL front end (preprocess, parse, import, check). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tools/edger8r/dump.h"
#include "tools/edger8r/edl.h"
#include "tools/edger8r/memory.h"
#include "fuzz.h"

/*
 * The input is fuzz.edl. It may import (or #include) itself, lib.edl and sdk/sgx_tstdc.edl
 * from memory; everything else is "not found". Search path: "sdk".
 */
struct file {
    const char *path;
    const char *text;
    size_t size;
};

static const char lib_text[] =
    "enclave {\n"
    "  include \"lib.h\"\n"
    "  struct lib_t { size_t n; [count=n] int *p; };\n"
    "  trusted { public void lib_ecall([in, count=1] struct lib_t *l); void lib_private(void); };\n"
    "  untrusted { void lib_ocall(void) allow(lib_private); };\n"
    "};\n";

static const char tstdc_text[] =
    "enclave {\n"
    "  untrusted {\n"
    "    [cdecl] void sgx_oc_cpuidex([out] int cpuinfo[4], int leaf, int subleaf);\n"
    "    [cdecl] int sgx_thread_wait_untrusted_event_ocall([user_check] const void *self);\n"
    "  };\n"
    "};\n";

struct input {
    struct file files[3];
};

static cella_result_t read_memory(void *context, const char *path, size_t max_size, char **data,
                                  size_t *size, char **identity)
{
    const struct input *input = context;
    for (size_t i = 0; i < sizeof(input->files) / sizeof(input->files[0]); i++) {
        const struct file *f = &input->files[i];
        if (strcmp(f->path, path) != 0)
            continue;
        if (f->size > max_size)
            return CELLA_ERR_OVERFLOW;
        size_t path_length = strlen(path);
        char *text = cella_edl_malloc(f->size + 1);
        char *name = cella_edl_malloc(path_length + 1);
        if (text == NULL || name == NULL) {
            cella_edl_free(text);
            cella_edl_free(name);
            return CELLA_ERR_OUT_OF_MEMORY;
        }
        if (f->size > 0)
            memcpy(text, f->text, f->size);
        memcpy(name, path, path_length + 1);
        *data = text;
        *size = f->size;
        *identity = name;
        return CELLA_OK;
    }
    return CELLA_ERR_NOT_FOUND;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input input = {{
        {"fuzz.edl", (const char *)data, size},
        {"lib.edl", lib_text, sizeof(lib_text) - 1},
        {"sdk/sgx_tstdc.edl", tstdc_text, sizeof(tstdc_text) - 1},
    }};
    cella_edl_reader_t reader = {read_memory, &input};
    static const char *const search_paths[] = {"sdk"};
    static const char *const defines[] = {"FUZZ", "FUZZ_VALUE=3"};
    cella_edl_options_t options = {
        .search_paths = search_paths,
        .search_path_count = 1,
        .defines = defines,
        .define_count = 2,
        .warn_user_check = (size & 1) != 0,
        .header_only = (size & 2) != 0,
        .reader = &reader,
    };
    cella_edl_diags_t *diags = NULL;
    if (cella_edl_diags_create(&diags) != CELLA_OK)
        return 0;
    cella_edl_program_t *program = NULL;
    if (cella_edl_load("fuzz.edl", &options, diags, &program) == CELLA_OK) {
        char *text = NULL;
        if (cella_edl_dump_program(program, &text) == CELLA_OK)
            cella_edl_free(text);
        cella_edl_program_destroy(program);
    }
    char *messages = NULL;
    if (cella_edl_dump_diags(diags, &messages) == CELLA_OK)
        cella_edl_free(messages);
    cella_edl_diags_destroy(diags);
    return 0;
}
