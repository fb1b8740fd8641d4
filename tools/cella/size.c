/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/size.c: `cella size`: an enclave's EPC footprint and the Azure VM size it fits. */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <cella/enclave_config.h>
#include <cella/image.h>
#include <cella/image_sign.h>
#include <cella/image_verify.h>
#include <cella/layout.h>
#include <cella/log.h>
#include <cella/metadata.h>

#include "size_table.h"
#include "json_text.h"
#include "subcommands.h"

#define PROGRAM "cella size"

/* Largest enclave file read, as `cella sign` has it. */
#define ENCLAVE_MAX_BYTES (1024u * 1024u * 1024u)

/* --instances accepts 1 to this. */
#define INSTANCES_MAX 10000u

/* Room for one warning or note line. */
#define MESSAGE_MAX_BYTES 320

/* Exit codes. */
#define EXIT_OK    0
#define EXIT_ERROR 1
#define EXIT_USAGE 2

#define PAGE ((uint64_t)CELLA_PAGE_BYTES)

/* Where the layout comes from. */
enum source {
    SOURCE_SIGNED,   /* a signed enclave: the layout it was signed with */
    SOURCE_UNSIGNED, /* an enclave and a configuration: the layout signing would give it */
    SOURCE_CONFIG,   /* a configuration alone: the configured parts only */
};

static const char *const source_names[] = {"signed", "unsigned", "config"};

/* The kinds of page counted. Per-thread parts come between PART_STACK and PART_THREAD_DATA. */
enum part {
    PART_CODE,
    PART_DATA_READ_ONLY,
    PART_DATA_WRITABLE,
    PART_HEAP,
    PART_STACK,
    PART_TCS,
    PART_SSA,
    PART_TLS,
    PART_THREAD_DATA,
    PART_GUARD,
    PART_COUNT
};

static const struct {
    const char *label;     /* in the text output */
    const char *json_name; /* in the JSON output */
} parts[PART_COUNT] = {
    [PART_CODE] = {"code", "code"},
    [PART_DATA_READ_ONLY] = {"data, read-only", "data_read_only"},
    [PART_DATA_WRITABLE] = {"data, writable", "data_writable"},
    [PART_HEAP] = {"heap", "heap"},
    [PART_STACK] = {"stack", "stack"},
    [PART_TCS] = {"TCS", "tcs"},
    [PART_SSA] = {"SSA", "ssa"},
    [PART_TLS] = {"TLS", "tls"},
    [PART_THREAD_DATA] = {"thread data", "thread_data"},
    [PART_GUARD] = {"guard", "guard"},
};

static bool is_per_thread(enum part part)
{
    return part >= PART_STACK && part <= PART_THREAD_DATA;
}

/* What one enclave occupies, in pages. */
struct footprint {
    uint64_t pages[PART_COUNT]; /* all threads together for the per-thread parts */
    bool known[PART_COUNT];     /* false: unknown without the enclave file */
    uint32_t thread_count;      /* TCSNum */
    uint64_t per_thread_pages;  /* one thread's added pages (known parts) */
    uint64_t added_pages;       /* every added page (known parts): EPC committed at load */
    uint64_t enclave_size;      /* SECS.SIZE; 0 when unknown */
};

struct options {
    const char *enclave_path;
    const char *config_path;
    uint32_t instance_count;
    uint32_t headroom; /* thousandths */
    bool json;
    bool vm_sizes; /* --vm-sizes: the tables, nothing measured */
};

/* Everything the output shows; text and JSON are written from it alone. */
struct report {
    const struct options *options;
    enum source source;
    struct footprint footprint;
    cella_size_table_choice_t choices[CELLA_SIZE_TABLE_FAMILY_COUNT];
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cella size [--json] [--headroom FACTOR] [--instances N] ENCLAVE.signed.so\n"
            "       cella size [options] --enclave ENCLAVE.so --config Enclave.config.xml\n"
            "       cella size [options] --config Enclave.config.xml\n"
            "       cella size --vm-sizes [--json]\n"
            "\n"
            "Shows what an enclave occupies in the EPC (the enclave page cache), by kind of\n"
            "page, and the smallest Azure DCsv3/DCdsv3 and DCsv2 VM sizes whose EPC holds it.\n"
            "A signed enclave is shown with the layout it was signed with; an enclave with a\n"
            "configuration with the layout signing would give it; a configuration alone gives\n"
            "the heap, stacks and per-thread pages only (code and data are then unknown).\n"
            "\n"
            "Options:\n"
            "  --enclave FILE       the enclave (signed, or unsigned with --config)\n"
            "  --config FILE        the Enclave.config.xml to lay the enclave out with\n"
            "  --headroom FACTOR    EPC to ask for per byte of footprint, 1.0 to 10 (1.25)\n"
            "  --instances N        enclaves on one VM, 1 to %u (1)\n"
            "  --json               print one JSON object instead of text\n"
            "  --vm-sizes           list the VM sizes and their EPC, and measure nothing\n"
            "  -h, --help           show this help\n"
            "\n"
            "Exit status: 0 when the sizes were shown, 1 when a file cannot be read or laid\n"
            "out, 2 on bad usage.\n",
            INSTANCES_MAX);
}

