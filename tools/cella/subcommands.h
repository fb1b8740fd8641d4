/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/subcommands.h: the subcommands of `cella`, one file each. */
#ifndef CELLA_TOOLS_SUBCOMMANDS_H
#define CELLA_TOOLS_SUBCOMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Each subcommand gets argv with argv[0] set to its own name and returns the process exit
 * code. Errors go to stderr as "cella <cmd>: <what failed>: <reason>".
 */
struct subcommand {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

/*
 * Runs the command of table (count entries) that argv[1] names, with argv shifted so that it
 * sees its own name first; `cella <program> --help` (or -h, help) prints usage to stdout and
 * returns 0; no command prints usage to stderr and an unknown one says so, both returning 2.
 */
int subcommand_dispatch(const char *program, const struct subcommand *table, size_t count,
                        void (*print_usage)(FILE *out), int argc, char **argv);

/*
 * From now on the library's log lines (warnings and errors) go to stderr as
 * "<prefix>: [warning: ]<message>"; prefix must stay valid until subcommand_log_stop(), which
 * hands them back to the library's default.
 */
void subcommand_log_to_stderr(const char *prefix);
void subcommand_log_stop(void);

/* A whole input, NUL-terminated (the NUL not counted in size). */
struct buffer {
    uint8_t *data;
    size_t size;
};

void buffer_release(struct buffer *buffer);

/*
 * Reads the file at path, or standard input for "-", of at most max_size bytes, into *out
 * (release it with buffer_release()). A failure is printed as "<program>: <what failed>"
 * and gives false.
 */
bool read_input(const char *program, const char *path, size_t max_size, struct buffer *out);

int detect_main(int argc, char **argv);
int edger8r_main(int argc, char **argv); /* also runs as `sgx_edger8r` */
int error_main(int argc, char **argv);
int platform_main(int argc, char **argv);
int quote_main(int argc, char **argv);
int sign_main(int argc, char **argv); /* also runs as `sgx_sign` */
int size_main(int argc, char **argv);
int token_main(int argc, char **argv);

#endif
