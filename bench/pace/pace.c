/* pace: an open-loop HTTP load generator for the capacity measures of `make bench`.
 *
 * Request i is due at start + i / rate. Each request opens its own connection to 127.0.0.1
 * (as behind a buffering reverse proxy: a gunicorn sync worker is never held by an idle client),
 * sends "Connection: close" and reads the answer to the end. Its latency counts from its due time,
 * so a slow server cannot hide its queue behind a waiting client (coordinated omission).
 * Single-threaded, epoll; a compiled program so the driver costs little CPU beside the server.
 *
 * Environment (the same names as the rest of the bench):
 *   BENCH_MODE      get (default) or survey
 *   BENCH_PATH      the path requested
 *   BENCH_RATE      requests per second (survey: respondents per second)
 *   BENCH_HEADERS   extra request headers, "Name: value|Name: value" (get mode)
 *   BENCH_STATUS    the expected status of a GET (default 200)
 *   BENCH_QUESTIONS, BENCH_REGIONS   comma-separated ids (survey mode)
 * Survey mode: GET the path (a new visitor: no cookie), take the csrftoken cookie and the form's
 * token, then at once POST the answers with them; a 302 is an accepted response. The POST's
 * latency counts from the moment the GET was answered.
 *
 * Usage: pace PORT SECONDS. Prints one line: BENCH {json}. Bounded: 127.0.0.1 only, SECONDS of
 * sending, then at most 10 s to finish what is in flight.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_S 10.0

typedef struct {
    int fd, phase; /* phase 0: GET, 1: survey POST */
    double due;
    char *out; size_t out_len, out_sent;
    char *in; size_t in_len, in_cap;
} conn_t;

static int port, expected = 200, survey = 0;
static const char *path, *headers_env;
static char extra_headers[4096];
static char **questions, **regions; static int nq, nr;
static double *lat; static size_t nlat, caplat;
static long ok_count, bad_count, accepted, socket_errors, outstanding;

static double now(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char **split(const char *s, int *n) {
    char **out = NULL; *n = 0;
    if (!s || !*s) return NULL;
    char *copy = strdup(s), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        out = realloc(out, sizeof(char *) * (*n + 1)); out[(*n)++] = t;
    }
    return out;
}

static void record(double due, int good) {
    if (nlat == caplat) { caplat = caplat ? caplat * 2 : 65536; lat = realloc(lat, caplat * sizeof(double)); }
    double waited = now() - due;
    lat[nlat++] = waited < 0 ? 0 : waited;
    if (good) ok_count++; else bad_count++;
}

static conn_t *open_conn(int ep, int phase, double due, char *request, size_t len) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd < 0 || (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS)) {
        if (fd >= 0) close(fd);
        free(request); socket_errors++; record(due, 0); return NULL;
    }
    conn_t *c = calloc(1, sizeof *c);
    c->fd = fd; c->phase = phase; c->due = due; c->out = request; c->out_len = len;
    struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    outstanding++;
    return c;
}

static char *get_request(size_t *len) {
    char *r = NULL;
    int n = asprintf(&r, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n", path,
                     survey ? "" : extra_headers);
    *len = n; return r;
}

static char *post_request(const char *token, const char *cookie, size_t *len) {
    size_t cap = 256 + strlen(token) + 16 * (size_t)nq; char *body = malloc(cap); size_t b = 0;
    b += snprintf(body + b, cap - b, "csrfmiddlewaretoken=%s&region=%s", token, regions[rand() % nr]);
    for (int i = 0; i < nq; i++) b += snprintf(body + b, cap - b, "&q%s=%d", questions[i], 1 + rand() % 5);
    char *r = NULL;
    int n = asprintf(&r, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                         "Content-Type: application/x-www-form-urlencoded\r\nCookie: csrftoken=%s\r\n"
                         "Content-Length: %zu\r\n\r\n%s", path, cookie, b, body);
    free(body); *len = n; return r;
}

static int copy_after(const char *hay, const char *marker, char stop, char *dst, size_t cap) {
    const char *p = strstr(hay, marker);
    if (!p) return 0;
    p += strlen(marker);
    size_t i = 0;
    while (p[i] && p[i] != stop && p[i] != ';' && p[i] != '\r' && i + 1 < cap) { dst[i] = p[i]; i++; }
    dst[i] = 0; return i > 0;
}

