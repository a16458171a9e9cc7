/*
 * k6c/common.h - macros shared by every public libk6c header.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_COMMON_H
#define K6C_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
# define K6C_BEGIN_DECL extern "C" {
# define K6C_END_DECL }
#else
# define K6C_BEGIN_DECL
# define K6C_END_DECL
#endif

/**
 * K6C_EXTERN - marks a function exported from libk6c.
 *
 * The library is built with hidden visibility; only declarations carrying
 * this macro are part of the ABI.
 *
 * Since: 0.1
 */
#if defined(_WIN32)
# define K6C_EXTERN(type) __declspec(dllexport) type
#elif defined(__GNUC__)
# define K6C_EXTERN(type) __attribute__((visibility("default"))) type
#else
# define K6C_EXTERN(type) type
#endif

#endif /* K6C_COMMON_H */
