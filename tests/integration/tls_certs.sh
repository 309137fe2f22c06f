# Makes the certificates the HTTPS tests use, in folder $1 (P-256 keys: quick):
#   ca.crt/key        the test CA (what `--ca` or `make initramfs CA=` trusts)
#   good.*            by the CA, for localhost, 127.0.0.1 and 10.0.2.2 (QEMU's host);
#                     valid from 2020 (before any build date: the clock-floor boot) for 30 days
#   wrongname.*       by the CA, for other.example only
#   evil-ca.crt, unknownca.*  another CA nobody trusts, and a good-looking cert by it
#   expired.*         by the CA, valid 2020-01-01 to 2020-01-02
#   selfsigned.*      self-signed, for localhost and 127.0.0.1
# `openssl ca` is the openssl 3.0 command that takes explicit dates.
# Not a test (not executable, so tests/run.sh skips it): run with bash by the TLS tests.
set -e
d=$1; mkdir -p "$d"; cd "$d"
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"; }
ca() { key "$1"; openssl req -x509 -key "$1.key" -out "$1.crt" -days 30 -subj "/CN=$2" 2>/dev/null; }
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
keyUsage = digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
CONF
leaf() { # name ca san start end
	key "$1"
	openssl req -new -key "$1.key" -subj "/CN=$(echo "$3" | sed 's/^[A-Z]*://; s/,.*//')" -out "$1.csr" 2>/dev/null
	SAN=$3 openssl ca -batch -config cadb/conf -cert "$2.crt" -keyfile "$2.key" -in "$1.csr" -out "$1.crt" \
		-startdate "$4" -enddate "$5" -notext >/dev/null 2>&1
}
later=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
ca ca "netboot test CA"
ca evil-ca "netboot evil CA"
leaf good ca "DNS:localhost,IP:127.0.0.1,IP:10.0.2.2" 20200101000000Z "$later"
leaf wrongname ca "DNS:other.example" 20200101000000Z "$later"
leaf unknownca evil-ca "DNS:localhost,IP:127.0.0.1" 20200101000000Z "$later"
leaf expired ca "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20200102000000Z
key selfsigned
openssl req -x509 -key selfsigned.key -out selfsigned.crt -days 30 -subj /CN=localhost \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
