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
# define K6C__EXTERN_C_BEGIN extern "C" {
# define K6C__EXTERN_C_END }
#else
# define K6C__EXTERN_C_BEGIN
# define K6C__EXTERN_C_END
#endif

/**
 * K6C_BEGIN_DECL - opens a block of C declarations (extern "C" in C++).
 *
 * Since: 0.1
 */
#define K6C_BEGIN_DECL K6C__EXTERN_C_BEGIN

/**
 * K6C_END_DECL - closes a block opened with K6C_BEGIN_DECL.
 *
 * Since: 0.1
 */
#define K6C_END_DECL K6C__EXTERN_C_END

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