/* ------------------------------------------------------------------------------------------ */
/* Input                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static bool load_config(const char *path, cella_enclave_config_t *config)
{
    struct buffer xml = {NULL, 0};
    cella_result_t r;

    if (!read_input(PROGRAM, path, CELLA_ENCLAVE_CONFIG_MAX_BYTES, &xml))
        return false;
    /* The parser logs what is wrong and where (subcommand_log_to_stderr prints it). */
    r = cella_enclave_config_parse(xml.data, xml.size, config);
    buffer_release(&xml);
    if (r != CELLA_OK) {
        fprintf(stderr, PROGRAM ": %s: invalid enclave configuration\n", path);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* The footprint                                                                              */
/* ------------------------------------------------------------------------------------------ */

static bool add_pages(uint64_t *total, uint64_t pages)
{
    return !__builtin_add_overflow(*total, pages, total);
}

/* Sums the known parts into per_thread_pages and added_pages. */
static bool footprint_finish(struct footprint *footprint)
{
    footprint->per_thread_pages = 0;
    footprint->added_pages = 0;
    for (enum part part = PART_CODE; part < PART_COUNT; part++) {
        if (!footprint->known[part] || part == PART_GUARD)
            continue;
        if (!add_pages(&footprint->added_pages, footprint->pages[part]))
            return false;
        if (is_per_thread(part) && !add_pages(&footprint->per_thread_pages,
                                              footprint->pages[part] / footprint->thread_count))
            return false;
    }
    return true;
}

/* Counts a computed layout's pages by kind. */
static bool footprint_from_layout(const cella_layout_t *layout, struct footprint *footprint)
{
    cella_layout_range_t range;

    memset(footprint, 0, sizeof(*footprint));
    for (enum part part = PART_CODE; part < PART_COUNT; part++)
        footprint->known[part] = true;
    footprint->thread_count = layout->config.tcs_count;
    footprint->enclave_size = layout->enclave_size;
    for (size_t i = 0; i < layout->range_count; i++) {
        enum part part = PART_GUARD;
        if (cella_layout_get_range(layout, i, &range) != CELLA_OK) {
            fprintf(stderr, PROGRAM ": the layout has no range %zu of %zu\n", i,
                    layout->range_count);
            return false;
        }
        switch (range.kind) {
        case CELLA_LAYOUT_KIND_CODE:
            part = PART_CODE;
            break;
        case CELLA_LAYOUT_KIND_DATA:
            part = (range.secinfo_flags & CELLA_SECINFO_W) != 0 ? PART_DATA_WRITABLE
                                                                : PART_DATA_READ_ONLY;
            break;
        case CELLA_LAYOUT_KIND_HEAP:
            part = PART_HEAP;
            break;
        case CELLA_LAYOUT_KIND_GUARD:
            part = PART_GUARD;
            break;
        case CELLA_LAYOUT_KIND_STACK:
            part = PART_STACK;
            break;
        case CELLA_LAYOUT_KIND_TCS:
            part = PART_TCS;
            break;
        case CELLA_LAYOUT_KIND_SSA:
            part = PART_SSA;
            break;
        case CELLA_LAYOUT_KIND_TLS:
            part = PART_TLS;
            break;
        case CELLA_LAYOUT_KIND_THREAD_DATA:
            part = PART_THREAD_DATA;
            break;
        }
        /* Only guards are left out of the EPC (cella/layout.h); anything else would be a bug. */
        if (range.is_added == (part == PART_GUARD)) {
            fprintf(stderr, PROGRAM ": range %zu of the layout is %s\n", i,
                    range.is_added ? "an added guard" : "not added");
            return false;
        }
        if (!add_pages(&footprint->pages[part], range.page_count))
            return false;
    }
    return footprint_finish(footprint);
}

/*
 * The parts a configuration alone determines. The layout is cella_layout_compute()'s for a
 * placeholder image of one code page with the configuration's heap, stacks and threads (and
 * the SSA shape every signed enclave gets); code, data and TLS need the ELF file, so the
 * placeholder's page is not counted and those parts are unknown.
 */
static bool footprint_from_config(const char *path, const cella_enclave_config_t *config,
                                  struct footprint *footprint)
{
    cella_image_t *placeholder = calloc(1, sizeof(*placeholder));
    cella_layout_t *layout = calloc(1, sizeof(*layout));
    bool ok = false;

    if (placeholder == NULL || layout == NULL) {
        fprintf(stderr, PROGRAM ": out of memory\n");
        goto out;
    }
    placeholder->segment_count = 1;
    placeholder->segments[0].mem_size = PAGE;
    placeholder->segments[0].secinfo_flags = CELLA_SECINFO_R | CELLA_SECINFO_X;
    placeholder->end = PAGE;
    const cella_layout_config_t layout_config = {
        .heap_size = config->heap_max_size,
        .stack_size = config->stack_max_size,
        .tcs_count = config->tcs_num,
        .tcs_policy = config->tcs_policy,
        .ssa_frame_size = CELLA_METADATA_SSA_FRAME_SIZE,
        .nssa = CELLA_METADATA_NSSA,
    };
    cella_result_t r = cella_layout_compute(placeholder, &layout_config, layout);
    if (r != CELLA_OK) {
        fprintf(stderr, PROGRAM ": %s: no enclave can be laid out with this configuration (%s)\n",
                path, cella_result_str(r));
        goto out;
    }
    if (!footprint_from_layout(layout, footprint))
        goto out;
    footprint->pages[PART_CODE] = 0;
    footprint->known[PART_CODE] = false;
    footprint->known[PART_DATA_READ_ONLY] = false;
    footprint->known[PART_DATA_WRITABLE] = false;
    footprint->known[PART_TLS] = false;
    footprint->enclave_size = 0; /* SECS.SIZE depends on the code and data too */
    ok = footprint_finish(footprint);
out:
    free(layout);
    free(placeholder);
    return ok;
}

/* A signed enclave: the layout cella_image_verify_signed() checks it was signed with. */
static int measure_signed(const char *path, const struct buffer *file, struct footprint *footprint)
{
    cella_image_info_t *info = calloc(1, sizeof(*info));
    cella_image_check_t check = CELLA_IMAGE_CHECK_NONE;
    cella_result_t r;
    int status = EXIT_ERROR;

    if (info == NULL) {
        fprintf(stderr, PROGRAM ": out of memory\n");
        return EXIT_ERROR;
    }
    r = cella_image_verify_signed(file->data, file->size, info, &check);
    if (r != CELLA_OK && check == CELLA_IMAGE_CHECK_NOT_SIGNED) {
        fprintf(stderr,
                PROGRAM ": %s is not signed; add --config Enclave.config.xml to see the "
                        "layout signing would give it\n",
                path);
        goto out;
    }
    if (r != CELLA_OK) {
        fprintf(stderr, PROGRAM ": %s is not a valid signed enclave: %s\n", path,
                check != CELLA_IMAGE_CHECK_NONE ? cella_image_check_str(check)
                                                : cella_result_str(r));
        goto out;
    }
    if (!footprint_from_layout(&info->layout, footprint))
        goto out;
    status = EXIT_OK;
out:
    free(info);
    return status;
}

/* An enclave and a configuration: the layout `cella sign` would compute. */
static int measure_unsigned(const char *enclave_path, const char *config_path,
                            const struct buffer *file, const cella_enclave_config_t *config,
                            struct footprint *footprint)
{
    /* The layout does not depend on these: size what signing would give even for an
     * already signed enclave, or one that needs -ignore-rel-error to be signed. */
    const uint32_t flags = CELLA_IMAGE_SIGN_RESIGN | CELLA_IMAGE_SIGN_IGNORE_TEXT_RELOCATIONS |
                           CELLA_IMAGE_SIGN_IGNORE_INIT_SECTION;
    const uint32_t date = 0x20000101; /* any valid date: it is not part of the layout */
    cella_enclave_metadata_t *metadata = calloc(1, sizeof(*metadata));
    cella_layout_t *layout = calloc(1, sizeof(*layout));
    cella_image_t *image = calloc(1, sizeof(*image));
    cella_layout_config_t layout_config;
    cella_result_t r;
    int status = EXIT_ERROR;

    if (metadata == NULL || layout == NULL || image == NULL) {
        fprintf(stderr, PROGRAM ": out of memory\n");
        goto out;
    }
    r = cella_image_parse(file->data, file->size, image);
    if (r != CELLA_OK) {
        fprintf(stderr, PROGRAM ": %s is not an enclave image: %s\n", enclave_path,
                cella_result_str(r));
        goto out;
    }
    r = cella_image_sign_prepare(image, config, date, flags, metadata);
    if (r == CELLA_OK)
        r = cella_layout_config_init(&layout_config, metadata);
    if (r == CELLA_OK)
        r = cella_layout_compute(image, &layout_config, layout);
    if (r != CELLA_OK) {
        fprintf(stderr, PROGRAM ": cannot lay out %s with %s: %s\n", enclave_path, config_path,
                cella_result_str(r));
        goto out;
    }
    if (!footprint_from_layout(layout, footprint))
        goto out;
    status = EXIT_OK;
out:
    free(image);
    free(layout);
    free(metadata);
    return status;
}

/* Fills report->source and report->footprint from the files the options name. */
static int measure(const struct options *options, struct report *report)
{
    struct buffer enclave = {NULL, 0};
    cella_enclave_config_t config;
    int status = EXIT_ERROR;

    cella_enclave_config_init(&config);
    if (options->config_path != NULL && !load_config(options->config_path, &config))
        goto out;
    if (options->enclave_path != NULL &&
        !read_input(PROGRAM, options->enclave_path, ENCLAVE_MAX_BYTES, &enclave))
        goto out;
    if (options->enclave_path == NULL) {
        report->source = SOURCE_CONFIG;
        if (footprint_from_config(options->config_path, &config, &report->footprint))
            status = EXIT_OK;
    } else if (options->config_path == NULL) {
        report->source = SOURCE_SIGNED;
        status = measure_signed(options->enclave_path, &enclave, &report->footprint);
    } else {
        report->source = SOURCE_UNSIGNED;
        status = measure_unsigned(options->enclave_path, options->config_path, &enclave, &config,
                                  &report->footprint);
    }
out:
    buffer_release(&enclave);
    return status;
}

static int choose_sizes(struct report *report)
{
    uint64_t footprint_size;

    if (__builtin_mul_overflow(report->footprint.added_pages, PAGE, &footprint_size))
        goto overflow;
    for (unsigned family = 0; family < CELLA_SIZE_TABLE_FAMILY_COUNT; family++) {
        if (cella_size_table_choose((cella_size_table_family_t)family, footprint_size,
                                    report->options->instance_count, report->options->headroom,
                                    &report->choices[family]) != CELLA_OK)
            goto overflow;
    }
    return EXIT_OK;
overflow:
    fprintf(stderr, PROGRAM ": the footprint times %u instance(s) is too large to size\n",
            report->options->instance_count);
    return EXIT_ERROR;
}

/* ------------------------------------------------------------------------------------------ */
/* Wording shared by the text and the JSON                                                    */
/* ------------------------------------------------------------------------------------------ */

/* "4 GiB", "1.5 MiB", "12 KiB", "100 bytes": exact when whole, else one decimal. */
static void format_bytes(uint64_t bytes, char *text, size_t text_size)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    uint64_t unit = 1024;
    size_t u = 0;

    if (bytes < 1024) {
        snprintf(text, text_size, "%" PRIu64 " bytes", bytes);
        return;
    }
    while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes / unit >= 1024) {
        unit *= 1024;
        u++;
    }
    if (bytes % unit == 0)
        snprintf(text, text_size, "%" PRIu64 " %s", bytes / unit, units[u]);
    else
        snprintf(text, text_size, "%.1f %s", (double)bytes / (double)unit, units[u]);
}

