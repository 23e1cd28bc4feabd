/*
 * The physical floor of WebSocket fan-out, for the benchmark's peers phase (not shipped).
 *
 * One thread, epoll, no framework: a connection to /sub is a subscriber, one to /pub a publisher.
 * Every text frame a publisher sends is encoded once as a server frame and written to every
 * subscriber with one write() each, so its CPU per delivery is what the kernel's loopback path and
 * one syscall cost: the least any server can spend. Nothing is stored, nothing is parsed beyond the
 * frame header. A subscriber gets {"type":"subscribed"} when it is ready.
 *
 * Build: gcc -O2 -o floor floor.c    Run: ./floor PORT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFD 65536
#define INCAP 70000

typedef struct {
  int open, upgraded, sub;
  unsigned char *in;
  size_t inlen;
  unsigned char *out; /* what the kernel did not take yet */
  size_t outlen, outcap;
} conn;

static conn conns[MAXFD];
static int subs[MAXFD];
static int nsubs;
static int ep;

/* ---- SHA-1 and base64, for Sec-WebSocket-Accept only ---- */
static uint32_t rol(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

static void sha1(const unsigned char *msg, size_t len, unsigned char out[20]) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  size_t total = ((len + 8) / 64 + 1) * 64;
  unsigned char *m = calloc(total, 1);
  memcpy(m, msg, len);
  m[len] = 0x80;
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; i++) m[total - 1 - i] = (unsigned char)(bits >> (8 * i));
  for (size_t off = 0; off < total; off += 64) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
      w[i] = (uint32_t)m[off + 4 * i] << 24 | (uint32_t)m[off + 4 * i + 1] << 16 | (uint32_t)m[off + 4 * i + 2] << 8 | m[off + 4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
      uint32_t f, k;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
      else { f = b ^ c ^ d; k = 0xCA62C1D6; }
      uint32_t t = rol(a, 5) + f + e + k + w[i];
      e = d; d = c; c = rol(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
  }
  free(m);
  for (int i = 0; i < 5; i++) {
    out[4 * i] = h[i] >> 24; out[4 * i + 1] = h[i] >> 16; out[4 * i + 2] = h[i] >> 8; out[4 * i + 3] = h[i];
  }
}

static void base64(const unsigned char *in, size_t len, char *out) {
  static const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
    out[o++] = t[v >> 18 & 63];
    out[o++] = t[v >> 12 & 63];
    out[o++] = i + 1 < len ? t[v >> 6 & 63] : '=';
    out[o++] = i + 2 < len ? t[v & 63] : '=';
  }
  out[o] = 0;
}

/* ---- connections ---- */
static void drop(int fd) {
  conn *c = &conns[fd];
  if (c->sub) {
    for (int i = 0; i < nsubs; i++) if (subs[i] == fd) { subs[i] = subs[--nsubs]; break; }
  }
  free(c->in);
  free(c->out);
  memset(c, 0, sizeof *c);
  close(fd);
}

static void want_out(int fd, int on) {
  struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.fd = fd};
  epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* One write(); what the kernel does not take waits in the connection's buffer for EPOLLOUT. */
static void send_bytes(int fd, const unsigned char *b, size_t n) {
  conn *c = &conns[fd];
  if (c->outlen == 0) {
    ssize_t w = write(fd, b, n);
    if (w == (ssize_t)n) return;
    if (w < 0 && errno != EAGAIN) return; /* the read side notices the close */
    if (w < 0) w = 0;
    b += w; n -= w;
    want_out(fd, 1);
  }
  if (c->outlen + n > c->outcap) {
    c->outcap = (c->outlen + n) * 2;
    c->out = realloc(c->out, c->outcap);
  }
  memcpy(c->out + c->outlen, b, n);
  c->outlen += n;
}

static size_t frame_header(unsigned char *h, unsigned char opcode, size_t len) {
  h[0] = 0x80 | opcode;
  if (len < 126) { h[1] = len; return 2; }
  if (len < 65536) { h[1] = 126; h[2] = len >> 8; h[3] = len; return 4; }
  h[1] = 127;
  for (int i = 0; i < 8; i++) h[2 + i] = (uint64_t)len >> (8 * (7 - i));
  return 10;
}

static void send_frame(int fd, unsigned char opcode, const unsigned char *p, size_t len) {
  unsigned char *f = malloc(len + 10);
  size_t h = frame_header(f, opcode, len);
  memcpy(f + h, p, len);
  send_bytes(fd, f, h + len);
  free(f);
}

