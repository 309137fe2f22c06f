/* HTTP codec: response heads, chunk sizes, requests, built GETs. */
#include <errno.h>
#include "netboot/http_wire.h"
#include "check.h"

static int parse(const char *s, struct http_response *r, struct errbuf *e)
{
	return http_parse_response(s, strlen(s), r, e);
}

int main(void)
{
	struct http_response r;
	struct http_request q;
	struct errbuf e;
	uint64_t n;
	char buf[512];

	const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nServer: x\r\n\r\nBODY";
	CHECK("200 head length", parse(ok, &r, &e) == (int)(strlen(ok) - 4));
	CHECK("200 status", r.status == 200 && r.content_length == 1234 && !r.chunked && !r.close);
	CHECK_STR("200 reason", r.reason, "OK");
	CHECK("incomplete head needs more", parse("HTTP/1.1 200 OK\r\nContent-Le", &r, &e) == 0);
	CHECK("404", parse("HTTP/1.1 404 Not Found\r\n\r\n", &r, &e) > 0 && r.status == 404);
	CHECK_STR("404 reason", r.reason, "Not Found");
	CHECK("chunked beats length", parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", &r, &e) > 0 &&
	      r.chunked && r.content_length == HTTP_NO_LENGTH);
	CHECK("HTTP/1.0 closes", parse("HTTP/1.0 200 OK\r\n\r\n", &r, &e) > 0 && r.close);
	CHECK("HTTP/1.0 keep-alive", parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", &r, &e) > 0 && !r.close);
	CHECK("Connection: close", parse("HTTP/1.1 200 OK\r\nconnection: Close\r\n\r\n", &r, &e) > 0 && r.close);
	CHECK("no length", parse("HTTP/1.1 200 OK\r\n\r\n", &r, &e) > 0 && r.content_length == HTTP_NO_LENGTH);
	CHECK("bare LF heads", parse("HTTP/1.1 200 OK\nContent-Length: 3\n\n", &r, &e) > 0 && r.content_length == 3);
	CHECK("redirect location", parse("HTTP/1.1 302 Found\r\nLocation: http://h/x.dat\r\n\r\n", &r, &e) > 0 &&
	      r.status == 302 && !strcmp(r.location, "http://h/x.dat"));
	CHECK("content-range", parse("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 100-199/200\r\n\r\n", &r, &e) > 0 &&
	      r.has_range && r.range_start == 100 && r.range_end == 199 && r.range_total == 200);
	CHECK("content-range star", parse("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/*\r\n\r\n", &r, &e) > 0 && r.range_total == 0);

	/* garbage answered with a message naming what was expected */
	CHECK("not HTTP", parse("SSH-2.0-OpenSSH\r\n\r\n", &r, &e) == -EPROTO && strstr(e.msg, "expected an HTTP response"));
	CHECK("bad status", parse("HTTP/1.1 2x0 OK\r\n\r\n", &r, &e) == -EPROTO && strstr(e.msg, "status line"));
	CHECK("bad length", parse("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", &r, &e) == -EPROTO && strstr(e.msg, "Content-Length"));
	CHECK("length overflow", parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", &r, &e) == -EPROTO);
	CHECK("two lengths", parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", &r, &e) == -EPROTO);
	CHECK("gzip encoding refused", parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", &r, &e) == -EPROTO);
	CHECK("header without colon", parse("HTTP/1.1 200 OK\r\nfoo\r\n\r\n", &r, &e) == -EPROTO);
	CHECK("bad content-range", parse("HTTP/1.1 206 P\r\nContent-Range: bytes 9-1/5\r\n\r\n", &r, &e) == -EPROTO);
	{
		static char big[HTTP_MAX_HEAD + 100];
		memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
		memset(big + 20, 'a', sizeof(big) - 21);
		CHECK("endless head refused", http_parse_response(big, sizeof(big) - 1, &r, &e) == -E2BIG);
	}

	CHECK("chunk size", http_parse_chunk_size("1a2B\r\nxx", 8, &n, &e) == 6 && n == 0x1a2b);
	CHECK("chunk ext", http_parse_chunk_size("10;name=v\r\n", 11, &n, &e) == 11 && n == 16);
	CHECK("chunk incomplete", http_parse_chunk_size("10", 2, &n, &e) == 0);
	CHECK("chunk garbage", http_parse_chunk_size("zz\r\n", 4, &n, &e) == -EPROTO);
	CHECK("chunk overflow", http_parse_chunk_size("11111111111111111\r\n", 19, &n, &e) == -EPROTO);

	const char *req = "GET /sysrcd.dat HTTP/1.1\r\nHost: x\r\nRange: bytes=100-\r\n\r\n";
	CHECK("request", http_parse_request(req, strlen(req), &q, &e) > 0 && !strcmp(q.method, "GET") &&
	      !strcmp(q.path, "/sysrcd.dat") && q.has_range && q.range_start == 100 && q.range_end == HTTP_NO_LENGTH);
	CHECK("request garbage", http_parse_request("HELLO\r\n\r\n", 9, &q, &e) == -EPROTO);

	/* server side: request forms, ranges, limits */
#define REQ(s) http_parse_request(s, strlen(s), &q, &e)
	CHECK("HTTP/1.1 keeps alive, has host", REQ("GET / HTTP/1.1\r\nHost: h\r\n\r\n") > 0 && !q.close && q.has_host && !q.has_range);
	CHECK("HTTP/1.0 closes", REQ("GET / HTTP/1.0\r\n\r\n") > 0 && q.close && q.minor_version == 0 && !q.has_host);
	CHECK("HTTP/1.0 keep-alive", REQ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") > 0 && !q.close);
	CHECK("Connection: close", REQ("GET / HTTP/1.1\r\nConnection: close\r\n\r\n") > 0 && q.close);
	CHECK("other method parsed", REQ("DELETE /x HTTP/1.1\r\n\r\n") > 0 && !strcmp(q.method, "DELETE"));
	CHECK("body announced", REQ("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\n") > 0 && q.has_body);
	CHECK("empty body is none", REQ("GET /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n") > 0 && !q.has_body);
	CHECK("chunked body announced", REQ("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") > 0 && q.has_body);
	CHECK("range a-b", REQ("GET /x HTTP/1.1\r\nRange: bytes=0-99\r\n\r\n") > 0 && q.has_range && !q.range_suffix &&
	      q.range_start == 0 && q.range_end == 99);
	CHECK("suffix range", REQ("GET /x HTTP/1.1\r\nRange: bytes=-500\r\n\r\n") > 0 && q.has_range && q.range_suffix &&
	      q.range_end == 500);
	CHECK("multiple ranges ignored", REQ("GET /x HTTP/1.1\r\nRange: bytes=0-1,5-6\r\n\r\n") > 0 && !q.has_range && q.multi_range);
	CHECK("other unit ignored", REQ("GET /x HTTP/1.1\r\nRange: items=0-1\r\n\r\n") > 0 && !q.has_range);
	CHECK("reversed range ignored", REQ("GET /x HTTP/1.1\r\nRange: bytes=9-1\r\n\r\n") > 0 && !q.has_range);
	{	/* fuzz-found: a bad second Range header kept the first's flag with its own start */
		uint64_t st, ln;
		CHECK("bad repeated range ignored",
		      REQ("GET /x HTTP/1.1\r\nRange: bytes=100-199\r\nRange: bytes=100-19\r\n\r\n") > 0 &&
		      !q.has_range && http_range_resolve(&q, 1000, &st, &ln) == 0);
		CHECK("repeated range: the last wins",
		      REQ("GET /x HTTP/1.1\r\nRange: bytes=-5\r\nRange: bytes=10-19\r\n\r\n") > 0 && q.has_range &&
		      !q.range_suffix && http_range_resolve(&q, 1000, &st, &ln) == 1 && st == 10 && ln == 10);
	}
	CHECK("garbage range ignored", REQ("GET /x HTTP/1.1\r\nRange: bytes=x-\r\n\r\n") > 0 && !q.has_range);
	CHECK("range over 4 GiB", REQ("GET /x HTTP/1.1\r\nRange: bytes=5368709000-\r\n\r\n") > 0 && q.has_range &&
	      q.range_start == 5368709000ull && q.range_end == HTTP_NO_LENGTH);
	CHECK("line end junk refused", REQ("GET / HTTP/1.1x\r\n\r\n") == -EPROTO);
	CHECK("empty method refused", REQ(" / HTTP/1.1\r\n\r\n") == -EPROTO);
	CHECK("bad request line shown without CR", REQ("\x16\x03 junk\r\n\r\n") == -EPROTO && strstr(e.msg, "'?? junk'"));
	CHECK("HTTP/2 refused", REQ("GET / HTTP/2.0\r\n\r\n") == -EPROTO);
	CHECK("folded request header refused", REQ("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n") == -EPROTO);
	CHECK("request incomplete", REQ("GET / HTTP/1.1\r\nHost: h\r\n") == 0);
	{
		static char big[2200];
		memcpy(big, "GET /", 5);
		memset(big + 5, 'a', 2000);
		strcpy(big + 2005, " HTTP/1.1\r\n\r\n");
		CHECK("long target is 414", REQ(big) == -ENAMETOOLONG);
		static char huge[HTTP_MAX_HEAD + 10];
		memcpy(huge, "GET / HTTP/1.1\r\nX: ", 19);
		memset(huge + 19, 'a', sizeof(huge) - 20);
		CHECK("endless request head is 431", http_parse_request(huge, sizeof(huge) - 1, &q, &e) == -E2BIG);
		static char line[HTTP_MAX_LINE + 100];
		memcpy(line, "GET / HTTP/1.1\r\nX: ", 19);
		memset(line + 19, 'a', sizeof(line) - 19);
		memcpy(line + sizeof(line) - 5, "\r\n\r\n", 4);
		line[sizeof(line) - 1] = 0;
		CHECK("long header line is 431", REQ(line) == -E2BIG);
	}
	{
		uint64_t st = 0, ln = 0;
		REQ("GET /x HTTP/1.1\r\n\r\n");
		CHECK("no range: whole", http_range_resolve(&q, 1000, &st, &ln) == 0);
		REQ("GET /x HTTP/1.1\r\nRange: bytes=10-19\r\n\r\n");
		CHECK("range resolves", http_range_resolve(&q, 1000, &st, &ln) == 1 && st == 10 && ln == 10);
		REQ("GET /x HTTP/1.1\r\nRange: bytes=990-5000\r\n\r\n");
		CHECK("range end clipped", http_range_resolve(&q, 1000, &st, &ln) == 1 && st == 990 && ln == 10);
		REQ("GET /x HTTP/1.1\r\nRange: bytes=500-\r\n\r\n");
		CHECK("open range", http_range_resolve(&q, 1000, &st, &ln) == 1 && st == 500 && ln == 500);
		REQ("GET /x HTTP/1.1\r\nRange: bytes=1000-\r\n\r\n");
		CHECK("range at end unsatisfiable", http_range_resolve(&q, 1000, &st, &ln) == -ERANGE);
		REQ("GET /x HTTP/1.1\r\nRange: bytes=-100\r\n\r\n");
		CHECK("suffix resolves", http_range_resolve(&q, 1000, &st, &ln) == 1 && st == 900 && ln == 100);
		CHECK("suffix over size is whole", http_range_resolve(&q, 50, &st, &ln) == 1 && st == 0 && ln == 50);
		CHECK("suffix of empty file unsatisfiable", http_range_resolve(&q, 0, &st, &ln) == -ERANGE);
		REQ("GET /x HTTP/1.1\r\nRange: bytes=-0\r\n\r\n");
		CHECK("suffix -0 unsatisfiable", http_range_resolve(&q, 1000, &st, &ln) == -ERANGE);
		REQ("GET /x HTTP/1.1\r\nRange: bytes=5368709100-\r\n\r\n");
		CHECK("range near the end of 5 GiB", http_range_resolve(&q, 5368709120ull, &st, &ln) == 1 &&
		      st == 5368709100ull && ln == 20);
	}
#undef REQ
	{
		struct http_reply h = { .status = 206, .content_length = 100, .content_type = "application/octet-stream",
					.has_range = true, .range_start = 5368709000ull, .range_end = 5368709099ull,
					.range_total = 5368709120ull };
		CHECK("206 head", http_build_response_head(buf, sizeof(buf), &h) > 0 &&
		      !strncmp(buf, "HTTP/1.1 206 Partial Content\r\n", 30) && strstr(buf, "Content-Length: 100\r\n") &&
		      strstr(buf, "Content-Range: bytes 5368709000-5368709099/5368709120\r\n") &&
		      strstr(buf, "Connection: keep-alive\r\n\r\n"));
		/* our own client reads what our server writes */
		CHECK("206 head parses back", parse(buf, &r, &e) > 0 && r.status == 206 && r.content_length == 100 &&
		      r.has_range && r.range_start == 5368709000ull && r.range_total == 5368709120ull && !r.close);
		struct http_reply u = { .status = 416, .unsatisfiable = true, .range_total = 1000, .close = true };
		CHECK("416 head", http_build_response_head(buf, sizeof(buf), &u) > 0 &&
		      strstr(buf, "Content-Range: bytes */1000\r\n") && strstr(buf, "Connection: close\r\n") &&
		      strstr(buf, "Content-Length: 0\r\n"));
		struct http_reply m = { .status = 405, .allow = "GET, HEAD", .no_store = true };
		CHECK("405 head", http_build_response_head(buf, sizeof(buf), &m) > 0 && strstr(buf, "Allow: GET, HEAD\r\n") &&
		      strstr(buf, "Cache-Control: no-store\r\n") && strstr(buf, "405 Method Not Allowed"));
		CHECK("431 text", !strcmp(http_status_text(431), "Request Header Fields Too Large"));
		CHECK("head too small", http_build_response_head(buf, 40, &m) == -ENOSPC);
	}

	int len = http_build_get(buf, sizeof(buf), "10.0.2.2", 8080, "/sysrcd.dat", 4096, NULL);
	CHECK("GET built", len > 0 && strstr(buf, "GET /sysrcd.dat HTTP/1.1\r\n") && strstr(buf, "Host: 10.0.2.2:8080\r\n") &&
	      strstr(buf, "Range: bytes=4096-\r\n") && !strstr(buf, "If-Range"));
	CHECK("GET too long", http_build_get(buf, 20, "h", 80, "/x", 0, NULL) == -ENOSPC);
	len = http_build_get(buf, sizeof(buf), "2001:db8::1", 8080, "/x", 0, NULL);
	CHECK("GET to IPv6: Host in brackets", len > 0 && strstr(buf, "Host: [2001:db8::1]:8080\r\n"));
	len = http_build_get(buf, sizeof(buf), "fe80::1%eth0", 80, "/x", 0, NULL);
	CHECK("GET to IPv6, zone, port 80", len > 0 && strstr(buf, "Host: [fe80::1%25eth0]\r\n"));
	len = http_build_get(buf, sizeof(buf), "h", 80, "/x", 10, "\"5f-1a\"");
	CHECK("GET resume carries If-Range", len > 0 && strstr(buf, "Range: bytes=10-\r\nIf-Range: \"5f-1a\"\r\n") &&
	      !strcmp(buf + len - 4, "\r\n\r\n"));
	len = http_build_get(buf, sizeof(buf), "h", 80, "/x", 0, "\"5f-1a\"");
	CHECK("GET from 0: no If-Range", len > 0 && !strstr(buf, "If-Range") && !strstr(buf, "Range:"));
	len = http_build_get_span(buf, sizeof(buf), "h", 80, "/x", 0, 262143, NULL);
	CHECK("GET span from 0: bytes=0-262143", len > 0 && strstr(buf, "Range: bytes=0-262143\r\n"));
	len = http_build_get_span(buf, sizeof(buf), "h", 80, "/x", 4096, 8191, NULL);
	CHECK("GET span: bytes=4096-8191", len > 0 && strstr(buf, "Range: bytes=4096-8191\r\n"));
	len = http_build_get_span(buf, sizeof(buf), "h", 80, "/x", 0, HTTP_RANGE_OPEN, NULL);
	CHECK("GET span, all of it: no Range", len > 0 && !strstr(buf, "Range:"));

	/* validators and Retry-After */
	CHECK("ETag kept exactly", parse("HTTP/1.1 200 OK\r\nETag: \"65f1-3a\"\r\nLast-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n", &r, &e) > 0 &&
	      !strcmp(r.etag, "\"65f1-3a\"") && !strcmp(r.last_modified, "Sun, 06 Nov 1994 08:49:37 GMT") &&
	      !strcmp(http_validator(&r), "\"65f1-3a\""));
	CHECK("weak ETag: Last-Modified used", parse("HTTP/1.1 200 OK\r\nETag: W/\"x\"\r\nLast-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n", &r, &e) > 0 &&
	      !strcmp(http_validator(&r), "Sun, 06 Nov 1994 08:49:37 GMT"));
	CHECK("weak ETag alone: none", parse("HTTP/1.1 200 OK\r\nETag: W/\"x\"\r\n\r\n", &r, &e) > 0 && !http_validator(&r));
	CHECK("no validators", parse("HTTP/1.1 200 OK\r\n\r\n", &r, &e) > 0 && !http_validator(&r) && r.retry_kind == HTTP_RETRY_NONE);
	CHECK("ETag with a blank dropped", parse("HTTP/1.1 200 OK\r\nETag: \"a b\"\r\n\r\n", &r, &e) > 0 && !r.etag[0]);
	CHECK("ETag with a control byte dropped", parse("HTTP/1.1 200 OK\r\nETag: \"a\x01\"\r\n\r\n", &r, &e) > 0 && !r.etag[0]);
	CHECK("bad Last-Modified dropped", parse("HTTP/1.1 200 OK\r\nLast-Modified: yesterday\r\n\r\n", &r, &e) > 0 && !r.last_modified[0]);
	{
		char longtag[300] = "HTTP/1.1 200 OK\r\nETag: \"";
		memset(longtag + strlen(longtag), 'a', 200);
		strcat(longtag, "\"\r\n\r\n");
		CHECK("over-long ETag dropped", parse(longtag, &r, &e) > 0 && !r.etag[0]);
	}
	int64_t t = 0;
	CHECK("IMF-fixdate", http_parse_date("Sun, 06 Nov 1994 08:49:37 GMT", 29, &t) == 0 && t == 784111777);
	CHECK("leap day 2024", http_parse_date("Thu, 29 Feb 2024 00:00:00 GMT", 29, &t) == 0 && t == 1709164800);
	CHECK("RFC 850 refused", http_parse_date("Sunday, 06-Nov-94 08:49:37 GMT", 30, &t) == -EINVAL);
	CHECK("bad month refused", http_parse_date("Sun, 06 Nox 1994 08:49:37 GMT", 29, &t) == -EINVAL);
	CHECK("bad hour refused", http_parse_date("Sun, 06 Nov 1994 28:49:37 GMT", 29, &t) == -EINVAL);
	CHECK("not GMT refused", http_parse_date("Sun, 06 Nov 1994 08:49:37 CET", 29, &t) == -EINVAL);
	CHECK("Retry-After seconds", parse("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\n\r\n", &r, &e) > 0 &&
	      r.retry_kind == HTTP_RETRY_DELAY && http_retry_wait(&r, 0, 120) == 7);
	CHECK("Retry-After capped", parse("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 86400\r\n\r\n", &r, &e) > 0 &&
	      http_retry_wait(&r, 0, 120) == 120);
	CHECK("Retry-After huge number capped", parse("HTTP/1.1 503 X\r\nRetry-After: 99999999999999\r\n\r\n", &r, &e) > 0 &&
	      http_retry_wait(&r, 0, 120) == 120);
	CHECK("Retry-After date", parse("HTTP/1.1 503 X\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n", &r, &e) > 0 &&
	      r.retry_kind == HTTP_RETRY_DATE && http_retry_wait(&r, 784111777 - 30, 120) == 30);
	CHECK("Retry-After date past: 0", http_retry_wait(&r, 784111777 + 30, 120) == 0);
	CHECK("Retry-After garbage ignored", parse("HTTP/1.1 503 X\r\nRetry-After: soon\r\n\r\n", &r, &e) > 0 &&
	      http_retry_wait(&r, 0, 120) == -1);
	CHECK("429 text", !strcmp(http_status_text(429), "Too Many Requests"));
	return CHECK_DONE();
}
