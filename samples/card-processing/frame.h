/* SPDX-License-Identifier: Apache-2.0 */
/* samples/card-processing/frame.h: length-prefixed messages over a stream socket (host and
 * client): a 4-byte big-endian length, then that many bytes. */
#ifndef CARD_FRAME_H
#define CARD_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The moment, seconds from now, by which an exchange must be over (for the calls below). A
 * peer that sends or reads slowly cannot stretch an exchange past it. */
uint64_t frame_deadline(unsigned seconds);

/* Each fails (errno ETIMEDOUT) once the deadline has passed. */
bool send_frame(int fd, const uint8_t *data, size_t size, uint64_t deadline);

/* One frame of at most capacity bytes into data; *size gets its length. */
bool receive_frame(int fd, uint8_t *data, size_t capacity, size_t *size, uint64_t deadline);

#endif