/* A publisher's text: encoded once, then one write per subscriber. */
static void broadcast(const unsigned char *p, size_t len) {
  static unsigned char *f;
  static size_t cap;
  if (len + 10 > cap) { cap = len + 10; f = realloc(f, cap); }
  size_t h = frame_header(f, 1, len);
  memcpy(f + h, p, len);
  for (int i = 0; i < nsubs; i++) send_bytes(subs[i], f, h + len);
}

static int handshake(int fd) {
  conn *c = &conns[fd];
  c->in[c->inlen] = 0;
  char *end = strstr((char *)c->in, "\r\n\r\n");
  if (!end) return c->inlen < 8192 ? 0 : -1;
  char *key = strcasestr((char *)c->in, "Sec-WebSocket-Key:");
  if (!key) return -1;
  key += 18;
  while (*key == ' ') key++;
  char k[128];
  int n = 0;
  while (key[n] && key[n] != '\r' && n < 60) { k[n] = key[n]; n++; }
  strcpy(k + n, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  unsigned char digest[20];
  char accept[32], resp[256];
  sha1((unsigned char *)k, strlen(k), digest);
  base64(digest, 20, accept);
  int len = snprintf(resp, sizeof resp,
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
  send_bytes(fd, (unsigned char *)resp, len);
  c->upgraded = 1;
  c->sub = strncmp((char *)c->in, "GET /sub", 8) == 0;
  size_t used = end + 4 - (char *)c->in;
  memmove(c->in, c->in + used, c->inlen - used);
  c->inlen -= used;
  if (c->sub) {
    subs[nsubs++] = fd;
    static const char ok[] = "{\"type\":\"subscribed\"}";
    send_frame(fd, 1, (const unsigned char *)ok, sizeof ok - 1);
  }
  return 1;
}

/* Client frames are masked; text from a publisher is broadcast, ping answered, close closes. */
static int frames(int fd) {
  conn *c = &conns[fd];
  size_t off = 0;
  for (;;) {
    unsigned char *b = c->in + off;
    size_t avail = c->inlen - off;
    if (avail < 2) break;
    unsigned char opcode = b[0] & 15;
    size_t len = b[1] & 127, h = 2;
    if (len == 126) { if (avail < 4) break; len = b[2] << 8 | b[3]; h = 4; }
    else if (len == 127) { return -1; }
    if (!(b[1] & 0x80)) return -1;
    if (avail < h + 4 + len) break;
    unsigned char *mask = b + h, *p = b + h + 4;
    for (size_t i = 0; i < len; i++) p[i] ^= mask[i & 3];
    if (opcode == 8) return -1;
    if (opcode == 9) send_frame(fd, 10, p, len);
    if (opcode == 1 && !c->sub) broadcast(p, len);
    off += h + 4 + len;
  }
  memmove(c->in, c->in + off, c->inlen - off);
  c->inlen -= off;
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  int port = argc > 1 ? atoi(argv[1]) : 9090;
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4096)) { perror("listen"); return 1; }
  ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls}, evs[256];
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  fprintf(stderr, "floor listening on 127.0.0.1:%d\n", port);
  for (;;) {
    int n = epoll_wait(ep, evs, 256, -1);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == ls) {
        int cfd;
        while ((cfd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          if (cfd >= MAXFD) { close(cfd); continue; }
          setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          conns[cfd].open = 1;
          conns[cfd].in = malloc(INCAP + 1);
          struct epoll_event e = {.events = EPOLLIN, .data.fd = cfd};
          epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &e);
        }
        continue;
      }
      conn *c = &conns[fd];
      if (!c->open) continue;
      if (evs[i].events & EPOLLOUT) {
        ssize_t w = write(fd, c->out, c->outlen);
        if (w > 0) { memmove(c->out, c->out + w, c->outlen - w); c->outlen -= w; }
        if (c->outlen == 0) want_out(fd, 0);
      }
      if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        ssize_t r = read(fd, c->in + c->inlen, INCAP - c->inlen);
        if (r <= 0) { if (r == 0 || errno != EAGAIN) drop(fd); continue; }
        c->inlen += r;
        int st = c->upgraded ? 0 : handshake(fd);
        if (st < 0 || (c->upgraded && frames(fd) < 0)) drop(fd);
      }
    }
  }
}
