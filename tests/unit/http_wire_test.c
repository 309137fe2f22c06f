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

	int len = http_build_get(buf, sizeof(buf), "10.0.2.2", 8080, "/sysrcd.dat", 4096);
	CHECK("GET built", len > 0 && strstr(buf, "GET /sysrcd.dat HTTP/1.1\r\n") && strstr(buf, "Host: 10.0.2.2:8080\r\n") &&
	      strstr(buf, "Range: bytes=4096-\r\n"));
	CHECK("GET too long", http_build_get(buf, 20, "h", 80, "/x", 0) == -ENOSPC);
	return CHECK_DONE();
}
