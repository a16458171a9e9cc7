/*
 * tfile.h - reading a whole file in tests (fixtures, golden outputs, the
 * lowering corpus), shared by every tier.
 */
#ifndef K6C_TEST_TFILE_H
#define K6C_TEST_TFILE_H

#include <stddef.h>

/* The contents of path, NUL-terminated, in memory the caller frees; *len
 * (if len is not NULL) gets the size without the NUL. NULL if the file
 * cannot be opened or read (errno says why) or memory runs out. */
char *ts_read_file(const char *path, size_t *len);

#endif