/* "1.25", "1.0", "10.0", "1.005". */
static void format_headroom(uint32_t headroom, char *text, size_t text_size)
{
    uint32_t fraction = headroom % 1000;
    int digits = 3;

    if (fraction == 0) {
        snprintf(text, text_size, "%u.0", headroom / 1000);
        return;
    }
    while (fraction % 10 == 0) {
        fraction /= 10;
        digits--;
    }
    snprintf(text, text_size, "%u.%0*u", headroom / 1000, digits, fraction);
}

/* "DC1s_v3 (or DC1ds_v3)". */
static void format_vm(const cella_size_table_vm_t *vm, char *text, size_t text_size)
{
    if (vm->disk_name != NULL)
        snprintf(text, text_size, "%s (or %s)", vm->name, vm->disk_name);
    else
        snprintf(text, text_size, "%s", vm->name);
}

/* The warnings about one family's choice, at most two. Returns how many. */
static size_t family_warnings(const struct report *report, cella_size_table_family_t family,
                              char warnings[2][MESSAGE_MAX_BYTES])
{
    const cella_size_table_choice_t *choice = &report->choices[family];
    const char *family_name = cella_size_table_family_name(family);
    char footprint_bytes[32];
    char footprint[96];
    char epc[32];
    char headroom[16];
    size_t count = 0;

    format_bytes(choice->footprint_size, footprint_bytes, sizeof(footprint_bytes));
    if (report->options->instance_count == 1)
        snprintf(footprint, sizeof(footprint), "the footprint (%s)", footprint_bytes);
    else
        snprintf(footprint, sizeof(footprint), "the footprint of %" PRIu32 " instances (%s)",
                 report->options->instance_count, footprint_bytes);
    format_bytes(choice->vm->epc_size, epc, sizeof(epc));
    format_headroom(report->options->headroom, headroom, sizeof(headroom));
    if (!choice->fits) {
        snprintf(warnings[count++], MESSAGE_MAX_BYTES,
                 "%s: does not fit: %s exceeds the EPC of every %s size (the "
                 "largest, %s, has %s); EPC paging would make the enclave very slow",
                 family_name, footprint, family_name, choice->vm->name, epc);
        return count;
    }
    if (!choice->has_headroom)
        snprintf(warnings[count++], MESSAGE_MAX_BYTES,
                 "%s: no size has %sx headroom; the largest, %s, has %s of EPC", family_name,
                 headroom, choice->vm->name, epc);
    if (choice->is_near_limit)
        snprintf(warnings[count++], MESSAGE_MAX_BYTES,
                 "%s: %s is more than %u%% of %s's %s of EPC; little is left "
                 "for other enclaves, and growth would make EPC paging (very slow) likely",
                 family_name, footprint, CELLA_SIZE_TABLE_NEAR_LIMIT_PERCENT, choice->vm->name,
                 epc);
    return count;
}