static void finish(int ep, conn_t *c, int failed) {
    outstanding--;
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    int status = 0;
    if (!failed && c->in_len > 12) { c->in[c->in_len] = 0; status = atoi(c->in + 9); }
    if (failed) socket_errors++;
    if (!survey) record(c->due, status == expected);
    else if (c->phase == 1) { record(c->due, status == 302); if (status == 302) accepted++; }
    else {
        char token[256], cookie[256];
        int good = status == 200 && !failed && copy_after(c->in, "name=\"csrfmiddlewaretoken\" value=\"", '"', token, sizeof token)
                   && (copy_after(c->in, "Set-Cookie: csrftoken=", ';', cookie, sizeof cookie)
                       || copy_after(c->in, "set-cookie: csrftoken=", ';', cookie, sizeof cookie));
        record(c->due, good);
        if (good) { size_t len; char *r = post_request(token, cookie, &len); open_conn(ep, 1, now(), r, len); }
    }
    free(c->out); free(c->in); free(c);
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y);
}

static double pct(double p) {
    if (!nlat) return 0;
    size_t i = (size_t)(p * nlat); if (i >= nlat) i = nlat - 1;
    return lat[i] * 1000;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: pace PORT SECONDS\n"); return 2; }
    port = atoi(argv[1]); double seconds = atof(argv[2]);
    const char *mode = getenv("BENCH_MODE"); survey = mode && !strcmp(mode, "survey");
    path = getenv("BENCH_PATH"); double rate = atof(getenv("BENCH_RATE") ? getenv("BENCH_RATE") : "0");
    if (!path || rate <= 0) { fprintf(stderr, "BENCH_PATH and BENCH_RATE are required\n"); return 2; }
    if (getenv("BENCH_STATUS")) expected = atoi(getenv("BENCH_STATUS"));
    headers_env = getenv("BENCH_HEADERS");
    if (headers_env && *headers_env) {
        size_t o = 0; char *copy = strdup(headers_env), *save = NULL;
        for (char *h = strtok_r(copy, "|", &save); h; h = strtok_r(NULL, "|", &save))
            o += snprintf(extra_headers + o, sizeof extra_headers - o, "%s\r\n", h);
    }
    questions = split(getenv("BENCH_QUESTIONS"), &nq); regions = split(getenv("BENCH_REGIONS"), &nr);
    if (survey && (!nq || !nr)) { fprintf(stderr, "BENCH_QUESTIONS and BENCH_REGIONS are required\n"); return 2; }
    srand(7919);

    int ep = epoll_create1(0);
    struct epoll_event events[256];
    double start = now() + 0.05, end = start + seconds;
    long i = 0;
    for (;;) {
        double t = now();
        while (start + i / rate <= t && start + i / rate < end) { /* start every request now due */
            size_t len; char *r = get_request(&len);
            open_conn(ep, 0, start + i / rate, r, len); i++;
        }
        double next = start + i / rate;
        if (t > end + TIMEOUT_S) break;
        int wait_ms = next < end ? (int)((next - t) * 1000) : 50;
        if (wait_ms < 0) wait_ms = 0;
        int n = epoll_wait(ep, events, 256, wait_ms);
        for (int k = 0; k < n; k++) {
            conn_t *c = events[k].data.ptr;
            if (events[k].events & (EPOLLERR)) { finish(ep, c, 1); continue; }
            if ((events[k].events & EPOLLOUT) && c->out_sent < c->out_len) {
                ssize_t w = write(c->fd, c->out + c->out_sent, c->out_len - c->out_sent);
                if (w < 0 && errno != EAGAIN) { finish(ep, c, 1); continue; }
                if (w > 0) c->out_sent += w;
                if (c->out_sent == c->out_len) {
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                }
            }
            if (events[k].events & (EPOLLIN | EPOLLHUP)) {
                for (;;) {
                    if (c->in_cap - c->in_len < 65536) { c->in_cap = c->in_cap * 2 + 65536; c->in = realloc(c->in, c->in_cap + 1); }
                    ssize_t r = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
                    if (r > 0) { c->in_len += r; continue; }
                    if (r == 0) { finish(ep, c, 0); break; }
                    if (errno == EAGAIN) break;
                    finish(ep, c, 1); break;
                }
            }
        }
        if (t >= end && outstanding == 0) break; /* everything sent has been answered */
    }
    long unanswered = outstanding; /* still open after the grace time: counted as errors */
    qsort(lat, nlat, sizeof(double), cmp);
    printf("BENCH {\"requests\": %zu, \"accepted\": %ld, \"ok\": %ld, \"errors\": %ld, \"seconds\": %.3f, "
           "\"socket_errors\": %ld, \"unanswered\": %ld, \"p50_ms\": %.2f, \"p95_ms\": %.2f, \"p99_ms\": %.2f, "
           "\"max_ms\": %.2f}\n",
           nlat, accepted, ok_count, bad_count + (unanswered > 0 ? unanswered : 0), seconds, socket_errors,
           unanswered > 0 ? unanswered : 0, pct(0.50), pct(0.95), pct(0.99), nlat ? lat[nlat - 1] * 1000 : 0);
    return 0;
}
