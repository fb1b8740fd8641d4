/* SPDX-License-Identifier: Apache-2.0 */
/* unistd.h: POSIX system calls do not exist inside an enclave; each is a compile error. */
#ifndef CELLA_LIBC_UNISTD_H
#define CELLA_LIBC_UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

ssize_t read(int fd, void *buffer, size_t size)
    CELLA_LIBC_NOT_IN_ENCLAVE(read, CELLA_LIBC_USE_OCALL_FILES);
ssize_t write(int fd, const void *buffer, size_t size)
    CELLA_LIBC_NOT_IN_ENCLAVE(write, "use printf for output, or " CELLA_LIBC_USE_OCALL_FILES);
ssize_t pread(int fd, void *buffer, size_t size, off_t offset)
    CELLA_LIBC_NOT_IN_ENCLAVE(pread, CELLA_LIBC_USE_OCALL_FILES);
ssize_t pwrite(int fd, const void *buffer, size_t size, off_t offset)
    CELLA_LIBC_NOT_IN_ENCLAVE(pwrite, CELLA_LIBC_USE_OCALL_FILES);
int close(int fd) CELLA_LIBC_NOT_IN_ENCLAVE(close, CELLA_LIBC_USE_OCALL_FILES);
off_t lseek(int fd, off_t offset, int whence)
    CELLA_LIBC_NOT_IN_ENCLAVE(lseek, CELLA_LIBC_USE_OCALL_FILES);
int unlink(const char *path) CELLA_LIBC_NOT_IN_ENCLAVE(unlink, CELLA_LIBC_USE_OCALL_FILES);
int access(const char *path, int mode)
    CELLA_LIBC_NOT_IN_ENCLAVE(access, CELLA_LIBC_USE_OCALL_FILES);
char *getcwd(char *buffer, size_t size)
    CELLA_LIBC_NOT_IN_ENCLAVE(getcwd, CELLA_LIBC_USE_OCALL_FILES);
int chdir(const char *path) CELLA_LIBC_NOT_IN_ENCLAVE(chdir, CELLA_LIBC_USE_OCALL_FILES);
int dup(int fd) CELLA_LIBC_NOT_IN_ENCLAVE(dup, CELLA_LIBC_USE_OCALL_FILES);
int dup2(int fd, int new_fd) CELLA_LIBC_NOT_IN_ENCLAVE(dup2, CELLA_LIBC_USE_OCALL_FILES);
int pipe(int fds[2]) CELLA_LIBC_NOT_IN_ENCLAVE(pipe, CELLA_LIBC_USE_OCALL);
int isatty(int fd) CELLA_LIBC_NOT_IN_ENCLAVE(isatty, CELLA_LIBC_USE_OCALL);
unsigned int sleep(unsigned int seconds)
    CELLA_LIBC_NOT_IN_ENCLAVE(sleep, "make an OCALL to the host to wait");
int usleep(unsigned int microseconds)
    CELLA_LIBC_NOT_IN_ENCLAVE(usleep, "make an OCALL to the host to wait");
pid_t getpid(void) CELLA_LIBC_NOT_IN_ENCLAVE(getpid, CELLA_LIBC_USE_OCALL);
pid_t getppid(void) CELLA_LIBC_NOT_IN_ENCLAVE(getppid, CELLA_LIBC_USE_OCALL);
uid_t getuid(void) CELLA_LIBC_NOT_IN_ENCLAVE(getuid, CELLA_LIBC_USE_OCALL);
pid_t fork(void) CELLA_LIBC_NOT_IN_ENCLAVE(fork, CELLA_LIBC_USE_OCALL);
int execve(const char *path, char *const argv[], char *const envp[])
    CELLA_LIBC_NOT_IN_ENCLAVE(execve, CELLA_LIBC_USE_OCALL);
int execv(const char *path, char *const argv[])
    CELLA_LIBC_NOT_IN_ENCLAVE(execv, CELLA_LIBC_USE_OCALL);
int execvp(const char *file, char *const argv[])
    CELLA_LIBC_NOT_IN_ENCLAVE(execvp, CELLA_LIBC_USE_OCALL);
long sysconf(int name) CELLA_LIBC_NOT_IN_ENCLAVE(sysconf, CELLA_LIBC_USE_OCALL);
long syscall(long number, ...)
    CELLA_LIBC_NOT_IN_ENCLAVE(syscall, "an enclave makes no system calls; " CELLA_LIBC_USE_OCALL);
void _exit(int status) CELLA_LIBC_NORETURN CELLA_LIBC_NOT_IN_ENCLAVE(_exit, CELLA_LIBC_USE_RETURN);

CELLA_LIBC_END

#endif /* CELLA_LIBC_UNISTD_H */
