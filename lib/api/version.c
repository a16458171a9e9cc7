/*
 * version.c - the version of the library actually loaded, for hosts that
 * compare it with the headers they were built against.
 */
#include "k6c/version.h"

K6C_EXTERN(const char *) k6c_version_string(void)
{
	return K6C_VERSION_STRING;
}

K6C_EXTERN(unsigned) k6c_version_hex(void)
{
	return K6C_VERSION_HEX;
}
