/* Debian's LLVM libunwind.a (libunwind-14-dev) is built against glibc with
 * _FORTIFY_SOURCE and calls __fprintf_chk; musl has no such symbol. This is
 * the one function it needs, as glibc defines it, minus the check. */
#include <stdarg.h>
#include <stdio.h>
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...) {
    (void)flag;
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}
