/* panelprep without callbacks: file mode reading an open file descriptor, then the same bytes
 * through a pull-mode session (zlib style: push input, pull output into your own buffer), as
 * an event loop that cannot take callbacks would. Both outputs are identical.
 *
 * Usage: pull_example IN.fq[.gz] OUT_FILE_MODE.fq OUT_PULLED.fq */
#define _POSIX_C_SOURCE 200809L

#include "panelprep.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int fail(const char *what, pp_status st) {
    fprintf(stderr, "%s failed: %s (%d): %s\n", what, pp_status_str(st), (int)st,
            pp_last_error_message());
    return 1;
}

/* Takes every ready output byte and writes it to `out`. */
static pp_status drain(pp_stream *s, FILE *out) {
    unsigned char buf[16384];
    for (;;) {
        size_t written = 0;
        pp_status st = pp_stream_pull(s, 0, buf, sizeof buf, &written);
        if (st != PP_STATUS_OK || written == 0) return st;
        fwrite(buf, 1, written, out);
    }
}

int main(int argc, char **argv) {
    pp_options *o = NULL;
    pp_stream *s = NULL;
    const pp_report *r = NULL;
    unsigned char in[65536];
    ssize_t n;
    uint64_t reads = 0;
    pp_status st;
    FILE *out;
    int fd;
    if (argc != 4) {
        fprintf(stderr, "usage: %s IN OUT_FILE_MODE OUT_PULLED\n", argv[0]);
        return 2;
    }
    pp_options_new(&o);
    pp_options_set_memory_limit(o, 1 << 20); /* queue at most about 1 MiB per side */

    /* File mode from a descriptor: the library reads a duplicate, `fd` stays ours to close. */
    fd = open(argv[1], O_RDONLY);
    if (fd < 0) return 1;
    st = pp_run_se_fd(o, fd, argv[2], &r);
    if (st != PP_STATUS_OK) return fail("pp_run_se_fd", st);
    pp_report_reads_in(r, &reads);
    printf("file mode: %llu reads in\n", (unsigned long long)reads);
    pp_report_free(r);
    r = NULL;

    /* Pull mode: push what you read, pull after every push; WOULD_BLOCK means "pull first". */
    if (lseek(fd, 0, SEEK_SET) != 0 || !(out = fopen(argv[3], "wb"))) return 1;
    st = pp_stream_open_pull(o, 1, 1, &s);
    while (st == PP_STATUS_OK && (n = read(fd, in, sizeof in)) > 0) {
        while ((st = pp_stream_push(s, 0, in, (size_t)n)) == PP_STATUS_WOULD_BLOCK)
            if ((st = drain(s, out)) != PP_STATUS_OK) break;
        if (st == PP_STATUS_OK) st = drain(s, out);
    }
    /* End of input: finish returns WOULD_BLOCK while output waits to be pulled. */
    while (st == PP_STATUS_OK && (st = pp_stream_finish(s, &r)) == PP_STATUS_WOULD_BLOCK)
        st = drain(s, out);
    fclose(out);
    close(fd);
    if (st != PP_STATUS_OK) return fail("pull mode", st);
    pp_report_reads_in(r, &reads);
    printf("pulled: %llu reads in\n", (unsigned long long)reads);
    pp_report_free(r);
    pp_stream_free(s);
    pp_options_free(o);
    return 0;
}