#define NOTE_COUNT 3

/* Notes on reading the numbers, the same in text and JSON. */
static void notes(char text[NOTE_COUNT][MESSAGE_MAX_BYTES])
{
    snprintf(text[0], MESSAGE_MAX_BYTES,
             "cella adds every page (EADD) before the enclave starts, so the total added is the "
             "EPC committed at load; an SGX2 runtime could commit the heap lazily (EAUG), cella "
             "does not.");
    snprintf(text[1], MESSAGE_MAX_BYTES,
             "The tables give EPC per VM size as Azure lists it: DCsv3/DCdsv3 in GiB of EPC, "
             "DCsv2 in MiB of EPC.");
    snprintf(text[2], MESSAGE_MAX_BYTES,
             "EPC is not RAM: a VM's memory is larger than its EPC (a DC1s_v3 has 8 GB of RAM "
             "and 4 GiB of EPC); guides often conflate the two, and only EPC decides what fits.");
}

/* ------------------------------------------------------------------------------------------ */
/* Text                                                                                       */
/* ------------------------------------------------------------------------------------------ */

#define TEXT_WIDTH 79

/* Prints first, then text wrapped at spaces into lines of TEXT_WIDTH, continued under text. */
static void print_wrapped(const char *first, const char *text)
{
    int indent = (int)strlen(first);
    size_t room = TEXT_WIDTH - strlen(first);

    printf("%s", first);
    while (strlen(text) > room) {
        size_t cut = room;
        while (cut > 0 && text[cut] != ' ')
            cut--;
        if (cut == 0) /* one word longer than the line: cut it at its end */
            cut = strcspn(text, " ");
        if (text[cut] == '\0')
            break;
        printf("%.*s\n%*s", (int)cut, text, indent, "");
        text += cut;
        while (*text == ' ')
            text++;
    }
    printf("%s\n", text);
}

