/* SPDX-License-Identifier: Apache-2.0 */
/* samples/card-processing/frame.c: length-prefixed messages over a stream socket. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include "frame.h"

static uint64_t now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

uint64_t frame_deadline(unsigned seconds)
{
    return now_ms() + (uint64_t)seconds * 1000u;
}

/* Waits until fd is ready for events, or fails with ETIMEDOUT once the deadline has passed. */
static bool wait_ready(int fd, short events, uint64_t deadline)
{
    for (;;) {
        uint64_t now = now_ms();
        if (now >= deadline) {
            errno = ETIMEDOUT;
            return false;
        }
        struct pollfd entry = {.fd = fd, .events = events};
        uint64_t left = deadline - now;
        int ready = poll(&entry, 1, left > 60000 ? 60000 : (int)left);
        if (ready > 0)
            return true;
        if (ready < 0 && errno != EINTR)
            return false;
    }
}

static bool send_all(int fd, const uint8_t *data, size_t size, uint64_t deadline)
{
    while (size > 0) {
        if (!wait_ready(fd, POLLOUT, deadline))
            return false;
        ssize_t sent = send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (sent <= 0)
            return false;
        data += sent;
        size -= (size_t)sent;
    }
    return true;
}

static bool receive_all(int fd, uint8_t *data, size_t size, uint64_t deadline)
{
    while (size > 0) {
        if (!wait_ready(fd, POLLIN, deadline))
            return false;
        ssize_t got = recv(fd, data, size, MSG_DONTWAIT);
        if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (got <= 0)
            return false;
        data += got;
        size -= (size_t)got;
    }
    return true;
}

bool send_frame(int fd, const uint8_t *data, size_t size, uint64_t deadline)
{
    uint8_t length[4] = {(uint8_t)(size >> 24), (uint8_t)(size >> 16), (uint8_t)(size >> 8),
                         (uint8_t)size};
    return send_all(fd, length, sizeof(length), deadline) && send_all(fd, data, size, deadline);
}

bool receive_frame(int fd, uint8_t *data, size_t capacity, size_t *size, uint64_t deadline)
{
    uint8_t length[4];
    if (!receive_all(fd, length, sizeof(length), deadline))
        return false;
    *size = (size_t)length[0] << 24 | (size_t)length[1] << 16 | (size_t)length[2] << 8 | length[3];
    return *size <= capacity && receive_all(fd, data, *size, deadline);
}
