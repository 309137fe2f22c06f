#!/bin/bash
# Makes the certificates the HTTPS tests use, in folder $1 (P-256 keys: quick):
#   ca.crt/key        the test CA (what `--ca` or `make initramfs CA=` trusts)
#   good.*            by the CA, for localhost, 127.0.0.1 and 10.0.2.2 (QEMU's host)
#   wrongname.*       by the CA, for other.example only
#   evil-ca.crt, unknownca.*  another CA nobody trusts, and a good-looking cert by it
#   expired.*         by the CA, valid 2020-01-01 to 2020-01-02 (openssl ca -startdate/-enddate)
#   selfsigned.*      self-signed, for localhost and 127.0.0.1
# Not a test (not executable, so tests/run.sh skips it): run with bash by the TLS tests.
set -e
d=$1; mkdir -p "$d"; cd "$d"
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"; }
ca() { key "$1"; openssl req -x509 -key "$1.key" -out "$1.crt" -days 30 -subj "/CN=$2" 2>/dev/null; }
leaf() { # name ca san [extra openssl x509 args]
	local n=$1 c=$2 san=$3
	key "$n"
	openssl req -new -key "$n.key" -subj "/CN=${san%%,*}" -out "$n.csr" 2>/dev/null
	printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$4" > "$n.ext"
	openssl x509 -req -in "$n.csr" -CA "$c.crt" -CAkey "$c.key" -CAcreateserial -days 30 -extfile "$n.ext" -out "$n.crt" 2>/dev/null
}
ca ca "netboot test CA"
ca evil-ca "netboot evil CA"
leaf good ca localhost "DNS:localhost,IP:127.0.0.1,IP:10.0.2.2"
leaf wrongname ca other.example "DNS:other.example"
leaf unknownca evil-ca localhost "DNS:localhost,IP:127.0.0.1"
# expired: openssl ca is the tool that takes explicit dates
key expired
openssl req -new -key expired.key -subj /CN=localhost -out expired.csr 2>/dev/null
mkdir -p cadb; : > cadb/index.txt; echo 1000 > cadb/serial
cat > cadb/conf <<CONF
[ca]
default_ca = c
[c]
dir = $d/cadb
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = p
unique_subject = no
x509_extensions = x
[p]
commonName = supplied
[x]
basicConstraints = CA:FALSE
subjectAltName = DNS:localhost,IP:127.0.0.1
CONF
openssl ca -batch -config cadb/conf -cert ca.crt -keyfile ca.key -in expired.csr -out expired.crt \
	-startdate 20200101000000Z -enddate 20200102000000Z -notext >/dev/null 2>&1
key selfsigned
openssl req -x509 -key selfsigned.key -out selfsigned.crt -days 30 -subj /CN=localhost \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