static void print_pages(const char *label, uint64_t pages)
{
    char human[32];
    format_bytes(pages * PAGE, human, sizeof(human));
    printf("  %-24s %10" PRIu64 " %s %14" PRIu64 " bytes  (%s)\n", label, pages,
           pages == 1 ? "page " : "pages", pages * PAGE, human);
}

static void print_unknown(const char *label)
{
    printf("  %-24s    unknown (needs the enclave file)\n", label);
}

static void print_text(const struct report *report)
{
    const struct footprint *f = &report->footprint;
    const struct options *options = report->options;
    char warnings[2][MESSAGE_MAX_BYTES];
    char note_text[NOTE_COUNT][MESSAGE_MAX_BYTES];
    char label[64];
    char human[32];
    char headroom[16];

    switch (report->source) {
    case SOURCE_SIGNED:
        printf("enclave: %s (signed: the layout it was signed with)\n", options->enclave_path);
        break;
    case SOURCE_UNSIGNED:
        printf("enclave: %s with %s (the layout signing would give it)\n", options->enclave_path,
               options->config_path);
        break;
    case SOURCE_CONFIG:
        printf("configuration: %s (configured parts only: code, data and TLS are unknown "
               "without the enclave file, so the totals are lower bounds)\n",
               options->config_path);
        break;
    }

    printf("\nEPC footprint by kind of page (pages of %" PRIu64 " bytes):\n", PAGE);
    for (enum part part = PART_CODE; part <= PART_HEAP; part++) {
        if (f->known[part])
            print_pages(parts[part].label, f->pages[part]);
        else
            print_unknown(parts[part].label);
    }
    printf("  per thread:\n");
    for (enum part part = PART_STACK; part <= PART_THREAD_DATA; part++) {
        snprintf(label, sizeof(label), "  %s", parts[part].label);
        if (f->known[part])
            print_pages(label, f->pages[part] / f->thread_count);
        else
            print_unknown(label);
    }
    print_pages("  one thread", f->per_thread_pages);
    snprintf(label, sizeof(label), "threads (%" PRIu32 " x one)", f->thread_count);
    print_pages(label, f->per_thread_pages * f->thread_count);
    print_pages(report->source == SOURCE_CONFIG ? "total added (at least)" : "total added",
                f->added_pages);
    printf("\nNot in the EPC:\n");
    print_pages("guard pages (not added)", f->pages[PART_GUARD]);
    if (f->enclave_size != 0) {
        format_bytes(f->enclave_size, human, sizeof(human));
        printf("  virtual size (SECS.SIZE) 0x%" PRIx64 " bytes (%s): address space, a power of "
               "two; it is not EPC\n",
               f->enclave_size, human);
    } else {
        printf("  virtual size (SECS.SIZE) unknown (needs the enclave file); it is not EPC\n");
    }

    format_headroom(options->headroom, headroom, sizeof(headroom));
    format_bytes(report->choices[0].needed_size, human, sizeof(human));
    printf("\nSmallest Azure VM size for %" PRIu32 " instance%s with %sx headroom (EPC needed: "
           "%" PRIu64 " bytes, %s):\n",
           options->instance_count, options->instance_count == 1 ? "" : "s", headroom,
           report->choices[0].needed_size, human);
    for (unsigned family = 0; family < CELLA_SIZE_TABLE_FAMILY_COUNT; family++) {
        const cella_size_table_choice_t *choice = &report->choices[family];
        const char *family_name = cella_size_table_family_name((cella_size_table_family_t)family);
        char vm[48];

        format_vm(choice->vm, vm, sizeof(vm));
        format_bytes(choice->vm->epc_size, human, sizeof(human));
        if (!choice->fits)
            printf("  %-13s none fits: the largest, %s, has %s of EPC (%" PRIu64
                   " bytes), less than the footprint\n",
                   family_name, vm, human, choice->vm->epc_size);
        else
            printf("  %-13s %s: %s of EPC (%" PRIu64 " bytes)%s\n", family_name, vm, human,
                   choice->vm->epc_size, choice->has_headroom ? "" : ", without the headroom");
    }
    for (unsigned family = 0; family < CELLA_SIZE_TABLE_FAMILY_COUNT; family++) {
        size_t count = family_warnings(report, (cella_size_table_family_t)family, warnings);
        for (size_t i = 0; i < count; i++)
            print_wrapped("warning: ", warnings[i]);
    }

    notes(note_text);
    printf("\nNotes:\n");
    for (size_t i = 0; i < NOTE_COUNT; i++)
        print_wrapped("- ", note_text[i]);
}

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/*
 * Sets key to value. It always takes the reference, even when it fails (jansson releases the
 * value when object is NULL); a NULL value (out of memory) fails.
 */
