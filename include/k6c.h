/*
 * k6c.h - the libk6c public API (umbrella header).
 *
 * libk6c runs k6 test scripts inside your program. Include this header and
 * link with `pkg-config --libs libk6c`. The header that exposes Duktape for
 * native modules, k6c/module.h, is not included here on purpose.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_H
#define K6C_H

#include "k6c/common.h"
#include "k6c/version.h"
#include "k6c/errors.h"
#include "k6c/test.h"
#include "k6c/metric.h"
#include "k6c/sink.h"
#include "k6c/jsonmod.h"

#endif /* K6C_H */
