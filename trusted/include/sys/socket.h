/* SPDX-License-Identifier: Apache-2.0 */
/* sys/socket.h: sockets do not exist inside an enclave; each call is a compile error. */
#ifndef CELLA_LIBC_SYS_SOCKET_H
#define CELLA_LIBC_SYS_SOCKET_H

#include "../cella_libc_defs.h"
#include "types.h"

CELLA_LIBC_BEGIN

typedef unsigned int socklen_t;
typedef unsigned short sa_family_t;

struct sockaddr {
    sa_family_t sa_family;
    char sa_data[14];
};

/* Linux's values, so code that spells them compiles far enough to reach the message below. */
#define AF_UNIX     1
#define AF_INET     2
#define AF_INET6    10
#define SOCK_STREAM 1
#define SOCK_DGRAM  2

int socket(int domain, int type, int protocol)
    CELLA_LIBC_NOT_IN_ENCLAVE(socket, CELLA_LIBC_USE_OCALL_NET);
int connect(int fd, const struct sockaddr *address, socklen_t size)
    CELLA_LIBC_NOT_IN_ENCLAVE(connect, CELLA_LIBC_USE_OCALL_NET);
int bind(int fd, const struct sockaddr *address, socklen_t size)
    CELLA_LIBC_NOT_IN_ENCLAVE(bind, CELLA_LIBC_USE_OCALL_NET);
int listen(int fd, int backlog) CELLA_LIBC_NOT_IN_ENCLAVE(listen, CELLA_LIBC_USE_OCALL_NET);
int accept(int fd, struct sockaddr *address, socklen_t *size)
    CELLA_LIBC_NOT_IN_ENCLAVE(accept, CELLA_LIBC_USE_OCALL_NET);
ssize_t send(int fd, const void *buffer, size_t size, int flags)
    CELLA_LIBC_NOT_IN_ENCLAVE(send, CELLA_LIBC_USE_OCALL_NET);
ssize_t recv(int fd, void *buffer, size_t size, int flags)
    CELLA_LIBC_NOT_IN_ENCLAVE(recv, CELLA_LIBC_USE_OCALL_NET);
ssize_t sendto(int fd, const void *buffer, size_t size, int flags, const struct sockaddr *to,
               socklen_t to_size) CELLA_LIBC_NOT_IN_ENCLAVE(sendto, CELLA_LIBC_USE_OCALL_NET);
ssize_t recvfrom(int fd, void *buffer, size_t size, int flags, struct sockaddr *from,
                 socklen_t *from_size)
    CELLA_LIBC_NOT_IN_ENCLAVE(recvfrom, CELLA_LIBC_USE_OCALL_NET);
int setsockopt(int fd, int level, int name, const void *value, socklen_t size)
    CELLA_LIBC_NOT_IN_ENCLAVE(setsockopt, CELLA_LIBC_USE_OCALL_NET);
int getsockopt(int fd, int level, int name, void *value, socklen_t *size)
    CELLA_LIBC_NOT_IN_ENCLAVE(getsockopt, CELLA_LIBC_USE_OCALL_NET);
int shutdown(int fd, int how) CELLA_LIBC_NOT_IN_ENCLAVE(shutdown, CELLA_LIBC_USE_OCALL_NET);

CELLA_LIBC_END

#endif /* CELLA_LIBC_SYS_SOCKET_H */