static bool set(json_t *object, const char *key, json_t *value)
{
    return json_object_set_new(object, key, value) == 0;
}

static json_t *pages_json(uint64_t pages)
{
    return json_pack("{s:I, s:I}", "pages", (json_int_t)pages, "bytes", (json_int_t)(pages * PAGE));
}

static json_t *part_json(const struct footprint *footprint, enum part part, uint64_t pages)
{
    return footprint->known[part] ? pages_json(pages) : json_null();
}

static json_t *footprint_json(const struct report *report)
{
    const struct footprint *f = &report->footprint;
    json_t *object = json_object();
    json_t *per_thread = json_object();
    bool ok = object != NULL && per_thread != NULL;

    for (enum part part = PART_STACK; ok && part <= PART_THREAD_DATA; part++)
        ok = set(per_thread, parts[part].json_name,
                 part_json(f, part, f->pages[part] / f->thread_count));
    ok = ok && set(per_thread, "total", pages_json(f->per_thread_pages));
    for (enum part part = PART_CODE; ok && part <= PART_HEAP; part++)
        ok = set(object, parts[part].json_name, part_json(f, part, f->pages[part]));
    ok = set(object, "per_thread", per_thread) && ok;
    ok = ok && set(object, "thread_count", json_integer((json_int_t)f->thread_count)) &&
         set(object, "threads", pages_json(f->per_thread_pages * f->thread_count)) &&
         set(object, "total_added", pages_json(f->added_pages)) &&
         set(object, "complete", json_boolean(report->source != SOURCE_CONFIG));
    if (!ok) {
        json_decref(object);
        return NULL;
    }
    return object;
}

static json_t *recommendation_json(const struct report *report, cella_size_table_family_t family)
{
    const cella_size_table_choice_t *choice = &report->choices[family];
    char warnings[2][MESSAGE_MAX_BYTES];
    size_t count = family_warnings(report, family, warnings);
    json_t *object = json_object();
    json_t *list = json_array();
    bool ok = object != NULL && list != NULL;

    for (size_t i = 0; ok && i < count; i++)
        ok = json_array_append_new(list, json_string(warnings[i])) == 0;
    ok = ok && set(object, "family", json_string(cella_size_table_family_name(family))) &&
         set(object, "size", json_string(choice->vm->name)) &&
         set(object, "disk_size",
             choice->vm->disk_name != NULL ? json_string(choice->vm->disk_name) : json_null()) &&
         set(object, "epc_bytes", json_integer((json_int_t)choice->vm->epc_size)) &&
         set(object, "fits", json_boolean(choice->fits)) &&
         set(object, "has_headroom", json_boolean(choice->has_headroom)) &&
         set(object, "near_limit", json_boolean(choice->is_near_limit));
    ok = set(object, "warnings", list) && ok;
    if (!ok) {
        json_decref(object);
        return NULL;
    }
    return object;
}

