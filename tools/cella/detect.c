/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/detect.c: placeholder until the subcommand lands (issue 2). */
#include <stdio.h>

#include "subcommands.h"

int detect_main(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "cella %s: not built yet\n", argv[0]);
    return 1;
}
