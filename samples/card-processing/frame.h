/* SPDX-License-Identifier: Apache-2.0 */
/* samples/card-processing/frame.h: length-prefixed messages over a stream socket (host and
 * client): a 4-byte big-endian length, then that many bytes. */
#ifndef CARD_FRAME_H
#define CARD_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool send_frame(int fd, const uint8_t *data, size_t size);

/* One frame of at most capacity bytes into data; *size gets its length. */
bool receive_frame(int fd, uint8_t *data, size_t capacity, size_t *size);

#endif