static json_t *report_json(const struct report *report)
{
    const struct options *options = report->options;
    const struct footprint *f = &report->footprint;
    char note_text[NOTE_COUNT][MESSAGE_MAX_BYTES];
    json_t *object = json_object();
    json_t *input = json_object();
    json_t *sizing = json_object();
    json_t *recommendations = json_array();
    json_t *note_list = json_array();
    bool ok = object != NULL && input != NULL && sizing != NULL && recommendations != NULL &&
              note_list != NULL;

    notes(note_text);
    ok = ok && set(input, "source", json_string(source_names[report->source])) &&
         set(input, "enclave",
             options->enclave_path != NULL ? json_text(options->enclave_path) : json_null()) &&
         set(input, "config",
             options->config_path != NULL ? json_text(options->config_path) : json_null());
    ok = ok && set(sizing, "headroom", json_real((double)options->headroom / 1000.0)) &&
         set(sizing, "instances", json_integer((json_int_t)options->instance_count)) &&
         set(sizing, "footprint_bytes",
             json_integer((json_int_t)report->choices[0].footprint_size)) &&
         set(sizing, "needed_bytes", json_integer((json_int_t)report->choices[0].needed_size));
    for (unsigned family = 0; ok && family < CELLA_SIZE_TABLE_FAMILY_COUNT; family++)
        ok = json_array_append_new(
                 recommendations, recommendation_json(report, (cella_size_table_family_t)family)) ==
             0;
    for (size_t i = 0; ok && i < NOTE_COUNT; i++)
        ok = json_array_append_new(note_list, json_string(note_text[i])) == 0;
    ok = set(object, "input", input) && ok;
    ok = ok && set(object, "page_size", json_integer((json_int_t)PAGE)) &&
         set(object, "footprint", footprint_json(report)) &&
         set(object, "guard", pages_json(f->pages[PART_GUARD])) &&
         set(object, "virtual_size",
             f->enclave_size != 0 ? json_integer((json_int_t)f->enclave_size) : json_null()) &&
         set(object, "committed_at_load", json_true());
    ok = set(object, "sizing", sizing) && ok;
    ok = set(object, "recommendations", recommendations) && ok;
    ok = set(object, "notes", note_list) && ok;
    if (!ok) {
        json_decref(object);
        return NULL;
    }
    return object;
}

static int print_json(const struct report *report)
{
    json_t *object = report_json(report);
    char *text =
        object != NULL
            ? json_dumps(object, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))
            : NULL;

    json_decref(object);
    if (text == NULL) {
        fprintf(stderr, PROGRAM ": out of memory\n");
        return EXIT_ERROR;
    }
    printf("%s\n", text);
    free(text);
    return EXIT_OK;
}

