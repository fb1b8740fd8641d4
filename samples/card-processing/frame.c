/* SPDX-License-Identifier: Apache-2.0 */
/* samples/card-processing/frame.c: length-prefixed messages over a stream socket. */
#include <errno.h>
#include <sys/socket.h>

#include "frame.h"

static bool send_all(int fd, const uint8_t *data, size_t size)
{
    while (size > 0) {
        ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0)
            return false;
        data += sent;
        size -= (size_t)sent;
    }
    return true;
}

static bool receive_all(int fd, uint8_t *data, size_t size)
{
    while (size > 0) {
        ssize_t got = recv(fd, data, size, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        data += got;
        size -= (size_t)got;
    }
    return true;
}

bool send_frame(int fd, const uint8_t *data, size_t size)
{
    uint8_t length[4] = {(uint8_t)(size >> 24), (uint8_t)(size >> 16), (uint8_t)(size >> 8),
                         (uint8_t)size};
    return send_all(fd, length, sizeof(length)) && send_all(fd, data, size);
}

bool receive_frame(int fd, uint8_t *data, size_t capacity, size_t *size)
{
    uint8_t length[4];
    if (!receive_all(fd, length, sizeof(length)))
        return false;
    *size = (size_t)length[0] << 24 | (size_t)length[1] << 16 | (size_t)length[2] << 8 | length[3];
    return *size <= capacity && receive_all(fd, data, *size);
}