/* --vm-sizes: every family's sizes, smallest EPC first. */
static int print_vm_sizes(bool json)
{
    json_t *families = json ? json_array() : NULL;
    bool ok = !json || families != NULL;

    for (unsigned f = 0; ok && f < CELLA_SIZE_TABLE_FAMILY_COUNT; f++) {
        cella_size_table_family_t family = (cella_size_table_family_t)f;
        const cella_size_table_vm_t *vms = NULL;
        size_t count = cella_size_table_get_vms(family, &vms);
        json_t *object = NULL, *sizes = NULL;

        if (json) {
            object = json_object();
            sizes = json_array();
            ok = object != NULL && sizes != NULL &&
                 set(object, "family", json_string(cella_size_table_family_name(family)));
        } else {
            printf("%s%s (%s):\n", f == 0 ? "" : "\n", cella_size_table_family_name(family),
                   family == CELLA_SIZE_TABLE_DCSV3 ? "cores, EPC in GiB as Azure lists it"
                                                    : "vCPUs, EPC in MiB as Azure lists it");
        }
        for (size_t i = 0; ok && i < count; i++) {
            const cella_size_table_vm_t *vm = &vms[i];
            if (json) {
                json_t *size = json_object();
                ok = size != NULL && set(size, "size", json_string(vm->name)) &&
                     set(size, "disk_size",
                         vm->disk_name != NULL ? json_string(vm->disk_name) : json_null()) &&
                     set(size, "cpus", json_integer((json_int_t)vm->cpu_count)) &&
                     set(size, "epc_bytes", json_integer((json_int_t)vm->epc_size));
                ok = json_array_append_new(sizes, size) == 0 && ok;
                continue;
            }
            char name[64], epc[32];
            format_vm(vm, name, sizeof(name));
            format_bytes(vm->epc_size, epc, sizeof(epc));
            printf("  %-24s %3" PRIu32 " %-6s %10s of EPC (%" PRIu64 " bytes)\n", name,
                   vm->cpu_count,
                   family == CELLA_SIZE_TABLE_DCSV3 ? (vm->cpu_count == 1 ? "core" : "cores")
                                                    : (vm->cpu_count == 1 ? "vCPU" : "vCPUs"),
                   epc, vm->epc_size);
        }
        if (json && object == NULL) {
            json_decref(sizes);
            ok = false;
        } else if (json) {
            ok = set(object, "sizes", sizes) && ok;
            ok = json_array_append_new(families, object) == 0 && ok;
        }
    }
    if (json && ok) {
        char *text = json_dumps(families, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        ok = text != NULL;
        if (ok)
            printf("%s\n", text);
        free(text);
    }
    json_decref(families);
    if (!ok) {
        fprintf(stderr, PROGRAM ": out of memory\n");
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Command line                                                                               */
/* ------------------------------------------------------------------------------------------ */

/* Reports a usage error: the message, then the usage, to standard error. */
static int usage_error(const char *message, const char *argument)
{
    fprintf(stderr, PROGRAM ": %s%s%s\n\n", message, argument != NULL ? ": " : "",
            argument != NULL ? argument : "");
    usage(stderr);
    return EXIT_USAGE;
}

static bool parse_instances(const char *text, uint32_t *count)
{
    char *end = NULL;
    unsigned long value;

    if (text[0] < '0' || text[0] > '9')
        return false;
    errno = 0;
    value = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < 1 || value > INSTANCES_MAX)
        return false;
    *count = (uint32_t)value;
    return true;
}

/*
 * Matches argv[*i] against --name VALUE and --name=VALUE. Returns false when it is not that
 * option; otherwise sets *value (NULL when the value is missing) and moves *i past it.
 */
static bool match_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t name_size = strlen(name);
    const char *argument = argv[*i];

    if (strncmp(argument, name, name_size) != 0)
        return false;
    if (argument[name_size] == '=') {
        *value = argument + name_size + 1;
        return true;
    }
    if (argument[name_size] != '\0')
        return false;
    *value = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

/* Reads the command line; returns an exit code, or -1 to go on. */
static int parse_options(int argc, char **argv, struct options *options)
{
    static const char *const path_names[] = {"--enclave", "--config"};
    const char **paths[] = {&options->enclave_path, &options->config_path};
    const char *positional = NULL;
    bool has_headroom = false;
    bool has_instances = false;
    bool options_done = false;

    for (int i = 1; i < argc; i++) {
        const char *argument = argv[i];
        const char *value = NULL;
        bool matched = false;

        if (options_done || argument[0] != '-' || argument[1] == '\0') {
            if (positional != NULL)
                return usage_error("one enclave at a time; also given", argument);
            positional = argument;
            continue;
        }
        if (strcmp(argument, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(argument, "-h") == 0 || strcmp(argument, "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        if (strcmp(argument, "--json") == 0) {
            options->json = true;
            continue;
        }
        if (strcmp(argument, "--vm-sizes") == 0) {
            options->vm_sizes = true;
            continue;
        }
        for (size_t p = 0; p < sizeof(path_names) / sizeof(path_names[0]); p++) {
            if (!match_value(argc, argv, &i, path_names[p], &value))
                continue;
            matched = true;
            if (value == NULL || value[0] == '\0')
                return usage_error("needs a file name", path_names[p]);
            if (*paths[p] != NULL)
                return usage_error("given twice", path_names[p]);
            *paths[p] = value;
        }
        if (matched)
            continue;
        if (match_value(argc, argv, &i, "--headroom", &value)) {
            if (has_headroom)
                return usage_error("given twice", "--headroom");
            if (value == NULL ||
                cella_size_table_parse_headroom(value, &options->headroom) != CELLA_OK) {
                fprintf(stderr,
                        PROGRAM ": --headroom: '%s' is not a factor from 1.0 to 10 (at most "
                                "three decimals, e.g. 1.25)\n",
                        value != NULL ? value : "");
                return EXIT_USAGE;
            }
            has_headroom = true;
            continue;
        }
        if (match_value(argc, argv, &i, "--instances", &value)) {
            if (has_instances)
                return usage_error("given twice", "--instances");
            if (value == NULL || !parse_instances(value, &options->instance_count)) {
                fprintf(stderr, PROGRAM ": --instances: '%s' is not a whole number from 1 to %u\n",
                        value != NULL ? value : "", INSTANCES_MAX);
                return EXIT_USAGE;
            }
            has_instances = true;
            continue;
        }
        return usage_error("unknown option", argument);
    }
    if (positional != NULL && options->enclave_path != NULL)
        return usage_error("the enclave is given twice (as --enclave and as an argument)",
                           positional);
    if (positional != NULL)
        options->enclave_path = positional;
    if (options->vm_sizes && (options->enclave_path != NULL || options->config_path != NULL ||
                              has_headroom || has_instances))
        return usage_error("--vm-sizes takes no enclave, configuration or sizing option", NULL);
    if (options->vm_sizes)
        return -1;
    if (options->enclave_path == NULL && options->config_path == NULL)
        return usage_error("no enclave and no configuration given", NULL);
    return -1;
}

/* Standard output, flushed: a write that failed (a full disk, a closed pipe) is an error. */
static int finish_output(int status)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: writing the output: %s\n", PROGRAM,
                errno != 0 ? strerror(errno) : "write error");
        return status == EXIT_OK ? EXIT_ERROR : status;
    }
    return status;
}

int size_main(int argc, char **argv)
{
    struct options options = {
        .instance_count = 1,
        .headroom = CELLA_SIZE_TABLE_HEADROOM_DEFAULT,
    };
    struct report report;
    int status;

    status = parse_options(argc, argv, &options);
    if (status >= 0)
        return status;

    if (options.vm_sizes)
        return finish_output(print_vm_sizes(options.json));
    memset(&report, 0, sizeof(report));
    report.options = &options;
    subcommand_log_to_stderr(PROGRAM);
    status = measure(&options, &report);
    if (status == EXIT_OK)
        status = choose_sizes(&report);
    if (status == EXIT_OK && options.json)
        status = print_json(&report);
    else if (status == EXIT_OK)
        print_text(&report);
    subcommand_log_stop();
    return finish_output(status);
}
